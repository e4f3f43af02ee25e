# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"
    _dealer_partner_fields = ("partner_id",)
