# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, case 8: a reward paid with points on a quotation."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestQuotationRewards(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._create_loyalty_program(
            "Reward Club",
            rewards=[
                {
                    "discount_mode": "per_order",
                    "discount": 200,
                    "required_points": 500,
                    "description": "200 off",
                }
            ],
        )
        cls.reward = cls.program.reward_ids
        cls.card = cls.program._dealer_card(cls.customer)
        cls.card._dealer_move(600, "Purchase", "earn")
        cls.product = cls.env["product.product"].create({"name": "Service pack"})

    def _quotation(self):
        return self._create_order(
            self.customer, self.product, 2000, confirm=False, user=self.user_sales
        )

    def _redeem(self, order):
        self.env["dealer.loyalty.redeem"].with_user(self.user_sales).create(
            {"card_id": self.card.id, "reward_id": self.reward.id, "sale_order_id": order.id}
        ).action_confirm()
        self.assertEqual(self.card.points, 100)
        self.assertEqual(order.amount_untaxed, 1800)

    def _history(self, kind):
        return self.card.history_ids.filtered(lambda line: line.dealer_kind == kind)

    def _assert_balanced(self):
        lines = self.card.history_ids
        self.assertAlmostEqual(
            self.card.points, sum(lines.mapped("issued")) - sum(lines.mapped("used"))
        )

    def test_cancelling_the_quotation_gives_the_500_points_back(self):
        order = self._quotation()
        self._redeem(order)
        order.action_cancel()
        self.assertEqual(self.card.points, 600)
        given_back = self._history("return")
        self.assertEqual(given_back.issued, 500)
        self.assertEqual(given_back.dealer_return_of_id, self._history("redeem"))
        self.assertEqual((given_back.order_model, given_back.order_id), ("sale.order", order.id))
        self.assertIn("cancelled", given_back.description)
        self.assertFalse(order.order_line.filtered(lambda line: line.price_unit < 0))
        self._assert_balanced()

    def test_removing_the_reward_line_gives_the_points_back(self):
        order = self._quotation()
        self._redeem(order)
        reward_line = order.order_line.filtered(lambda line: line.price_unit < 0)
        order.write({"order_line": [Command.unlink(reward_line.id)]})
        self.assertEqual(self.card.points, 600)
        self.assertEqual(order.amount_untaxed, 2000)
        self.assertIn("removed", self._history("return").description)
        self._assert_balanced()

    def test_a_copy_of_the_quotation_carries_no_unpaid_reward(self):
        order = self._quotation()
        self._redeem(order)
        copy = order.copy()
        self.assertEqual(copy.amount_untaxed, 2000, "the 200 discount stays on the original")
        self.assertEqual(len(copy.order_line), 1)
        self.assertEqual(order.amount_untaxed, 1800)
        self.assertEqual(self.card.points, 100, "nothing spent, nothing given")
        self.assertEqual(len(self._history("redeem")), 1)

    def test_reconfirming_a_cancelled_then_reset_quotation_spends_nothing_twice(self):
        order = self._quotation()
        self._redeem(order)
        order.action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(order.amount_untaxed, 2000, "no discount left unpaid")
        self.assertEqual(self.card.points, 600)
        order._action_cancel()
        self.assertEqual(self.card.points, 600, "given back once")
        self.assertEqual(len(self._history("redeem")), 1)
        self.assertEqual(len(self._history("return")), 1)
        self._assert_balanced()

    def test_a_confirmed_order_cancelled_gives_its_redemption_back(self):
        order = self._quotation()
        self._redeem(order)
        order.action_confirm()
        self.assertEqual(self.card.points, 100)
        order._action_cancel()
        self.assertEqual(self.card.points, 600)
        self._assert_balanced()

    def test_an_invoiced_order_cancelled_keeps_its_points_spent(self):
        """The posted invoice keeps the discount: cancelling the order after invoicing
        gives no points back (the customer would have both), and says so."""
        order = self._quotation()
        self._redeem(order)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_untaxed, 1800)
        order.with_user(self.user_sales).with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.card.points, 100, "the points stay spent")
        self.assertFalse(self._history("return"))
        self.assertIn("not given back", order.message_ids[:1].body)
        self._assert_balanced()

    def test_a_reward_stays_with_its_customer_and_its_taxes(self):
        order = self._quotation()
        self._redeem(order)
        other = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaises(UserError):
            order.with_user(self.user_sales).write({"partner_id": other.id})
        reward_line = order.order_line.filtered(lambda line: line.price_unit < 0)
        tax = self.env["account.tax"].create({"name": "Reward test tax", "amount": 15})
        with self.assertRaises(AccessError):
            reward_line.with_user(self.user_sales).write({"tax_id": [Command.set(tax.ids)]})
        with self.assertRaises(AccessError):
            order.with_user(self.user_sales).write(
                {"order_line": [Command.update(reward_line.id, {"tax_id": [Command.set(tax.ids)]})]}
            )
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.amount_untaxed, 1800)
        # removed, the points go back; then the customer may change
        order.with_user(self.user_sales).write({"order_line": [Command.unlink(reward_line.id)]})
        order.with_user(self.user_sales).write({"partner_id": other.id})
        self.assertEqual(self.card.points, 600)

    def test_any_reward_redeemed_on_a_cancelled_quotation_comes_back(self):
        gift = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "product",
                "reward_product_id": self.product.id,
                "required_points": 300,
                "description": "Free service pack",
            }
        )
        order = self._quotation()
        self.env["dealer.loyalty.redeem"].with_user(self.user_sales).create(
            {"card_id": self.card.id, "reward_id": gift.id, "sale_order_id": order.id}
        ).action_confirm()
        self.assertEqual(self.card.points, 300)
        order.action_cancel()
        order.action_cancel()
        self.assertEqual(self.card.points, 600)
        self.assertEqual(len(self._history("return")), 1)
        self._assert_balanced()

    def test_deleting_the_quotation_gives_the_points_back(self):
        order = self._quotation()
        self._redeem(order)
        order.with_user(self.user_manager).unlink()
        self.assertEqual(self.card.points, 600)

    def test_a_client_cannot_link_a_line_to_a_redemption(self):
        order = self._quotation()
        self._redeem(order)
        redemption = self._history("redeem")
        other = self._quotation()
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.user_sales).create(
                {
                    "order_id": other.id,
                    "product_id": self.product.id,
                    "dealer_redemption_id": redemption.id,
                }
            )
        with self.assertRaises(AccessError):
            other.order_line.with_user(self.user_sales).write(
                {"dealer_redemption_id": redemption.id}
            )
        reward_line = order.order_line.filtered("dealer_redemption_id")
        for vals in ({"price_unit": -2000}, {"product_uom_qty": 3}, {"order_id": other.id}):
            with self.assertRaises(AccessError):
                reward_line.with_user(self.user_sales).write(vals)
        order.with_user(self.user_sales).action_update_prices()
        self.assertEqual(reward_line.price_unit, -200, "updating prices keeps the reward")
        # a line of another order pointing at it (written in sudo) gives nothing back
        other.order_line.sudo().dealer_redemption_id = redemption
        other.order_line.unlink()
        self.assertEqual(self.card.points, 100)
