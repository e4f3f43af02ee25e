# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .dealer_service_plan import owner_field


class DealerServiceAction(models.Model):
    """A corrective or preventive action, tracked to closure: its owner gets an activity
    due on its date, closing it closes the activity, and a manager checks it worked."""

    _name = "dealer.service.action"
    _description = "Corrective or Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_due, id"
    _dealer_partner_fields = ()

    name = fields.Char(string="Action", required=True, tracking=True)
    kind = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        default="corrective",
        required=True,
    )
    review_id = fields.Many2one("dealer.service.review", ondelete="cascade", index=True)
    deficiency_id = fields.Many2one("dealer.service.deficiency", ondelete="cascade", index=True)
    plan_id = fields.Many2one(
        "dealer.service.plan", compute="_compute_plan_id", store=True, index=True
    )
    user_id = owner_field()
    date_due = fields.Date(string="Due", required=True, tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
    )
    date_done = fields.Date(readonly=True, tracking=True)
    is_late = fields.Boolean(compute="_compute_is_late")
    effectiveness = fields.Selection(
        [
            ("pending", "Not checked yet"),
            ("effective", "Effective"),
            ("not_effective", "Not effective"),
        ],
        default="pending",
        tracking=True,
        help="Checked after closure: did the action remove the cause?",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("review_id.plan_id")
    def _compute_plan_id(self):
        for action in self:
            action.plan_id = action.review_id.plan_id

    @api.depends("state", "date_due")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_late = action.state == "open" and action.date_due < today

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        activity_type = self.env.ref("dealer_crm.mail_activity_type_corrective_action")
        for action in actions:
            action.activity_schedule(
                activity_type_id=activity_type.id,
                summary=action.name,
                date_deadline=action.date_due,
                user_id=action.user_id.id,
            )
        return actions

    def action_done(self):
        if any(action.state != "open" for action in self):
            raise UserError(_("Only an open action can be closed."))
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        self.activity_feedback(
            ["dealer_crm.mail_activity_type_corrective_action"], feedback=_("Done.")
        )

    def action_cancel(self):
        self.write({"state": "cancelled"})
        self.activity_unlink(["dealer_crm.mail_activity_type_corrective_action"])

    def action_effective(self):
        self._check_closed()
        self.effectiveness = "effective"

    def action_not_effective(self):
        self._check_closed()
        self.effectiveness = "not_effective"

    def _check_closed(self):
        if any(action.state != "done" for action in self):
            raise UserError(_("Check whether an action worked once it is done."))
