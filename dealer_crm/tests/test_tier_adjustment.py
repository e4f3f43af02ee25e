# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The tier discount is an adjustment beside a visit's amount (issue 25): completing a
visit for a tier member records the Tier Discount and never rewrites the amount; every
figure reads the net amount, the same number as when the amount was rewritten."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase, load_migration


@tagged("post_install", "-at_install")
class TestTierAdjustment(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._create_loyalty_program(
            "Tier Club",
            rewards=[{"discount": 5, "required_points": 100, "description": "5% off"}],
            dealer_rule_ids=[Command.create({"source": "service", "points_per_unit": 1})],
            dealer_tier_ids=[
                Command.clear(),
                Command.create({"name": "Club", "threshold_points": 1, "service_discount": 10}),
            ],
        )
        cls.card = cls.program._dealer_card(cls.customer)
        cls.card._dealer_move(300, "Welcome", "earn")
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.customer.dealer_tier_id.name, "Club")

    def _done(self, visit):
        visit.with_user(self.user_service).action_done()

    def _redeem(self, visit):
        self._redeem_on_visit(self.card, self.program.reward_ids, visit, self.user_service)

    def test_completing_a_visit_records_the_tier_discount_beside_the_amount(self):
        visit = self._create_visit(self.vehicle, amount=400)
        self._done(visit)
        self.assertEqual(visit.amount, 400, "the amount stays as recorded")
        self.assertEqual(visit.dealer_tier_discount, 10)
        self.assertEqual(visit.dealer_tier_discount_amount, 40)
        self.assertEqual(visit.dealer_amount_net, 360, "the amount it was rewritten to")
        self.assertFalse(visit.dealer_amount_before_discount, "no longer written")
        self.assertEqual(self.card._dealer_net_earned(visit), 360, "points on the net")
        visit.sudo().state = "in_progress"
        self._done(visit)
        self.assertEqual(
            (visit.amount, visit.dealer_tier_discount_amount, visit.dealer_amount_net),
            (400, 40, 360),
            "applied once",
        )

    def test_reward_then_tier_and_tier_then_reward_leave_the_same_net(self):
        first_reward = self._create_visit(self.vehicle, amount=400)
        self._redeem(first_reward)
        self._done(first_reward)
        first_tier = self._create_visit(self.vehicle, amount=400)
        self._done(first_tier)
        self._redeem(first_tier)
        for visit in (first_reward, first_tier):
            self.assertEqual(visit.amount, 400)
        self.assertEqual(
            (first_reward.dealer_loyalty_discount, first_reward.dealer_tier_discount_amount),
            (20, 38),
        )
        self.assertEqual(
            (first_tier.dealer_loyalty_discount, first_tier.dealer_tier_discount_amount),
            (18, 40),
        )
        self.assertEqual(first_reward.dealer_amount_net, 342)
        self.assertEqual(first_tier.dealer_amount_net, 342)

    def test_no_client_writes_the_tier_discount(self):
        visit = self._create_visit(self.vehicle, amount=400)
        Visit = self.env["dealer.service.record"]
        self.assertIn("dealer_tier_discount_amount", Visit._dealer_protected_fields)
        forged = {"dealer_tier_discount_amount": 50}
        for user in (self.user_service, self.user_manager, self.user_sales):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                visit.with_user(user).with_context(dealer_import=True).write(forged)
            with self.subTest(user=user.login, create=True), self.assertRaises(AccessError):
                Visit.with_user(user).create({"vehicle_id": self.vehicle.id, **forged})
        self.assertFalse(visit.dealer_tier_discount_amount)

    def test_lifetime_spend_and_service_report_read_the_net(self):
        visit = self._create_visit(self.vehicle, amount=400)
        self._done(visit)
        self.env.invalidate_all()
        self.assertEqual(self.customer.dealer_service_spend, 360, "lifetime spend")
        self.env.flush_all()
        report = self.env["dealer.service.report"].search([("id", "=", visit.id)])
        self.assertEqual(report.amount, 360, "service revenue")

    def _old_style(self, amount, before):
        """A 1.4 visit completed for a 10% tier member: its amount rewritten."""
        visit = self._create_visit(self.vehicle, amount=amount)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dealer_service_record
                   SET dealer_tier_discount = 10, dealer_amount_before_discount = %s,
                       dealer_tier_discount_amount = NULL, state = 'done'
                 WHERE id = %s
                """,
                before,
                visit.id,
            )
        )
        return visit

    def test_the_migration_gives_the_amount_back_beside_the_tier_discount(self):
        rewritten = self._old_style(360, 400)
        # 1.4: tier discount on completion (400 to 360), then a reward of 18 off the amount
        redeemed = self._old_style(342, 400)
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": self.card.id,
                "description": "5% off redeemed",
                "dealer_kind": "redeem",
                "used": 100,
                "order_model": redeemed._name,
                "order_id": redeemed.id,
            }
        )
        redeemed.message_post(body="Loyalty reward 5% off: 18.0 off.")
        untouched = self._create_visit(self.vehicle, amount=500)
        self.env.flush_all()
        load_migration("18.0.1.5.0", "pre").migrate(self.env.cr, "18.0.1.4.0")
        load_migration("18.0.1.5.0", "pre").migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()

        def figures(visit):
            return (
                visit.amount,
                visit.dealer_loyalty_discount,
                visit.dealer_tier_discount_amount,
                visit.dealer_amount_net,
            )

        self.assertEqual(figures(rewritten), (400, 0, 40, 360), "once, however often it runs")
        self.assertEqual(figures(redeemed), (400, 18, 40, 342))
        self.assertEqual(figures(untouched), (500, 0, 0, 500))
        self.assertEqual(rewritten.dealer_amount_before_discount, 400, "kept for history")
