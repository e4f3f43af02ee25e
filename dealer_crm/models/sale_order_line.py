# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.access import DEALER_GROUPS
from ..tools.items import ITEM_KINDS

#: what a reward line paid with points keeps as redeemed
REWARD_TERMS = {
    "price_unit",
    "product_uom_qty",
    "discount",
    "product_id",
    "order_id",
    "tax_id",
    "currency_id",
}


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "dealer.department.fields.mixin"]

    dealer_is_vehicle = fields.Boolean(related="product_id.product_tmpl_id.dealer_is_vehicle")
    dealer_item_kind = fields.Selection(
        ITEM_KINDS,
        string="Kind of Item",
        compute="_compute_dealer_item_kind",
        help="What delivering the line registers: a watch when the product's catalog "
        "model is a watch reference, else a vehicle.",
    )
    dealer_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Vehicle Delivered",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=DEALER_GROUPS,
    )
    dealer_redemption_id = fields.Many2one(
        "loyalty.history",
        string="Loyalty Redemption",
        readonly=True,
        copy=False,
        ondelete="restrict",
        index="btree_not_null",
        groups=DEALER_GROUPS,
        help="The points redemption this discount was paid with. Removing the line, or "
        "cancelling the quotation, gives the points back; a copy of the quotation does "
        "not carry it.",
    )

    #: the vehicle delivered is recorded by Deliver Vehicle, the redemption by Redeem
    _dealer_protected_fields = frozenset({"dealer_vehicle_id", "dealer_redemption_id"})

    @api.depends("product_id.product_tmpl_id.dealer_model_id.vehicle_type")
    def _compute_dealer_item_kind(self):
        for line in self:
            model = line.product_id.product_tmpl_id.dealer_model_id
            line.dealer_item_kind = "watch" if model.vehicle_type == "watch" else "vehicle"

    def write(self, vals):
        if (
            not self.env.su
            and REWARD_TERMS & set(vals)
            and self.sudo().filtered("dealer_redemption_id")
        ):
            raise AccessError(
                _(
                    "A reward paid with points stays as it was redeemed: remove the line to "
                    "give the points back, then redeem again."
                )
            )
        return super().write(vals)

    def unlink(self):
        """A reward line paid with points goes with its siblings (one line per set of
        taxes), and gives its points back once it is gone."""
        redeemed = self.sudo().filtered("dealer_redemption_id")
        if not redeemed:
            return super().unlink()
        redemptions = redeemed.dealer_redemption_id.filtered(
            lambda r: r.order_model == "sale.order" and r.order_id in redeemed.order_id.ids
        )
        siblings = (
            self.sudo()
            .search([("dealer_redemption_id", "in", redemptions.ids)])
            .filtered(lambda line: line.order_id.id == line.dealer_redemption_id.order_id)
        )
        orders = redeemed.order_id
        res = super(SaleOrderLine, self | siblings.with_env(self.env)).unlink()
        for order in orders:
            of_order = redemptions.filtered(lambda r, o=order: r.order_id == o.id)
            of_order._dealer_give_back(
                _("Points given back: %s cancelled", order.name)
                if order.state == "cancel"
                else _("Points given back: reward removed from %s", order.name)
            )
        return res
