# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.access import DEALER_GROUPS


class ProductProduct(models.Model):
    _inherit = "product.product"

    dealer_need_tag_ids = fields.Many2many(
        "dealer.need.tag",
        "dealer_need_tag_product_product_rel",
        "product_product_id",
        "dealer_need_tag_id",
        string="Needs It Meets",
        help="The customer needs this product or service answers (the other side of a "
        "need's What We Offer For It).",
        groups=DEALER_GROUPS,
    )
