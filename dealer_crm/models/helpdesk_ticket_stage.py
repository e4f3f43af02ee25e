# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    dealer_waiting_customer = fields.Boolean(
        string="Waiting on the Customer",
        help="Service-level clocks stop while a ticket is in this stage.",
    )
