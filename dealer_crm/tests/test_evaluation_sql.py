# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The evaluation's writes at scale (issue 26): the measured rows reach PostgreSQL as
one JSON text and the loyalty tier by one join; what they write is unchanged."""

from datetime import date, datetime

from odoo import Command

from .common import DealerCrmCase


class TestEvaluationSql(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        tiers = [
            Command.create({"name": "Silver", "threshold_points": 500}),
            Command.create({"name": "Gold", "threshold_points": 2000}),
        ]
        cls.club = cls._create_loyalty_program("Club", dealer_tier_ids=tiers)
        cls.other_scheme = cls._create_loyalty_program(
            "Second Club",
            dealer_tier_ids=[Command.create({"name": "Bronze", "threshold_points": 10})],
        )
        cls.company_b = cls._create_company_b("Evaluation B")[0]
        cls.scheme_b = cls._create_loyalty_program(
            "Club B",
            env=cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_b.id])),
            company_id=cls.company_b.id,
            dealer_tier_ids=[Command.create({"name": "Platinum B", "threshold_points": 10})],
        )
        product = cls.env["product.product"].create({"name": "Car", "list_price": 1})
        cls.member = cls.env["res.partner"].create({"name": "Member"})
        cls.plain = cls.env["res.partner"].create({"name": "Plain"})
        for partner in cls.member | cls.plain:
            cls._create_order(partner, product, 1000)

    def _card(self, program, points, tier_name):
        card = program._dealer_card(self.member)
        tier = program.dealer_tier_ids.filtered(lambda t: t.name == tier_name)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_card SET points = %s, dealer_tier_id = %s WHERE id = %s",
            (points, tier.id, card.id),
        )
        self.env.invalidate_all()
        return card

    def _snapshot(self, partner):
        Score = self.env["dealer.customer.score"].sudo()
        Score._evaluate([self.member.id, self.plain.id], company=self.env.company)
        return Score.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.env.company.id),
                ("latest", "=", True),
            ]
        )

    def test_the_tier_is_the_card_of_the_highest_balance_in_the_companys_schemes(self):
        self._card(self.other_scheme, 50, "Bronze")
        self._card(self.club, 3000, "Gold")
        self._card(self.scheme_b, 90000, "Platinum B")  # another company's scheme
        self.assertEqual(self._snapshot(self.member).loyalty_tier_id.name, "Gold")
        self.assertFalse(self._snapshot(self.plain).loyalty_tier_id, "no card, no tier")

    def test_figures_and_empty_values_travel_unchanged(self):
        snapshot = self._snapshot(self.plain)
        self.assertEqual(snapshot.frequency, 1)
        self.assertEqual(snapshot.last_activity_date, self._today())
        self.assertFalse(snapshot.satisfaction_avg, "no survey: empty, not zero")
        self.assertEqual(self.plain.dealer_frequency, 1)
        self.assertEqual(self.plain.dealer_last_activity_date, self._today())

    def test_a_second_run_the_same_month_writes_no_second_snapshot(self):
        first = self._snapshot(self.member)
        self.assertEqual(self._snapshot(self.member), first)
        count = (
            self.env["dealer.customer.score"]
            .sudo()
            .search_count([("partner_id", "=", self.member.id)])
        )
        self.assertEqual(count, 1)

    def test_the_day_of_a_sale_is_the_dealers_own_not_utcs(self):
        """07:30 on 1 July in Hong Kong is 23:30 on 30 June in UTC: the sale is of July,
        the month its dealer made it in, whatever the hour the evaluation runs."""
        customer = self.env["res.partner"].create({"name": "Early Bird"})
        product = self.env["product.product"].create({"name": "Service", "list_price": 1})
        self._create_order(customer, product, 10).date_order = datetime(2026, 6, 30, 23, 30)
        Score = self.env["dealer.customer.score"].sudo()
        for tz, day in (("Asia/Hong_Kong", date(2026, 7, 1)), ("UTC", date(2026, 6, 30))):
            with self.subTest(tz=tz):
                Score.with_context(tz=tz)._evaluate(
                    [customer.id], today=date(2026, 7, 1), company=self.env.company
                )
                self.env.invalidate_all()
                self.assertEqual(customer.dealer_last_activity_date, day)
