# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tools.access import DEALER_GROUPS


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "dealer.department.fields.mixin"]

    dealer_is_vehicle = fields.Boolean(related="product_id.product_tmpl_id.dealer_is_vehicle")
    dealer_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Vehicle Delivered",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=DEALER_GROUPS,
    )
