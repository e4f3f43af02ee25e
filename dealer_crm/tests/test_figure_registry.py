# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figure registry (``dealer.figure``) and the one "target met" rule: the trend
report, the service plan's KPIs and the manager dashboard read every figure from the
registry and judge it against its target the same way."""

import re
from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from ..models.dealer_figure import FIGURES, Figure
from ..tools.target import DIRECTIONS
from .common import DealerCrmCase

PERIOD = (date(2031, 3, 1), date(2031, 3, 31))
EMPTY_PERIOD = (date(2031, 6, 1), date(2031, 6, 30))
UNITS = ("", "amount", "%", "h", "d")


@freeze_time("2031-07-15 10:00:00")
@tagged("post_install", "-at_install")
class TestFigureRegistry(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Figure = cls.env["dealer.figure"]
        vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        # promises kept on time: 3 of 4 = 75 % (higher is better)
        names = ("Call back", "Send the quote", "Check the tyres", "Order the part")
        Promise = cls.env["dealer.promise"]
        promises = Promise.create(
            [
                {"name": n, "partner_id": cls.customer.id, "date_due": date(2031, 3, 10)}
                for n in names
            ]
        )
        promises[:3].write({"state": "kept", "date_kept": date(2031, 3, 9)})
        promises[3:].write({"state": "broken"})
        # comebacks: the second visit within 30 days of the first = 50 % (lower is better)
        cls.env["dealer.service.record"].create(
            [
                {"vehicle_id": vehicle.id, "date": date(2031, 3, 1), "state": "done"},
                {"vehicle_id": vehicle.id, "date": date(2031, 3, 20), "state": "done"},
            ]
        )

    # ------------------------------------------------------------------ helpers
    def _set_target(self, code, target):
        setting = self.Figure._dealer_figures()[code].target_setting
        param = self.env["dealer.settings.mixin"]._fields[setting].config_parameter
        self.env["ir.config_parameter"].sudo().set_param(param, target)

    def _trend_line(self, code, period):
        Report = self.env["dealer.trend.report"]
        report = Report.search(
            [("date_from", "=", period[0]), ("date_to", "=", period[1])]
        ) or Report.create({"date_from": period[0], "date_to": period[1]})
        report.action_refresh()
        return report.line_ids.filtered(lambda line: line.code == code)

    def _kpi(self, code, target, period):
        plan = self.env["dealer.service.plan"].create(
            {"name": "Plan", "date_from": period[0], "date_to": period[1]}
        )
        return self.env["dealer.service.kpi"].create(
            {
                "plan_id": plan.id,
                "code": code,
                "target": target,
                "user_id": self.user_manager.id,
                "review_date": period[1],
            }
        )

    def _dashboard_status(self, code, period):
        board = self.env["dealer.dashboard"].create({"date_from": period[0], "date_to": period[1]})
        label = re.escape(self.env._(self.Figure._dealer_figures()[code].label))
        row = re.search(
            rf"<tr><td>{label}</td><td[^>]*>([^<]*)</td><td[^>]*>[^<]*</td>"
            r"<td><span class='badge [^']*'>([^<]*)</span>",
            str(board.standards_html),
        )
        self.assertTrue(row, f"{code} is on the dashboard")
        shown, text = row.groups()
        status = {"Met": "met", "Missed": "missed", "No data": "no_data"}[text]
        value = None if shown == "-" else float(shown.rstrip("%").replace(",", ""))
        return value, status

    def _assert_all_agree(self, code, target, period, expected_value, expected_status):
        self._set_target(code, target)
        line = self._trend_line(code, period)
        kpi = self._kpi(code, target, period)
        board_value, board_status = self._dashboard_status(code, period)
        line_value = None if line.no_data else line.value
        kpi_value = None if kpi.status == "no_data" else kpi.actual
        self.assertEqual(
            (line_value, kpi_value, board_value), (expected_value,) * 3, f"{code} value"
        )
        self.assertEqual(
            (line.status, kpi.status, board_status), (expected_status,) * 3, f"{code} status"
        )
        self.assertEqual((line.met, kpi.met), (expected_status == "met",) * 2)

    # ------------------------------------------------------------------ registry
    def test_registry_codes_are_unique(self):
        codes = [figure.code for figure in FIGURES]
        self.assertEqual(len(codes), len(set(codes)))
        self.assertEqual(list(self.Figure._dealer_figures()), codes)

    def test_every_figure_of_the_trend_report_is_registered_with_its_definition(self):
        report = self.env["dealer.trend.report"].create(
            {"date_from": PERIOD[0], "date_to": PERIOD[1]}
        )
        figures = self.Figure._dealer_figures()
        self.assertEqual(report.line_ids.mapped("code"), list(figures), "every figure, in order")
        for line in report.line_ids:
            figure = figures[line.code]
            self.assertTrue(self.env._(figure.label), line.code)
            self.assertEqual(line.name, self.env._(figure.label))
            self.assertIn(figure.unit, UNITS, line.code)
            self.assertIn(figure.direction, DIRECTIONS, line.code)
            source = self.env[figure.model]
            self.assertIn("company_id", source._fields, line.code)
            self.assertIn(source._fields[figure.date_field].type, ("date", "datetime"))
            field = figure.aggregate.split(":")[0]
            self.assertTrue(field == "__count" or field in source._fields, line.code)
            self.assertEqual(line.target_set, bool(figure.target_setting), line.code)

    def test_every_standard_has_a_target_setting_and_can_be_a_kpi(self):
        targets = self.Figure._dealer_targets()
        kpi_codes = [code for code, _label in self.env["dealer.service.kpi"]._selection_code()]
        standards = [figure.code for figure in FIGURES if figure.target_setting]
        self.assertEqual(list(targets), standards)
        self.assertEqual(kpi_codes, standards)
        Settings = self.env["dealer.settings.mixin"]
        for figure in FIGURES:
            if figure.target_setting:
                self.assertIn(figure.target_setting, Settings._fields, figure.code)

    # ------------------------------------------------------------------ one rule
    def test_higher_is_better_above_target_is_met_everywhere(self):
        self._assert_all_agree("promises_kept", 70, PERIOD, 75.0, "met")

    def test_higher_is_better_below_target_is_missed_everywhere(self):
        self._assert_all_agree("promises_kept", 80, PERIOD, 75.0, "missed")

    def test_higher_is_better_exactly_on_target_is_met_everywhere(self):
        self._assert_all_agree("promises_kept", 75, PERIOD, 75.0, "met")

    def test_lower_is_better_below_target_is_met_everywhere(self):
        self._assert_all_agree("comebacks", 60, PERIOD, 50.0, "met")

    def test_lower_is_better_above_target_is_missed_everywhere(self):
        self._assert_all_agree("comebacks", 40, PERIOD, 50.0, "missed")

    def test_lower_is_better_exactly_on_target_is_met_everywhere(self):
        self._assert_all_agree("comebacks", 50, PERIOD, 50.0, "met")

    def test_no_data_is_neither_met_nor_missed_everywhere(self):
        self._assert_all_agree("promises_kept", 0, EMPTY_PERIOD, None, "no_data")
        self._assert_all_agree("comebacks", 100, EMPTY_PERIOD, None, "no_data")

    # ------------------------------------------------------------------ extension
    def test_a_figure_added_to_the_registry_reaches_the_trend_report_and_the_kpis(self):
        added = Figure(
            "visits_done_test",
            "Visits done (test)",
            "dealer.service.report",
            "visit_count:sum",
            "date",
            (("state", "=", "done"),),
            direction="lower",
            target_setting="dealer_target_comebacks",
        )
        figures = {**self.Figure._dealer_figures(), added.code: added}
        registry_class = type(self.Figure)
        with patch.object(registry_class, "_dealer_figures", lambda self: figures):
            self._set_target(added.code, 1)
            line = self._trend_line(added.code, PERIOD)
            self.assertEqual(line.name, "Visits done (test)")
            self.assertEqual((line.value, line.target, line.status), (2.0, 1.0, "missed"))
            kpi = self._kpi(added.code, 3, PERIOD)
            self.assertEqual((kpi.actual, kpi.status, kpi.higher_is_better), (2.0, "met", False))
            self.assertEqual(self._dashboard_status(added.code, PERIOD), (2.0, "missed"))

    def test_visits_on_time_agree_everywhere_and_no_promise_is_no_data(self):
        """Delayed service (issue 29): of the visits promised ready in March, one done
        by its promise and one after it: 50 %, missed against 90 %."""
        vehicle = self._create_vehicle(self._recall_vin(1), owner_id=self.customer.id)
        with freeze_time("2031-03-10 08:00:00"):
            self._create_late_visit(vehicle, datetime(2031, 3, 10, 17, 0), state="done")
            self._create_late_visit(vehicle, datetime(2031, 3, 10, 7, 0), state="done")
        self._assert_all_agree("visits_on_time", 90, PERIOD, 50.0, "missed")
        self._assert_all_agree("visits_on_time", 40, PERIOD, 50.0, "met")
        self._assert_all_agree("visits_on_time", 90, EMPTY_PERIOD, None, "no_data")
