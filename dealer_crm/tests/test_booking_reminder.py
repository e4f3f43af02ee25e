# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 29, "Book from the reminder": the service reminder carries the link to book the
service due, and every mail about a booking (its confirmation, a changed date, the
calendar's alarm, the day-before reminder) goes through the consent gate."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DealerCrmCase, load_migration


@tagged("post_install", "-at_install")
class TestBookFromTheReminder(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        Plan = cls.env["dealer.maintenance.plan"]
        Plan.search([]).action_archive()
        Plan.create({"name": "Default", "interval_months": 12, "interval_distance": 15000})
        cls.env["dealer.followup.step"].search([]).action_archive()
        # the demo's workshop types (if any) are not these tests' workshop
        cls.env["resource.booking.type"].search([("dealer_service_type", "!=", False)]).write(
            {"active": False}
        )
        Partner = cls.env["res.partner"]
        cls.ada = Partner.create(
            {"name": "Ada Allowed", "email": "ada@example.com", "mobile": "+85261110003"}
        )
        cls.tex = Partner.create(
            {"name": "Tex Texted", "email": "tex@example.com", "mobile": "+85261110004"}
        )
        cls.wes = Partner.create(
            {"name": "Wes Withdrawn", "email": "wes@example.com", "mobile": "+85261110005"}
        )
        Consent = cls.env["dealer.consent"]
        Consent.create(
            [
                {"partner_id": p.id, "purpose": "service_reminder", "channel": channel}
                | {"state": "granted"}
                for p, channel in ((cls.ada, "email"), (cls.wes, "email"), (cls.tex, "sms"))
            ]
        )
        cls.vehicles = {}
        for number, partner in enumerate((cls.ada, cls.tex, cls.wes), start=1):
            vehicle = cls._create_vehicle(
                vin=cls._recall_vin(number),
                license_plate=f"BK {number}",
                owner_id=partner.id,
                purchase_date=cls.today - relativedelta(years=3),
            )
            cls._create_visit(
                vehicle, cls.today - timedelta(days=400), cls.user_service, state="done"
            )
            cls.vehicles[partner] = vehicle
        cls.maintenance = cls._create_reminder_booking_type("maintenance")
        cls.Reminder = cls.env["dealer.service.reminder"]
        cls.Booking = cls.env["resource.booking"]

    # helpers ------------------------------------------------------------------
    def _bookings(self, vehicle):
        return self.Booking.with_context(active_test=False).search(
            [("dealer_vehicle_id", "=", vehicle.id)]
        )

    def _reminder_mail(self, vehicle):
        return vehicle.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and vehicle.owner_id in m.partner_ids
            )
        )

    def _mails_to(self, partner, record):
        return record.message_ids.filtered(lambda m: partner in m.partner_ids)

    def _withdraw(self, partner):
        self.env["dealer.consent"].search(
            [("partner_id", "=", partner.id), ("purpose", "=", "service_reminder")]
        ).write({"state": "withdrawn"})

    def _notes(self, record, text):
        return record.message_ids.filtered(lambda m: text in str(m.body))

    def _invitations_to(self, partner, booking):
        return self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", booking.meeting_id.id),
                ("partner_ids", "in", partner.ids),
            ]
        )

    # the reminder's link --------------------------------------------------------
    def test_reminder_mail_carries_the_link_to_schedule_a_pending_booking(self):
        self.Reminder._cron_service_reminders()
        vehicle = self.vehicles[self.ada]
        booking = self._bookings(vehicle)
        self.assertEqual(len(booking), 1)
        self.assertEqual(booking.state, "pending")
        self.assertEqual(booking.partner_ids, self.ada)
        self.assertEqual(booking.type_id, self.maintenance)
        self.assertEqual(booking.user_id, self.user_service, "the vehicle's latest advisor")
        self.assertTrue(booking.access_token)
        mail = self._reminder_mail(vehicle)
        self.assertEqual(len(mail), 1)
        url = booking._dealer_schedule_url()
        self.assertIn(f"/my/bookings/{booking.id}/schedule", url)
        self.assertIn(f"access_token={booking.access_token}", url)
        self.assertIn(url.replace("&", "&amp;"), str(mail.body))
        self.assertNotIn("call us", str(mail.body))

    def test_reminder_sms_carries_the_link(self):
        self.Reminder._cron_service_reminders()
        booking = self._bookings(self.vehicles[self.tex])
        sms = self.env["sms.sms"].search([("partner_id", "=", self.tex.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn(booking._dealer_schedule_url(), sms.body)
        self.assertNotIn("Call us", sms.body)

    def test_refused_owner_gets_no_booking_nor_reminder(self):
        self._withdraw(self.wes)
        self.Reminder._cron_service_reminders()
        self.assertFalse(self._bookings(self.vehicles[self.wes]))
        self.assertFalse(self._reminder_mail(self.vehicles[self.wes]))

    def test_without_a_booking_type_the_reminder_says_call_us(self):
        self.maintenance.active = False
        self.Reminder._cron_service_reminders()
        vehicle = self.vehicles[self.ada]
        self.assertFalse(self._bookings(vehicle))
        mail = self._reminder_mail(vehicle)
        self.assertEqual(len(mail), 1)
        self.assertIn("call us", str(mail.body))
        self.assertNotIn("/my/bookings", str(mail.body))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.tex.id)])
        self.assertIn("Call us to book.", sms.body)

    def test_the_open_pending_booking_is_reused_never_two(self):
        vehicle = self.vehicles[self.ada]
        first = self.Reminder._booking_links(vehicle, "maintenance")
        again = self.Reminder._booking_links(vehicle, "maintenance")
        self.assertEqual(first, again)
        self.assertEqual(len(self._bookings(vehicle)), 1)
        # the reminder job, run again on the next due date, reuses it too
        self.Reminder._cron_service_reminders()
        self.assertEqual(len(self._bookings(vehicle)), 1)
        # once scheduled it is no longer open: the next reminder makes a new one
        self._schedule_reminder_booking(self._bookings(vehicle))
        self.Reminder._booking_links(vehicle, "maintenance")
        self.assertEqual(sorted(self._bookings(vehicle).mapped("state")), ["confirmed", "pending"])

    def test_a_previous_owners_pending_booking_is_cancelled_not_reused(self):
        vehicle = self.vehicles[self.ada]
        self.Reminder._booking_links(vehicle, "maintenance")
        old = self._bookings(vehicle)
        vehicle.owner_id = self.tex
        self.Reminder._booking_links(vehicle, "maintenance")
        new = self._bookings(vehicle) - old
        self.assertEqual(new.partner_ids, self.tex)
        self.assertEqual(old.state, "canceled")
        self.assertFalse(old.access_token, "the old owner's link no longer opens it")

    def test_booking_type_of_the_company_or_of_none_first_by_id(self):
        Booking = self.Booking
        company = self.env.company
        company_b = self._create_company("Dealer B")
        self.assertEqual(
            Booking._dealer_booking_types(company | company_b, "maintenance"),
            {company: self.maintenance, company_b: self.maintenance},
            "a type of no company serves every company",
        )
        of_b = self._create_reminder_booking_type("maintenance", company_b)
        self.assertEqual(
            Booking._dealer_booking_types(company | company_b, "maintenance"),
            {company: self.maintenance, company_b: self.maintenance},
            "the first by id",
        )
        self.maintenance.active = False
        self.assertEqual(
            Booking._dealer_booking_types(company | company_b, "maintenance"),
            {company_b: of_b},
            "never another company's type, never an archived one",
        )
        self.assertEqual(Booking._dealer_booking_types(company, "bodywork"), {})

    def test_imported_history_creates_no_booking(self):
        """A vehicle imported counts as reminded on the import day (README "Importing a
        dealer's history"): the reminder job makes no booking for it."""
        vehicle = (
            self.env["dealer.vehicle"]
            .with_context(import_file=True)
            .create(
                {
                    "vin": self._recall_vin(9),
                    "model_id": self.vehicles[self.ada].model_id.id,
                    "owner_id": self.ada.id,
                    "purchase_date": self.today - relativedelta(years=3),
                }
            )
        )
        self.assertEqual(vehicle.service_reminder_date, self.today)
        self.Reminder._cron_service_reminders()
        self.assertFalse(self._bookings(vehicle))

    # the consent gate on the calendar's mails -----------------------------------
    def test_confirmation_goes_to_the_customer_who_allows_it(self):
        self.Reminder._booking_links(self.vehicles[self.ada], "maintenance")
        booking = self._bookings(self.vehicles[self.ada])
        self._schedule_reminder_booking(booking)
        self.assertEqual(booking.state, "confirmed")
        self.assertTrue(self._invitations_to(self.ada, booking), "the invitation")

    def test_no_calendar_mail_to_a_customer_who_withdrew(self):
        vehicle = self.vehicles[self.wes]
        self.Reminder._booking_links(vehicle, "maintenance")
        booking = self._bookings(vehicle)
        self._withdraw(self.wes)
        self._schedule_reminder_booking(booking)
        self.assertEqual(booking.state, "confirmed", "the booking itself is made")
        self.assertFalse(self._invitations_to(self.wes, booking))
        self.assertTrue(self._notes(booking, "no consent on record"), "the gate's note")
        # a changed date, then the calendar's alarm mail: none either
        booking.sudo().start += timedelta(hours=1)
        reminder = self.env.ref("calendar.calendar_template_meeting_reminder")
        booking.meeting_id.attendee_ids._send_mail_to_attendees(reminder)
        self.assertFalse(self._invitations_to(self.wes, booking))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.wes.ids)]))

    def test_no_calendar_mail_to_archived_or_anonymised_customers(self):
        for partner, retire, hours in (
            (self.ada, lambda p: p.action_archive(), 2),
            (self.tex, lambda p: p.sudo().write({"dealer_anonymized": True}), 3),
        ):
            self.Reminder._booking_links(self.vehicles[partner], "maintenance")
            booking = self._bookings(self.vehicles[partner])
            retire(partner)
            self._schedule_reminder_booking(booking, hours)
            self.assertFalse(self._invitations_to(partner, booking), partner.name)

    # the day-before reminder ------------------------------------------------------
    def _tomorrows_booking(self, partner, hours_ahead=20):
        self.Reminder._booking_links(self.vehicles[partner], "maintenance")
        booking = self._bookings(self.vehicles[partner])
        return self._schedule_reminder_booking(booking, hours_ahead)

    def test_day_before_reminder_through_the_gate_once(self):
        ada = self._tomorrows_booking(self.ada)
        tex = self._tomorrows_booking(self.tex, hours_ahead=21)
        later = self._tomorrows_booking(self.wes, hours_ahead=40)
        Job = self.env["dealer.booking.reminder"]
        done = Job._cron_booking_reminders()
        self.assertEqual(done, ada | tex, "tomorrow's bookings, not the day after's")
        template = self.env.ref("dealer_crm.mail_template_booking_day_before")
        mail = ada.message_ids.filtered(lambda m: self.ada in m.partner_ids)
        self.assertEqual(len(mail), 1)
        self.assertIn(template.subject.split(":")[0], mail.subject)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.tex.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("BK 2", sms.body)
        self.assertTrue(ada.dealer_day_before_sent and tex.dealer_day_before_sent)
        self.assertFalse(later.dealer_day_before_sent)
        # a second run sends nothing
        self.assertFalse(Job._cron_booking_reminders())
        self.assertEqual(len(ada.message_ids.filtered(lambda m: self.ada in m.partner_ids)), 1)

    def test_withdrawal_between_booking_and_reminder(self):
        booking = self._tomorrows_booking(self.wes)
        self.assertTrue(self._invitations_to(self.wes, booking), "allowed when booked")
        self._withdraw(self.wes)
        done = self.env["dealer.booking.reminder"]._cron_booking_reminders()
        self.assertEqual(done, booking, "dealt with, once")
        self.assertTrue(booking.dealer_day_before_sent)
        self.assertFalse(self._mails_to(self.wes, booking))
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.wes.id)]))
        self.assertTrue(self._notes(booking, "no consent on record"))
        # nor the calendar's own alarm
        reminder = self.env.ref("calendar.calendar_template_meeting_reminder")
        before = self._invitations_to(self.wes, booking)
        booking.meeting_id.attendee_ids._send_mail_to_attendees(reminder)
        self.assertEqual(self._invitations_to(self.wes, booking), before)

    def test_day_before_stamp_is_the_jobs_alone(self):
        booking = self._tomorrows_booking(self.ada)
        self.assertIn("dealer_day_before_sent", booking._dealer_protected_fields)
        as_service = booking.with_user(self.user_service)
        with self.assertRaises(AccessError):
            as_service.write({"dealer_day_before_sent": True})
        self.assertFalse(booking.dealer_day_before_sent)

    # recall notices -------------------------------------------------------------------
    def test_recall_notice_carries_the_link_to_book_the_recall_work(self):
        recall_type = self._create_reminder_booking_type("recall")
        campaign = self._create_recall_campaign()
        campaign.action_match_models()
        campaign.with_user(self.user_manager).action_notify()
        vehicle = self.vehicles[self.ada]
        line = campaign.line_ids.filtered(lambda l: l.vehicle_id == vehicle)
        self.assertEqual(line.state, "notified")
        booking = self._bookings(vehicle)
        self.assertEqual(booking.type_id, recall_type, "a booking for the recall work")
        self.assertEqual(booking.partner_ids, self.ada)
        mail = line.message_ids.filtered(lambda m: self.ada in m.partner_ids)
        self.assertIn(booking._dealer_schedule_url().replace("&", "&amp;"), str(mail.body))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.tex.id)])
        self.assertIn(self._bookings(self.vehicles[self.tex])._dealer_schedule_url(), sms.body)
        # the maintenance booking and the recall booking are two kinds: each its own
        self.Reminder._booking_links(vehicle, "maintenance")
        self.assertEqual(
            sorted(self._bookings(vehicle).type_id.mapped("dealer_service_type")),
            ["maintenance", "recall"],
        )

    def test_merged_contacts_keep_their_booking_and_reuse_it(self):
        vehicle = self.vehicles[self.wes]
        self.Reminder._booking_links(vehicle, "maintenance")
        booking = self._bookings(vehicle)
        self.wes.email = self.ada.email  # the same customer, recorded twice
        merge = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=(self.wes | self.ada).ids)
            .create({"dst_partner_id": self.ada.id})
        )
        merge.action_merge()
        self.env.invalidate_all()
        self.assertEqual(booking.partner_ids, self.ada)
        self.assertEqual(vehicle.owner_id, self.ada)
        self.Reminder._booking_links(vehicle, "maintenance")
        self.assertEqual(self._bookings(vehicle), booking, "the merged customer's, reused")


