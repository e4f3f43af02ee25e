# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from ..tools.rfm import SEGMENTS


class DealerTrendReportItem(models.Model):
    """A top complaint cause, a top unmet need or a movement between segments.

    ``name`` records what was counted, in the words of whoever refreshed the report;
    ``label`` says it in the reader's language, from the cause, the need or the segments
    the item keeps, or as "not found yet" / "no reason given" when it is ``unnamed``
    (items recorded before these were kept show their ``name``)."""

    _name = "dealer.trend.report.item"
    _description = "Trend Report Item"
    _order = "report_id, sequence"
    _dealer_partner_fields = ()
    #: recorded by dealer.trend.report.action_refresh
    _dealer_protected_fields = frozenset(
        {
            "kind",
            "name",
            "count",
            "root_cause_id",
            "lost_reason_id",
            "need_tag_id",
            "segment_before",
            "segment_after",
            "unnamed",
        }
    )

    report_id = fields.Many2one("dealer.trend.report", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    sequence = fields.Integer()
    kind = fields.Selection(
        [("cause", "Complaint cause"), ("need", "Unmet need"), ("movement", "Segment movement")],
        required=True,
        copy=False,
    )
    name = fields.Char(string="Name as Recorded", required=True, copy=False)
    label = fields.Char(string="Name", compute="_compute_label")
    count = fields.Integer(copy=False)
    root_cause_id = fields.Many2one("dealer.complaint.root.cause", copy=False)
    lost_reason_id = fields.Many2one("crm.lost.reason", copy=False)
    need_tag_id = fields.Many2one("dealer.need.tag", string="Need", copy=False)
    segment_before = fields.Selection(SEGMENTS, copy=False)
    segment_after = fields.Selection(SEGMENTS, copy=False)
    unnamed = fields.Boolean(
        copy=False, help="Complaints with no root cause yet, or enquiries lost for no reason given."
    )

    @api.depends(
        "kind",
        "name",
        "root_cause_id.name",
        "lost_reason_id.name",
        "need_tag_id.name",
        "segment_before",
        "segment_after",
        "unnamed",
    )
    @api.depends_context("lang")
    def _compute_label(self):
        segments = self._dealer_labels("segment_before")
        for item in self:
            if item.kind == "movement" and (item.segment_before or item.segment_after):
                item.label = _(
                    "%(before)s → %(after)s",
                    before=segments.get(item.segment_before) or _("none"),
                    after=segments.get(item.segment_after) or _("none"),
                )
            elif item.unnamed:
                item.label = (
                    _("Cause not found yet") if item.kind == "cause" else _("No reason given")
                )
            else:
                item.label = (
                    item.root_cause_id.name
                    or item.lost_reason_id.name
                    or item.need_tag_id.name
                    or item.name
                )
