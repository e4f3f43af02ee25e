# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER = "dealer_crm.group_manager"


class DealerSuggestion(models.Model):
    _name = "dealer.suggestion"
    _description = "Staff Insight or Suggestion"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("name", "description", "review_note")
    #: who suggested it, and the managers' decision on it
    _dealer_protected_fields = frozenset({"user_id", "state"})

    name = fields.Char(string="Title", required=True, tracking=True)
    kind = fields.Selection(
        [("insight", "Customer insight"), ("improvement", "Service improvement")],
        required=True,
        default="improvement",
        tracking=True,
    )
    description = fields.Html()
    partner_id = fields.Many2one("res.partner", string="About Customer", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users",
        string="Suggested By",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("reviewed", "Reviewed"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
        ],
        default="new",
        required=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    review_note = fields.Text(tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def write(self, vals):
        if "review_note" in vals and not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only managers review suggestions."))
        return super().write(vals)

    def action_mark_reviewed(self):
        self._decide("reviewed", ("new",))

    def action_accept(self):
        self._decide("accepted", ("new", "reviewed"))

    def action_decline(self):
        self._decide("declined", ("new", "reviewed"))

    def _decide(self, state, allowed_from):
        """A manager's decision on the suggestions: checked first, then recorded."""
        self._dealer_check_caller(groups=MANAGER)
        if any(suggestion.state not in allowed_from for suggestion in self):
            raise UserError(_("This suggestion has already been decided."))
        self.sudo().write({"state": state})
