# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.dealer_vehicle import OWNERSHIP_ORIGINS


class DealerVehicleTransfer(models.TransientModel):
    _name = "dealer.vehicle.transfer"
    _description = "Transfer a Vehicle to a New Owner"

    vehicle_id = fields.Many2one("dealer.vehicle", required=True, ondelete="cascade")
    current_owner_id = fields.Many2one(related="vehicle_id.owner_id", string="Current Owner")
    # the owner the user saw when opening the transfer: set once, never recomputed, so a
    # change of hands meanwhile (another user's transfer) is told, not overwritten
    opened_owner_id = fields.Many2one(
        "res.partner",
        string="Owner When Opened",
        compute="_compute_opened_owner_id",
        store=True,
        readonly=False,
    )
    new_owner_id = fields.Many2one("res.partner", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    origin = fields.Selection(
        [o for o in OWNERSHIP_ORIGINS if o[0] != "register"],
        string="Reason",
        required=True,
        default="transfer",
    )
    note = fields.Char()

    @api.depends("vehicle_id")
    def _compute_opened_owner_id(self):
        for wizard in self:
            wizard.opened_owner_id = wizard.vehicle_id.owner_id

    def action_confirm(self):
        self.ensure_one()
        self.vehicle_id._dealer_check_caller(
            groups="dealer_crm.group_sales,dealer_crm.group_service,dealer_crm.group_manager"
        )
        self.new_owner_id._dealer_check_caller(operation="read")
        # the vehicle's row first (a transfer at the same moment waits, and Odoo retries
        # this one), then the owner as it is now against the one the user saw
        vehicle = self.vehicle_id
        vehicle._dealer_lock_rows()
        vehicle.invalidate_recordset(["owner_id"])
        if vehicle.owner_id != self.opened_owner_id:
            raise UserError(
                _(
                    "%(vehicle)s changed hands while this transfer was open: its owner is "
                    "now %(owner)s. Close this window and open the transfer again if it "
                    "should still go ahead.",
                    vehicle=vehicle.display_name,
                    owner=vehicle.owner_id.display_name or _("nobody"),
                )
            )
        self.vehicle_id._transfer_owner(self.new_owner_id, self.date, self.origin, self.note)
        return {"type": "ir.actions.act_window_close"}
