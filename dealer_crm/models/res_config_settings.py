# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "dealer.settings.mixin"]

    def set_values(self):
        self._dealer_check_settings()
        return super().set_values()
