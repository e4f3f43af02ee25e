# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from random import randint

from odoo import fields, models


class DealerNeedTag(models.Model):
    _name = "dealer.need.tag"
    _description = "Customer Need"
    _order = "name"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))
    active = fields.Boolean(default=True)
    product_ids = fields.Many2many(
        "product.product",
        string="What We Offer For It",
        help="The products and services that answer this need. A need with none is a need "
        "we do not offer, counted in Reporting > Needs Against Offering.",
    )

    _sql_constraints = [("name_uniq", "unique(name)", "This need already exists.")]
