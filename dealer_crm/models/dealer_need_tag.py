# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from random import randint

from odoo import api, fields, models

from ..tools.items import ITEM_KINDS


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

    item_kind = fields.Selection(
        ITEM_KINDS,
        string="Kind of Item",
        index=True,
        default=lambda self: self._dealer_default_item_kind(),
        help="The kind of item the need is about (a child seat: a vehicle). A need of "
        "one kind is not offered to a company that sells none of it; empty: a need of "
        "any customer.",
    )

    _sql_constraints = [("name_uniq", "unique(name)", "This need already exists.")]

    @api.model
    def _dealer_default_item_kind(self):
        """A need added by a company that sells one kind is about that kind; a company
        selling both adds needs of any customer."""
        sold = self.env.company.dealer_item_kinds or "vehicle"
        return False if sold == "both" else sold
