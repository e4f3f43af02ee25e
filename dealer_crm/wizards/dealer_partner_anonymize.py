# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class DealerPartnerAnonymize(models.TransientModel):
    _name = "dealer.partner.anonymize"
    _description = "Anonymise a Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    confirmation = fields.Char(
        help="Type the customer's name exactly as shown to confirm. This cannot be undone."
    )

    def action_anonymize(self):
        self.ensure_one()
        if not self.env.user.has_group("dealer_crm.group_manager"):
            raise AccessError(_("Only managers may anonymise a customer."))
        # a customer of the manager's companies, that they may change
        self.partner_id._dealer_check_caller()
        if (self.confirmation or "").strip() != (self.partner_id.name or "").strip():
            raise UserError(
                _(
                    "Type the customer's name, %s, to confirm the anonymisation.",
                    self.partner_id.name,
                )
            )
        self.env["dealer.personal.data"]._anonymize(self.partner_id, reason="request")
        # The name typed to confirm is personal data too: the wizard keeps none of it.
        self.confirmation = False
        return {"type": "ir.actions.act_window_close"}
