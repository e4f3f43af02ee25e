# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vehicle_ids = fields.One2many("dealer.vehicle", "owner_id", string="Vehicles")
    vehicle_ownership_ids = fields.One2many(
        "dealer.vehicle.ownership", "partner_id", string="Vehicle Ownerships"
    )
    vehicle_count = fields.Integer(string="Vehicles Owned", compute="_compute_vehicle_counts")
    past_vehicle_count = fields.Integer(
        string="Vehicles Owned Before", compute="_compute_vehicle_counts"
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
            partner.vehicle_count = current.get(partner, 0)
            partner.past_vehicle_count = past.get(partner, 0)

    def action_view_vehicles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dealer_crm.dealer_vehicle_action")
        action["domain"] = [("owner_id", "=", self.id)]
        action["context"] = {"default_owner_id": self.id}
        return action

    def action_view_past_vehicles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.dealer_vehicle_ownership_action"
        )
        action["name"] = _("Vehicles Owned Before")
        action["domain"] = [("partner_id", "=", self.id), ("date_end", "!=", False)]
        action["context"] = {"create": False}
        return action
