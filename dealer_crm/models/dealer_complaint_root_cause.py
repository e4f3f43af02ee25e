# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerComplaintRootCause(models.Model):
    _name = "dealer.complaint.root.cause"
    _description = "Complaint Root Cause"
    _order = "name"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
