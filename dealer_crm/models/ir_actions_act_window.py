# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    def _get_action_dict(self):
        """The action's title and empty-list help in the user's words (a company that
        sells no vehicles reads its items' word: tools/item_wording.py)."""
        action = super()._get_action_dict()
        for key in ("name", "display_name", "help"):
            if action.get(key):
                action[key] = self._dealer_reword(action[key])
        return action
