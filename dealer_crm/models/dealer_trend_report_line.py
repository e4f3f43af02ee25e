# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.target import STATUSES


class DealerTrendReportLine(models.Model):
    _name = "dealer.trend.report.line"
    _description = "Trend Report Figure"
    _order = "report_id, sequence"
    _dealer_partner_fields = ()
    #: the figures recorded by dealer.trend.report.action_refresh
    _dealer_protected_fields = frozenset(
        {
            "code",
            "value",
            "previous",
            "no_data",
            "previous_no_data",
            "target",
            "target_set",
            "status",
            "met",
        }
    )

    report_id = fields.Many2one("dealer.trend.report", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    sequence = fields.Integer()
    code = fields.Selection(selection="_selection_code", required=True, copy=False)
    name = fields.Char(compute="_compute_name")
    value = fields.Float(digits=(16, 2), copy=False)
    previous = fields.Float(string="Period Before", digits=(16, 2), copy=False)
    change = fields.Float(compute="_compute_change", digits=(16, 2))
    change_pct = fields.Float(string="Change (%)", compute="_compute_change", digits=(16, 1))
    target = fields.Float(digits=(16, 2), copy=False)
    target_set = fields.Boolean(copy=False)
    no_data = fields.Boolean(help="Nothing happened in the period to measure this by.", copy=False)
    previous_no_data = fields.Boolean(
        string="No Data the Period Before",
        help="Nothing to measure this by the period before.",
        copy=False,
    )
    status = fields.Selection(
        STATUSES,
        compute="_compute_met",
        store=True,
        copy=False,
        help="Against the target. A figure with no data is neither met nor missed.",
    )
    met = fields.Boolean(string="Target Met", compute="_compute_met", store=True, copy=False)

    @api.model
    def _selection_code(self):
        """Every figure of the registry."""
        return self.env["dealer.figure"]._dealer_selection()

    @api.depends("code")
    @api.depends_context("lang")
    def _compute_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for line in self:
            line.name = labels.get(line.code)

    @api.depends("value", "previous", "no_data", "previous_no_data")
    def _compute_change(self):
        for line in self:
            # no change against a period with no data, nor from one
            known = not (line.no_data or line.previous_no_data)
            line.change = line.value - line.previous if known else 0.0
            line.change_pct = (
                100.0 * line.change / line.previous if known and line.previous else 0.0
            )

    @api.depends("value", "target", "target_set", "code", "no_data")
    def _compute_met(self):
        Figure = self.env["dealer.figure"]
        for line in self:
            line.status = line.target_set and Figure._dealer_status(
                line.code, None if line.no_data else line.value, line.target
            )
            line.met = line.status == "met"
