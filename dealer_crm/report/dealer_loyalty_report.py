# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .dealer_analysis_mixin import selection_of


class DealerLoyaltyReport(models.Model):
    """Loyalty points earned, redeemed and expired, from the dealer schemes' ledger."""

    _name = "dealer.loyalty.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Loyalty Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "loyalty.history": ["card_id", "create_date", "issued", "used", "dealer_kind"],
        "loyalty.card": ["partner_id", "program_id", "company_id", "dealer_tier_id"],
        "loyalty.program": ["dealer_scheme"],
    }

    date = fields.Datetime(readonly=True)
    program_id = fields.Many2one("loyalty.program", string="Scheme", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    tier_id = fields.Many2one("dealer.loyalty.tier", string="Tier Now", readonly=True)
    kind = fields.Selection(
        selection=selection_of("loyalty.history", "dealer_kind"),
        string="Movement",
        readonly=True,
    )
    earned = fields.Float(readonly=True)
    redeemed = fields.Float(readonly=True)
    expired = fields.Float(readonly=True)
    net = fields.Float(string="Net Points", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT h.id, h.create_date AS date, c.program_id, c.partner_id,
                   c.dealer_tier_id AS tier_id, h.dealer_kind AS kind,
                   CASE WHEN h.dealer_kind = 'earn' THEN COALESCE(h.issued, 0) ELSE 0 END
                       AS earned,
                   CASE WHEN h.dealer_kind = 'redeem' THEN COALESCE(h.used, 0) ELSE 0 END
                       AS redeemed,
                   CASE WHEN h.dealer_kind = 'expire' THEN COALESCE(h.used, 0) ELSE 0 END
                       AS expired,
                   COALESCE(h.issued, 0) - COALESCE(h.used, 0) AS net, c.company_id
              FROM loyalty_history h
              JOIN loyalty_card c ON c.id = h.card_id
              JOIN loyalty_program p ON p.id = c.program_id AND p.dealer_scheme
            """
        )
