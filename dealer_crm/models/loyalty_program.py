# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import uuid

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS


class LoyaltyProgram(models.Model):
    _name = "loyalty.program"
    _inherit = ["loyalty.program", "dealer.department.fields.mixin"]

    dealer_scheme = fields.Boolean(
        help="Points are earned from confirmed sales and completed service visits by the "
        "dealer rules, expire oldest first, and set the customer's tier.",
    )
    dealer_rule_ids = fields.One2many(
        "dealer.loyalty.rule", "program_id", string="Earning Rules", groups=DEALER_GROUPS
    )
    dealer_tier_ids = fields.One2many(
        "dealer.loyalty.tier", "program_id", string="Tiers", groups=DEALER_GROUPS
    )
    dealer_expiry_months = fields.Integer(
        string="Points Expire After (Months)", default=24, help="0: points never expire."
    )
    dealer_warning_days = fields.Integer(string="Warn Before Expiry (Days)", default=30)

    def write(self, vals):
        if "dealer_scheme" in vals and not self.env.su:
            # turned off, its cards' points and tiers would be open to any edit, and
            # turned back on with them; a scheme with members keeps what it is
            changed = self.sudo().filtered(lambda p: p.dealer_scheme != bool(vals["dealer_scheme"]))
            if changed and self.env["loyalty.card"].sudo().search_count(
                [("program_id", "in", changed.ids)], limit=1
            ):
                raise AccessError(
                    _(
                        "%s has cards: whether it is a dealer scheme cannot change any more.",
                        changed[:1].display_name,
                    )
                )
        return super().write(vals)

    def _dealer_card(self, partner):
        """The partner's card of this program, created on first use.

        Two first awards at the same moment meet on the unique index (one active card
        per customer and dealer scheme): the later one waits for the earlier, then finds
        its card invisible to its own snapshot. That is a serialization failure, which
        Odoo retries (requests) and jobs roll back and pick up again; the retry finds
        the card. The customer's own row is not touched: a user editing the customer at
        that moment does not make the award fail (issue 27).
        """
        self.ensure_one()
        Card = self.env["loyalty.card"].sudo()
        domain = [("program_id", "=", self.id), ("partner_id", "=", partner.id)]
        card = Card.search(domain, limit=1)
        if card:
            return card
        try:
            with self.env.cr.savepoint():
                return Card.create({"program_id": self.id, "partner_id": partner.id, "points": 0})
        except psycopg2.errors.UniqueViolation:
            # Asked again with ON CONFLICT DO NOTHING, PostgreSQL reports the card it
            # cannot show this snapshot as what it is: a serialization failure.
            with self.env.cr.savepoint(flush=False) as probe:
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO loyalty_card (program_id, partner_id, dealer_scheme, "
                        "active, code) VALUES (%s, %s, TRUE, TRUE, %s) ON CONFLICT "
                        "(program_id, partner_id) WHERE dealer_scheme AND active DO NOTHING",
                        self.id,
                        partner.id,
                        str(uuid.uuid4()),
                    )
                )
                probe.rollback()
            raise

    def _dealer_points_for(self, source, lines):
        """Points earned by ``lines`` [(amount, product category, service type)]."""
        self.ensure_one()
        rules = self.dealer_rule_ids.filtered(lambda r: r.source == source).sorted(
            lambda r: (not r.product_categ_id, not r.service_type, r.sequence)
        )
        points = 0.0
        for amount, categ, service_type in lines:
            for rule in rules:
                if rule.service_type and rule.service_type != service_type:
                    continue
                if rule.product_categ_id and not (
                    categ and categ.parent_path.startswith(rule.product_categ_id.parent_path)
                ):
                    continue
                points += amount * rule.points_per_unit
                break
        return points

    @api.model
    def _dealer_award(self, partner, origin, source, lines, description):
        """Award the points of every active dealer scheme of the origin's company."""
        if not partner:
            return self.env["loyalty.history"]
        programs = self.sudo().search(
            [
                ("dealer_scheme", "=", True),
                ("company_id", "in", [origin.company_id.id, False]),
            ]
        )
        moves = self.env["loyalty.history"]
        for program in programs:
            points = program._dealer_points_for(source, program._dealer_in_currency(origin, lines))
            if points > 0:
                card = program._dealer_card(partner)
                card._dealer_lock()
                if card._dealer_net_earned(origin):
                    continue  # earned once per origin, whatever its state did since
                moves |= card._dealer_move(points, description, "earn", origin)
        return moves

    def _dealer_in_currency(self, origin, lines):
        """``lines`` ([(amount, ...)] in the currency of ``origin``) with their amounts in
        this scheme's currency, converted at the origin's date: points are earned per
        unit of the scheme's money, whatever currency the order was in."""
        self.ensure_one()
        source = origin.currency_id
        target = self.currency_id or origin.company_id.currency_id
        if not source or source == target:
            return lines
        date = fields.Date.to_date(origin[origin._dealer_date_field]) or fields.Date.today()
        return [
            (source._convert(amount, target, origin.company_id, date), *rest)
            for amount, *rest in lines
        ]

    @api.model
    def _dealer_reverse(self, origin, description):
        """Return the points ``origin`` earned (it was cancelled), on every card."""
        History = self.env["loyalty.history"].sudo()
        earned = History.search(
            [
                ("order_model", "=", origin._name),
                ("order_id", "=", origin.id),
                ("dealer_kind", "=", "earn"),
            ]
        )
        moves = self.env["loyalty.history"]
        for card in earned.card_id:
            card._dealer_lock()
            net = card._dealer_net_earned(origin)
            taken = min(net, card.points)
            if taken > 0:
                moves |= card._dealer_move(-taken, description, "reverse", origin)
        return moves
