# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.misc import formatLang

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
    change_pct_known = fields.Boolean(
        compute="_compute_change",
        help="Both periods have data and the period before is not 0: a change in percent "
        "can be told.",
    )
    target = fields.Float(digits=(16, 2), copy=False)
    is_count = fields.Boolean(
        string="Is a Count", compute="_compute_display", help="Shown in whole numbers."
    )
    # the figures as shown: whole numbers for a count, empty where there is no data
    value_display = fields.Char(string="Value Shown", compute="_compute_display")
    previous_display = fields.Char(string="Period Before Shown", compute="_compute_display")
    change_display = fields.Char(string="Change Shown", compute="_compute_display")
    change_pct_display = fields.Char(string="Change (%) Shown", compute="_compute_display")
    target_display = fields.Char(string="Target Shown", compute="_compute_display")
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
            # from 0, or with no data, a change in percent is no data, not "no change"
            line.change_pct_known = known and bool(line.previous)
            line.change_pct = 100.0 * line.change / line.previous if line.change_pct_known else 0.0

    @api.depends("code", "value", "previous", "target", "target_set", "no_data", "previous_no_data")
    @api.depends_context("lang")
    def _compute_display(self):
        Figure = self.env["dealer.figure"]
        for line in self:
            line.is_count = Figure._dealer_is_count(line.code)
            digits = 0 if line.is_count else 2

            def shown(value, known, digits=digits):
                return formatLang(self.env, value, digits=digits) if known else False

            known = not (line.no_data or line.previous_no_data)
            line.value_display = shown(line.value, not line.no_data)
            line.previous_display = shown(line.previous, not line.previous_no_data)
            line.change_display = shown(line.change, known)
            line.change_pct_display = shown(line.change_pct, line.change_pct_known, 1)
            line.target_display = shown(line.target, line.target_set)

    @api.depends("value", "target", "target_set", "code", "no_data")
    def _compute_met(self):
        Figure = self.env["dealer.figure"]
        for line in self:
            line.status = line.target_set and Figure._dealer_status(
                line.code, None if line.no_data else line.value, line.target
            )
            line.met = line.status == "met"
