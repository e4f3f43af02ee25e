# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerLoyaltyTier(models.Model):
    _name = "dealer.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, threshold_points, id"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one("loyalty.program", required=True, ondelete="cascade", index=True)
    threshold_points = fields.Float(
        string="Points in 12 Months",
        required=True,
        help="Points earned over the last 12 months needed to reach this tier.",
    )
    service_discount = fields.Float(string="Service Discount (%)")
    free_services = fields.Integer(help="Free services a year (e.g. washes, inspections).")
    priority_booking = fields.Boolean()
    benefits = fields.Html(translate=True)
    color = fields.Integer()
    company_id = fields.Many2one(related="program_id.company_id", store=True)

    _sql_constraints = [
        ("threshold_check", "CHECK(threshold_points >= 0)", "A threshold cannot be negative."),
        (
            "program_threshold_uniq",
            "unique(program_id, threshold_points)",
            "Two tiers of a program cannot have the same threshold.",
        ),
    ]
