# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .dealer_service_plan import owner_field

MANAGER = "dealer_crm.group_manager"
#: What the owner of an action, not a manager, may still write: their notes on it. What to
#: do, by whom and by when is the manager's decision; its state and effectiveness are the
#: workflow's (Done by the owner, effectiveness judged by a manager).
OWNER_FIELDS = frozenset({"note"})


class DealerServiceAction(models.Model):
    """A corrective or preventive action, tracked to closure: its owner gets an activity
    due on its date, closing it closes the activity, and a manager checks it worked."""

    _name = "dealer.service.action"
    _description = "Corrective or Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_due, id"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"plan_id", "state", "date_done", "effectiveness"})

    name = fields.Char(string="Action", required=True, tracking=True)
    kind = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        default="corrective",
        required=True,
    )
    review_id = fields.Many2one("dealer.service.review", ondelete="cascade", index=True)
    deficiency_id = fields.Many2one("dealer.service.deficiency", ondelete="cascade", index=True)
    plan_id = fields.Many2one(
        "dealer.service.plan", compute="_compute_plan_id", store=True, index=True, copy=False
    )
    user_id = owner_field()
    date_due = fields.Date(string="Due", required=True, tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        copy=False,
    )
    date_done = fields.Date(readonly=True, tracking=True, copy=False)
    is_late = fields.Boolean(compute="_compute_is_late")
    effectiveness = fields.Selection(
        [
            ("pending", "Not checked yet"),
            ("effective", "Effective"),
            ("not_effective", "Not effective"),
        ],
        default="pending",
        readonly=True,
        tracking=True,
        copy=False,
        help="Checked after closure by a manager: did the action remove the cause?",
    )
    note = fields.Html(string="Progress Notes", help="The owner's notes on the work done.")
    can_manage = fields.Boolean(compute="_compute_can_manage")
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

    @api.depends_context("uid")
    def _compute_can_manage(self):
        self.can_manage = self.env.su or self.env.user.has_group(MANAGER)

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

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            refused = set(vals) - OWNER_FIELDS - self._dealer_protected_fields
            if refused:
                raise AccessError(
                    _(
                        "Only a manager changes what a corrective action is, who owns it and "
                        "when it is due (%(fields)s); its owner adds notes and closes it.",
                        fields=", ".join(
                            sorted(
                                self._fields[name].string
                                for name in refused
                                if name in self._fields
                            )
                        ),
                    )
                )
        return super().write(vals)

    def action_done(self):
        """The owner (or a manager) closes the action."""
        self._dealer_check_caller()
        if any(action.state != "open" for action in self):
            raise UserError(_("Only an open action can be closed."))
        self.sudo().write({"state": "done", "date_done": fields.Date.context_today(self)})
        self.activity_feedback(
            ["dealer_crm.mail_activity_type_corrective_action"], feedback=_("Done.")
        )

    def action_cancel(self):
        """Only a manager drops an action."""
        self._dealer_check_caller(groups=MANAGER)
        if any(action.state != "open" for action in self):
            raise UserError(_("Only an open action can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        self.activity_unlink(["dealer_crm.mail_activity_type_corrective_action"])

    def action_effective(self):
        self._judge("effective")

    def action_not_effective(self):
        self._judge("not_effective")

    def _judge(self, effectiveness):
        """A manager, not the owner, judges whether a done action worked."""
        self._dealer_check_caller(groups=MANAGER)
        if any(action.state != "done" for action in self):
            raise UserError(_("Check whether an action worked once it is done."))
        self.sudo().write({"effectiveness": effectiveness})
