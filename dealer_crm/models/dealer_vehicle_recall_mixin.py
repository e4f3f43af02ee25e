# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models


class DealerVehicleRecallMixin(models.AbstractModel):
    """The recalls of a vehicle (issue 28): its open recalls on the form, and a change
    of hands that sends the recall notice to the new owner."""

    _name = "dealer.vehicle.recall.mixin"
    _description = "Recalls of a Vehicle"

    dealer_recall_line_ids = fields.One2many(
        "dealer.recall.vehicle", "vehicle_id", string="Recalls"
    )
    dealer_recall_open_count = fields.Integer(
        string="Open Recalls", compute="_compute_dealer_recall_open_count"
    )
    dealer_recall_open_text = fields.Char(
        string="Open Recalls Summary", compute="_compute_dealer_recall_open_count"
    )

    @api.depends("dealer_recall_line_ids.state", "dealer_recall_line_ids.campaign_id.state")
    def _compute_dealer_recall_open_count(self):
        lines = self.env["dealer.recall.vehicle"].search_fetch(
            [
                ("vehicle_id", "in", self.ids),
                ("state", "!=", "done"),
                ("campaign_id.state", "=", "open"),
            ],
            ["vehicle_id", "campaign_id"],
        )
        for vehicle in self:
            of_vehicle = lines.filtered(lambda line, v=vehicle: line.vehicle_id == v)
            vehicle.dealer_recall_open_count = len(of_vehicle)
            vehicle.dealer_recall_open_text = ", ".join(
                f"{c.name} ({c.title})" for c in of_vehicle.campaign_id
            )

    def write(self, vals):
        res = super().write(vals)
        if "owner_id" in vals:
            self.env["dealer.recall.vehicle"]._reopen_for_new_owners(self)
        return res

    def action_view_recalls(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_recall_vehicle_action", "vehicle_id", name=_("Recalls")
        )
