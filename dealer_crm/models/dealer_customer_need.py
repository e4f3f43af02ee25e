# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DealerCustomerNeed(models.Model):
    """A need a customer told us about, when, and to whom: needs are counted per period."""

    _name = "dealer.customer.need"
    _description = "Customer Need Recorded"
    _order = "date desc, id desc"
    _rec_name = "tag_id"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("note",)

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    tag_id = fields.Many2one("dealer.need.tag", string="Need", required=True, ondelete="restrict")
    date = fields.Date(
        string="Recorded On", required=True, default=fields.Date.context_today, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", required=True, default=lambda self: self.env.user
    )
    note = fields.Char()
    active = fields.Boolean(default=True, help="Archived when the customer no longer has the need.")
    date_closed = fields.Date(string="No Longer Needed Since", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    #: recorded by archiving the need
    _dealer_protected_fields = frozenset({"date_closed"})

    @api.model_create_multi
    def create(self, vals_list):
        needs = super().create(vals_list)
        # a need no current vehicle meets is a lead at once, unless it is imported history
        today = fields.Date.context_today(self)
        current = needs
        if self.env["dealer.import.mixin"]._dealer_importing():
            current = needs.filtered(lambda n: n.date >= today)
        self.env["dealer.lifecycle.lead"]._open_needs_leads(current)
        return needs

    def action_archive(self):
        self._dealer_check_caller()
        self.filtered("active").sudo().write({"date_closed": fields.Date.context_today(self)})
        return super().action_archive()

    def action_unarchive(self):
        self._dealer_check_caller()
        self.sudo().write({"date_closed": False})
        return super().action_unarchive()
