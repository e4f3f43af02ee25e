# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class FleetVehicleModelBrand(models.Model):
    _inherit = "fleet.vehicle.model.brand"

    def action_dealer_view_models(self):
        self.ensure_one()
        return self._dealer_related_action("dealer_crm.fleet_vehicle_model_action", "brand_id")
