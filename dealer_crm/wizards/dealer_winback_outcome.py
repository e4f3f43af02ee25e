# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.dealer_winback import OUTCOMES


class DealerWinbackOutcome(models.TransientModel):
    _name = "dealer.winback.outcome"
    _description = "Record the Outcome of a Win-back"

    winback_id = fields.Many2one("dealer.winback", string="Win-back", required=True)
    partner_id = fields.Many2one(related="winback_id.partner_id")
    reason = fields.Char(related="winback_id.reason")
    outcome = fields.Selection(OUTCOMES, required=True)
    note = fields.Text(help="What the customer said: where they moved, what they drive now.")

    def action_confirm(self):
        """Record the outcome on the win-back (it checks who records it)."""
        self.ensure_one()
        self.winback_id._record_outcome(self.outcome, self.note)
        return {"type": "ir.actions.act_window_close"}
