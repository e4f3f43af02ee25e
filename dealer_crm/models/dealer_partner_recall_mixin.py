# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models

from ..tools.access import DEALER_GROUPS


class DealerPartnerRecallMixin(models.AbstractModel):
    """The open recalls of a customer's vehicles, on the customer 360 (issue 28).
    Not stored: nothing is computed for every contact at install."""

    _name = "dealer.partner.recall.mixin"
    _description = "Recalls of a Customer's Vehicles"

    dealer_recall_open_count = fields.Integer(
        string="Open Recalls",
        compute="_compute_dealer_recall_open_count",
        groups=DEALER_GROUPS,
    )

    def _compute_dealer_recall_open_count(self):
        counts = dict(
            self.env["dealer.recall.vehicle"]._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("state", "!=", "done"),
                    ("campaign_id.state", "=", "open"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.dealer_recall_open_count = counts.get(partner, 0)

    def action_dealer_view_recalls(self):
        self.ensure_one()
        self.env["dealer.recall.vehicle"].check_access("read")
        return self._dealer_related_action(
            "dealer_crm.dealer_recall_vehicle_action", "partner_id", name=_("Recalls")
        )
