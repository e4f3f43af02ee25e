# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer service strategy: a plan per period, its objectives, the KPIs that
measure them, their reviews and the corrective actions, and the budget."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


def owner_field():
    """Who answers for a KPI or an action (tracked)."""
    return fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
    )


class DealerServicePlan(models.Model):
    _name = "dealer.service.plan"
    _description = "Customer Service Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"state"})

    name = fields.Char(required=True, tracking=True)
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Manager", required=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Running"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    strategy = fields.Html(
        help="The yardsticks of service quality, the scope of the audits, how sales and "
        "service work together, and how the service is promoted this period."
    )
    objective_ids = fields.One2many("dealer.service.objective", "plan_id", string="Objectives")
    kpi_ids = fields.One2many("dealer.service.kpi", "plan_id", string="KPIs")
    review_ids = fields.One2many("dealer.service.review", "plan_id", string="Reviews")
    action_ids = fields.One2many("dealer.service.action", "plan_id", string="Actions")
    budget_line_ids = fields.One2many("dealer.service.budget.line", "plan_id", string="Budget")
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget_planned = fields.Monetary(compute="_compute_budget")
    budget_actual = fields.Monetary(compute="_compute_budget")
    kpi_met_count = fields.Integer(compute="_compute_kpi_counts", string="KPIs on Target")
    open_action_count = fields.Integer(compute="_compute_kpi_counts", string="Open Actions")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        ("dates_check", "CHECK(date_to >= date_from)", "The plan ends before it starts."),
    ]

    @api.depends("budget_line_ids.planned", "budget_line_ids.actual")
    def _compute_budget(self):
        for plan in self:
            plan.budget_planned = sum(plan.budget_line_ids.mapped("planned"))
            plan.budget_actual = sum(plan.budget_line_ids.mapped("actual"))

    def _compute_kpi_counts(self):
        for plan in self:
            plan.kpi_met_count = len(plan.kpi_ids.filtered("met"))
            plan.open_action_count = len(plan.action_ids.filtered(lambda a: a.state == "open"))

    def _actual_figures(self):
        """The trend figures of the plan's period so far."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        end = min(self.date_to, today) if self.date_from <= today else self.date_to
        return self.env["dealer.figure"]._dealer_compute(None, self.company_id, self.date_from, end)

    def action_start(self):
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        if any(plan.state != "draft" for plan in self):
            raise ValidationError(_("Only a draft plan can be run."))
        if any(not plan.kpi_ids for plan in self):
            raise ValidationError(_("Give the plan at least one KPI before running it."))
        self.sudo().write({"state": "active"})

    def action_close(self):
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        if any(plan.state != "active" for plan in self):
            raise ValidationError(_("Only a running plan can be closed."))
        self.sudo().write({"state": "closed"})
