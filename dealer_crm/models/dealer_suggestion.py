# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError


class DealerSuggestion(models.Model):
    _name = "dealer.suggestion"
    _description = "Staff Insight or Suggestion"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("name", "description", "review_note")

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
        "res.users", string="Suggested By", required=True, default=lambda self: self.env.user
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
        group_expand=True,
    )
    review_note = fields.Text(tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def write(self, vals):
        if {"state", "review_note"} & set(vals) and not self.env.user.has_group(
            "dealer_crm.group_manager"
        ):
            raise AccessError(_("Only managers review suggestions."))
        return super().write(vals)

    def action_accept(self):
        self.write({"state": "accepted"})

    def action_decline(self):
        self.write({"state": "declined"})
