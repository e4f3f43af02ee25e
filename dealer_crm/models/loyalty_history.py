# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.sql import create_index

_logger = logging.getLogger(__name__)


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    dealer_kind = fields.Selection(
        [
            ("earn", "Earned"),
            ("redeem", "Redeemed"),
            ("expire", "Expired"),
            ("adjust", "Manual adjustment"),
            ("reverse", "Returned (origin cancelled)"),
            ("return", "Given back (redemption undone)"),
        ],
        string="Movement",
        index=True,
    )
    dealer_expiry_date = fields.Date(string="Expires On", index=True)
    dealer_remaining = fields.Float(
        string="Points Left", help="Points of this earning neither used nor expired yet."
    )
    dealer_warned = fields.Boolean(readonly=True, copy=False)
    dealer_return_of_id = fields.Many2one(
        "loyalty.history",
        string="Gives Back",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The redemption whose points this line gave back (its quotation was "
        "cancelled or its reward removed).",
    )
    #: the expiry warning and the give-back are recorded by the scheme's own jobs
    _dealer_protected_fields = frozenset({"dealer_warned", "dealer_return_of_id"})

    def init(self):
        """The customer timeline and the card's history read the ledger by card
        (issue 26): core leaves ``card_id`` without an index. Named as the ORM names a
        field's index, so a core ``index=True`` later finds it in place."""
        res = super().init()
        create_index(self.env.cr, f"{self._table}__card_id_index", self._table, ["card_id"])
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # a card given by the context (default_card_id) or a user default is a card too
        default = self.default_get(["card_id"]).get("card_id") or False
        cards = self.env["loyalty.card"].browse(
            {vals.get("card_id", default) for vals in vals_list} - {False}
        )
        if not self.env.su:
            # what the scheme's jobs record is named as such, before the ledger's rule
            forged = {
                name
                for vals in vals_list
                for name in self._dealer_protected_fields
                if vals.get(name)
            }
            if forged:
                self._dealer_refuse_protected(forged)
        self._dealer_check_ledger(cards)
        return super().create(vals_list)

    def write(self, vals):
        self._dealer_check_ledger(self.card_id)
        return super().write(vals)

    def unlink(self):
        """A dealer scheme's history is its ledger: it is never deleted (sale_loyalty
        deletes an order's lines when the order is cancelled; the scheme returns the
        points with a line of its own instead)."""
        ledger = self.filtered(lambda line: line.sudo().card_id.program_id.dealer_scheme)
        if ledger:
            _logger.info("dealer_crm: kept dealer scheme history lines %s", ledger.ids)
        return super(LoyaltyHistory, self - ledger).unlink()

    def _dealer_give_back(self, description):
        """Give back the points of these redemptions, once each, with a "return" line.

        Called when what they paid for is undone (a quotation cancelled, a reward line
        removed). A redemption already given back is skipped, so a second cancellation
        or a retry never gives twice.
        """
        moves = self.env["loyalty.history"]
        for redemption in self.sudo().filtered(lambda r: r.dealer_kind == "redeem"):
            card = redemption.card_id
            card._dealer_lock()
            if self.sudo().search_count([("dealer_return_of_id", "=", redemption.id)]):
                continue
            origin = (
                self.env[redemption.order_model].browse(redemption.order_id)
                if redemption.order_model in self.env and redemption.order_id
                else None
            )
            move = card._dealer_move(redemption.used, description, "return", origin)
            move.dealer_return_of_id = redemption
            moves |= move
        return moves

    def _dealer_check_ledger(self, cards):
        """A dealer scheme's history is written by its own moves only (in sudo), never by
        a user through the ORM, whatever the context says."""
        if not self.env.su and cards.sudo().filtered("program_id.dealer_scheme"):
            raise AccessError(
                _(
                    "The points history of a dealer scheme is written by earning, redemption "
                    "and expiry only: redeem with Redeem on the member, and ask a manager "
                    "for an adjustment."
                )
            )
