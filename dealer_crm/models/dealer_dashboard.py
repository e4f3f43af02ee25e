# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import _, api, fields, models

from ..tools.rfm import AT_RISK_SEGMENTS
from ..tools.target import sign


class DealerDashboard(models.TransientModel):
    """The manager's landing page in Reporting: this month against the service standards,
    what needs attention now, and the way to every analysis."""

    _name = "dealer.dashboard"
    _description = "Manager Dashboard"
    _dealer_partner_fields = ()

    date_from = fields.Date(default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    standards_html = fields.Html(compute="_compute_figures", sanitize=False)
    standards_met = fields.Char(compute="_compute_figures")
    visits = fields.Integer(compute="_compute_figures", string="Visits This Month")
    service_revenue = fields.Monetary(compute="_compute_figures")
    sales_orders = fields.Integer(compute="_compute_figures", string="Sales This Month")
    satisfaction = fields.Float(compute="_compute_figures", digits=(3, 1))
    satisfaction_no_data = fields.Boolean(
        compute="_compute_figures", help="No survey answer nor rated ticket in the period."
    )
    open_complaints = fields.Integer(compute="_compute_now")
    breached_complaints = fields.Integer(compute="_compute_now", string="Past Service Level")
    overdue_promises = fields.Integer(compute="_compute_now")
    churn_risk_customers = fields.Integer(compute="_compute_now", string="Customers at Churn Risk")
    at_risk_customers = fields.Integer(compute="_compute_now", string="Customers at Risk")
    low_scores = fields.Integer(compute="_compute_now", string="Low Scores This Month")
    last_report_id = fields.Many2one("dealer.trend.report", compute="_compute_now")

    @api.depends_context("lang")
    def _compute_display_name(self):
        self.display_name = _("Dashboard")

    @api.depends("date_from", "date_to", "company_id")
    @api.depends_context("lang")
    def _compute_figures(self):
        Figure = self.env["dealer.figure"]
        standards = Figure._dealer_standards()
        targets = Figure._dealer_targets()
        labels = dict(
            self.env["dealer.trend.report.line"]._fields["code"]._description_selection(self.env)
        )
        for board in self:
            figures = Figure._dealer_compute(None, board.company_id, board.date_from, board.date_to)
            board.visits = figures["visits"]
            board.service_revenue = figures["service_revenue"]
            board.sales_orders = figures["sales_orders"]
            board.satisfaction = figures["satisfaction"] or 0.0
            board.satisfaction_no_data = figures["satisfaction"] is None
            rows, met, measured = [], 0, 0
            for code, figure in standards.items():
                value, target = figures[code], targets[code]
                status = Figure._dealer_status(code, value, target)
                # a standard with no data is neither met nor missed, nor counted
                met += status == "met"
                measured += status != "no_data"
                if status == "no_data":
                    badge, text, shown = "text-bg-secondary", _("No data"), "-"
                else:
                    badge = "text-bg-success" if status == "met" else "text-bg-danger"
                    text = _("Met") if status == "met" else _("Missed")
                    shown = f"{value:,.1f}{figure.unit if figure.unit == '%' else ''}"
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                        "<td><span class='badge %s'>%s</span></td></tr>"
                    )
                    % (
                        escape(labels[code]),
                        shown,
                        f"{sign(figure.direction)} {target:,.1f}",
                        badge,
                        text,
                    )
                )
            board.standards_met = _(
                "%(met)s of %(count)s measured (%(no_data)s with no data)",
                met=met,
                count=measured,
                no_data=len(standards) - measured,
            )
            board.standards_html = Markup(
                "<table class='table table-sm o_dealer_standards'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th><th></th></tr>"
                "</thead><tbody>%s</tbody></table>"
            ) % (_("Service standard"), _("Actual"), _("Target"), Markup("").join(rows))

    @api.depends("company_id")
    def _compute_now(self):
        today = fields.Date.context_today(self)
        start, _end = self.env["dealer.trend.report"]._period_bounds(today.replace(day=1), today)
        for board in self:
            co = [("company_id", "in", (board.company_id.id, False))]
            Report = self.env["dealer.complaint.report"]
            board.open_complaints = Report.search_count(co + [("closed", "=", False)])
            board.breached_complaints = Report.search_count(
                co + [("closed", "=", False), ("sla_breached", "=", True)]
            )
            board.overdue_promises = self.env["dealer.promise"].search_count(
                co + [("is_overdue", "=", True)]
            )
            Customers = self.env["dealer.customer.report"]
            board.churn_risk_customers = Customers.search_count(co + [("churn_risk", "=", True)])
            board.at_risk_customers = Customers.search_count(
                co + [("segment", "in", AT_RISK_SEGMENTS)]
            )
            board.low_scores = self.env["dealer.satisfaction.report"].search_count(
                co + [("low_count", "=", 1), ("date", ">=", start)]
            )
            board.last_report_id = self.env["dealer.trend.report"].search(
                co, limit=1, order="date_from desc"
            )

    @api.model
    def action_open(self):
        board = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": _("Dashboard"),
            "res_model": self._name,
            "res_id": board.id,
            "view_mode": "form",
            "views": [(self.env.ref("dealer_crm.dealer_dashboard_view_form").id, "form")],
            "target": "current",
        }

    def _open(self, xmlid, domain=None, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if domain is not None:
            action["domain"] = domain
        if context is not None:
            action["context"] = context
        return action

    def action_open_complaints(self):
        return self._open("dealer_crm.dealer_complaint_report_action", [("closed", "=", False)], {})

    def action_open_breached(self):
        return self._open(
            "dealer_crm.dealer_complaint_report_action",
            [("closed", "=", False), ("sla_breached", "=", True)],
            {},
        )

    def action_open_promises(self):
        return self._open("dealer_crm.dealer_promise_action", [("is_overdue", "=", True)], {})

    def action_open_churn(self):
        return self._open(
            "dealer_crm.dealer_customer_report_action", [("churn_risk", "=", True)], {}
        )

    def action_open_at_risk(self):
        return self._open(
            "dealer_crm.dealer_customer_report_action",
            [("segment", "in", AT_RISK_SEGMENTS)],
            {},
        )

    def action_open_low_scores(self):
        return self._open(
            "dealer_crm.dealer_satisfaction_report_action",
            [
                ("low_count", "=", 1),
                (
                    "date",
                    ">=",
                    self.env["dealer.trend.report"]._period_bounds(self.date_from, self.date_to)[0],
                ),
            ],
            {},
        )

    def action_open_last_report(self):
        self.ensure_one()
        if not self.last_report_id:
            return self._open("dealer_crm.dealer_trend_report_action")
        return {
            "type": "ir.actions.act_window",
            "res_model": "dealer.trend.report",
            "res_id": self.last_report_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
