# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestCustomer360(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Wants a hybrid",
                "partner_id": cls.customer.id,
                "type": "opportunity",
                "dealer_vehicle_model_id": cls.env.ref("fleet.model_golf_8").id,
                "dealer_trade_in_vehicle_id": cls.vehicle.id,
                "dealer_enquiry_channel": "website",
            }
        )
        cls.order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "opportunity_id": cls.lead.id}
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {"name": "Scratch on delivery", "description": "x", "partner_id": cls.customer.id}
        )
        cls.visit = cls.env["dealer.service.record"].create({"vehicle_id": cls.vehicle.id})

    def _log(self, record, user=None, **vals):
        action = record.with_user(user or self.env.user).action_dealer_log_interaction()
        self.assertEqual(action["res_model"], "dealer.interaction")
        self.assertEqual(action["target"], "new")
        Interaction = self.env["dealer.interaction"].with_user(user or self.env.user)
        form = Form(Interaction.with_context(**action["context"]), view=action["views"][0][0])
        if not form.subject:
            form.subject = "Called"
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save()

    # Logging from every origin --------------------------------------
    def test_log_from_each_origin_prefills(self):
        expected = {
            self.customer: {"partner_id": self.customer},
            self.vehicle: {"partner_id": self.customer, "vehicle_id": self.vehicle},
            self.lead: {
                "partner_id": self.customer,
                "lead_id": self.lead,
                "vehicle_id": self.vehicle,
                "channel": "website",
            },
            self.order: {
                "partner_id": self.customer,
                "sale_order_id": self.order,
                "lead_id": self.lead,
                "outcome": "quotation",
            },
            self.ticket: {"partner_id": self.customer, "ticket_id": self.ticket},
            self.visit: {
                "partner_id": self.customer,
                "vehicle_id": self.vehicle,
                "service_record_id": self.visit,
            },
        }
        for record, values in expected.items():
            interaction = self._log(record)
            for field, value in values.items():
                self.assertEqual(interaction[field], value, f"{record._name}.{field}")
            self.assertEqual(interaction.user_id, self.env.user)

    def test_department_follows_the_staff_member(self):
        self.assertEqual(self._log(self.customer, user=self.user_sales).department, "sales")
        self.assertEqual(self._log(self.customer, user=self.user_service).department, "service")
        self.assertEqual(
            self._log(self.customer, user=self.user_relations).department, "customer_relations"
        )

    def test_followup_date_schedules_an_activity(self):
        when = self._today() + timedelta(days=2)
        interaction = self._log(self.customer, user=self.user_sales, followup_date=when)
        self.assertEqual(interaction.activity_ids.date_deadline, when)
        self.assertEqual(interaction.activity_ids.user_id, self.user_sales)

    # Timeline -------------------------------------------------------
    def test_timeline_has_every_kind_in_date_order(self):
        now = fields.Datetime.now()
        self._log(self.customer, date=now - timedelta(days=5))
        self.order.action_confirm()
        self.visit.write({"state": "done", "date": self._today() - timedelta(days=3)})
        self.customer.message_post(body="Hello", message_type="email", subject="Re: service")
        program = self.env["loyalty.program"].create(
            {"name": "Club", "program_type": "loyalty", "trigger": "auto"}
        )
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.customer.id, "points": 0}
        )
        self.env["loyalty.history"].create(
            {"card_id": card.id, "description": "Welcome", "issued": 10}
        )
        self.env.flush_all()
        timeline = self.customer.dealer_timeline_ids
        self.assertEqual(
            set(timeline.mapped("kind")),
            {"interaction", "email", "sale", "service", "ticket", "loyalty"},
        )
        dates = timeline.mapped("date")
        self.assertEqual(dates, sorted(dates, reverse=True))
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self.assertFalse(other.dealer_timeline_ids)
        for user in (self.user_sales, self.user_service, self.user_relations):
            self.assertTrue(self.customer.with_user(user).dealer_timeline_ids)

    # Promises -------------------------------------------------------
    def _promise(self, due_days, **vals):
        return self.env["dealer.promise"].create(
            {
                "name": "Call back",
                "partner_id": self.customer.id,
                "user_id": self.user_sales.id,
                "date_due": self._today() + timedelta(days=due_days),
                **vals,
            }
        )

    def test_overdue_promise_escalated_once_to_a_manager(self):
        overdue = self._promise(-2)
        future = self._promise(5)
        self.assertTrue(overdue.is_overdue)
        self.assertFalse(future.is_overdue)
        self.assertIn(overdue, self.env["dealer.promise"].search([("is_overdue", "=", True)]))
        escalated = self.env["dealer.promise"]._cron_escalate_overdue()
        self.assertIn(overdue, escalated)
        self.assertNotIn(future, escalated)
        self.assertTrue(overdue.escalated)
        self.assertTrue(overdue.activity_ids.user_id.has_group("dealer_crm.group_manager"))
        self.env["dealer.promise"]._cron_escalate_overdue()
        self.assertEqual(len(overdue.activity_ids), 1, "escalated once")

    def test_kept_on_time_share(self):
        domain = [("partner_id", "=", self.customer.id)]
        on_time = self._promise(3)
        on_time.action_kept()
        late = self._promise(-3)
        late.action_kept()
        broken = self._promise(-1)
        broken.action_broken()
        self._promise(4)  # still open: not counted
        self.assertTrue(on_time.kept_on_time)
        self.assertFalse(late.kept_on_time)
        closed = domain + [("state", "in", ("kept", "broken"))]
        [(rate,)] = self.env["dealer.promise"]._read_group(closed, [], ["on_time_score:avg"])
        self.assertAlmostEqual(rate, 100 / 3, 2)

    # Enquiries and quotations ---------------------------------------
    def test_lead_fields_and_quotation_from_lead(self):
        self.assertEqual(self.lead.dealer_vehicle_model_id.name, "Golf 8")
        self.assertEqual(self.lead.dealer_trade_in_vehicle_id, self.vehicle)
        action = self.lead.action_new_quotation()
        with Form(self.env["sale.order"].with_context(**action["context"])) as form:
            form.partner_id = self.customer
        quotation = form.record
        self.assertEqual(quotation.opportunity_id, self.lead)
        self.assertIn(quotation, self.lead.order_ids)

    def test_quotation_confirmed_with_the_customer_logs_the_interaction(self):
        action = self.order.with_user(self.user_sales).action_dealer_confirm_with_customer()
        Interaction = self.env["dealer.interaction"].with_user(self.user_sales)
        form = Form(Interaction.with_context(**action["context"]), view=action["views"][0][0])
        form.channel = "phone"
        interaction = form.save()
        self.assertEqual(interaction.outcome, "verified")
        self.assertEqual(interaction.sale_order_id, self.order)
        self.assertEqual(self.order.state, "draft", "logged: not yet confirmed")
        interaction.action_dealer_confirm_order()  # its 'Log and Confirm' button
        self.assertEqual(self.order.state, "sale")

    # Referral, suggestions, access ------------------------------------
    def test_refer_to_department_creates_the_activity_for_that_department(self):
        for department, group in (
            ("service", "dealer_crm.group_service"),
            ("customer_relations", "dealer_crm.group_customer_relations"),
            ("sales", "dealer_crm.group_sales"),
        ):
            action = self.vehicle.with_user(self.user_sales).action_dealer_refer()
            wizard = Form(
                self.env["dealer.referral"]
                .with_user(self.user_sales)
                .with_context(**action["context"])
            )
            wizard.department = department
            wizard.note = "<p>Customer asks about the brakes</p>"
            activity = wizard.save().action_refer()
            self.assertEqual(activity.res_model, "dealer.vehicle")
            self.assertEqual(activity.res_id, self.vehicle.id)
            self.assertTrue(activity.user_id.has_group(group), department)
            self.assertFalse(activity.user_id.has_group("dealer_crm.group_manager"), department)

    def test_staff_suggest_and_managers_review(self):
        suggestion = (
            self.env["dealer.suggestion"]
            .with_user(self.user_service)
            .create({"name": "Evening slots", "kind": "improvement"})
        )
        with self.assertRaises(AccessError):
            suggestion.with_user(self.user_service).action_accept()
        suggestion.with_user(self.user_manager).action_accept()
        self.assertEqual(suggestion.state, "accepted")
        self.assertTrue(suggestion.with_user(self.user_sales).read(["name"]))

    def test_access_per_department(self):
        sales_note = self._log(self.customer, user=self.user_sales)
        service_note = self._log(self.customer, user=self.user_service)
        # everyone reads the 360
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_manager):
            self.assertEqual(
                len(
                    self.env["dealer.interaction"]
                    .with_user(user)
                    .search([("id", "in", (sales_note | service_note).ids)])
                ),
                2,
            )
        # each department writes its own
        sales_note.with_user(self.user_sales).subject = "Edited"
        with self.assertRaises(AccessError):
            service_note.with_user(self.user_sales).subject = "Not mine"
        with self.assertRaises(AccessError):
            sales_note.with_user(self.user_relations).subject = "Not mine"
        service_note.with_user(self.user_manager).subject = "Manager edits all"
        with self.assertRaises(AccessError):
            sales_note.with_user(self.user_sales).unlink()
        sales_note.with_user(self.user_manager).unlink()
        with self.assertRaises(AccessError):
            service_note.with_user(self.user_plain).read(["subject"])

    def test_smart_buttons_open_the_right_records(self):
        self.order.action_confirm()
        self.ticket.dealer_vehicle_id = self.vehicle
        interaction = self._log(self.customer)
        checks = [
            (self.customer.action_dealer_view_vehicles(), self.vehicle),
            (self.customer.action_dealer_view_services(), self.visit),
            (self.customer.action_dealer_view_interactions(), interaction),
            (self.vehicle.action_view_services(), self.visit),
            (self.vehicle.action_view_ownerships(), self.vehicle.ownership_ids),
            (self.vehicle.action_view_tickets(), self.ticket),
        ]
        for action, expected in checks:
            found = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(found, expected, action["name"])
        self.assertEqual(
            self.vehicle.action_view_tickets()["context"]["default_partner_id"], self.customer.id
        )
