# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerTrendReportItem(models.Model):
    _name = "dealer.trend.report.item"
    _description = "Trend Report Item"
    _order = "report_id, sequence"
    _dealer_partner_fields = ()
    #: recorded by dealer.trend.report.action_refresh
    _dealer_protected_fields = frozenset({"kind", "name", "count"})

    report_id = fields.Many2one("dealer.trend.report", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    sequence = fields.Integer()
    kind = fields.Selection(
        [("cause", "Complaint cause"), ("need", "Unmet need"), ("movement", "Segment movement")],
        required=True,
        copy=False,
    )
    name = fields.Char(required=True, copy=False)
    count = fields.Integer(copy=False)
