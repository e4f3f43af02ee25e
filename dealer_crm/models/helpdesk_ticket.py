# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = ["helpdesk.ticket", "dealer.interaction.mixin"]
    _name = "helpdesk.ticket"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("partner_name", "partner_email")

    def _dealer_interaction_defaults(self):
        return {"partner_id": self.partner_id.id, "ticket_id": self.id, "subject": self.name}
