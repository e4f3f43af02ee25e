# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.access import DEALER_GROUPS
from ..tools.distance import KILOMETERS, UNITS


class FleetVehicleModel(models.Model):
    """Fleet's make/model catalog, counted in customers' vehicles rather than company cars."""

    _name = "fleet.vehicle.model"
    _inherit = ["fleet.vehicle.model", "dealer.department.fields.mixin"]

    vehicle_type = fields.Selection(
        selection_add=[("watch", "Watch")], ondelete={"watch": "set default"}
    )
    dealer_vehicle_count = fields.Integer(
        string="Customer Vehicles",
        compute="_compute_dealer_vehicle_count",
        groups=DEALER_GROUPS,
    )
    dealer_warranty_months = fields.Integer(
        string="Warranty (Months)", help="The manufacturer's warranty from delivery."
    )
    dealer_warranty_distance = fields.Float(
        string="Warranty (Distance)",
        help="The warranty's mileage limit, in its unit; a delivered vehicle gets it in "
        "the unit its odometer reads.",
    )
    dealer_warranty_distance_unit = fields.Selection(
        UNITS, string="Warranty Distance Unit", default=KILOMETERS, required=True
    )

    _sql_constraints = [
        (
            "dealer_warranty_check",
            "CHECK(dealer_warranty_months >= 0 AND dealer_warranty_distance >= 0)",
            "A warranty cannot be negative.",
        )
    ]

    @api.model
    def default_get(self, fields_list):
        """A company that sells no vehicles adds watch references to its catalog."""
        values = super().default_get(fields_list)
        if (
            "vehicle_type" in fields_list
            and "default_vehicle_type" not in self.env.context
            and self._dealer_sells_no_vehicles()
        ):
            values["vehicle_type"] = "watch"
        return values

    def _creation_message(self):
        """A watch reference's chatter does not open with "Model of a vehicle created"."""
        if self.vehicle_type == "watch":
            return self.env._("Watch reference created")
        return super()._creation_message()

    def _compute_dealer_vehicle_count(self):
        counts = dict(
            self.env["dealer.vehicle"]._read_group(
                [("model_id", "in", self.ids)], ["model_id"], ["__count"]
            )
        )
        for model in self:
            model.dealer_vehicle_count = counts.get(model, 0)

    def action_dealer_view_vehicles(self):
        self.ensure_one()
        return self._dealer_related_action("dealer_crm.dealer_vehicle_action", "model_id")
