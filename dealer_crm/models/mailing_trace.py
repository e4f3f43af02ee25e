# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    # indexed: the customer 360 timeline reads a customer's mailings by it
    res_id = fields.Many2oneReference(index=True)
