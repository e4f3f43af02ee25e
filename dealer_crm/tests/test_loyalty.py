# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestLoyalty(DealerCrmCase):
    @classmethod
    def _make_program(cls, env):
        return cls._create_loyalty_program(
            "Test Club",
            rewards=[{"discount": 5, "required_points": 100, "description": "5% off"}],
            env=env,
            dealer_expiry_months=12,
            dealer_rule_ids=[
                Command.create({"source": "vehicle_sale", "points_per_unit": 0.1}),
                Command.create({"source": "service", "points_per_unit": 1}),
                Command.create(
                    {"source": "service", "service_type": "bodywork", "points_per_unit": 0.5}
                ),
            ],
            dealer_tier_ids=[
                Command.create({"name": "Silver", "threshold_points": 500}),
                Command.create({"name": "Gold", "threshold_points": 2000}),
            ],
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._make_program(cls.env)
        cls.card = cls.program._dealer_card(cls.customer)
        cls.product = cls.env["product.product"].create({"name": "New car", "list_price": 1})

    def _quotation(self, amount):
        return self._create_order(self.customer, self.product, amount, confirm=False)

    def _sell(self, amount):
        order = self._quotation(amount)
        order.action_confirm()
        return order

    def _history(self, kind):
        return self.card.history_ids.filtered(lambda h: h.dealer_kind == kind)

    def test_earning_from_a_sale(self):
        order = self._sell(10000)
        self.assertEqual(self.card.points, 1000)
        earned = self._history("earn")
        self.assertEqual(earned.issued, 1000)
        self.assertEqual((earned.order_model, earned.order_id), ("sale.order", order.id))
        self.assertEqual(earned.dealer_expiry_date, self._today() + relativedelta(months=12))

    def test_earning_from_a_service_visit_by_type(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create(
            {"vehicle_id": vehicle.id, "amount": 300, "service_type": "maintenance"}
        )
        self.assertEqual(self.card.points, 0, "nothing before the visit is done")
        visit.action_done()
        self.assertEqual(self.card.points, 300)
        self.env["dealer.service.record"].create(
            {"vehicle_id": vehicle.id, "amount": 400, "service_type": "bodywork", "state": "done"}
        )
        self.assertEqual(self.card.points, 500)
        self.assertEqual(self._history("earn").mapped("order_model"), ["dealer.service.record"] * 2)

    def test_tier_up_and_down_over_the_rolling_window(self):
        self.card._dealer_move(600, "Purchase", "earn")
        self.assertEqual(self.card.dealer_tier_id.name, "Silver")
        self.card._dealer_move(1500, "Purchase", "earn")
        self.assertEqual(self.card.dealer_tier_id.name, "Gold")
        self.assertEqual(self.customer.dealer_tier_id.name, "Gold")
        # the first earning leaves the 12-month window
        first = self._history("earn").sorted("id")[0]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_history SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - relativedelta(months=13), first.id),
        )
        self.env.invalidate_all()
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.tier_cron_last_id", 0)
        self.env["loyalty.card"]._cron_dealer_tiers()
        self.assertEqual(self.card.dealer_points_12m, 1500)
        self.assertEqual(self.card.dealer_tier_id.name, "Silver")

    def test_expiry_oldest_first_with_history(self):
        old = self.card._dealer_move(100, "Old purchase", "earn")
        self.card._dealer_move(200, "New purchase", "earn")
        old.dealer_expiry_date = self._today() - timedelta(days=1)
        self.card._dealer_redeem(50, "Car wash")
        self.assertEqual(old.dealer_remaining, 50, "redemption takes the oldest points first")
        self.env["loyalty.card"]._cron_dealer_expire_points()
        self.assertEqual(self.card.points, 200)
        self.assertEqual(old.dealer_remaining, 0)
        expired = self._history("expire")
        self.assertEqual(expired.used, 50)
        self.env["loyalty.card"]._cron_dealer_expire_points()
        self.assertEqual(len(self._history("expire")), 1, "expired once")

    def test_expiry_warning_honours_consent(self):
        other = self.env["res.partner"].create({"name": "No consent", "email": "nc@example.com"})
        other_card = self.program._dealer_card(other)
        for card in (self.card, other_card):
            earning = card._dealer_move(100, "Purchase", "earn")
            earning.dealer_expiry_date = self._today() + timedelta(days=10)
        self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "loyalty",
                "channel": "email",
                "state": "granted",
            }
        )
        warned = self.env["loyalty.card"]._cron_dealer_expiry_warnings()
        self.assertEqual(warned, self.card)
        self.assertTrue(
            self.card.message_ids.filtered(lambda m: "expire soon" in (m.subject or ""))
        )
        self.assertFalse(
            other_card.message_ids.filtered(lambda m: "expire soon" in (m.subject or ""))
        )
        self.assertTrue(other_card.message_ids.filtered(lambda m: "not sent" in str(m.body)))
        self.assertFalse(self.env["loyalty.card"]._cron_dealer_expiry_warnings(), "warned once")

    def test_expiry_warnings_reach_the_earnings_about_to_expire_first(self):
        """Earnings far from expiry never fill a batch ahead of those due a warning."""
        self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "loyalty",
                "channel": "email",
                "state": "granted",
            }
        )
        for _i in range(3):
            far = self.card._dealer_move(10, "Far", "earn")
            far.dealer_expiry_date = self._today() + timedelta(days=300)
        due = self.card._dealer_move(10, "Due", "earn")
        due.dealer_expiry_date = self._today() + timedelta(days=5)
        warned = self.env["loyalty.card"]._cron_dealer_expiry_warnings(batch_size=2)
        self.assertEqual(warned, self.card)
        self.assertTrue(due.dealer_warned)

    def test_points_expiring_within_the_warning_window(self):
        soon = self.card._dealer_move(100, "Old purchase", "earn")
        soon.dealer_expiry_date = self._today() + timedelta(days=10)
        self.card._dealer_move(50, "New purchase", "earn")
        self.program.dealer_warning_days = 30
        self.card.invalidate_recordset(["dealer_expiring_points"])
        self.assertEqual(self.card.dealer_expiring_points, 100)
        self.assertEqual(self.customer.dealer_expiring_points, 100)
        self.program.dealer_warning_days = 5
        self.card.invalidate_recordset(["dealer_expiring_points"])
        self.assertEqual(self.card.dealer_expiring_points, 0)

    def test_thanks_letter_renders(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        action = self.env["dealer.loyalty.action"].create(
            {"partner_id": self.customer.id, "kind": "thanks_letter", "vehicle_id": vehicle.id}
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "dealer_crm.report_thanks_letter", action.ids
        )
        html = html.decode()
        self.assertIn("Chan Tai Man", html)
        self.assertIn("Thank you for choosing us", html)
        self.assertIn(self.env.company.name, html)
        print_action = action.action_print_letter()
        self.assertTrue(print_action["type"].startswith("ir.actions."))

    def test_manual_adjustment_only_by_managers(self):
        for user in (self.user_sales, self.user_service):
            with self.assertRaises(AccessError):
                self.card.with_user(user)._dealer_adjust(100, "Goodwill")
            with self.assertRaises(AccessError):
                self.card.with_user(user).write({"points": 999})
            with self.assertRaises(AccessError):
                self.env["dealer.loyalty.adjust"].with_user(user).create(
                    {"card_id": self.card.id, "points": 5, "reason": "x"}
                )
        with self.assertRaises(UserError):
            self.card.with_user(self.user_manager)._dealer_adjust(100, " ")
        self.env["dealer.loyalty.adjust"].with_user(self.user_manager).create(
            {"card_id": self.card.id, "points": 100, "reason": "Goodwill after complaint"}
        ).action_confirm()
        self.assertEqual(self.card.points, 100)
        self.assertIn("Goodwill", self._history("adjust").description)

    def test_redeem_against_an_order_and_not_beyond_balance(self):
        self.card._dealer_move(120, "Purchase", "earn")
        order = self._quotation(1000)
        self.env["dealer.loyalty.redeem"].with_user(self.user_sales).create(
            {
                "card_id": self.card.id,
                "reward_id": self.program.reward_ids[0].id,
                "sale_order_id": order.id,
            }
        ).action_confirm()
        self.assertEqual(self.card.points, 20)
        self.assertEqual(order.amount_untaxed, 950, "the 5% reward is a discount line")
        redeemed = self._history("redeem")
        self.assertEqual((redeemed.order_model, redeemed.order_id), ("sale.order", order.id))
        with self.assertRaisesRegex(UserError, "cannot be taken"):
            self.card._dealer_redeem(21, "Too much")

    def test_a_discount_carries_the_taxes_of_what_it_discounts(self):
        self.card._dealer_move(500, "Purchase", "earn")
        tax = self.env["account.tax"].create({"name": "Test 15%", "amount": 15})
        order = self._quotation(1000)
        order.order_line.tax_id = tax
        self.env["dealer.loyalty.redeem"].with_user(self.user_sales).create(
            {
                "card_id": self.card.id,
                "reward_id": self.program.reward_ids[0].id,
                "sale_order_id": order.id,
            }
        ).action_confirm()
        self.assertEqual(order.amount_untaxed, 950)
        self.assertAlmostEqual(order.amount_tax, 142.5, msg="15% of the discounted amount")

    def test_the_tiers_service_discount_is_applied_to_the_visit(self):
        self.env["dealer.loyalty.tier"].search([("program_id", "=", self.program.id)]).unlink()
        self.env["dealer.loyalty.tier"].create(
            {
                "program_id": self.program.id,
                "name": "Club",
                "threshold_points": 50,
                "service_discount": 10,
            }
        )
        self.card._dealer_move(100, "Purchase", "earn")
        self.assertEqual(self.customer.dealer_tier_id.name, "Club")
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create({"vehicle_id": vehicle.id, "amount": 400})
        visit.with_user(self.user_service).action_done()
        self.assertEqual(visit.amount, 360)
        self.assertEqual(visit.dealer_amount_before_discount, 400)
        self.assertEqual(visit.dealer_tier_discount, 10)
        self.assertTrue(visit.message_ids.filtered(lambda m: "service discount" in str(m.body)))
        visit.write({"state": "in_progress"})
        visit.action_done()
        self.assertEqual(visit.amount, 360, "applied once")

    def test_redeem_against_a_service_visit(self):
        self.card._dealer_move(300, "Purchase", "earn")
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create({"vehicle_id": vehicle.id, "amount": 400})
        self.env["dealer.loyalty.redeem"].with_user(self.user_service).create(
            {
                "card_id": self.card.id,
                "reward_id": self.program.reward_ids[0].id,
                "service_record_id": visit.id,
            }
        ).action_confirm()
        self.assertEqual(visit.amount, 400, "the reward is a discount beside the amount")
        self.assertEqual(visit.dealer_amount_net, 380)
        self.assertEqual(self.card.points, 200)

    def test_loyalty_actions_counted_and_shown_on_the_partner(self):
        for kind in ("thanks_letter", "promotional_item", "followup_call"):
            self.env["dealer.loyalty.action"].create({"partner_id": self.customer.id, "kind": kind})
        counts = dict(
            self.env["dealer.loyalty.action"]._read_group(
                [("partner_id", "=", self.customer.id)], ["kind"], ["__count"]
            )
        )
        self.assertEqual(counts, {"thanks_letter": 1, "promotional_item": 1, "followup_call": 1})
        self.card._dealer_move(700, "Purchase", "earn")
        self.assertEqual(self.customer.dealer_loyalty_points, 700)
        self.assertEqual(self.customer.dealer_loyalty_card_id, self.card)

    # The ledger: earned once, returned on cancellation, spent exactly, balanced --------
    def _assert_balanced(self, cards):
        for card in cards:
            lines = card.history_ids
            self.assertAlmostEqual(
                card.points,
                sum(lines.mapped("issued")) - sum(lines.mapped("used")),
                msg=f"{card.display_name}: the balance is not the sum of its history",
            )

    def test_every_dealer_card_in_the_database_is_balanced(self):
        self._sell(10000)
        self._assert_balanced(
            self.env["loyalty.card"].search([("program_id.dealer_scheme", "=", True)])
        )

    def test_redemption_spends_the_rewards_points_whatever_the_client_sends(self):
        self.card._dealer_move(600, "Purchase", "earn")
        order = self._quotation(1000)
        wizard = (
            self.env["dealer.loyalty.redeem"]
            .with_user(self.user_sales)
            .create(
                {
                    "card_id": self.card.id,
                    "reward_id": self.program.reward_ids[0].id,
                    "sale_order_id": order.id,
                    "points": 1,
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.card.points, 600 - self.program.reward_ids[0].required_points)
        self._assert_balanced(self.card)

    def test_a_visit_completed_twice_earns_once(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create({"vehicle_id": vehicle.id, "amount": 400})
        visit.action_done()
        earned = self.card.points
        self.assertGreater(earned, 0)
        visit.write({"state": "in_progress"})
        visit.action_done()
        self.assertEqual(self.card.points, earned)
        self._assert_balanced(self.card)

    def test_a_cancelled_sale_returns_its_points_and_earns_once_when_confirmed_again(self):
        order = self._quotation(1000)
        order.action_confirm()
        earned = self.card.points
        self.assertGreater(earned, 0)
        order._action_cancel()
        self.assertEqual(self.card.points, 0, "the cancelled order gives its points back")
        self.assertTrue(self._history("reverse"))
        self.assertTrue(self._history("earn"), "sale_loyalty does not delete the ledger")
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self.card.points, earned)
        self._assert_balanced(self.card)

    def test_one_card_per_customer_and_scheme_in_the_database(self):
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["loyalty.card"].sudo().create(
                    {"program_id": self.program.id, "partner_id": self.customer.id}
                )


@tagged("post_install", "-at_install")
class TestLoyaltyConcurrency(DealerCrmCase):
    """Two transactions at the same moment: no points spent twice, no second card."""

    def _committed_program(self, name, points=0):
        """A customer and a scheme committed for two cursors to race on (cleaned up)."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": name})
            program = TestLoyalty._make_program(env)
            if points:
                program._dealer_card(partner)._dealer_move(points, "Purchase", "earn")
            ids = (partner.id, program.id)

        def cleanup():
            with self.env.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["loyalty.card"].search([("program_id", "=", ids[1])]).unlink()
                env["loyalty.program"].browse(ids[1]).write({"active": False})
                env["loyalty.program"].browse(ids[1]).unlink()
                env["res.partner"].browse(ids[0]).unlink()

        self.addCleanup(cleanup)
        envs = []
        for _i in range(2):
            cr = self.env.registry.cursor()
            self.addCleanup(cr.close)
            envs.append(api.Environment(cr, SUPERUSER_ID, {}))
        return ids, envs

    def test_concurrent_redemptions_never_overspend(self):
        (_partner_id, program_id), (env1, env2) = self._committed_program("Race Customer", 100)
        card_id = env1["loyalty.card"].search([("program_id", "=", program_id)]).id
        env1["loyalty.card"].browse(card_id)._dealer_redeem(80, "First")
        # the second waits on the card lock while the first is not committed
        env2.cr.execute("SET LOCAL lock_timeout = '500ms'")
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.LockNotAvailable):
            env2["loyalty.card"].browse(card_id)._dealer_redeem(80, "Second")
        env2.cr.rollback()
        env1.cr.commit()
        # once the first is committed, the second sees the new balance and is refused
        env2.invalidate_all()
        with self.assertRaisesRegex(UserError, "cannot be taken"):
            env2["loyalty.card"].browse(card_id)._dealer_redeem(80, "Second")
        env2.cr.rollback()
        env2.invalidate_all()
        self.assertEqual(env2["loyalty.card"].browse(card_id).points, 20)

    def test_concurrent_first_awards_end_on_one_card(self):
        (partner_id, program_id), (env1, env2) = self._committed_program("First Award Customer")
        program1 = env1["loyalty.program"].browse(program_id)
        program2 = env2["loyalty.program"].browse(program_id)
        self.assertFalse(env2["loyalty.card"].search([("program_id", "=", program_id)]))
        card = program1._dealer_card(env1["res.partner"].browse(partner_id))
        card._dealer_move(10, "First award", "earn")
        env1.cr.commit()
        # The second award began before the first committed: it fails in a way Odoo retries...
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.SerializationFailure):
            program2._dealer_card(env2["res.partner"].browse(partner_id))
        env2.cr.rollback()
        env2.invalidate_all()
        # ...and the retry lands on the same card, with both awards.
        retried = program2._dealer_card(env2["res.partner"].browse(partner_id))
        retried._dealer_move(20, "Second award", "earn")
        env2.cr.commit()
        self.assertEqual(retried.id, card.id)
        self.assertEqual(env2["loyalty.card"].search_count([("program_id", "=", program_id)]), 1)
        self.assertEqual(retried.points, 30)
