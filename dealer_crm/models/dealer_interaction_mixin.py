# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class DealerInteractionMixin(models.AbstractModel):
    """Adds 'Log Interaction' to a record: two clicks, pre-filled from the record."""

    _name = "dealer.interaction.mixin"
    _description = "Log Interaction From a Record"

    def _dealer_interaction_defaults(self):
        """{field: value} that a new interaction takes from this record."""
        return {}

    def action_dealer_log_interaction(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._log_action(self._dealer_interaction_defaults())

    def action_dealer_refer(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._refer_action(
            self, self._dealer_interaction_defaults().get("partner_id")
        )
