# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, case 3: every amount in the company currency, at the document's date."""

from datetime import date, datetime

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import DealerCrmCase

TODAY = date(2026, 11, 25)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 12:00:00")
class TestMoney(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.company.currency_id
        cls.eur = (
            cls.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", cls.usd.id), ("name", "in", ("EUR", "USD"))], limit=1)
        )
        cls.eur.active = True
        Rate = cls.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (cls.usd | cls.eur).ids)]).unlink()
        # 1 USD = 0.5 EUR from the start of 2026; 1 USD = 0.25 EUR from 1 July; today
        # 1 USD = 0.1 EUR, a rate none of the orders below may be converted at
        for day, rate in ((date(2026, 1, 1), 0.5), (date(2026, 7, 1), 0.25), (TODAY, 0.1)):
            Rate.create({"currency_id": cls.eur.id, "rate": rate, "name": day})
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "Euro customers", "currency_id": cls.eur.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Detailing", "list_price": 1000, "taxes_id": [Command.clear()]}
        )

    def _order(self, amount, day, pricelist=None, company=None, partner=None):
        order = self._create_order(
            partner or self.customer,
            self.product,
            amount,
            pricelist_id=(pricelist or self.eur_pricelist).id,
            company_id=(company or self.company).id,
        )
        order.date_order = datetime.combine(day, datetime.min.time().replace(hour=10))
        self.assertEqual(order.amount_untaxed, amount)
        return order

    def _spend(self, user=None):
        self.env.invalidate_all()
        partner = self.customer.with_user(user or self.user_sales)
        return partner.dealer_sales_spend

    def _evaluate(self):
        self.env["dealer.customer.score"]._evaluate(self.customer.ids, TODAY)
        self.customer.invalidate_recordset()
        return self.customer.dealer_lifetime_spend

    def test_a_sale_in_euros_is_2000_on_the_form_and_in_the_evaluation(self):
        order = self._order(1000, date(2026, 3, 10))
        self.assertEqual(order.currency_id, self.eur)
        self.assertEqual(self._spend(), 2000)
        self.assertEqual(self.customer.with_user(self.user_sales).dealer_currency_id, self.usd)
        self.assertEqual(self._evaluate(), 2000)
        self.assertEqual(self.customer.dealer_eval_currency_id, self.usd)

    def test_each_order_is_converted_at_its_own_date(self):
        self._order(1000, date(2026, 3, 10))  # at 0.5: 2,000
        self._order(1000, date(2026, 8, 10))  # at 0.25: 4,000
        self._order(
            500,
            date(2026, 9, 1),
            pricelist=self.env["product.pricelist"].create(
                {"name": "Dollars", "currency_id": self.usd.id}
            ),
        )  # already in dollars: 500
        self.assertEqual(self._spend(), 6500)
        self.assertEqual(self._evaluate(), 6500)
        self.assertEqual(self.customer.dealer_revenue_12m, 6500)

    def _august(self, code):
        """The company's figure ``code`` in August 2026, as the trend report reads it (the
        demo dealership's visits and sales of August are in it too: the tests compare
        what theirs add)."""
        return self.env["dealer.figure"]._dealer_compute(
            [code], self.company, date(2026, 8, 1), date(2026, 8, 31)
        )[code]

    def _august_report(self, code):
        trend = self.env["dealer.trend.report"].create(
            {"date_from": date(2026, 8, 1), "date_to": date(2026, 8, 31)}
        )
        return {line.code: line for line in trend.line_ids}[code].value

    def test_service_visits_are_converted_at_the_visit_date(self):
        before = self._august("service_revenue")
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        self.env["dealer.service.record"].create(
            {
                "vehicle_id": vehicle.id,
                "date": date(2026, 8, 10),
                "amount": 100,
                "currency_id": self.eur.id,
                "advisor_id": self.user_service.id,
                "state": "done",
            }
        )
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_user(self.user_service).dealer_service_spend, 400)
        self.assertEqual(self._evaluate(), 400)
        report = self.env["dealer.service.report"].search([("vehicle_id", "=", vehicle.id)])
        self.assertEqual((report.amount, report.currency_id), (400, self.usd))
        self.assertAlmostEqual(self._august_report("service_revenue") - before, 400, 2)

    def test_trend_report_sales_revenue_in_dollars(self):
        before = self._august("sales_revenue")
        self._order(1000, date(2026, 8, 10))
        self.assertAlmostEqual(self._august_report("sales_revenue") - before, 4000, 2)

    def test_each_company_counts_in_its_own_currency(self):
        europe = self._create_company("Euro Dealer", currency_id=self.eur.id)
        Rate = self.env["res.currency.rate"]
        # the euro company's own rates: 1 EUR = 2 USD (its base rate stays 1)
        Rate.create(
            {
                "currency_id": self.usd.id,
                "rate": 2.0,
                "name": date(2026, 1, 1),
                "company_id": europe.id,
            }
        )
        Rate.create(
            {
                "currency_id": self.eur.id,
                "rate": 1.0,
                "name": date(2026, 1, 1),
                "company_id": europe.id,
            }
        )
        user = self.user_sales
        user.write({"company_ids": [Command.link(europe.id)]})
        usd_pricelist = self.env["product.pricelist"].create(
            {"name": "Dollars (Europe)", "currency_id": self.usd.id, "company_id": europe.id}
        )
        euro_pricelist = self.env["product.pricelist"].create(
            {"name": "Euros (Europe)", "currency_id": self.eur.id, "company_id": europe.id}
        )
        self._order(1000, date(2026, 3, 10))  # the dollar company: 2,000 USD
        self._order(100, date(2026, 3, 10), pricelist=euro_pricelist, company=europe)
        self._order(100, date(2026, 3, 10), pricelist=usd_pricelist, company=europe)
        self.env.invalidate_all()
        in_us = self.customer.with_user(user).with_context(allowed_company_ids=[self.company.id])
        self.assertEqual((in_us.dealer_sales_spend, in_us.dealer_currency_id), (2000, self.usd))
        in_europe = self.customer.with_user(user).with_context(allowed_company_ids=[europe.id])
        # 100 EUR as they are, 100 USD at 1 EUR = 2 USD: 150 EUR
        self.assertEqual(
            (in_europe.dealer_sales_spend, in_europe.dealer_currency_id), (150, self.eur)
        )

    def test_budget_counts_loyalty_actions_in_dollars_at_their_dates(self):
        plan = self.env["dealer.service.plan"].create(
            {
                "name": "Plan 2026",
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "budget_line_ids": [
                    Command.create({"category": "promotional_items", "planned": 100})
                ],
            }
        )
        before = plan.budget_line_ids.actual  # what the database already holds
        self.env["dealer.loyalty.action"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "kind": "promotional_item",
                    "date": day,
                    "value": 10,
                    "currency_id": currency.id,
                }
                for day, currency in (
                    (date(2026, 3, 3), self.eur),  # at 0.5: 20
                    (date(2026, 8, 3), self.eur),  # at 0.25: 40
                    (date(2026, 8, 4), self.usd),  # 10
                )
            ]
        )
        plan.budget_line_ids.invalidate_recordset(["actual"])
        self.assertAlmostEqual(plan.budget_line_ids.actual - before, 70)

    def test_points_and_rewards_count_in_the_company_currency(self):
        """Points are earned per dollar of the scheme, and a fixed reward of 200 dollars
        is 100 euros off a quotation in euros dated when 1 USD = 0.5 EUR."""
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).active = False
        program = self._create_loyalty_program(
            "Dollar Club",
            rewards=[
                {
                    "discount_mode": "per_order",
                    "discount": 200,
                    "required_points": 100,
                    "description": "200 dollars off",
                }
            ],
            dealer_rule_ids=[Command.create({"source": "vehicle_sale", "points_per_unit": 0.1})],
        )
        self.assertEqual(program.currency_id, self.usd)
        on_the_day = datetime(2026, 3, 10, 10, 0)

        def quotation(amount):
            return self._create_order(
                self.customer,
                self.product,
                amount,
                confirm=False,
                pricelist_id=self.eur_pricelist.id,
                date_order=on_the_day,
            )

        # confirmed today (Odoo dates an order on confirmation): 1 USD = 0.1 EUR
        quotation(1000).action_confirm()
        card = program._dealer_card(self.customer)
        self.assertEqual(card.points, 1000, "0.1 point per dollar of 10,000 dollars")
        order = quotation(1000)
        self.env["dealer.loyalty.redeem"].with_user(self.user_sales).create(
            {"card_id": card.id, "reward_id": program.reward_ids.id, "sale_order_id": order.id}
        ).action_confirm()
        self.assertEqual(order.amount_untaxed, 900, "200 dollars are 100 euros on that day")
        self.assertEqual(card.points, 900)
