# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class DealerEventInvite(models.TransientModel):
    """Invite the selected customers to an owner club, exhibition or clinic; the consent
    gate decides who receives it."""

    _name = "dealer.event.invite"
    _description = "Invite Customers to an Event"

    event_id = fields.Many2one(
        "event.event", required=True, domain=[("dealer_promotion", "!=", False)]
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner":
            values["partner_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_invite(self):
        self.ensure_one()
        # a manager invites to an event of their companies, customers they may read
        self.event_id._dealer_check_caller(groups="dealer_crm.group_manager")
        self.partner_ids._dealer_check_caller(operation="read")
        if not self.partner_ids:
            raise UserError(_("Select the customers to invite."))
        invited = self.event_id._dealer_invite(self.partner_ids)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": _(
                    "%(sent)s of %(asked)s invited; the others have no marketing consent by "
                    "email (noted on each).",
                    sent=len(invited),
                    asked=len(self.partner_ids),
                ),
                "type": "success" if invited else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
