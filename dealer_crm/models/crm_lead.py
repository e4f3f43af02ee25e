# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .dealer_interaction import CHANNELS


class CrmLead(models.Model):
    _inherit = ["crm.lead", "dealer.interaction.mixin"]
    _name = "crm.lead"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = (
        "name",
        "contact_name",
        "partner_name",
        "email_from",
        "email_cc",
        "phone",
        "mobile",
        "street",
        "street2",
        "zip",
        "city",
        "website",
        "description",
    )

    vehicle_model_id = fields.Many2one(
        "fleet.vehicle.model", string="Vehicle of Interest", tracking=True
    )
    trade_in_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Trade-in Vehicle",
        tracking=True,
        help="The customer's current vehicle offered in part-exchange.",
    )
    enquiry_channel = fields.Selection(CHANNELS, tracking=True)

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "lead_id": self.id,
            "vehicle_id": self.trade_in_vehicle_id.id,
            "subject": self.name,
            "channel": self.enquiry_channel,
        }
