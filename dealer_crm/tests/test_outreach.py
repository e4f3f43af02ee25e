# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import DealerCrmCase

PURPOSES = ("service_reminder", "marketing", "survey", "loyalty")


@tagged("post_install", "-at_install")
class TestOutreachSkipsArchivedAndAnonymised(DealerCrmCase):
    """Issue 23, case 6: archived or anonymised customers are never contacted, nor
    marked as contacted, by any outreach; the skip is noted on the record, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        Plan = cls.env["dealer.maintenance.plan"]
        Plan.search([]).action_archive()
        Plan.create({"name": "Default", "interval_months": 12, "interval_distance": 15000})
        cls.env["dealer.followup.step"].search([]).action_archive()
        Partner = cls.env["res.partner"]
        cls.archived = Partner.create(
            {"name": "Archie Archived", "email": "archie@example.com", "mobile": "+85261110001"}
        )
        cls.anonymised = Partner.create(
            {"name": "Anna Anonymised", "email": "anna@example.com", "mobile": "+85261110002"}
        )
        cls.active_owner = Partner.create(
            {"name": "Ada Active", "email": "ada@example.com", "mobile": "+85261110003"}
        )
        cls.skipped = cls.archived | cls.anonymised
        # every consent granted, on every channel that could carry the outreach
        cls.env["dealer.consent"].create(
            [
                {"partner_id": partner.id, "purpose": purpose, "channel": channel}
                | {"state": "granted"}
                for partner in cls.skipped | cls.active_owner
                for purpose in PURPOSES
                for channel in ("email", "sms", "phone")
            ]
        )
        cls.vehicles = {
            partner: cls._create_vehicle(
                vin=vin,
                license_plate=plate,
                owner_id=partner.id,
                purchase_date=cls.today - relativedelta(years=3),
            )
            for partner, vin, plate in (
                (cls.archived, "WVWZZZ1KZAW000001", "ARC 1"),
                (cls.anonymised, "WVWZZZ1KZAW000002", "ANO 1"),
                (cls.active_owner, "WVWZZZ1KZAW000003", "ACT 1"),
            )
        }
        cls.archived.action_archive()
        cls.anonymised.sudo().write({"dealer_anonymized": True})

    def _visit(self, partner, days_ago=400, **vals):
        day = self.today - timedelta(days=days_ago)
        vals.setdefault("state", "done")
        return self._create_visit(self.vehicles[partner], day, self.user_service, **vals)

    def _notes(self, record, text):
        return record.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note") and text in str(m.body)
        )

    def _mails_to(self, partner):
        return (
            self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
            | self.env["mail.message"].search([("partner_ids", "in", partner.ids)]).mail_ids
        )

    def _sms_to(self, partner):
        return self.env["sms.sms"].search([("partner_id", "=", partner.id)])

    def assertNotContacted(self, partner):
        self.assertFalse(self._mails_to(partner), partner.name)
        self.assertFalse(self._sms_to(partner), partner.name)
        self.assertFalse(
            self.env["mail.message"].search([("partner_ids", "in", partner.ids)]), partner.name
        )

    # The one rule ---------------------------------------------------------------
    def test_one_rule_decides_who_may_be_contacted(self):
        Consent = self.env["dealer.consent"]
        everyone = self.skipped | self.active_owner
        self.assertEqual(Consent._contactable_partners(everyone), self.active_owner)
        for purpose in PURPOSES:
            for channel in ("email", "sms", "phone"):
                self.assertEqual(
                    Consent._allowed_partners(everyone, purpose, channel),
                    self.active_owner,
                    (purpose, channel),
                )

    # Service reminders (case 6) ---------------------------------------------------
    def test_service_reminder_skips_archived_and_anonymised_owners_once(self):
        for partner in self.vehicles:
            self._visit(partner)
        Vehicle = self.env["dealer.vehicle"]
        Reminder = self.env["dealer.service.reminder"]
        Vehicle.search([("id", "not in", [v.id for v in self.vehicles.values()])]).write(
            {"active": False}
        )
        Reminder._cron_service_reminders()
        for partner, word in ((self.archived, "archived"), (self.anonymised, "anonymised")):
            vehicle = self.vehicles[partner]
            self.assertEqual(vehicle.service_due_state, "overdue")
            self.assertFalse(
                vehicle.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
            )
            self.assertNotContacted(partner)
            self.assertFalse(partner.dealer_last_reminder_date, "not marked as reminded")
            self.assertFalse(vehicle.service_reminder_date, "not counted as reminded")
            self.assertFalse(vehicle.activity_ids, "no call for the advisor either")
            self.assertEqual(len(self._notes(vehicle, word)), 1)
            self.assertEqual(vehicle.service_reminder_skip_date, self.today)
        # the active owner is reminded as before
        active = self.vehicles[self.active_owner]
        self.assertTrue(
            active.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
        )
        self.assertEqual(self.active_owner.dealer_last_reminder_date, self.today)
        # the next nights note nothing again
        for days in (1, 2, 90):
            with freeze_time(self.today + timedelta(days=days)):
                Reminder._cron_service_reminders()
        for partner in self.skipped:
            self.assertEqual(len(self._notes(self.vehicles[partner], "skipped")), 1)
            self.assertFalse(partner.dealer_last_reminder_date)

    def test_service_reminder_resumes_when_the_owner_is_restored(self):
        self._visit(self.archived)
        Reminder = self.env["dealer.service.reminder"]
        Reminder._cron_service_reminders()
        vehicle = self.vehicles[self.archived]
        self.assertEqual(vehicle.service_reminder_skip_date, self.today)
        self.archived.action_unarchive()
        Reminder._cron_service_reminders()
        self.assertTrue(
            vehicle.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
        )
        self.assertEqual(self.archived.dealer_last_reminder_date, self.today)
        self.assertFalse(vehicle.service_reminder_skip_date)

    # Follow-up steps and survey invitations after a visit --------------------------
    def test_no_followup_nor_survey_after_a_visit(self):
        self.env["dealer.followup.step"].search([("active", "=", False)]).action_unarchive()
        survey = self.env.ref("dealer_crm.survey_after_service")
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.survey_service_id", survey.id)
        for partner in self.skipped:
            visit = self._visit(partner, days_ago=0)
            self.assertFalse(visit.activity_ids, partner.name)
            self.assertEqual(len(self._notes(visit, "Follow-up skipped")), 1)
            self.assertFalse(
                self.env["survey.user_input"].search([("partner_id", "=", partner.id)])
            )
            self.assertTrue(self._notes(visit, "skipped for"))
            self.assertNotContacted(partner)
        visit = self._visit(self.active_owner, days_ago=0)
        self.assertTrue(visit.activity_ids)
        self.assertTrue(
            self.env["survey.user_input"].search([("partner_id", "=", self.active_owner.id)])
        )

    def test_no_followup_after_a_vehicle_sale(self):
        self.env["dealer.followup.step"].search([("active", "=", False)]).action_unarchive()
        for partner, vin in (
            (self.archived, "WVWZZZ1KZAW000011"),
            (self.anonymised, "WVWZZZ1KZAW000012"),
        ):
            sold = (
                self.env["dealer.vehicle"]
                .with_context(dealer_ownership_origin="sale")
                .create(
                    {
                        "vin": vin,
                        "model_id": self.env.ref("fleet.model_corolla_ts").id,
                        "owner_id": partner.id,
                        "purchase_date": self.today,
                    }
                )
            )
            self.assertFalse(sold.activity_ids, partner.name)
            self.assertEqual(len(self._notes(sold, "Follow-up skipped")), 1)

    # Loyalty: expiry notices, tier changes, letters of thanks ------------------
    def _cards(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        program = self._create_loyalty_program(
            "Outreach Club",
            dealer_expiry_months=12,
            dealer_tier_ids=[Command.create({"name": "Silver", "threshold_points": 50})],
        )
        return {p: program._dealer_card(p) for p in self.skipped | self.active_owner}

    def test_no_expiry_notice(self):
        cards = self._cards()
        for card in cards.values():
            earning = card._dealer_move(100, "Purchase", "earn")
            earning.dealer_expiry_date = self.today + timedelta(days=10)
        warned = self.env["loyalty.card"]._cron_dealer_expiry_warnings()
        self.assertEqual(warned, cards[self.active_owner])
        for partner in self.skipped:
            self.assertFalse(
                cards[partner].message_ids.filtered(lambda m: "expire soon" in (m.subject or ""))
            )
            self.assertEqual(len(self._notes(cards[partner], "skipped for")), 1)
            self.assertNotContacted(partner)
        self.env["loyalty.card"]._cron_dealer_expiry_warnings()
        for partner in self.skipped:
            self.assertEqual(len(self._notes(cards[partner], "skipped for")), 1, "noted once")

    def test_tier_change_is_not_told_to_them(self):
        cards = self._cards()
        for card in cards.values():
            card._dealer_move(100, "Purchase", "earn")
            card._dealer_update_tiers()
            self.assertEqual(card.dealer_tier_id.name, "Silver")
        for partner in self.skipped:
            tier_note = cards[partner].message_ids.filtered(lambda m: "Tier changed" in str(m.body))
            self.assertTrue(tier_note)
            self.assertFalse(tier_note.partner_ids)
        active_note = cards[self.active_owner].message_ids.filtered(
            lambda m: "Tier changed" in str(m.body)
        )
        self.assertEqual(active_note.partner_ids, self.active_owner)

    def test_no_letter_of_thanks(self):
        for partner in self.skipped:
            action = self.env["dealer.loyalty.action"].create(
                {"partner_id": partner.id, "kind": "thanks_letter"}
            )
            with self.assertRaisesRegex(UserError, "archived or anonymised"):
                action.with_user(self.user_relations).action_print_letter()

    # Event invitations and the marketing list -----------------------------------
    def test_no_event_invitation(self):
        event = self.env["event.event"].create(
            {
                "name": "EV clinic",
                "dealer_promotion": "clinic",
                "date_begin": "2031-05-01 09:00:00",
                "date_end": "2031-05-01 12:00:00",
            }
        )
        registrations = event._dealer_invite(self.skipped | self.active_owner)
        self.assertEqual(registrations.partner_id, self.active_owner)
        self.assertTrue(self._notes(self.archived, "the customer is archived"))
        self.assertTrue(self._notes(self.anonymised, "the customer is anonymised"))
        for partner in self.skipped:
            self.assertNotContacted(partner)

    def test_marketing_list_leaves_them_out(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        everyone = (self.skipped | self.active_owner).with_context(active_test=False)
        for partner in everyone:
            self.assertEqual(partner.dealer_email_marketing_ok, partner == self.active_owner)
        allowed = Partner.search([("dealer_email_marketing_ok", "=", True)])
        refused = Partner.search([("dealer_email_marketing_ok", "=", False)])
        self.assertEqual(allowed & everyone, self.active_owner)
        self.assertEqual(refused & everyone, self.skipped)

    def test_call_list_says_no_call(self):
        Consent = self.env["dealer.consent"]
        self.assertEqual(
            Consent._allowed_partners(
                self.skipped | self.active_owner, "service_reminder", "phone"
            ),
            self.active_owner,
        )

    # Satisfaction call after a low score ---------------------------------------
    def test_no_satisfaction_call_once_archived_or_anonymised(self):
        survey = self.env.ref("dealer_crm.survey_after_service")
        question = self.env.ref("dealer_crm.survey_after_service_q_score")
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.survey_service_id", survey.id)
        activity_type = self.env.ref("dealer_crm.mail_activity_type_satisfaction_check")
        for partner in self.skipped:
            partner.sudo().write({"active": True, "dealer_anonymized": False})
            visit = self._visit(partner, days_ago=0)
            answer = self.env["survey.user_input"].search([("partner_id", "=", partner.id)])
            self.assertTrue(answer, "invited while still a customer")
            # the customer leaves (or is anonymised) before answering
            vals = {"active": False} if partner == self.archived else {"dealer_anonymized": True}
            partner.sudo().write(vals)
            answer.write(
                {
                    "user_input_line_ids": [
                        Command.create(
                            {
                                "survey_id": survey.id,
                                "question_id": question.id,
                                "answer_type": "scale",
                                "value_scale": 1,
                            }
                        )
                    ]
                }
            )
            answer._mark_done()
            self.assertFalse(
                partner.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
            )
            self.assertEqual(len(self._notes(visit, "Satisfaction call skipped")), 1)
            answer._dealer_low_score_followup()
            self.assertEqual(len(self._notes(visit, "Satisfaction call skipped")), 1, "once")
