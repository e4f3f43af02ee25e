# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

MANAGER = "dealer_crm.group_manager"
COUNTER_STAFF = "dealer_crm.group_sales,dealer_crm.group_service,dealer_crm.group_manager"


def check_scheme_card(card, groups):
    """The caller is of ``groups``, and the card one of a dealer scheme they may read."""
    card._dealer_check_caller(groups=groups, operation="read")
    if not card.program_id.dealer_scheme:
        raise UserError(_("%s is not a card of the dealer's loyalty scheme.", card.display_name))


class DealerLoyaltyAdjust(models.TransientModel):
    _name = "dealer.loyalty.adjust"
    _description = "Adjust Loyalty Points by Hand"

    card_id = fields.Many2one("loyalty.card", required=True, domain=[("dealer_scheme", "=", True)])
    points = fields.Float(required=True, help="Positive to add, negative to take away.")
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        check_scheme_card(self.card_id, MANAGER)
        self.card_id._dealer_adjust(self.points, self.reason)
        return {"type": "ir.actions.act_window_close"}
