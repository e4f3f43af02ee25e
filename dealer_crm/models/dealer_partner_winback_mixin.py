# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's win-backs (``dealer.winback``) on the customer 360."""

from odoo import fields, models

from ..tools.access import DEALER_GROUPS


class DealerPartnerWinbackMixin(models.AbstractModel):
    _name = "dealer.partner.winback.mixin"
    _description = "Dealer Customer Win-backs"

    dealer_winback_count = fields.Integer(
        string="Open Win-backs", compute="_compute_dealer_winback_count", groups=DEALER_GROUPS
    )
    dealer_winback_total = fields.Integer(
        string="Win-backs", compute="_compute_dealer_winback_count", groups=DEALER_GROUPS
    )

    def _compute_dealer_winback_count(self):
        counts = {}
        for partner, state, count in self.env["dealer.winback"]._read_group(
            [("partner_id", "in", self._origin.ids)], ["partner_id", "state"], ["__count"]
        ):
            counts.setdefault(partner, {})[state] = count
        for partner in self:
            states = counts.get(partner._origin, {})
            partner.dealer_winback_count = states.get("open", 0)
            partner.dealer_winback_total = sum(states.values())

    def action_dealer_view_winbacks(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_winback_action", "partner_id", default_partner_id=self.id
        )
