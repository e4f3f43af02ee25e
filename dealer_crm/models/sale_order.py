# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class SaleOrder(models.Model):
    _inherit = ["sale.order", "dealer.interaction.mixin"]
    _name = "sale.order"
    _dealer_partner_fields = ("partner_id", "partner_invoice_id", "partner_shipping_id")
    _dealer_personal_fields = ("client_order_ref",)
    _dealer_date_field = "date_order"

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "sale_order_id": self.id,
            "lead_id": self.opportunity_id.id,
            "subject": _("Quotation %s", self.name),
            "outcome": "quotation",
        }

    def action_confirm(self):
        res = super().action_confirm()
        for order in self:
            lines = [
                (line.price_subtotal, line.product_id.categ_id, None)
                for line in order.order_line
                if not line.display_type and not line.is_reward_line
            ]
            self.env["loyalty.program"]._dealer_award(
                order.partner_id, order, "vehicle_sale", lines, _("Purchase %s", order.name)
            )
        return res

    def _action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        res = super()._action_cancel()
        for order in confirmed:
            self.env["loyalty.program"]._dealer_reverse(order, _("Order %s cancelled", order.name))
        return res

    def action_dealer_confirm_with_customer(self):
        """Verification: log the call or visit in which the customer confirmed, and confirm."""
        action = self.action_dealer_log_interaction()
        action["name"] = _("Confirm with the Customer")
        action["context"].update(
            default_outcome="verified",
            default_direction="outbound",
            default_subject=_("Quotation %s confirmed with the customer", self.name),
            dealer_confirm_order=True,
        )
        return action
