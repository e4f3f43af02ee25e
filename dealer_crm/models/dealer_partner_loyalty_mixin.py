# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's membership of the dealer loyalty scheme: card, tier and points."""

from odoo import api, fields, models

from ..tools.access import DEALER_GROUPS


class DealerPartnerLoyaltyMixin(models.AbstractModel):
    _name = "dealer.partner.loyalty.mixin"
    _description = "Dealer Customer Loyalty Membership"

    dealer_loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_card_ids = fields.One2many(
        "loyalty.card", "partner_id", domain=[("dealer_scheme", "=", True)]
    )
    # Stored to be filtered and grouped by; the column is created and filled by SQL at
    # install (hooks.py), so a large database installs fast.
    dealer_tier_id = fields.Many2one(
        "dealer.loyalty.tier",
        string="Loyalty Tier",
        compute="_compute_dealer_tier_id",
        store=True,
        index="btree_not_null",
    )
    dealer_loyalty_points = fields.Float(string="Points", compute="_compute_dealer_loyalty")
    dealer_expiring_points = fields.Float(
        string="Points Expiring Soon", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_action_ids = fields.One2many(
        "dealer.loyalty.action",
        "partner_id",
        string="Loyalty Actions",
        groups=DEALER_GROUPS,
    )

    @api.depends("dealer_loyalty_card_ids.dealer_tier_id", "dealer_loyalty_card_ids.points")
    def _compute_dealer_tier_id(self):
        for partner in self:
            cards = partner.dealer_loyalty_card_ids.sorted(lambda c: (-c.points, c.id))
            tier = cards[:1].dealer_tier_id
            # written only when it changes: points earned or expiring within a tier
            # leave the customer's row alone, so a user editing the customer at that
            # moment and a job awarding or expiring points do not collide (issue 27)
            if partner.dealer_tier_id != tier:
                partner.dealer_tier_id = tier

    def _compute_dealer_loyalty(self):
        cards = self.env["loyalty.card"].search(
            [("partner_id", "in", self.ids), ("program_id.dealer_scheme", "=", True)],
            order="points desc, id",
        )
        by_partner = {}
        for card in cards:
            by_partner.setdefault(card.partner_id, card)
        for partner in self:
            card = by_partner.get(partner, self.env["loyalty.card"])
            partner.dealer_loyalty_card_id = card
            partner.dealer_loyalty_points = card.points
            partner.dealer_expiring_points = card.dealer_expiring_points

    def action_dealer_view_loyalty(self):
        """The customer's membership card, or the members list to enrol them."""
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        card = self.dealer_loyalty_card_id
        if not card:
            return self._dealer_related_action(
                "dealer_crm.loyalty_card_dealer_action", "partner_id"
            )
        # the card itself, with the members list's own context (no default_partner_id
        # for what the card's buttons create)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.loyalty_card_dealer_action"
        )
        form = self.env.ref("dealer_crm.loyalty_card_view_form_dealer")
        action.update(res_id=card.id, view_mode="form", views=[(form.id, "form")])
        return action
