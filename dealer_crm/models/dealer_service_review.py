# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.target import STATUSES


class DealerServiceReview(models.Model):
    """A review of a KPI: the actual figure on the day (recorded from the data), the
    manager's judgement, and the corrective actions decided."""

    _name = "dealer.service.review"
    _description = "KPI Review"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _dealer_partner_fields = ()
    #: the figures of the day, recorded from the data, and who reviewed: never rewritten
    _dealer_protected_fields = frozenset({"user_id", "actual", "target", "met", "status"})

    kpi_id = fields.Many2one("dealer.service.kpi", string="KPI", required=True, ondelete="cascade")
    plan_id = fields.Many2one(related="kpi_id.plan_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Reviewed By",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
    )
    actual = fields.Float(
        readonly=True, digits=(16, 2), copy=False, help="The KPI's figure when reviewed."
    )
    target = fields.Float(readonly=True, digits=(16, 2), copy=False)
    met = fields.Boolean(string="On Target", readonly=True, copy=False)
    status = fields.Selection(
        STATUSES,
        readonly=True,
        copy=False,
        help="Against the target when reviewed. With no data the KPI was neither met nor missed.",
    )
    judgement = fields.Selection(
        [("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track")],
        required=True,
        tracking=True,
    )
    comment = fields.Html(string="Findings")
    action_ids = fields.One2many("dealer.service.action", "review_id", string="Corrective Actions")
    company_id = fields.Many2one(related="kpi_id.company_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        for review in reviews:
            kpi = review.kpi_id
            # the figures of the day, from the data: never typed
            review.sudo().write(
                {
                    "actual": kpi.actual,
                    "target": kpi.target,
                    "met": kpi.met,
                    "status": kpi.status,
                }
            )
            kpi.activity_feedback(
                ["dealer_crm.mail_activity_type_kpi_review"], feedback=_("Reviewed.")
            )
        return reviews

    def write(self, vals):
        if "kpi_id" in vals and any(review.kpi_id.id != vals["kpi_id"] for review in self):
            raise UserError(
                _("A review records the figures of its KPI: review the other KPI instead.")
            )
        return super().write(vals)

    @api.depends_context("lang")
    def _compute_display_name(self):
        for review in self:
            review.display_name = _(
                "Review of %(kpi)s, %(date)s", kpi=review.kpi_id.display_name, date=review.date
            )
