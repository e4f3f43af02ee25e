# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerComplaintSeverity(models.Model):
    _name = "dealer.complaint.severity"
    _description = "Complaint Severity and Service Levels"
    _order = "sequence, id"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    response_hours = fields.Float(
        string="First Response (Working Hours)",
        required=True,
        help="Working hours of the team's calendar within which the customer gets a first answer.",
    )
    resolution_hours = fields.Float(
        string="Resolution (Working Hours)",
        required=True,
        help="Working hours within which the complaint is resolved, not counting the time "
        "spent waiting on the customer.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "hours_check",
            "CHECK(response_hours > 0 AND resolution_hours >= response_hours)",
            "Targets must be positive, and resolution no sooner than the first response.",
        ),
    ]
