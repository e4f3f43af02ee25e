# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerLoyaltyRule(models.Model):
    _name = "dealer.loyalty.rule"
    _description = "Dealer Loyalty Earning Rule"
    _order = "program_id, sequence, id"
    _dealer_partner_fields = ()

    program_id = fields.Many2one("loyalty.program", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    source = fields.Selection(
        [("vehicle_sale", "Confirmed sale"), ("service", "Completed service visit")],
        required=True,
    )
    service_type = fields.Selection(
        # the visit's types, labelled in the user's language
        lambda self: list(self.env["dealer.service.record"]._dealer_labels("service_type").items()),
        help="Only visits of this type (empty: every type).",
    )
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="Only order lines of this category (empty: the whole order).",
    )
    points_per_unit = fields.Float(
        string="Points per Currency Unit",
        required=True,
        default=1.0,
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)

    _sql_constraints = [
        ("points_check", "CHECK(points_per_unit >= 0)", "Points per unit cannot be negative."),
    ]
