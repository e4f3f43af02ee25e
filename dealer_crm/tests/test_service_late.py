# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delayed service (issue 29): the promised-ready time, the late flag and its activity
(a batched, idempotent job), the delay told to the customer through the consent gate,
the time a visit was done, and what a department user may send by RPC."""

from datetime import datetime, time, timedelta
from unittest.mock import patch

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import DealerCrmCase

NOW = datetime(2026, 11, 30, 9, 0, 0)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestServiceLate(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Visit = cls.env["dealer.service.record"]
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        cls.activity_type = cls.env.ref("dealer_crm.mail_activity_type_late_visit")

    def _late_activities(self, visits):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "dealer.service.record"),
                ("res_id", "in", visits.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _inform(self, visit, user=None, hours=3, reason="A part arrives at noon"):
        wizard = self.env["dealer.service.delay"].with_user(user or self.user_service)
        return wizard.create(
            {
                "visit_id": visit.id,
                "new_promised_ready": NOW + timedelta(hours=hours),
                "reason": reason,
            }
        ).action_confirm()

    def _delay_interactions(self, visit):
        return self.env["dealer.interaction"].search([("service_record_id", "=", visit.id)])

    # The job -------------------------------------------------------------------------
    def test_the_job_flags_only_visits_in_the_workshop_past_their_promise_once(self):
        past = NOW - timedelta(hours=1)
        late = self._create_late_visit(self.vehicle, past, advisor=self.user_service)
        started = self._create_late_visit(self.vehicle, past, state="in_progress")
        not_yet = self._create_late_visit(self.vehicle, NOW + timedelta(hours=1))
        no_promise = self._create_visit(self.vehicle)
        done = self._create_late_visit(self.vehicle, NOW + timedelta(hours=2), state="done")
        cancelled = self._create_late_visit(self.vehicle, past, state="cancelled")
        self.Visit._cron_flag_late()
        self.assertTrue(late.dealer_late and started.dealer_late)
        for visit in (not_yet, no_promise, cancelled):
            self.assertFalse(visit.dealer_late, visit.name)
        self.assertFalse(done.dealer_late, "done before its promise")
        activities = self._late_activities(late | started)
        self.assertEqual(len(activities), 2)
        self.assertEqual(
            activities.filtered(lambda a: a.res_id == late.id).user_id, self.user_service
        )
        self.assertFalse(self._late_activities(not_yet | no_promise | done | cancelled))
        # a second run creates nothing
        self.Visit._cron_flag_late()
        self.assertEqual(len(self._late_activities(late | started)), 2)

    def test_the_job_works_in_batches_and_reports_what_is_left(self):
        self.Visit._cron_flag_late(batch_size=10**6)  # whatever the database holds late already
        visits = self.Visit.browse()
        for hours in (1, 2, 3):
            visits |= self._create_late_visit(self.vehicle, NOW - timedelta(hours=hours))
        progress = []
        Cron = type(self.env["ir.cron"])
        original = Cron._notify_progress

        def spy(cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))
            return original(cron, done=done, remaining=remaining, deactivate=deactivate)

        with patch.object(Cron, "_notify_progress", spy):
            first = self.Visit._cron_flag_late(batch_size=2)
            second = self.Visit._cron_flag_late(batch_size=2)
            third = self.Visit._cron_flag_late(batch_size=2)
        self.assertEqual(len(first), 2, "the earliest promises first")
        self.assertEqual(first | second, visits)
        self.assertFalse(third)
        self.assertEqual(progress, [(2, 1), (1, 0), (0, 0)])

    def test_a_visit_with_an_open_late_activity_gets_no_second_one(self):
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        visit.activity_schedule(
            "dealer_crm.mail_activity_type_late_visit", user_id=self.user_service.id
        )
        self.Visit._cron_flag_late()
        self.assertTrue(visit.dealer_late)
        self.assertEqual(len(self._late_activities(visit)), 1)

    def test_the_job_flags_the_visits_of_every_company_and_of_archived_customers(self):
        company_b, service_b = self._create_company_b(
            "Dealer B", t_service_b="dealer_crm.group_service"
        )
        owner_b = self.env["res.partner"].create({"name": "Lee Ka Yan"})
        vehicle_b = self._create_vehicle(
            self._recall_vin(1), owner_id=owner_b.id, company_id=company_b.id
        )
        visit_b = self._create_late_visit(
            vehicle_b, NOW - timedelta(hours=1), company_id=company_b.id, advisor=service_b
        )
        archived = self.env["res.partner"].create({"name": "Ho Wing"})
        vehicle_c = self._create_vehicle(self._recall_vin(2), owner_id=archived.id)
        visit_c = self._create_late_visit(vehicle_c, NOW - timedelta(hours=1))
        archived.active = False
        self.Visit._cron_flag_late()
        self.assertTrue(visit_b.dealer_late and visit_c.dealer_late)
        self.assertEqual(self._late_activities(visit_b).user_id, service_b)
        # a user of the first company does not see the second's visit
        self.env.invalidate_all()
        self.assertFalse(self.Visit.with_user(self.user_service).search([("id", "=", visit_b.id)]))
        with self.assertRaises(AccessError):
            visit_b.with_user(self.user_service).action_dealer_inform_delay()

    # Done: when, and whether on time --------------------------------------------------
    def test_a_visit_records_when_it_was_done_and_is_late_when_done_after_its_promise(self):
        on_time = self._create_late_visit(self.vehicle, NOW + timedelta(hours=1))
        after = self._create_late_visit(self.vehicle, NOW - timedelta(minutes=5))
        no_promise = self._create_visit(self.vehicle)
        (on_time | after | no_promise).with_user(self.user_service).action_done()
        for visit in (on_time, after, no_promise):
            self.assertEqual(visit.dealer_done_at, NOW)
        self.assertFalse(on_time.dealer_late)
        self.assertTrue(after.dealer_late, "done after its promise, before the job ran")
        self.assertFalse(no_promise.dealer_late)
        self.assertFalse(self._late_activities(after), "done: nobody to tell any more")

    def test_history_imported_as_done_records_no_done_time_and_no_work(self):
        yesterday = self._today() - timedelta(days=1)
        imported = self.Visit.with_context(import_file=True).create(
            {
                "vehicle_id": self.vehicle.id,
                "date": yesterday,
                "dealer_promised_ready": NOW - timedelta(days=1),
                "state": "done",
            }
        )
        self.assertEqual(imported.state, "done")
        self.assertFalse(imported.dealer_done_at)
        self.assertFalse(imported.dealer_late)
        self.Visit._cron_flag_late()
        self.assertFalse(self._late_activities(imported))

    # Telling the customer --------------------------------------------------------------
    def test_the_advisor_tells_the_customer_by_email_on_the_timeline_and_the_activity_is_done(
        self,
    ):
        self._create_service_consent(self.customer, "email")
        visit = self._create_late_visit(
            self.vehicle, NOW - timedelta(hours=1), advisor=self.user_service
        )
        self.Visit._cron_flag_late()
        action = visit.with_user(self.user_service).action_dealer_inform_delay()
        self.assertEqual(action["res_model"], "dealer.service.delay")
        form = Form(
            self.env["dealer.service.delay"]
            .with_user(self.user_service)
            .with_context(**action["context"])
        )
        form.new_promised_ready = NOW + timedelta(hours=4)
        form.reason = "The gearbox part arrives at noon"
        result = form.save().action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.assertEqual(visit.dealer_promised_ready, NOW + timedelta(hours=4))
        self.assertEqual(visit.dealer_delay_reason, "The gearbox part arrives at noon")
        self.assertTrue(visit.dealer_late, "late once: the first promise was not kept")
        message = visit.message_ids.filtered(
            lambda m: self.customer in m.partner_ids and "new ready time" in (m.subject or "")
        )
        self.assertEqual(len(message), 1, "the customer is emailed")
        self.assertIn("gearbox part", str(message.body))
        interaction = self._delay_interactions(visit)
        self.assertEqual(len(interaction), 1)
        self.assertEqual(
            (interaction.partner_id, interaction.channel, interaction.direction),
            (self.customer, "email", "outbound"),
        )
        self.assertFalse(self._late_activities(visit), "the Late Visit activity is done")

    def test_sms_when_the_customer_allows_sms_only(self):
        self.customer.mobile = "+852 9123 4567"
        self._create_service_consent(self.customer, "sms")
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        self._inform(visit)
        self.assertEqual(self._delay_interactions(visit).channel, "sms")
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("A part arrives at noon", sms.body)

    def test_a_customer_without_consent_is_not_told_and_the_refusal_is_noted(self):
        self._create_service_consent(self.customer, "email", state="withdrawn")
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        result = self._inform(visit)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(visit.dealer_promised_ready, NOW + timedelta(hours=3))
        self.assertFalse(self._delay_interactions(visit))
        self.assertFalse(
            visit.message_ids.filtered(lambda m: self.customer in m.partner_ids),
            "no message to the customer",
        )
        self.assertIn("no consent on record", " ".join(visit.message_ids.mapped("body")))

    def test_an_archived_customer_is_not_told(self):
        self._create_service_consent(self.customer, "email")
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        self.customer.active = False
        self._inform(visit)
        self.assertFalse(self._delay_interactions(visit))
        self.assertIn("archived", " ".join(visit.message_ids.mapped("body")))

    def test_a_new_time_must_be_later_than_now_with_a_reason_for_a_visit_in_the_workshop(self):
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        with self.assertRaisesRegex(UserError, "later than now"):
            self._inform(visit, hours=-1)
        with self.assertRaisesRegex(UserError, "Say why"):
            self._inform(visit, reason="   ")
        done = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1), state="done")
        with self.assertRaisesRegex(UserError, "no longer in the workshop"):
            self._inform(done)
        no_owner = self._create_late_visit(
            self._create_vehicle(self._recall_vin(3)), NOW - timedelta(hours=1)
        )
        with self.assertRaisesRegex(UserError, "no customer"):
            self._inform(no_owner)

    # Who may do what ------------------------------------------------------------------
    def test_a_department_user_cannot_write_the_late_flag_or_the_done_time_by_rpc(self):
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        for user in (self.user_service, self.user_manager):
            as_user = visit.with_user(user).with_context(import_file=True, dealer_manager=True)
            for vals in (
                {"dealer_late": True},
                {"dealer_done_at": fields.Datetime.to_string(NOW)},
                {"dealer_delay_reason": "forged"},
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {vals}"):
                    as_user.write(vals)
            with self.assertRaises(AccessError):
                self.Visit.with_user(user).create(
                    {
                        "vehicle_id": self.vehicle.id,
                        "dealer_late": True,
                        "dealer_done_at": fields.Datetime.to_string(NOW),
                    }
                )
        # the advisor sets the promise, and the workflow records the rest
        visit.with_user(self.user_service).dealer_promised_ready = NOW + timedelta(hours=2)
        self._inform(visit, user=self.user_service)
        self.assertEqual(visit.dealer_delay_reason, "A part arrives at noon")

    def test_the_promise_of_a_closed_visit_cannot_move(self):
        done = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1), state="done")
        self.assertTrue(done.dealer_late)
        with self.assertRaisesRegex(UserError, "is closed"):
            done.with_user(self.user_service).dealer_promised_ready = NOW + timedelta(days=40)
        done.with_user(self.user_service).write(
            {"dealer_promised_ready": done.dealer_promised_ready}
        )

    def test_only_the_service_department_tells_a_customer_of_a_delay(self):
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        for user in (self.user_sales, self.user_relations, self.user_plain):
            with self.assertRaises(AccessError, msg=user.login):
                visit.with_user(user).action_dealer_inform_delay()
            with self.assertRaises(AccessError, msg=user.login):
                self._inform(visit, user=user)
        self._inform(visit, user=self.user_manager)
        self.assertEqual(visit.dealer_promised_ready, NOW + timedelta(hours=3))

    def test_merged_contacts_keep_the_late_visit_and_the_delay_on_the_timeline(self):
        self._create_service_consent(self.customer, "email")
        visit = self._create_late_visit(self.vehicle, NOW - timedelta(hours=1))
        self.Visit._cron_flag_late()
        self._inform(visit)
        twin = self.env["res.partner"].create({"name": "Chan Tai Man", "email": "CHAN@example.com"})
        self._merge_customers_by_wizard(self.customer, twin, self.user_manager)
        self.assertEqual(visit.partner_id, twin)
        self.assertEqual(self._delay_interactions(visit).partner_id, twin)
        self.assertTrue(visit.dealer_late)

    # On-time completion, the service standard ------------------------------------------
    def _local(self, day, hour, minute=0):
        """The naive UTC datetime of ``hour:minute`` on ``day`` in the users' time zone."""
        tz = pytz.timezone(self.env.context.get("tz") or "UTC")
        local = tz.localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def test_on_time_is_the_share_of_promised_visits_done_by_their_promise_in_the_month(self):
        today = self._today()
        first = today.replace(day=1)
        last = first + relativedelta(months=1, days=-1)
        next_first = last + timedelta(days=1)
        Figure = self.env["dealer.figure"]
        # a dealership of its own: the demo's visits are promised today too
        company = self._create_company("Dealer Late")
        vehicle = self._create_vehicle(
            self._recall_vin(7), owner_id=self.customer.id, company_id=company.id
        )

        def visit(promised, state="scheduled"):
            return self._create_late_visit(vehicle, promised, state, company_id=company.id)

        def on_time(date_from, date_to):
            return Figure._dealer_compute(["visits_on_time"], company, date_from, date_to)[
                "visits_on_time"
            ]

        self.assertIsNone(on_time(first, last), "no visit promised: no data, never met")
        # promised on the month's last evening, done now: on time, in this month
        evening = visit(self._local(last, 23, 30), "done")
        # promised just after midnight: next month's
        visit(self._local(next_first, 0, 30), "done")
        # done after its promise; flagged late by the job and not done yet
        visit(NOW - timedelta(hours=1), "done")
        visit(NOW - timedelta(hours=2))
        self.Visit._cron_flag_late()
        # not counted: no promise, cancelled, still in the workshop before its promise
        self._create_visit(vehicle, company_id=company.id).sudo().action_done()
        visit(NOW - timedelta(hours=3), "cancelled")
        visit(self._local(last, 22, 0))
        self.assertFalse(evening.dealer_late)
        self.assertEqual(on_time(first, last), 33.33)
        self.assertEqual(on_time(next_first, next_first + relativedelta(months=1, days=-1)), 100)
        # judged against its target on the dashboard, as every service standard
        self.assertIn("visits_on_time", Figure._dealer_standards())
        board = self.env["dealer.dashboard"].create({"date_from": first, "date_to": last})
        self.assertIn("Visits ready on time (%)", str(board.standards_html))
        self.assertEqual(Figure._dealer_status("visits_on_time", 33.33, 90), "missed")
        # the second company measures its own visits
        company_b = self._create_company("Dealer B")  # (the demo's are in the main one)
        self.assertIsNone(
            Figure._dealer_compute(["visits_on_time"], company_b, first, last)["visits_on_time"]
        )
