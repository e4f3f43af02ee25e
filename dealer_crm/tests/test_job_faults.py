# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Faults in the scheduled jobs (issue 27), each reproduced and fixed: the SLA clock of
a ticket opened in a waiting stage, escalation flags after a deadline moves, a missing
working calendar, a reminder SMS sent before its batch commits, and a loyalty award
colliding with a user editing the same customer."""

from datetime import datetime, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import ConcurrentCaseMixin, DealerCrmCase


class SlaFixtures(DealerCrmCase):
    """A team working 9 to 17 on weekdays (UTC), two severities and the stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls._create_sla_team("Job faults team")
        cls.calendar = cls.team.resource_calendar_id
        Severity = cls.env["dealer.complaint.severity"]
        cls.urgent = Severity.create({"name": "Urgent", "response_hours": 2, "resolution_hours": 8})
        cls.minor = Severity.create({"name": "Minor", "response_hours": 40, "resolution_hours": 80})
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_waiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_waiting.dealer_waiting_customer = True
        cls.stage_progress.dealer_waiting_customer = False

    def _ticket(self, severity, created, team=None, **vals):
        """A complaint of ``severity`` opened at ``created`` (the clock frozen there)."""
        with freeze_time(created):
            return self._create_ticket(
                self.customer,
                created,
                team_id=(team or self.team).id,
                dealer_severity_id=severity.id,
                **vals,
            )


@tagged("post_install", "-at_install")
class TestSlaFaults(SlaFixtures):
    def test_ticket_opened_in_a_waiting_stage_starts_with_its_clock_paused(self):
        monday_9 = datetime(2026, 11, 16, 9, 0)
        ticket = self._ticket(self.urgent, monday_9, stage_id=self.stage_waiting.id)
        resolution = ticket._dealer_sla_line("resolution")
        self.assertEqual(resolution.state, "on_hold")
        # a working day waiting on the customer, then the work starts
        with freeze_time(monday_9 + timedelta(days=1)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.state, "in_progress")
        self.assertEqual(resolution.consumed_time, 0)
        # 8 working hours from Monday 9:00, plus the 8 paused: Tuesday 17:00
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 17, 17, 0))

    def test_a_moved_deadline_is_escalated_again_when_breached(self):
        monday_9 = datetime(2026, 11, 16, 9, 0)
        ticket = self._ticket(self.urgent, monday_9)
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(monday_9 + timedelta(days=2)):
            Ticket._cron_dealer_sla_escalation()
        self.assertTrue(ticket.dealer_escalated_response and ticket.dealer_escalated_resolution)
        self.assertEqual(len(ticket.activity_ids), 2)
        # reclassified as minor on Wednesday: both deadlines move past Wednesday
        with freeze_time(monday_9 + timedelta(days=2)):
            ticket.dealer_severity_id = self.minor
        self.assertGreater(ticket.dealer_response_deadline, monday_9 + timedelta(days=2))
        self.assertFalse(ticket.dealer_escalated_response)
        self.assertFalse(ticket.dealer_escalated_resolution)
        self.assertTrue(ticket.dealer_sla_breached, "the breach that happened stays recorded")
        # the new deadlines pass in turn: escalated again, once each
        with freeze_time(monday_9 + timedelta(days=30)):
            Ticket._cron_dealer_sla_escalation()
            Ticket._cron_dealer_sla_escalation()
        self.assertTrue(ticket.dealer_escalated_response and ticket.dealer_escalated_resolution)
        self.assertEqual(len(ticket.activity_ids), 4)

    def test_a_moved_promise_date_is_escalated_again_when_overdue(self):
        today = self._today()
        promise = self.env["dealer.promise"].create(
            {"name": "Call back", "partner_id": self.customer.id, "date_due": today}
        )
        Promise = self.env["dealer.promise"]
        with freeze_time(today + timedelta(days=2)):
            self.assertIn(promise, Promise._cron_escalate_overdue())
        self.assertTrue(promise.escalated)
        # the customer agreed a later date (recorded by the workflow, in sudo)
        promise.sudo().date_due = today + timedelta(days=10)
        self.assertFalse(promise.escalated)
        with freeze_time(today + timedelta(days=11)):
            self.assertIn(promise, Promise._cron_escalate_overdue())
        self.assertEqual(len(promise.activity_ids), 2)

    def test_no_working_calendar_counts_every_hour(self):
        self.team.resource_calendar_id = False
        self.env.company.resource_calendar_id = False
        monday_9 = datetime(2026, 11, 16, 9, 0)
        ticket = self._ticket(self.urgent, monday_9)
        with freeze_time(monday_9):
            ticket.stage_id = self.stage_waiting
        # no calendar, no deadline: the clock still runs and stops without an error
        self.assertFalse(ticket.dealer_resolution_deadline)
        with freeze_time(monday_9 + timedelta(hours=30)):
            ticket.stage_id = self.stage_progress
        with freeze_time(monday_9 + timedelta(hours=33)):
            ticket.stage_id = self.stage_waiting
        # the 30 hours waiting not counted, the 3 running counted, every hour of them
        self.assertEqual(ticket._dealer_sla_line("resolution").consumed_time, 3)
        self.assertFalse(ticket.dealer_resolution_deadline)

    def test_a_calendar_removed_after_the_deadline_was_set_still_shows_hours_left(self):
        # a team working by the company's calendar
        self.env.company.resource_calendar_id = self.calendar
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Company hours team", "use_sla": True}
        )
        ticket = self._ticket(self.urgent, datetime(2026, 11, 16, 9, 0), team=team)
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 16, 17, 0))
        # the company's calendar is removed: the deadline stays what it was, and the
        # hours left count every hour
        self.env.company.resource_calendar_id = False
        with freeze_time(datetime(2026, 11, 16, 13, 0)):
            ticket.invalidate_recordset(["dealer_resolution_remaining"])
            self.assertEqual(ticket.dealer_resolution_remaining, 4)


