# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("partner_name", "partner_email")
