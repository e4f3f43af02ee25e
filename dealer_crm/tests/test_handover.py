# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestHandover(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = cls.env.ref("fleet.model_corolla_ts")
        cls.model.write({"dealer_warranty_months": 36, "dealer_warranty_distance": 100000})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Corolla 2027",
                "list_price": 250000,
                "dealer_is_vehicle": True,
                "dealer_model_id": cls.model.id,
            }
        )
        cls.accessory = cls.env["product.product"].create({"name": "Mud flaps", "list_price": 300})

    def _order(self, lead=None):
        return self._create_order(
            self.customer,
            self.product | self.accessory,
            user_id=self.user_sales.id,
            opportunity_id=lead and lead.id,
        )

    def _deliver(self, order, vin="WVWZZZ1KZAW700001", user=None, **vals):
        wizard = Form(
            self.env["dealer.vehicle.delivery"]
            .with_user(user or self.user_sales)
            .with_context(default_sale_order_id=order.id)
        )
        wizard.vin = vin
        wizard.license_plate = vals.get("plate", "NEW 1")
        wizard.odometer = vals.get("odometer", 12)
        if "date" in vals:
            wizard.delivery_date = vals["date"]
        return wizard.save().action_deliver()

    def test_delivery_registers_a_vehicle_sold_by_us_with_warranty_and_followups(self):
        order = self._order()
        self.assertTrue(order.dealer_to_deliver)
        today = self._today()
        action = self._deliver(order)
        vehicle = self.env["dealer.vehicle"].browse(action["res_id"])
        self.assertEqual(vehicle.owner_id, self.customer)
        self.assertEqual(vehicle.seller_id, self.user_sales)
        self.assertEqual(vehicle.sale_order_id, order)
        self.assertEqual(vehicle.purchase_date, today)
        self.assertEqual(vehicle.warranty_end_date, today + relativedelta(months=36))
        self.assertEqual(vehicle.warranty_mileage_limit, 100012)
        self.assertEqual(vehicle.ownership_ids.origin, "sale", "sold by us, not taken in")
        self.assertEqual(order.order_line[0].dealer_vehicle_id, vehicle)
        self.assertFalse(order.dealer_to_deliver)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "dealer.vehicle"), ("res_id", "=", vehicle.id)]
        )
        self.assertEqual(
            set(activities.mapped("summary")),
            {"Call the customer about their new vehicle", "Purchase anniversary letter"},
        )
        self.assertEqual(vehicle.odometer, 12)

    def test_delivering_twice_is_refused(self):
        order = self._order()
        self._deliver(order)
        with self.assertRaises(UserError):
            order.action_dealer_deliver_vehicle()
        with self.assertRaises(UserError):
            order._dealer_deliver(order.order_line[0], "WVWZZZ1KZAW700002", "X", self._today(), 0)
        with self.assertRaises(UserError):
            order._dealer_deliver(order.order_line[1], "WVWZZZ1KZAW700003", "X", self._today(), 0)

    def test_a_vin_in_the_register_is_transferred_not_duplicated(self):
        previous = self.env["res.partner"].create({"name": "Dealer stock"})
        existing = self._create_vehicle(
            vin="WVWZZZ1KZAW700009",
            owner_id=previous.id,
            purchase_date=self._today() - relativedelta(months=3),
        )
        order = self._order()
        self._deliver(order, vin="wvwzzz1kzaw700009")
        self.assertEqual(
            self.env["dealer.vehicle"].search_count([("vin", "=", "WVWZZZ1KZAW700009")]), 1
        )
        self.assertEqual(existing.owner_id, self.customer)
        self.assertEqual(existing.sale_order_id, order)
        lines = existing.ownership_ids.sorted("date_start")
        self.assertEqual(lines.partner_id, previous | self.customer, "the earlier owner is kept")
        self.assertEqual(lines[-1].origin, "sale")

    def test_delivery_rules(self):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaises(UserError):
            quotation._dealer_deliver(
                quotation.order_line, "WVWZZZ1KZAW700004", "", self._today(), 0
            )
        order = self._order()
        with self.assertRaises(UserError):
            self._deliver(order, date=self._today() + relativedelta(days=2))
        with self.assertRaises(ValidationError):
            self._deliver(order, vin="TOO-SHORT")
        with self.assertRaises(AccessError):
            self._deliver(order, user=self.user_relations)

    def test_the_sale_earns_points_once(self):
        program = self.env.ref("dealer_crm.loyalty_program_dealer_club_demo")
        order = self._order()
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.customer.id), ("program_id", "=", program.id)]
        )
        points = card.points
        self._deliver(order)
        self.assertEqual(card.points, points, "delivery awards nothing more: the order did")

    def test_test_drive_needs_a_licence_and_logs_an_interaction(self):
        demonstrator = self._create_vehicle(vin="WVWZZZ1KZAW700005", license_plate="DEMO 2")
        lead = self.env["crm.lead"].create({"name": "SUV", "partner_id": self.customer.id})
        Drive = self.env["dealer.test.drive"].with_user(self.user_sales)
        vals = {
            "lead_id": lead.id,
            "partner_id": self.customer.id,
            "vehicle_id": demonstrator.id,
            "start": datetime(2031, 5, 1, 10, 0),
        }
        with self.assertRaises(ValidationError):
            Drive.create(vals)
        self.customer.sudo().dealer_licence_number = "HK-DL-1234567"
        drive = Drive.create(vals)
        self.assertEqual(drive.calendar_event_id.user_id, self.user_sales)
        self.assertIn(self.customer, drive.calendar_event_id.partner_ids)
        self.assertEqual(lead.dealer_test_drive_count, 1)
        drive.action_done()
        interaction = drive.interaction_id
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.lead_id, lead)
        self.assertEqual(interaction.vehicle_id, demonstrator)
        self.assertEqual(interaction.channel, "visit")
        with self.assertRaises(UserError):
            drive.action_cancel()
        # the sales consultant never reads the licence number itself
        self.assertNotIn(
            "dealer_licence_number", self.customer.with_user(self.user_sales).fields_get()
        )

    def test_trade_in_passes_to_the_dealer_with_its_history(self):
        old = self._create_vehicle(
            vin="WVWZZZ1KZAW700006",
            owner_id=self.customer.id,
            purchase_date=self._today() - relativedelta(years=5),
        )
        self.env["dealer.service.record"].create(
            {
                "vehicle_id": old.id,
                "date": self._today() - relativedelta(years=1),
                "state": "done",
            }
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Trade up",
                "partner_id": self.customer.id,
                "dealer_trade_in_vehicle_id": old.id,
            }
        )
        lead.with_user(self.user_sales).write(
            {"dealer_trade_in_value": 40000, "dealer_trade_in_condition": "Fair"}
        )
        lead.with_user(self.user_sales).action_dealer_appraise()
        self.assertEqual(lead.dealer_trade_in_state, "appraised")
        self.assertEqual(lead.dealer_trade_in_appraiser_id, self.user_sales)
        order = self._order(lead)
        self._deliver(order)
        dealer = self.env.company.partner_id
        self.assertEqual(old.owner_id, dealer)
        lines = old.ownership_ids.sorted("date_start")
        self.assertEqual(lines.partner_id, self.customer | dealer, "the customer's years are kept")
        self.assertEqual(lines[-1].origin, "trade_in")
        self.assertEqual(
            old.service_ids.partner_id, self.customer, "the visit stays the customer's"
        )
        self.assertEqual(lead.dealer_trade_in_state, "taken")
        with self.assertRaises(UserError):
            lead.dealer_trade_in_value = 1

    def test_a_trade_in_above_the_limit_needs_a_manager(self):
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.trade_in_limit", 50000)
        old = self._create_vehicle(vin="WVWZZZ1KZAW700007", owner_id=self.customer.id)
        lead = self.env["crm.lead"].create(
            {
                "name": "Trade up",
                "partner_id": self.customer.id,
                "dealer_trade_in_vehicle_id": old.id,
                "dealer_trade_in_value": 60000,
            }
        )
        lead.with_user(self.user_sales).action_dealer_appraise()
        self.assertEqual(lead.dealer_trade_in_state, "to_approve")
        order = self._order(lead)
        with self.assertRaises(UserError):
            self._deliver(order)
        with self.assertRaises(AccessError):
            lead.with_user(self.user_sales).action_dealer_approve_trade_in()
        with self.assertRaises(AccessError):  # no context key opens it
            lead.with_user(self.user_sales).with_context(
                dealer_manager=True
            ).action_dealer_approve_trade_in()
        lead.with_user(self.user_manager).action_dealer_approve_trade_in()
        self.assertEqual(lead.dealer_trade_in_approved_by_id, self.user_manager)
        # a new value is appraised and approved again
        lead.dealer_trade_in_value = 70000
        self.assertEqual(lead.dealer_trade_in_state, "none")
        lead.action_dealer_appraise()
        lead.with_user(self.user_manager).action_dealer_approve_trade_in()
        self._deliver(order)
        self.assertEqual(old.owner_id, self.env.company.partner_id)

    def test_service_reads_the_delivered_vehicle(self):
        order = self._order()
        vehicle = self.env["dealer.vehicle"].browse(self._deliver(order)["res_id"])
        self.assertEqual(vehicle.with_user(self.user_service).warranty_state, "active")
