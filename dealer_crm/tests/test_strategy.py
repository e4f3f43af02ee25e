# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase

PERIOD = (date(2031, 3, 1), date(2031, 3, 31))


@tagged("post_install", "-at_install")
class TestServiceStrategy(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        cls.plan = cls.env["dealer.service.plan"].create(
            {"name": "Plan 2031", "date_from": PERIOD[0], "date_to": PERIOD[1]}
        )

    def _kpi(self, code, target, review_date=None, user=None):
        return self.env["dealer.service.kpi"].create(
            {
                "plan_id": self.plan.id,
                "code": code,
                "target": target,
                "user_id": (user or self.user_manager).id,
                "review_date": review_date or PERIOD[1],
            }
        )

    def test_kpi_actuals_come_from_the_data(self):
        promises = self.env["dealer.promise"].create(
            [
                {
                    "name": f"Call back {i}",
                    "partner_id": self.customer.id,
                    "date_due": date(2031, 3, 10),
                }
                for i in range(4)
            ]
        )
        for promise in promises[:3]:
            promise.write({"state": "kept", "date_kept": date(2031, 3, 9)})
        promises[3].write({"state": "broken"})
        kpi = self._kpi("promises_kept", 90)
        self.assertEqual(kpi.actual, 75.0, "3 of 4 kept on time")
        self.assertFalse(kpi.met)
        comebacks = self._kpi("comebacks", 5)
        self.env["dealer.service.record"].create(
            [
                {"vehicle_id": self.vehicle.id, "date": date(2031, 3, 1), "state": "done"},
                {"vehicle_id": self.vehicle.id, "date": date(2031, 3, 20), "state": "done"},
            ]
        )
        comebacks.invalidate_recordset()
        self.assertEqual(comebacks.actual, 50.0)
        self.assertFalse(comebacks.met, "lower is better")
        self.assertFalse(self.env["dealer.service.kpi"]._fields["actual"].store, "never typed")

    def test_review_activity_on_its_date_once(self):
        tomorrow = self._today() + relativedelta(days=1)
        self.plan.write({"date_from": self._today(), "date_to": tomorrow + relativedelta(months=1)})
        kpi = self._kpi("satisfaction", 4, review_date=tomorrow, user=self.user_relations)
        self.plan.action_start()
        Kpi = self.env["dealer.service.kpi"]
        self.assertNotIn(kpi, Kpi._cron_review_due(), "not before its date")
        kpi.review_date = self._today()
        self.assertIn(kpi, Kpi._cron_review_due())
        self.assertNotIn(kpi, Kpi._cron_review_due(), "once")
        activity = kpi.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_relations)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("dealer_crm.mail_activity_type_kpi_review")
        )
        # the review records the figure of the day and closes the activity
        review = (
            self.env["dealer.service.review"]
            .with_user(self.user_manager)
            .create({"kpi_id": kpi.id, "judgement": "off_track"})
        )
        self.assertEqual(review.actual, kpi.actual)
        self.assertEqual(review.target, 4.0)
        self.assertFalse(kpi.activity_ids)

    def test_corrective_actions_are_tracked_to_closure(self):
        kpi = self._kpi("resolution_days", 5)
        review = self.env["dealer.service.review"].create(
            {"kpi_id": kpi.id, "judgement": "at_risk"}
        )
        action = self.env["dealer.service.action"].create(
            {
                "name": "Daily complaint stand-up",
                "review_id": review.id,
                "user_id": self.user_relations.id,
                "date_due": self._today() + relativedelta(days=7),
            }
        )
        self.assertEqual(action.plan_id, self.plan)
        self.assertEqual(self.plan.open_action_count, 1)
        self.assertEqual(action.activity_ids.user_id, self.user_relations)
        self.assertEqual(action.activity_ids.date_deadline, action.date_due)
        with self.assertRaises(UserError):
            action.action_effective()  # not done yet
        action.with_user(self.user_relations).action_done()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.date_done, self._today())
        self.assertFalse(action.activity_ids, "the activity is done")
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.open_action_count, 0)
        action.action_effective()
        self.assertEqual(action.effectiveness, "effective")
        with self.assertRaises(UserError):
            action.action_done()

    def test_audit_failures_become_deficiencies_with_effectiveness(self):
        audit = self.env["dealer.service.audit"].create(
            {
                "name": "Reception",
                "scope": "staff",
                "item_ids": [
                    Command.create({"name": "Greeted within 2 minutes", "result": "pass"}),
                    Command.create(
                        {"name": "Job card explained", "result": "fail", "note": "Rushed"}
                    ),
                ],
            }
        )
        audit.action_done()
        deficiency = audit.deficiency_ids
        self.assertEqual(deficiency.name, "Job card explained")
        self.assertEqual(deficiency.cause, "Rushed")
        self.assertEqual(deficiency.state, "open")
        action = self.env["dealer.service.action"].create(
            {
                "name": "Coach the reception team",
                "kind": "preventive",
                "deficiency_id": deficiency.id,
                "date_due": self._today(),
            }
        )
        self.assertEqual(deficiency.state, "acting")
        action.action_done()
        action.action_effective()
        self.assertEqual(deficiency.state, "closed")
        self.assertTrue(deficiency.effective)
        with self.assertRaises(UserError):
            self.env["dealer.service.audit"].create(
                {"name": "x", "scope": "customers", "item_ids": [Command.create({"name": "?"})]}
            ).action_done()

    def test_budget_actuals_come_from_loyalty_and_event_records(self):
        Action = self.env["dealer.loyalty.action"]
        Action.create(
            [
                {
                    "partner_id": self.customer.id,
                    "kind": "promotional_item",
                    "date": date(2031, 3, 3),
                    "value": 40,
                },
                {
                    "partner_id": self.customer.id,
                    "kind": "promotional_item",
                    "date": date(2031, 3, 4),
                    "value": 60,
                },
                {
                    "partner_id": self.customer.id,
                    "kind": "thanks_letter",
                    "date": date(2031, 3, 4),
                    "value": 5,
                },
                {
                    "partner_id": self.customer.id,
                    "kind": "promotional_item",
                    "date": date(2031, 4, 4),
                    "value": 999,
                },
            ]
        )
        self.env["event.event"].create(
            {
                "name": "Owners' track day",
                "dealer_promotion": "fan_club",
                "dealer_cost": 2500,
                "date_begin": datetime_at(2031, 3, 15),
                "date_end": datetime_at(2031, 3, 15, 18),
            }
        )
        self.plan.write(
            {
                "budget_line_ids": [
                    Command.create({"category": "promotional_items", "planned": 500}),
                    Command.create({"category": "letters", "planned": 50}),
                    Command.create({"category": "events", "planned": 2000}),
                    Command.create({"category": "staff", "planned": 1000, "spent_entered": 800}),
                ]
            }
        )
        actual = {line.category: line.actual for line in self.plan.budget_line_ids}
        self.assertEqual(
            actual, {"promotional_items": 100, "letters": 5, "events": 2500, "staff": 800}
        )
        events = self.plan.budget_line_ids.filtered(lambda l: l.category == "events")
        self.assertEqual(events.remaining, -500)
        self.assertEqual(self.plan.budget_actual, 3405)

    def test_managers_plan_staff_do_not(self):
        for user in (self.user_sales, self.user_service, self.user_relations):
            with self.assertRaises(AccessError):
                self.env["dealer.service.plan"].with_user(user).create(
                    {"name": "x", "date_from": PERIOD[0], "date_to": PERIOD[1]}
                )
            with self.assertRaises(AccessError):
                self.plan.with_user(user).read(["name"])
        self.plan.with_user(self.user_manager).read(["name"])


