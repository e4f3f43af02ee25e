# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestComplaints(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls._create_sla_team("CR test team")
        cls.calendar = cls.team.resource_calendar_id
        cls.severity = cls.env["dealer.complaint.severity"].create(
            {"name": "Test", "response_hours": 4, "resolution_hours": 16}
        )
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_waiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_waiting.dealer_waiting_customer = True
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _complaint(self, created=None, **vals):
        return self._create_ticket(
            self.customer,
            created,
            name="Scratched door",
            description="Scratch on delivery",
            team_id=self.team.id,
            dealer_severity_id=self.severity.id,
            **vals,
        )

    # Service levels -------------------------------------------------
    def test_deadline_over_a_weekend(self):
        friday = datetime(2026, 11, 20, 15, 0)
        ticket = self._complaint(created=friday)
        # 2 hours on Friday, then Monday from 9:00
        self.assertEqual(ticket.dealer_response_deadline, datetime(2026, 11, 23, 11, 0))
        # 2 on Friday + 8 on Monday + 6 on Tuesday
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 24, 15, 0))

    def test_deadline_counts_from_the_next_working_hour(self):
        saturday = datetime(2026, 11, 21, 10, 0)
        ticket = self._complaint(created=saturday)
        self.assertEqual(ticket.dealer_response_deadline, datetime(2026, 11, 23, 13, 0))
        evening = datetime(2026, 11, 23, 20, 0)
        ticket = self._complaint(created=evening)
        self.assertEqual(ticket.dealer_response_deadline, datetime(2026, 11, 24, 13, 0))

    def test_clock_paused_while_waiting_on_the_customer(self):
        ticket = self._complaint(created=datetime(2026, 11, 16, 9, 0))
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 17, 17, 0))
        resolution = ticket._dealer_sla_line("resolution")
        with freeze_time("2026-11-16 13:00:00"):
            ticket.stage_id = self.stage_waiting
        # the clock stopped at 13:00, 4 working hours counted
        self.assertEqual(resolution.state, "on_hold")
        self.assertEqual(resolution.last_state_date, datetime(2026, 11, 16, 13, 0))
        self.assertEqual(resolution.consumed_time, 4)
        with freeze_time("2026-11-17 13:00:00"):
            ticket.stage_id = self.stage_progress
        # 8 working hours paused: the deadline moves by as many
        self.assertEqual(resolution.state, "in_progress")
        self.assertEqual(resolution.consumed_time, 4)
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 18, 17, 0))

    def test_one_set_of_deadlines_from_the_severity(self):
        """A complaint of a severity has its deadlines from helpdesk_mgmt_sla's lines,
        one per target of the severity: no second SLA system beside them."""
        self.env["helpdesk.sla"].search([("dealer_severity_id", "=", False)]).active = False
        ticket = self._complaint(created=datetime(2026, 11, 16, 9, 0))
        lines = ticket.ticket_sla_ids
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.sla_id, self.severity.dealer_sla_ids)
        self.assertEqual(sorted(lines.mapped("hours")), [4, 16])
        self.assertEqual(
            {line.sla_id.dealer_target: line.deadline for line in lines},
            {
                "response": ticket.dealer_response_deadline,
                "resolution": ticket.dealer_resolution_deadline,
            },
        )
        self.assertEqual(ticket.dealer_response_deadline, datetime(2026, 11, 16, 13, 0))
        self.assertEqual(ticket.sla_deadline, ticket.dealer_response_deadline)
        # the team's working hours are helpdesk_mgmt_sla's: dealer_crm has no field of its own
        self.assertNotIn("dealer_resource_calendar_id", self.team._fields)
        # the waiting stage is where the severity's policies stop their clocks
        self.assertEqual(self.severity.dealer_sla_ids.ignore_stage_ids, self.stage_waiting)
        with freeze_time("2026-11-16 11:00:00"):
            ticket.stage_id = self.stage_waiting
        self.assertEqual(set(lines.mapped("state")), {"on_hold"})
        # a day waiting on the customer, then the clocks run on from where they stopped
        with freeze_time("2026-11-17 11:00:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(set(lines.mapped("state")), {"in_progress"})
        self.assertEqual(ticket.dealer_response_deadline, datetime(2026, 11, 17, 13, 0))
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 18, 17, 0))
        # a new severity: its lines in place of the old ones, the time counted kept
        urgent = self.env["dealer.complaint.severity"].create(
            {"name": "Urgent", "response_hours": 4, "resolution_hours": 8}
        )
        with freeze_time("2026-11-17 11:00:00"):
            ticket.dealer_severity_id = urgent
        self.assertEqual(ticket.ticket_sla_ids.sla_id, urgent.dealer_sla_ids)
        # 8 hours: 2 counted on Monday before the pause, 6 from Tuesday 11:00
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 17, 17, 0))
        # answered: the first response is met, whatever stage the ticket goes to
        with freeze_time("2026-11-17 12:00:00"):
            ticket.message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            ticket.stage_id = self.stage_new
        response = ticket._dealer_sla_line("response")
        self.assertEqual(response.state, "accomplished")

    def test_remaining_working_hours_shown(self):
        ticket = self._complaint(created=datetime(2026, 11, 16, 9, 0))
        with freeze_time("2026-11-17 09:00:00"):
            ticket.invalidate_recordset(["dealer_resolution_remaining"])
            self.assertEqual(ticket.dealer_resolution_remaining, 8)
        with freeze_time("2026-11-18 11:00:00"):
            ticket.invalidate_recordset(["dealer_resolution_remaining"])
            self.assertEqual(ticket.dealer_resolution_remaining, -2)

    def test_escalation_once_per_breach(self):
        late = self._complaint(created=datetime(2020, 1, 6, 9, 0))
        on_time = self._complaint()
        escalated = self.env["helpdesk.ticket"]._cron_dealer_sla_escalation()
        self.assertIn(late, escalated)
        self.assertNotIn(on_time, escalated)
        self.assertTrue(late.dealer_sla_breached)
        self.assertTrue(late.dealer_escalated_response and late.dealer_escalated_resolution)
        self.assertEqual(len(late.activity_ids), 2, "one for the response, one for the resolution")
        self.assertTrue(late.activity_ids.user_id.has_group("dealer_crm.group_manager"))
        self.env["helpdesk.ticket"]._cron_dealer_sla_escalation()
        self.assertEqual(len(late.activity_ids), 2, "each breach is escalated once")

    def test_answered_ticket_is_not_escalated_for_response(self):
        ticket = self._complaint(created=datetime(2020, 1, 6, 9, 0))
        ticket.message_post(
            body="We are looking into it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(ticket.dealer_first_response_date)
        self.env["helpdesk.ticket"]._cron_dealer_sla_escalation()
        self.assertFalse(ticket.dealer_escalated_response)
        self.assertTrue(ticket.dealer_escalated_resolution)

    # Closing rules --------------------------------------------------
    def test_closing_refused_without_contact_or_resolution(self):
        ticket = self._complaint()
        with self.assertRaisesRegex(ValidationError, "customer contact"), self.cr.savepoint():
            ticket.stage_id = self.stage_done
        ticket.dealer_contact_date = datetime(2026, 11, 20, 10, 0)
        self.assertEqual(ticket.dealer_contact_user_id, self.env.user)
        with self.assertRaisesRegex(ValidationError, "resolution"), self.cr.savepoint():
            ticket.stage_id = self.stage_done
        ticket.dealer_resolution = "<p>Door repainted free of charge</p>"
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed)

    def test_plain_helpdesk_tickets_keep_their_behaviour(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Printer", "description": "x", "team_id": self.team.id}
        )
        self.assertFalse(ticket.dealer_feedback_kind)
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed)

    def test_compliment_closes_freely(self):
        ticket = self._complaint(dealer_feedback_kind="compliment")
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed)

    def _close(self, ticket, satisfaction):
        ticket.write(
            {
                "dealer_contact_date": datetime(2026, 11, 20, 10, 0),
                "dealer_resolution": "<p>Fixed</p>",
                "dealer_satisfaction": satisfaction,
                "stage_id": self.stage_done.id,
            }
        )

    def test_low_satisfaction_opens_a_manager_followup(self):
        unhappy, happy = self._complaint(), self._complaint()
        self._close(unhappy, "2")
        self._close(happy, "4")
        self.assertEqual(len(unhappy.activity_ids), 1)
        self.assertTrue(unhappy.activity_ids.user_id.has_group("dealer_crm.group_manager"))
        self.assertFalse(happy.activity_ids)
        unhappy.dealer_satisfaction = "1"
        self.assertEqual(len(unhappy.activity_ids), 1, "one follow-up")

    def test_customer_reply_reopens_a_closed_ticket(self):
        ticket = self._complaint()
        self._close(ticket, "4")
        ticket.message_post(body="Thanks", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertTrue(ticket.closed, "a staff message does not reopen")
        ticket.message_post(
            body="The scratch is back",
            message_type="email",
            author_id=self.customer.id,
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(ticket.closed)
        self.assertFalse(ticket.stage_id.dealer_waiting_customer)

    def test_internal_notes_stay_internal(self):
        ticket = self._complaint()
        note = ticket.message_post(body="Advisor admits the mistake", subtype_xmlid="mail.mt_note")
        self.assertTrue(note.is_internal or note.subtype_id.internal)
        portal = self.env["res.users"].create(
            {
                "name": "Portal",
                "login": "portal_cr",
                "partner_id": self.customer.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        visible = (
            self.env["mail.message"]
            .with_user(portal)
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )
        self.assertNotIn(note, visible)

    # Access ---------------------------------------------------------
    def test_access_per_department(self):
        other = self.env["res.partner"].create({"name": "Not theirs"})
        unrelated = self._complaint(partner_id=other.id)
        # sales raise tickets and read those about their customers
        raised = (
            self.env["helpdesk.ticket"]
            .with_user(self.user_sales)
            .create(
                {
                    "name": "Customer unhappy with delivery",
                    "description": "x",
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertTrue(raised.with_user(self.user_sales).read(["name"]))
        self._create_vehicle(owner_id=self.customer.id, seller_id=self.user_sales.id)
        theirs = self._complaint()
        visible = self.env["helpdesk.ticket"].with_user(self.user_sales).search([])
        self.assertIn(theirs, visible)
        self.assertNotIn(unrelated, visible)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_sales).write({"dealer_resolution": "<p>x</p>"})
        # customer relations handle every complaint
        theirs.with_user(self.user_relations).write(
            {"dealer_root_cause_id": self.env.ref("dealer_crm.root_cause_workmanship").id}
        )
        self.assertIn(
            unrelated, self.env["helpdesk.ticket"].with_user(self.user_relations).search([])
        )
        with self.assertRaises(AccessError):
            self.severity.with_user(self.user_relations).write({"response_hours": 2})
        self.severity.with_user(self.user_manager).write({"response_hours": 2})

    def test_complaints_show_on_the_vehicle_and_partner(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        ticket = self._complaint(dealer_vehicle_id=vehicle.id)
        self.assertEqual(vehicle.ticket_count, 1)
        self.assertIn(ticket, vehicle.ticket_ids)
        self.assertIn("ticket", self.customer.dealer_timeline_ids.mapped("kind"))


@tagged("post_install", "-at_install")
class TestComplaintSlaGuards(DealerCrmCase):
    """Review findings F1, F6-F9 of issue 31: the SLA lines are staff's, written by the
    ticket's flows only, one set per complaint, and kept by their severity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls._create_sla_team("SLA guard team")
        cls.severity = cls.env["dealer.complaint.severity"].create(
            {"name": "Guarded", "response_hours": 4, "resolution_hours": 16}
        )
        # an ordinary helpdesk_mgmt_sla policy of the team, beside the severity's
        cls.team_policy = cls.env["helpdesk.sla"].create(
            {"name": "Team general", "hours": 2, "team_ids": [Command.set(cls.team.ids)]}
        )
        cls.stage_waiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_waiting.dealer_waiting_customer = True
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.Line = cls.env["helpdesk.ticket.sla"]

    def _complaint(self, partner=None, created=None, **vals):
        return self._create_ticket(
            partner or self.customer,
            created or datetime(2026, 11, 16, 9, 0),
            name="Rattle after service",
            description="x",
            team_id=self.team.id,
            dealer_severity_id=self.severity.id,
            **vals,
        )

    # F1: staff only, and only the lines of the tickets one may read --------------
    def test_portal_reads_no_sla_line_nor_policy(self):
        own = self._complaint()
        portal = self._create_portal_user(self.customer, "t_sla_portal")
        self.assertTrue(own.sudo().ticket_sla_ids)
        for model in ("helpdesk.ticket.sla", "helpdesk.sla"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(portal).search_count([])
        with self.assertRaises(AccessError):
            own.ticket_sla_ids.with_user(portal).read(["deadline", "state"])
        with self.assertRaises(AccessError):
            self.Line.with_user(portal).read_group([], ["ticket_id"], ["ticket_id"])

    def test_departments_read_the_lines_of_the_tickets_they_read(self):
        stranger = self.env["res.partner"].create({"name": "Not their customer"})
        unrelated = self._complaint(partner=stranger)
        self._create_vehicle(owner_id=self.customer.id, seller_id=self.user_sales.id)
        theirs = self._complaint()
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_plain):
            with self.subTest(user=user.login):
                tickets = self.env["helpdesk.ticket"].with_user(user).search([])
                lines = self.Line.with_user(user).search([])
                # the same tickets, through their lines (and no title of another)
                self.assertEqual(
                    lines.sudo().ticket_id & (unrelated | theirs),
                    tickets.sudo() & (unrelated | theirs),
                )
                groups = self.Line.with_user(user).read_group([], ["ticket_id"], ["ticket_id"])
                self.assertLessEqual({group["ticket_id"][0] for group in groups}, set(tickets.ids))
        self.assertNotIn(unrelated, self.Line.with_user(self.user_sales).search([]).ticket_id)
        self.assertIn(theirs, self.Line.with_user(self.user_sales).search([]).sudo().ticket_id)
        self.assertIn(unrelated, self.Line.with_user(self.user_relations).search([]).ticket_id)
        with self.assertRaises(AccessError):
            unrelated.sudo().ticket_sla_ids.with_user(self.user_sales).read(["deadline"])

    # F6: written by the ticket's flows only --------------------------------------
    def test_nobody_creates_writes_or_deletes_a_line_by_hand(self):
        self._create_vehicle(owner_id=self.customer.id, seller_id=self.user_sales.id)
        ticket = self._complaint()
        line = ticket.ticket_sla_ids[:1]
        users = (self.user_sales, self.user_service, self.user_relations, self.user_manager)
        for user in users:
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.Line.with_user(user).create(
                        {
                            "ticket_id": ticket.id,
                            "sla_id": self.team_policy.id,
                            "consumed_time": 99,
                            "state": "expired",
                        }
                    )
                for vals in (
                    {"deadline": "2030-01-01 00:00:00", "state": "accomplished"},
                    {"consumed_time": 99},
                    {"sla_id": self.team_policy.id},
                ):
                    with self.assertRaises(AccessError):
                        line.with_user(user).write(vals)
                with self.assertRaises(AccessError):
                    line.with_user(user).unlink()
                # nor through the ticket
                for command in (
                    Command.update(line.id, {"state": "accomplished"}),
                    Command.delete(line.id),
                    Command.create({"sla_id": self.team_policy.id}),
                ):
                    with self.assertRaises(AccessError):
                        ticket.with_user(user).write({"ticket_sla_ids": [command]})
        self.assertEqual(len(ticket.ticket_sla_ids), 2)
        self.assertNotEqual(line.state, "accomplished")
        # the flows still move them, whoever writes the ticket
        with freeze_time("2026-11-16 11:00:00"):
            ticket.with_user(self.user_relations).stage_id = self.stage_waiting
        self.assertEqual(set(ticket.ticket_sla_ids.mapped("state")), {"on_hold"})
        raised = (
            self.env["helpdesk.ticket"]
            .with_user(self.user_sales)
            .create(
                {
                    "name": "Raised by sales",
                    "description": "x",
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(raised.sudo().ticket_sla_ids.sla_id, self.team_policy)

    # F7: OCA's Set SLA keeps the bookkeeping, and relations may press it ----------
    def test_set_sla_keeps_what_the_lines_counted(self):
        ticket = self._complaint()
        with freeze_time("2026-11-16 10:00:00"):
            ticket.message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-11-16 13:00:00"):
            ticket.stage_id = self.stage_waiting
        with freeze_time("2026-11-17 13:00:00"):
            ticket.stage_id = self.stage_progress
        before = {
            line.sla_id.dealer_target: (line.state, line.deadline, line.consumed_time)
            for line in ticket.ticket_sla_ids
        }
        self.assertEqual(before["response"][0], "accomplished")
        self.assertEqual(before["resolution"][2], 4)
        for user, method in (
            (self.user_relations, "refresh_sla"),
            (self.user_relations, "set_sla"),
            (self.user_manager, "set_sla"),
        ):
            with self.subTest(user=user.login, method=method), freeze_time("2026-11-17 14:00"):
                getattr(ticket.with_user(user), method)()
                ticket.invalidate_recordset(["sla_expired"])
                after = {
                    line.sla_id.dealer_target: (line.state, line.deadline, line.consumed_time)
                    for line in ticket.ticket_sla_ids
                }
                self.assertEqual(after, before)
                self.assertFalse(ticket.sla_expired)
        # who may not write the ticket may not reset its lines
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_sales).set_sla()
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_sales).refresh_sla()

    # F8: one set of deadlines per complaint ------------------------------------
    def test_a_complaint_gets_only_its_severity_policies(self):
        complaint = self._complaint()
        self.assertEqual(complaint.ticket_sla_ids.sla_id, self.severity.dealer_sla_ids)
        self.assertTrue(complaint.sla_fits)
        self.assertEqual(complaint.sla_deadline, complaint.dealer_response_deadline)
        # a ticket without a severity keeps helpdesk_mgmt_sla's policies of its team
        plain = self._create_ticket(
            self.customer, datetime(2026, 11, 16, 9, 0), name="Question", team_id=self.team.id
        )
        self.assertEqual(plain.ticket_sla_ids.sla_id, self.team_policy)
        # the severity set later: the team's policy gives way to the severity's
        plain.dealer_severity_id = self.severity
        self.assertEqual(plain.ticket_sla_ids.sla_id, self.severity.dealer_sla_ids)

    # F9: a severity's policies are kept by the severity -------------------------
    def test_a_severity_policy_is_changed_on_the_severity_only(self):
        policy = self.severity.dealer_sla_ids[:1]
        for vals in (
            {"hours": 999},
            {"ignore_stage_ids": [Command.clear()]},
            {"domain": "[]"},
            {"team_ids": [Command.set(self.team.ids)]},
            {"stage_id": self.stage_progress.id},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                policy.with_user(self.user_manager).write(vals)
        with self.assertRaises(UserError):
            policy.with_user(self.user_manager).unlink()
        with self.assertRaises(AccessError):
            self.team_policy.with_user(self.user_manager).write(
                {"dealer_severity_id": self.severity.id}
            )
        with self.assertRaises(AccessError):
            self.env["helpdesk.sla"].with_user(self.user_manager).create(
                {"name": "Forged", "dealer_severity_id": self.severity.id}
            )
        self.assertEqual(policy.ignore_stage_ids, self.stage_waiting)
        # its note and name-free fields of other policies stay the manager's
        policy.with_user(self.user_manager).note = "<p>Explained</p>"
        self.team_policy.with_user(self.user_manager).hours = 3

    def test_a_change_of_target_reaches_the_open_lines(self):
        ticket = self._complaint()
        closed = self._complaint()
        closed.sudo().ticket_sla_ids.write({"state": "accomplished"})
        closed_deadline = closed.dealer_resolution_deadline
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 17, 17, 0))
        self.severity.with_user(self.user_manager).write({"resolution_hours": 24})
        self.assertEqual(ticket._dealer_sla_line("resolution").hours, 24)
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 18, 17, 0))
        self.severity.with_user(self.user_manager).write({"resolution_hours": 16})
        self.assertEqual(ticket.dealer_resolution_deadline, datetime(2026, 11, 17, 17, 0))
        # a line already met keeps its deadline
        self.assertEqual(closed.dealer_resolution_deadline, closed_deadline)


@tagged("post_install", "-at_install")
class TestComplaintData(TransactionCase):
    def test_a_dealer_starts_from_team_levels_and_causes(self):
        self.assertTrue(
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting").dealer_waiting_customer
        )
        team = self.env.ref("dealer_crm.helpdesk_team_customer_relations")
        self.assertEqual(team.alias_name, "customer-relations")
        severities = self.env["dealer.complaint.severity"].search([])
        self.assertGreaterEqual(len(severities), 4)
        self.assertTrue(all(s.resolution_hours >= s.response_hours > 0 for s in severities))
        self.assertGreaterEqual(self.env["dealer.complaint.root.cause"].search_count([]), 5)
