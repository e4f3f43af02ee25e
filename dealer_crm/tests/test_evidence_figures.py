# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Figures that are evidence: each company's own, "no data" never met, whole days."""

import io
from datetime import date, datetime

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from ..models.dealer_figure import FIGURES
from .common import DealerCrmCase

STANDARDS = [figure.code for figure in FIGURES if figure.target_setting]

HONG_KONG = "Asia/Hong_Kong"  # UTC+8, no summer time


@tagged("post_install", "-at_install")
class TestEvidenceFigures(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, cls.user_sales_b, cls.user_manager_b = cls._create_company_b(
            "Harbour Motors B",
            t_sales_b="dealer_crm.group_sales",
            t_manager_b="dealer_crm.group_manager",
        )
        # a dealer with no data at all: every standard has nothing to be measured by
        cls.company_empty = cls._create_company("Empty Motors")
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared Customer", "email": "shared@example.com", "company_id": False}
        )

    def _visit_in_company_a(self, partner, amount):
        vehicle = self._create_vehicle(
            vin="WVWZZZ1KZAW000421", license_plate="EF 4321", owner_id=partner.id
        )
        # arranging history: a visit done, as the workshop would have recorded it
        return (
            self.env["dealer.service.record"]
            .sudo()
            .create(
                {
                    "vehicle_id": vehicle.id,
                    "date": self._today(),
                    "amount": amount,
                    "currency_id": self.company.currency_id.id,
                    "advisor_id": self.user_service.id,
                    "state": "done",
                    "company_id": self.company.id,
                }
            )
        )

    # ------------------------------------------------------------------ companies
    def test_a_shared_customers_spend_in_company_a_stays_in_company_a(self):
        """Issue 24, case 9: company B's user evaluates a shared customer with a visit of
        4,321 in company A, and reads none of it, on the customer nor in a snapshot."""
        self._visit_in_company_a(self.shared, 4321)
        Score = self.env["dealer.customer.score"]
        shared_b = self.shared.with_user(self.user_sales_b)
        shared_b.action_dealer_evaluate()
        self.env.invalidate_all()
        self.assertFalse(shared_b.dealer_lifetime_spend, "nothing spent in company B")
        self.assertFalse(shared_b.dealer_rfm_segment)
        scores_b = Score.with_user(self.user_sales_b).search([("partner_id", "=", self.shared.id)])
        self.assertEqual(scores_b.company_id, self.company_b, "B's snapshot is of B")
        self.assertEqual(scores_b.lifetime_spend, 0)

        # company A's user evaluates: A's figures, in A's snapshot
        shared_a = self.shared.with_user(self.user_sales)
        shared_a.action_dealer_evaluate()
        self.env.invalidate_all()
        self.assertEqual(shared_a.dealer_lifetime_spend, 4321)
        self.assertEqual(shared_a.dealer_rfm_segment, "new")
        score_a = Score.sudo().search(
            [("partner_id", "=", self.shared.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(score_a.lifetime_spend, 4321)

        # company B still reads nothing of it: customer, search, group, snapshots, analysis
        self.env.invalidate_all()
        self.assertFalse(shared_b.dealer_lifetime_spend)
        Partner_b = self.env["res.partner"].with_user(self.user_sales_b)
        self.assertNotIn(self.shared, Partner_b.search([("dealer_lifetime_spend", ">", 0)]))
        self.assertNotIn(self.shared, Partner_b.search([("dealer_rfm_segment", "=", "new")]))
        groups = dict(
            Partner_b._read_group(
                [("id", "=", self.shared.id)], ["dealer_rfm_segment"], ["__count"]
            )
        )
        self.assertEqual(groups, {False: 1})
        self.assertFalse(
            Score.with_user(self.user_sales_b).search([("lifetime_spend", "=", 4321)]),
            "A's snapshot is not visible in company B",
        )
        with self.assertRaises(AccessError):
            score_a.with_user(self.user_sales_b).read(["lifetime_spend"])
        Report = self.env["dealer.customer.report"]
        self.assertFalse(
            Report.with_user(self.user_manager_b).search([("lifetime_spend", "=", 4321)])
        )
        self.assertEqual(
            Report.with_user(self.user_manager)
            .search([("partner_id", "=", self.shared.id), ("lifetime_spend", "=", 4321)])
            .company_id,
            self.company,
        )
        # and the customer register exported in company B has none of it
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_sales_b)
            ._render("dealer_crm.customer_register", self.shared.ids)
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        values = [value for row in sheet.iter_rows(values_only=True) for value in row]
        self.assertNotIn(4321, values)

    def test_evaluate_now_is_in_a_company_of_the_user_only(self):
        self._visit_in_company_a(self.shared, 4321)
        with self.assertRaises(AccessError):
            self.shared.with_user(self.user_sales_b).with_context(
                allowed_company_ids=self.company.ids
            ).action_dealer_evaluate()
        self.assertFalse(
            self.env["dealer.customer.score"].sudo().search([("partner_id", "=", self.shared.id)])
        )

    def test_the_nightly_job_evaluates_each_company_apart(self):
        self._visit_in_company_a(self.shared, 4321)
        Score = self.env["dealer.customer.score"]
        self.assertIn(self.shared.id, Score._candidate_ids(company=self.company))
        self.assertNotIn(self.shared.id, Score._candidate_ids(company=self.company_b))
        Score._evaluate(self.shared.ids, company=self.company_b)
        Score._evaluate(self.shared.ids, company=self.company)
        scores = Score.sudo().search([("partner_id", "=", self.shared.id)])
        self.assertEqual(
            {score.company_id: score.lifetime_spend for score in scores},
            {self.company: 4321, self.company_b: 0},
        )
        # a customer of company A is never evaluated in company B
        own = self.env["res.partner"].create({"name": "A's own", "company_id": self.company.id})
        self.assertEqual(Score._evaluate(own.ids, company=self.company_b), 0)

    def test_every_dealer_model_with_a_company_has_a_company_rule(self):
        """Figures, budgets, scorecards and analysis views: each row has a company, and a
        global rule keeps it in its company."""
        rules = self.env["ir.rule"].sudo().search([("global", "=", True)])
        ruled = {rule.model_id.model for rule in rules if "company_id" in rule.domain_force}
        missing = []
        for model in self.env["ir.model"].sudo().search([("model", "=like", "dealer.%")]):
            Model = self.env.get(model.model)
            if Model is None or Model._transient or Model._abstract:
                continue
            field = Model._fields.get("company_id")
            if field and (field.store or not Model._auto) and model.model not in ruled:
                missing.append(model.model)
        self.assertFalse(missing, "dealer models with a company and no company rule")

    def test_budgets_and_scorecards_stay_in_their_company(self):
        Plan = self.env["dealer.service.plan"]
        plan_b = Plan.with_company(self.company_b).create(
            {
                "name": "B's plan",
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
                "company_id": self.company_b.id,
                "budget_line_ids": [Command.create({"category": "events", "planned": 1000})],
            }
        )
        self.env["event.event"].create(
            {
                "name": "Owners' club of company A",
                "date_begin": datetime(2026, 1, 15, 10),
                "date_end": datetime(2026, 1, 15, 12),
                "company_id": self.company.id,
                "dealer_cost": 700,
            }
        )
        self.assertEqual(plan_b.budget_line_ids.actual, 0, "A's event is not B's spend")
        Plan = Plan.with_user(self.user_manager)
        self.assertNotIn(plan_b, Plan.search([]))
        self.assertFalse(
            self.env["dealer.service.budget.line"]
            .with_user(self.user_manager)
            .search([("plan_id", "=", plan_b.id)])
        )
        scorecards = self.env["dealer.staff.scorecard"].with_user(self.user_manager).search([])
        self.assertFalse(scorecards.company_id - self.company)

    def test_company_b_opens_no_figures_of_company_a(self):
        """The dashboard, a trend report and its XLSX of company A, asked for by company
        B's manager, are refused."""
        report_a = self.env["dealer.trend.report"].create(
            {"date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)}
        )
        manager_b = self.user_manager_b
        with self.assertRaises(AccessError):
            board = (
                self.env["dealer.dashboard"]
                .with_user(manager_b)
                .create({"company_id": self.company.id})
            )
            board.read(["standards_html"])
        with self.assertRaises(AccessError):
            self.env["dealer.trend.report"].with_user(manager_b).create(
                {
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 28),
                    "company_id": self.company.id,
                }
            )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(manager_b)._render(
                "dealer_crm.trend_report_xlsx", report_a.ids
            )

    # ------------------------------------------------------------------ no data
    def _empty_report(self):
        return (
            self.env["dealer.trend.report"]
            .with_company(self.company_empty)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, 31),
                    "company_id": self.company_empty.id,
                }
            )
        )

    def test_a_period_without_complaints_or_surveys_has_no_data_never_met(self):
        report = self._empty_report()
        lines = {line.code: line for line in report.line_ids}
        for code in ("satisfaction", "resolution_days", "first_response_hours"):
            self.assertTrue(lines[code].no_data, code)
            self.assertEqual(lines[code].status, "no_data", code)
            self.assertFalse(lines[code].met, f"{code}: 0.0 read as met")
        self.assertEqual(report.standards_met, 0)
        self.assertEqual(report.standards_count, 0, "nothing was measured")
        self.assertEqual(report.standards_no_data, len(STANDARDS))
        # a count of nothing is a real zero
        self.assertFalse(lines["complaints"].no_data)
        self.assertEqual(lines["complaints"].value, 0)
        # the XLSX says "No data", neither 0 nor met
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            .with_company(self.company_empty)
            ._render("dealer_crm.trend_report_xlsx", report.ids)
        )
        rows = list(
            openpyxl.load_workbook(io.BytesIO(content))["Figures"].iter_rows(values_only=True)
        )
        satisfaction = next(row for row in rows if row[1] == "Satisfaction (1-5)")
        self.assertEqual(satisfaction[2], "No data")
        self.assertEqual(satisfaction[7], "No data")

    def test_a_satisfaction_measured_below_target_is_missed(self):
        self.env["helpdesk.ticket"].create(
            {
                "name": "Rated",
                "description": "x",
                "partner_id": self.shared.id,
                "company_id": self.company_empty.id,
                "dealer_feedback_kind": "compliment",
                "dealer_satisfaction": "2",
            }
        )
        today = self._today()
        report = (
            self.env["dealer.trend.report"]
            .with_company(self.company_empty)
            .create({"date_from": today, "date_to": today, "company_id": self.company_empty.id})
        )
        line = report.line_ids.filtered(lambda line: line.code == "satisfaction")
        self.assertEqual((line.value, line.status), (2.0, "missed"))
        self.assertEqual((report.standards_met, report.standards_count), (0, 1))

    def test_the_dashboard_counts_no_data_as_neither_met_nor_missed(self):
        board = (
            self.env["dealer.dashboard"]
            .with_company(self.company_empty)
            .create(
                {
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, 31),
                    "company_id": self.company_empty.id,
                }
            )
        )
        self.assertTrue(board.satisfaction_no_data)
        self.assertIn(f"0 of 0 measured ({len(STANDARDS)} with no data)", board.standards_met)
        self.assertNotIn("Met<", board.standards_html)
        self.assertNotIn("Missed<", board.standards_html)

    def _empty_plan(self):
        return (
            self.env["dealer.service.plan"]
            .with_company(self.company_empty)
            .create(
                {
                    "name": "Quiet month",
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, 31),
                    "company_id": self.company_empty.id,
                    "kpi_ids": [
                        Command.create(
                            {"code": "satisfaction", "target": 4, "review_date": date(2026, 1, 31)}
                        ),
                        Command.create(
                            {
                                "code": "resolution_days",
                                "target": 5,
                                "review_date": date(2026, 1, 31),
                            }
                        ),
                    ],
                }
            )
        )

    @freeze_time("2026-02-10 12:00:00")
    def test_a_kpi_with_no_data_is_neither_met_nor_missed(self):
        plan = self._empty_plan()
        for kpi in plan.kpi_ids:
            self.assertEqual(kpi.status, "no_data", kpi.code)
            self.assertFalse(kpi.met, f"{kpi.code}: 0.0 read as on target")
        self.assertEqual(plan.kpi_met_count, 0)

    @freeze_time("2026-02-10 12:00:00")
    def test_a_review_of_a_kpi_with_no_data_records_no_data(self):
        plan = self._empty_plan()
        kpi = plan.kpi_ids.filtered(lambda kpi: kpi.code == "resolution_days")
        review = (
            self.env["dealer.service.review"]
            .with_company(self.company_empty)
            .create({"kpi_id": kpi.id, "judgement": "at_risk"})
        )
        self.assertEqual(review.status, "no_data")
        self.assertFalse(review.met, "0.0 days read as within 5 days")

    # ------------------------------------------------------------------ whole days
    def _event(self, name, begin_utc, cost, company):
        return self.env["event.event"].create(
            {
                "name": name,
                "date_begin": begin_utc,
                "date_end": begin_utc.replace(hour=23, minute=59),
                "company_id": company.id,
                "dealer_cost": cost,
            }
        )

    def _events_plan(self, date_from, date_to, company):
        return (
            self.env["dealer.service.plan"]
            .with_company(company)
            .create(
                {
                    "name": "Events",
                    "date_from": date_from,
                    "date_to": date_to,
                    "company_id": company.id,
                    "budget_line_ids": [Command.create({"category": "events", "planned": 5000})],
                }
            )
        )

    def test_an_event_on_the_plans_last_afternoon_is_in_its_budget(self):
        """The plan's last day is whole: 16:30 on January 31 is in January."""
        company = self.company_empty
        self._event("Last afternoon", datetime(2026, 1, 31, 16, 30), 100, company)
        self._event("Next morning", datetime(2026, 2, 1, 0, 0), 1000, company)
        self._event("First minute", datetime(2026, 1, 1, 0, 0), 10, company)
        env = self.env(context=dict(self.env.context, tz="UTC"))
        plan = self._events_plan(date(2026, 1, 1), date(2026, 1, 31), company).with_env(env)
        self.assertEqual(plan.budget_line_ids.actual, 110)

    def test_the_last_day_is_the_users_day_in_their_time_zone(self):
        """In Hong Kong (UTC+8), January 31 runs from 16:00 UTC on the 30th to 16:00 UTC
        on the 31st, and the plan's first day starts at 16:00 UTC on December 31."""
        company = self.company_empty
        self._event("16:30 in Hong Kong on Jan 31", datetime(2026, 1, 31, 8, 30), 100, company)
        self._event("00:30 in Hong Kong on Feb 1", datetime(2026, 1, 31, 16, 30), 1000, company)
        self._event("07:00 in Hong Kong on Jan 1", datetime(2025, 12, 31, 23, 0), 10, company)
        self._event("23:30 in Hong Kong on Dec 31", datetime(2025, 12, 31, 15, 30), 10000, company)
        env = self.env(context=dict(self.env.context, tz=HONG_KONG))
        plan = self._events_plan(date(2026, 1, 1), date(2026, 1, 31), company).with_env(env)
        self.assertEqual(plan.budget_line_ids.actual, 110)

    def test_a_leap_day_month_end_keeps_its_last_afternoon(self):
        company = self.company_empty
        self._event("Leap day afternoon", datetime(2028, 2, 29, 16, 30), 100, company)
        self._event("March 1", datetime(2028, 3, 1, 0, 0), 1000, company)
        env = self.env(context=dict(self.env.context, tz="UTC"))
        plan = self._events_plan(date(2028, 2, 1), date(2028, 2, 29), company).with_env(env)
        self.assertEqual(plan.budget_line_ids.actual, 100)

    def test_trend_figures_count_the_whole_last_day_in_the_users_time_zone(self):
        company = self.company_empty
        Order = self.env["sale.order"].with_company(company)
        orders = Order.create(
            [
                {"partner_id": self.shared.id, "company_id": company.id},
                {"partner_id": self.shared.id, "company_id": company.id},
            ]
        )
        orders.action_confirm()
        # 16:30 on January 31 in Hong Kong, and 00:30 on February 1 there
        orders[0].date_order = datetime(2026, 1, 31, 8, 30)
        orders[1].date_order = datetime(2026, 1, 31, 16, 30)
        Trend = self.env["dealer.trend.report"].with_context(tz=HONG_KONG)
        january = Trend._figures(date(2026, 1, 1), date(2026, 1, 31), company)
        february = Trend._figures(date(2026, 2, 1), date(2026, 2, 28), company)
        self.assertEqual((january["sales_orders"], february["sales_orders"]), (1, 1))

    def test_a_follow_up_in_the_evening_of_its_day_is_on_time(self):
        """New York is UTC-5: 21:00 there on the follow-up day is 02:00 UTC the next day,
        still on time for the staff member."""
        staff = self.user_sales
        staff.sudo().tz = "America/New_York"
        Interaction = self.env["dealer.interaction"].sudo()
        first = Interaction.create(
            {
                "partner_id": self.shared.id,
                "user_id": staff.id,
                "channel": "phone",
                "subject": "Quote for tyres",
                "date": datetime(2026, 1, 12, 15, 0),
                "followup_date": date(2026, 1, 15),
            }
        )
        Interaction.create(
            {
                "partner_id": self.shared.id,
                "user_id": staff.id,
                "channel": "phone",
                "subject": "Called back about the tyres",
                "date": datetime(2026, 1, 16, 2, 0),
            }
        )
        self.env.flush_all()
        row = (
            self.env["dealer.staff.scorecard"]
            .with_user(self.user_manager)
            .search([("user_id", "=", staff.id), ("followups_on_time", "!=", False)])
        )
        self.assertEqual(len(row), 1, first.subject)
        self.assertEqual(row.followups_on_time, 100.0)
