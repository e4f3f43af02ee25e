# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.dealer_vehicle import OWNERSHIP_ORIGINS


class DealerVehicleTransfer(models.TransientModel):
    _name = "dealer.vehicle.transfer"
    _description = "Transfer a Vehicle to a New Owner"

    vehicle_id = fields.Many2one("dealer.vehicle", required=True, ondelete="cascade")
    current_owner_id = fields.Many2one(related="vehicle_id.owner_id", string="Current Owner")
    new_owner_id = fields.Many2one("res.partner", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    origin = fields.Selection(
        [o for o in OWNERSHIP_ORIGINS if o[0] != "register"],
        string="Reason",
        required=True,
        default="transfer",
    )
    note = fields.Char()

    def action_confirm(self):
        self.ensure_one()
        self.vehicle_id._dealer_check_caller(
            groups="dealer_crm.group_sales,dealer_crm.group_service,dealer_crm.group_manager"
        )
        self.new_owner_id._dealer_check_caller(operation="read")
        self.vehicle_id._transfer_owner(self.new_owner_id, self.date, self.origin, self.note)
        return {"type": "ir.actions.act_window_close"}