@tagged("post_install", "-at_install")
class TestReminderSmsFault(MockSMS, DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dealer.vehicle"].search([]).write({"active": False})
        cls.owner = cls.env["res.partner"].create(
            {"name": "Tess Textonly", "phone": "+852 9876 5432"}
        )
        cls.env["dealer.consent"].create(
            {
                "partner_id": cls.owner.id,
                "purpose": "service_reminder",
                "channel": "sms",
                "state": "granted",
            }
        )
        cls.vehicle = cls._create_vehicle(
            vin="WVWZZZ1KZAW900001",
            license_plate="SMS 1",
            owner_id=cls.owner.id,
            purchase_date=cls._today() - relativedelta(years=3),
        )

    def test_a_reminder_sms_leaves_once_after_its_batch_commits(self):
        Reminder = self.env["dealer.service.reminder"]
        Cron = type(self.env["ir.cron"])
        with self.mockSMSGateway():
            # a failure later in the batch (its last step): the batch rolls back
            with (
                patch.object(Cron, "_notify_progress", side_effect=RuntimeError("crash")),
                self.assertRaises(RuntimeError),
                self.env.cr.savepoint(),
            ):
                Reminder._cron_service_reminders()
            self.assertFalse(self._sms, "a batch that did not commit sent nothing")
            self.assertFalse(self.vehicle.service_reminder_date)
            # the next run reminds again: the SMS is queued with the batch, not sent in it
            self.assertEqual(Reminder._cron_service_reminders(), self.vehicle)
            self.assertFalse(self._sms)
            queued = self.env["sms.sms"].search([("partner_id", "=", self.owner.id)])
            self.assertEqual(queued.mapped("state"), ["outgoing"])
            # Odoo's SMS queue sends it once the batch has committed
            self.env["sms.sms"].sudo()._process_queue()
            self.assertEqual(Reminder._cron_service_reminders(), self.vehicle.browse())
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(len(self._sms), 1, "sent exactly once")


@tagged("post_install", "-at_install")
class TestLoyaltyAwardFault(ConcurrentCaseMixin, DealerCrmCase):
    """A job confirming a sale (as Odoo's payment post-processing job does) awards the
    points while a user is saving the same customer."""

    def _fixtures(self, orders=1):
        def build(env):
            F = self._factories(env)
            program = F._create_loyalty_program(
                "Award race club",
                dealer_rule_ids=[Command.create({"source": "vehicle_sale", "points_per_unit": 1})],
            )
            partner = env["res.partner"].create({"name": "Award Race Customer"})
            product = env["product.product"].create({"name": "Award race car", "list_price": 1})
            sold = [
                F._create_order(partner, product, amount=100 * (n + 1), confirm=False).id
                for n in range(orders)
            ]
            return program.id, partner.id, sold

        return self._committed(build)

    def _confirm(self, order_id):
        def job(env):
            # a hang guard only: waiting on the user's lock ends in an error after it
            env.cr.execute("SET LOCAL lock_timeout = '20s'")
            env["sale.order"].browse(order_id).action_confirm()

        return job

    def _card_points(self, program_id, partner_id):
        def read(env):
            cards = env["loyalty.card"].search(
                [("program_id", "=", program_id), ("partner_id", "=", partner_id)]
            )
            return cards.mapped("points")

        return self._fresh(read)

    def test_an_award_does_not_fail_while_a_user_saves_the_customer(self):
        program_id, partner_id, (order_id,) = self._fixtures()
        # a user saving the customer's form: the row stays locked until they commit
        user_cr = self.registry.cursor()
        self.addCleanup(user_cr.close)
        user_cr.execute(
            "UPDATE res_partner SET phone = '+852 5555 0000' WHERE id = %s", [partner_id]
        )
        (outcome,) = self._race(self._confirm(order_id))
        user_cr.commit()
        self.assertTrue(outcome.ok, outcome)
        self.assertEqual(self._card_points(program_id, partner_id), [100.0])
        phone = self._fresh(lambda env: env["res.partner"].browse(partner_id).phone)
        self.assertEqual(phone, "+852 5555 0000", "the user's edit is kept too")

    def test_two_first_awards_at_once_open_one_card_and_lose_nothing(self):
        program_id, partner_id, order_ids = self._fixtures(orders=2)
        outcomes = self._race(*(self._confirm(order_id) for order_id in order_ids), retry=True)
        self.assertTrue(all(outcome.ok for outcome in outcomes), outcomes)
        self.assertEqual(self._card_points(program_id, partner_id), [300.0])
