# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The vehicles a customer owns now and owned before."""

from odoo import _, fields, models

from ..tools.access import DEALER_GROUPS
from .dealer_vehicle_service_mixin import SERVICE_DUE_STATES


class DealerPartnerVehicleMixin(models.AbstractModel):
    _name = "dealer.partner.vehicle.mixin"
    _description = "Dealer Customer Vehicles"

    dealer_vehicle_ids = fields.One2many(
        "dealer.vehicle", "owner_id", string="Vehicles", groups=DEALER_GROUPS
    )
    dealer_vehicle_ownership_ids = fields.One2many(
        "dealer.vehicle.ownership",
        "partner_id",
        string="Vehicle Ownerships",
        groups=DEALER_GROUPS,
    )
    dealer_vehicle_count = fields.Integer(
        string="Vehicles Owned", compute="_compute_vehicle_counts", groups=DEALER_GROUPS
    )
    dealer_past_vehicle_count = fields.Integer(
        string="Vehicles Owned Before",
        compute="_compute_vehicle_counts",
        groups=DEALER_GROUPS,
    )
    # the customer form's summary: the soonest service due of the vehicles owned now
    dealer_next_service_date = fields.Date(
        string="Next Service", compute="_compute_dealer_next_service", groups=DEALER_GROUPS
    )
    dealer_next_service_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Next Service Of",
        compute="_compute_dealer_next_service",
        groups=DEALER_GROUPS,
    )
    dealer_next_service_state = fields.Selection(
        SERVICE_DUE_STATES,
        string="Next Service Due",
        compute="_compute_dealer_next_service",
        groups=DEALER_GROUPS,
    )

    def _compute_vehicle_counts(self):
        Ownership = self.env["dealer.vehicle.ownership"]
        current = dict(
            Ownership._read_group(
                [("partner_id", "in", self.ids), ("date_end", "=", False)],
                ["partner_id"],
                ["__count"],
            )
        )
        past = dict(
            Ownership._read_group(
                [("partner_id", "in", self.ids), ("date_end", "!=", False)],
                ["partner_id"],
                ["vehicle_id:count_distinct"],
            )
        )
        for partner in self:
            partner.dealer_vehicle_count = current.get(partner, 0)
            partner.dealer_past_vehicle_count = past.get(partner, 0)

    def _compute_dealer_next_service(self):
        """The vehicle owned now whose service is due first, for the whole set in one
        query (its plate and due state read with it)."""
        vehicles = self.env["dealer.vehicle"].search_fetch(
            [("owner_id", "in", self._origin.ids), ("next_service_date", "!=", False)],
            ["owner_id", "next_service_date", "license_plate", "vin", "model_id"],
            order="next_service_date, id",
        )
        first = {}
        for vehicle in vehicles:
            first.setdefault(vehicle.owner_id.id, vehicle)
        for partner in self:
            vehicle = first.get(partner._origin.id, vehicles.browse())
            partner.dealer_next_service_date = vehicle.next_service_date
            partner.dealer_next_service_vehicle_id = vehicle
            partner.dealer_next_service_state = vehicle.service_due_state

    def action_dealer_view_vehicles(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_vehicle_action", "owner_id")

    def action_dealer_view_past_vehicles(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_vehicle_ownership_action",
            "partner_id",
            name=_("Vehicles Owned Before"),
            domain=[("date_end", "!=", False)],
            create=False,
        )