@tagged("post_install", "-at_install")
class TestReminderTemplatesUpgrade(DealerCrmCase):
    """An upgrade puts the booking link in reminder templates still worded as shipped,
    and leaves the ones a dealer reworded."""

    def test_the_shipped_wording_gets_the_link_a_reworded_one_is_kept(self):
        migration = load_migration("18.0.1.7.0")
        mail = self.env.ref("dealer_crm.mail_template_service_reminder")
        sms = self.env.ref("dealer_crm.sms_template_service_reminder")
        shipped = (
            "<div><p>Dear <t t-out=\"object.partner_id.name or ''\">Customer</t>,</p>"
            f"{migration.MAIL_OLD}<p>Kind regards</p></div>"
        )
        mail.write({"body_html": shipped})
        sms.write({"body": "Your car is due. Call us to book."})
        recall_mail = self.env.ref("dealer_crm.mail_template_recall_notice")
        recall_sms = self.env.ref("dealer_crm.sms_template_recall_notice")
        recall_mail.write({"body_html": f"<div>{migration.RECALL_MAIL_OLD}</div>"})
        recall_sms.write({"body": "Recall R1. The work is free; call us to book."})
        self.env.flush_all()
        migration.add_booking_links(self.env.cr)
        self.env.invalidate_all()
        self.assertIn("dealer_booking_url", recall_mail.body_html)
        self.assertIn("book online: ", recall_sms.body)
        self.assertIn("dealer_booking_url", mail.body_html)
        self.assertIn("Kind regards", mail.body_html, "the rest of the wording is kept")
        self.assertIn("Book online: ", sms.body)
        # a second upgrade changes nothing more
        before = (mail.body_html, sms.body)
        migration.add_booking_links(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual((mail.body_html, sms.body), before)
        # the dealer's own words stay
        mail.write({"body_html": "<div><p>Ring us on 1234 to book.</p></div>"})
        sms.write({"body": "Ring us on 1234."})
        self.env.flush_all()
        migration.add_booking_links(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual(mail.body_html, "<div><p>Ring us on 1234 to book.</p></div>")
        self.assertEqual(sms.body, "Ring us on 1234.")
