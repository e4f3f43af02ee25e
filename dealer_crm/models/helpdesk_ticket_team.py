# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    dealer_record_senders = fields.Boolean(
        string="Record Unknown Senders",
        default=True,
        help="A ticket that arrives by email from an address with no contact creates the "
        "contact and records it as the ticket's customer, so that their replies reopen it. "
        "Tickets without a team keep helpdesk's own behaviour (no contact).",
    )
