# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from ..tools.target import STATUSES
from .dealer_service_plan import owner_field


class DealerServiceKpi(models.Model):
    """A measurable target of the plan. Its actual figure is read from the data of the
    plan's period (the trend report's figures), never typed."""

    _name = "dealer.service.kpi"
    _description = "Customer Service KPI"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "plan_id, review_date, id"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"review_requested"})
    _dealer_read_actions = frozenset({"action_review"})

    plan_id = fields.Many2one("dealer.service.plan", required=True, ondelete="cascade", index=True)
    objective_id = fields.Many2one(
        "dealer.service.objective", domain="[('plan_id', '=', plan_id)]", ondelete="set null"
    )
    code = fields.Selection(selection="_selection_code", string="Measure", required=True)
    target = fields.Float(required=True, tracking=True)
    higher_is_better = fields.Boolean(compute="_compute_higher_is_better")
    user_id = owner_field()
    review_date = fields.Date(required=True, tracking=True)
    actual = fields.Float(compute="_compute_actual", digits=(16, 2), help="From the data, so far.")
    met = fields.Boolean(string="On Target", compute="_compute_actual")
    status = fields.Selection(
        STATUSES,
        compute="_compute_actual",
        help="Against the target so far. With no data in the period the KPI is neither met "
        "nor missed.",
    )
    review_ids = fields.One2many("dealer.service.review", "kpi_id", string="Reviews")
    review_requested = fields.Boolean(readonly=True, copy=False)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    @api.model
    def _selection_code(self):
        """The service standards of the figure registry: the figures with a target."""
        return self.env["dealer.figure"]._dealer_selection(standards_only=True)

    @api.depends("code")
    def _compute_higher_is_better(self):
        figures = self.env["dealer.figure"]._dealer_figures()
        for kpi in self:
            kpi.higher_is_better = not kpi.code or figures[kpi.code].direction == "higher"

    @api.depends("code", "target", "plan_id.date_from", "plan_id.date_to")
    @api.depends_context("tz")
    def _compute_actual(self):
        figures = {plan: plan._actual_figures() for plan in self.plan_id if plan.date_from}
        Figure = self.env["dealer.figure"]
        for kpi in self:
            value = figures.get(kpi.plan_id, {}).get(kpi.code)
            kpi.actual = value or 0.0
            kpi.status = Figure._dealer_status(kpi.code, value, kpi.target)
            kpi.met = kpi.status == "met"

    @api.depends("code", "plan_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for kpi in self:
            kpi.display_name = labels.get(kpi.code) or _("New KPI")

    @api.model
    def _cron_review_due(self):
        """On its review date, the KPI's owner gets an activity to review it, once."""
        today = fields.Date.context_today(self)
        # taken with SKIP LOCKED and flagged in the same transaction: two runs at once
        # ask for no review twice (issue 27)
        due = self._dealer_claim(
            [
                ("review_date", "<=", today),
                ("review_requested", "=", False),
                ("plan_id.state", "=", "active"),
            ],
            None,
        )
        activity_type = self.env.ref("dealer_crm.mail_activity_type_kpi_review")
        for kpi in due:
            kpi.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Review %s against its target", kpi.display_name),
                date_deadline=kpi.review_date,
                user_id=kpi.user_id.id,
            )
        due.sudo().write({"review_requested": True})
        return due

    def action_review(self):
        """Open a review of this KPI, with its actual figure recorded now."""
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "dealer.service.review",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_kpi_id": self.id},
        }