def datetime_at(year, month, day, hour=9):
    return fields.Datetime.to_datetime(f"{year}-{month:02d}-{day:02d} {hour:02d}:00:00")


@tagged("post_install", "-at_install")
class TestPoliciesAndInvitations(DealerCrmCase):
    def test_each_department_member_acknowledges_each_version(self):
        second_sales = new_test_user(self.env, login="t_sales2", groups="dealer_crm.group_sales")
        policy = self.env["dealer.policy"].create(
            {
                "name": "Manufacturer's code of practice on test drives",
                "issuer": "manufacturer",
                "review_date": self._today() + relativedelta(years=1),
                "group_ids": [Command.set([self.env.ref("dealer_crm.group_sales").id])],
            }
        )
        self.assertIn(self.user_sales, policy.missing_user_ids)
        self.assertIn(second_sales, policy.missing_user_ids)
        self.assertNotIn(self.user_service, policy.missing_user_ids, "not their department")
        policy.with_user(self.user_sales).action_acknowledge()
        policy.invalidate_recordset()
        self.assertNotIn(self.user_sales, policy.missing_user_ids)
        self.assertIn(second_sales, policy.missing_user_ids)
        self.assertTrue(policy.with_user(self.user_sales).acknowledged)
        with self.assertRaises(UserError):
            policy.with_user(self.user_service).action_acknowledge()
        policy.with_user(self.user_sales).action_acknowledge()  # twice: no duplicate
        self.assertEqual(len(policy.ack_ids.filtered(lambda a: a.user_id == self.user_sales)), 1)
        # a new version: everyone again, the earlier acknowledgement kept
        policy.with_user(self.user_manager).action_new_version()
        policy.invalidate_recordset()
        self.assertEqual(policy.version, 2)
        self.assertIn(self.user_sales, policy.missing_user_ids)
        self.assertEqual(policy.ack_ids.version, 1)
        # staff read the policy, cannot change it or forge an acknowledgement
        with self.assertRaises(AccessError):
            policy.with_user(self.user_sales).write({"version": 1})
        with self.assertRaises(AccessError):
            self.env["dealer.policy.ack"].with_user(self.user_sales).create(
                {"policy_id": policy.id, "version": 2, "user_id": second_sales.id}
            )

    def test_reviewer_gets_an_activity_on_the_review_date(self):
        policy = self.env["dealer.policy"].create(
            {
                "name": "Complaint handling code",
                "review_date": self._today() + relativedelta(days=1),
                "reviewer_id": self.user_manager.id,
                "group_ids": [
                    Command.set([self.env.ref("dealer_crm.group_customer_relations").id])
                ],
            }
        )
        Policy = self.env["dealer.policy"]
        self.assertNotIn(policy, Policy._cron_review_due(), "not before its date")
        policy.review_date = self._today()
        self.assertIn(policy, Policy._cron_review_due())
        self.assertNotIn(policy, Policy._cron_review_due(), "once")
        self.assertEqual(policy.activity_ids.user_id, self.user_manager)

    def test_invitations_only_with_consent_and_on_the_timeline(self):
        consenting = self.customer
        silent = self.env["res.partner"].create({"name": "No Consent", "email": "no@example.com"})
        self.env["dealer.consent"].create(
            {
                "partner_id": consenting.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        event = self.env["event.event"].create(
            {
                "name": "EV clinic",
                "dealer_promotion": "clinic",
                "date_begin": datetime_at(2031, 5, 1),
                "date_end": datetime_at(2031, 5, 1, 12),
            }
        )
        wizard = (
            self.env["dealer.event.invite"]
            .with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=(consenting | silent).ids)
            .create({"event_id": event.id})
        )
        wizard.action_invite()
        registrations = event.registration_ids
        self.assertEqual(registrations.partner_id, consenting)
        self.assertTrue(registrations.dealer_invited)
        self.assertIn("not sent", silent.message_ids[:1].body)
        registrations.action_set_done()
        self.env.flush_all()
        kinds = (
            self.env["dealer.customer.timeline"]
            .search([("partner_id", "=", consenting.id)])
            .mapped("kind")
        )
        self.assertIn("event", kinds)


@tagged("post_install", "-at_install")
class TestStaffScorecard(DealerCrmCase):
    def test_scorecard_on_known_data_and_staff_see_their_own(self):
        Promise = self.env["dealer.promise"]
        for state, user in (
            ("kept", self.user_sales),
            ("broken", self.user_sales),
            ("kept", self.user_service),
        ):
            promise = Promise.create(
                {
                    "name": "Call back",
                    "partner_id": self.customer.id,
                    "date_due": date(2031, 3, 10),
                    "user_id": user.id,
                }
            )
            promise.write(
                {"state": state, "date_kept": date(2031, 3, 9) if state == "kept" else False}
            )
        first = (
            self.env["dealer.interaction"]
            .with_user(self.user_sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "subject": "Quote",
                    "date": datetime_at(2025, 3, 1),
                    "followup_date": date(2025, 3, 5),
                }
            )
        )
        self.env["dealer.interaction"].with_user(self.user_sales).create(
            {
                "partner_id": self.customer.id,
                "subject": "Follow-up",
                "date": datetime_at(2025, 3, 4),
            }
        )
        self.env.flush_all()
        Card = self.env["dealer.staff.scorecard"]
        [[kept]] = Card._read_group(
            [("user_id", "=", self.user_sales.id), ("month", "=", date(2031, 3, 1))],
            [],
            ["promises_kept:avg"],
        )
        self.assertEqual(kept, 50.0)
        [[on_time]] = Card._read_group(
            [("user_id", "=", self.user_sales.id), ("month", "=", date(2025, 3, 1))],
            [],
            ["followups_on_time:avg"],
        )
        self.assertEqual(on_time, 100.0, f"{first.subject} was followed up in time")
        own = Card.with_user(self.user_sales).search([])
        self.assertEqual(own.user_id, self.user_sales, "staff see their own scorecard only")
        self.assertIn(self.user_service, Card.with_user(self.user_manager).search([]).user_id)
