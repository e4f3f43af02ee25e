# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Figures flow one way (issue 25): a reward redeemed on a service visit is a discount
beside the visit's amount, never a rewrite of it; logging a contact never confirms an
order."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DealerCrmCase, load_migration


@tagged("post_install", "-at_install")
class TestOneWayFlow(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._create_loyalty_program(
            "Flow Club",
            rewards=[{"discount": 5, "required_points": 100, "description": "5% off"}],
            dealer_rule_ids=[Command.create({"source": "service", "points_per_unit": 1})],
            dealer_tier_ids=[Command.clear()],
        )
        cls.card = cls.program._dealer_card(cls.customer)
        cls.card._dealer_move(300, "Welcome", "earn")
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)

    def _visit(self, amount=400):
        return self.env["dealer.service.record"].create(
            {"vehicle_id": self.vehicle.id, "amount": amount}
        )

    def _redeem(self, visit, user=None):
        self._redeem_on_visit(self.card, self.program.reward_ids, visit, user or self.user_service)

    def _tier(self, discount):
        self.env["dealer.loyalty.tier"].create(
            {
                "program_id": self.program.id,
                "name": "Club",
                "threshold_points": 1,
                "service_discount": discount,
            }
        )
        self.card._dealer_update_tiers()
        self.assertEqual(self.customer.dealer_tier_id.name, "Club")

    # Loyalty discount beside the amount -----------------------------------
    def test_a_redemption_keeps_the_visits_amount_and_records_the_discount(self):
        visit = self._visit(400)
        self._redeem(visit)
        self.assertEqual(visit.amount, 400, "the amount stays as recorded")
        self.assertEqual(visit.dealer_loyalty_discount, 20)
        self.assertEqual(visit.dealer_amount_net, 380)
        self.assertEqual(self.card.points, 200)
        self._redeem(visit)
        self.assertEqual(visit.amount, 400)
        self.assertEqual(visit.dealer_loyalty_discount, 39, "5% of the 380 left to pay")
        self.assertEqual(visit.dealer_amount_net, 361)

    def test_figures_read_the_visit_net_of_its_reward(self):
        visit = self._visit(400)
        self._redeem(visit)
        visit.with_user(self.user_service).action_done()
        self.assertEqual(self.card._dealer_net_earned(visit), 380, "points on what is paid")
        self.env.invalidate_all()
        self.assertEqual(self.customer.dealer_service_spend, 380, "lifetime spend")
        self.env.flush_all()
        report = self.env["dealer.service.report"].search([("id", "=", visit.id)])
        self.assertEqual(report.amount, 380, "service revenue")
        figures = self.env["dealer.service.report"]._read_group(
            [("partner_id", "=", self.customer.id), ("state", "=", "done")], [], ["amount:sum"]
        )
        self.assertEqual(figures[0][0], 380)

    def test_the_tier_discount_takes_its_share_of_what_is_left_to_pay(self):
        """Before or after the visit is completed, a reward and the tier discount leave
        the same net amount as when the reward was taken off the amount."""
        self._tier(10)
        before = self._visit(400)
        self._redeem(before)
        before.with_user(self.user_service).action_done()
        self.assertEqual(before.dealer_loyalty_discount, 20)
        self.assertEqual(before.dealer_amount_net, 342, "10% off the 380 left to pay")
        self.assertEqual(before.amount, 400)
        self.assertEqual(before.dealer_tier_discount_amount, 38)
        after = self._visit(400)
        after.with_user(self.user_service).action_done()
        self.assertEqual(after.dealer_amount_net, 360)
        self._redeem(after)
        self.assertEqual(after.amount, 400)
        self.assertEqual(after.dealer_loyalty_discount, 18)
        self.assertEqual(after.dealer_amount_net, 342)

    def test_no_client_writes_the_loyalty_discount(self):
        visit = self._visit(400)
        for user in (self.user_service, self.user_manager, self.user_sales):
            for field in ("dealer_loyalty_discount", "dealer_amount_net"):
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        visit.with_user(user).with_context(dealer_import=True).write({field: 50})
                    with self.assertRaises(AccessError):
                        self.env["dealer.service.record"].with_user(user).create(
                            {"vehicle_id": self.vehicle.id, "amount": 400, field: 50}
                        )
        self.assertFalse(visit.dealer_loyalty_discount)

    def test_migration_gives_the_amount_back_and_keeps_the_net(self):
        """A 1.4 visit had its reward taken off its amount: 1.5 gives it back, beside."""
        visit = self._visit(380)
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": self.card.id,
                "description": "5% off redeemed",
                "dealer_kind": "redeem",
                "used": 100,
                "order_model": visit._name,
                "order_id": visit.id,
            }
        )
        visit.message_post(body="Loyalty reward 5% off: 20.0 off.")
        untouched = self._visit(500)
        self.env.flush_all()
        load_migration("18.0.1.5.0", "pre").migrate(self.env.cr, "18.0.1.4.0")
        load_migration("18.0.1.5.0", "pre").migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(
            (visit.amount, visit.dealer_loyalty_discount, visit.dealer_amount_net),
            (400, 20, 380),
            "once, however often it runs",
        )
        self.assertEqual(
            (untouched.amount, untouched.dealer_loyalty_discount, untouched.dealer_amount_net),
            (500, 0, 500),
        )

    # Logging a contact never confirms an order ------------------------------
    def _order(self):
        product = self.env["product.product"].create({"name": "Roof box", "list_price": 900})
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_sales.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )

    def test_logging_an_interaction_never_confirms_an_order(self):
        order = self._order()
        Interaction = self.env["dealer.interaction"].with_user(self.user_sales)
        for context in ({"dealer_confirm_order": True}, {"dealer_confirm_order": 1}, {}):
            with self.subTest(context=context):
                interaction = Interaction.with_context(**context).create(
                    {
                        "partner_id": self.customer.id,
                        "channel": "phone",
                        "direction": "outbound",
                        "subject": "Confirmed?",
                        "outcome": "verified",
                        "sale_order_id": order.id,
                    }
                )
                interaction.with_context(**context).write({"summary": "<p>Yes.</p>"})
                self.assertEqual(order.state, "draft")

    def test_the_confirm_button_confirms_after_the_contact_is_logged(self):
        order = self._order()
        action = order.with_user(self.user_sales).action_dealer_confirm_with_customer()
        Interaction = self.env["dealer.interaction"].with_user(self.user_sales)
        form = Form(Interaction.with_context(**action["context"]), view=action["views"][0][0])
        form.channel = "visit"
        interaction = form.save()
        self.assertEqual(order.state, "draft", "saved, not yet confirmed")
        interaction.action_dealer_confirm_order()
        self.assertEqual(order.state, "sale")
        with self.assertRaisesRegex(UserError, "no longer a quotation"):
            interaction.action_dealer_confirm_order()

    def test_the_confirm_button_needs_a_verified_contact_about_the_order(self):
        order = self._order()
        interaction = (
            self.env["dealer.interaction"]
            .with_user(self.user_sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "subject": "Thinking about it",
                    "outcome": "no_answer",
                    "sale_order_id": order.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Verified"):
            interaction.action_dealer_confirm_order()
        interaction.write({"outcome": "verified", "sale_order_id": False})
        with self.assertRaisesRegex(UserError, "no quotation"):
            interaction.action_dealer_confirm_order()
        self.assertEqual(order.state, "draft")
