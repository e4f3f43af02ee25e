# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .dealer_loyalty_adjust import COUNTER_STAFF, check_scheme_card


class DealerLoyaltyRedeem(models.TransientModel):
    _name = "dealer.loyalty.redeem"
    _description = "Redeem Loyalty Points"

    card_id = fields.Many2one("loyalty.card", required=True, domain=[("dealer_scheme", "=", True)])
    reward_id = fields.Many2one(
        "loyalty.reward",
        required=True,
        domain="[('program_id', '=', program_id)]",
        help="The reward given; its required points are spent.",
    )
    program_id = fields.Many2one(related="card_id.program_id")
    partner_id = fields.Many2one(related="card_id.partner_id")
    points = fields.Float(
        compute="_compute_points",
        help="The reward's required points: what the redemption spends, exactly.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Against Quotation",
        domain="[('partner_id', '=', partner_id), ('state', 'in', ('draft', 'sent'))]",
    )
    service_record_id = fields.Many2one(
        "dealer.service.record",
        string="Against Service Visit",
        domain="[('partner_id', '=', partner_id), ('state', '!=', 'cancelled')]",
    )
    redemption_id = fields.Many2one(
        "loyalty.history", readonly=True, help="The points spent, once confirmed."
    )

    @api.depends("reward_id.required_points")
    def _compute_points(self):
        for wizard in self:
            wizard.points = wizard.reward_id.required_points

    def action_confirm(self):
        self.ensure_one()
        # sales and service redeem at the counter, on a card they may read, against a
        # quotation or visit they may change, a reward of the card's own scheme
        check_scheme_card(self.card_id, COUNTER_STAFF)
        origin = self.sale_order_id or self.service_record_id or None
        if origin:
            origin._dealer_check_caller()
        # Once, whatever the clicks (issue 27): this redemption's row, then the quotation
        # or visit, then (in the redemption) the member and the card, the order every
        # workflow locks in. A second confirmation at the same moment waits, fails in a
        # way Odoo retries, and its retry finds the points spent.
        self._dealer_lock_rows()
        if self.redemption_id:
            raise UserError(
                _(
                    "These points were already redeemed (%s): nothing was taken twice.",
                    self.sudo().redemption_id.description,
                )
            )
        if origin:
            origin._dealer_lock_rows()
        if self.reward_id and self.reward_id.program_id != self.card_id.program_id:
            raise UserError(
                _(
                    "%(reward)s is not a reward of %(scheme)s.",
                    reward=self.reward_id.display_name,
                    scheme=self.card_id.program_id.display_name,
                )
            )
        if origin and origin.partner_id != self.card_id.partner_id:
            raise UserError(
                _(
                    "%(record)s is not %(customer)s's: points are redeemed only against the "
                    "member's own quotation or service visit.",
                    record=origin.display_name,
                    customer=self.card_id.partner_id.display_name,
                )
            )
        label = self.reward_id.description or _("Reward")
        if not self.reward_id:
            raise UserError(_("Choose the reward the customer redeems."))
        redemption = self.card_id._dealer_redeem(
            self.reward_id.required_points,
            _(
                "%(reward)s redeemed%(on)s",
                reward=label,
                on=_(" on %s", origin.display_name) if origin else "",
            ),
            origin,
        )
        self.redemption_id = redemption
        if self.reward_id.reward_type == "discount" and origin:
            self._apply_discount(origin, label, redemption)
        return {"type": "ir.actions.act_window_close"}

    def _discount_amount(self, base, origin):
        """The discount on ``base`` (in the currency of ``origin``). A fixed amount and a
        cap are in the scheme's currency: converted at the origin's date."""
        reward = self.reward_id
        currency = reward.currency_id or origin.company_id.currency_id
        date = fields.Date.to_date(origin[origin._dealer_date_field]) or fields.Date.today()

        def in_origin_currency(amount):
            return currency._convert(amount, origin.currency_id, origin.company_id, date)

        if reward.discount_mode == "percent":
            amount = base * reward.discount / 100
        elif reward.discount_mode == "per_point":
            amount = in_origin_currency(reward.discount * reward.required_points)
        else:
            amount = in_origin_currency(reward.discount)
        if reward.discount_max_amount:
            amount = min(amount, in_origin_currency(reward.discount_max_amount))
        return min(amount, base)

    def _apply_discount(self, origin, label, redemption):
        """Put the redeemed discount on the order (a line) or the visit (its loyalty
        discount, beside its amount)."""
        if origin._name == "sale.order":
            if origin.state not in ("draft", "sent"):
                raise UserError(_("Redeem a discount on a quotation, before it is confirmed."))
            # One discount line per set of taxes, in proportion to what each set carries,
            # so the taxes follow the discount as sale_loyalty spreads them.
            base_by_taxes = {}
            for line in origin.order_line:
                if line.display_type or line.is_reward_line or line.price_subtotal <= 0:
                    continue
                base_by_taxes[line.tax_id] = base_by_taxes.get(line.tax_id, 0.0) + (
                    line.price_subtotal
                )
            total = sum(base_by_taxes.values())
            if not total:
                raise UserError(_("%s has nothing to discount yet.", origin.display_name))
            amount = self._discount_amount(total, origin)
            lines = self.env["sale.order.line"].create(
                [
                    {
                        "order_id": origin.id,
                        "product_id": self.reward_id.discount_line_product_id.id,
                        "name": label,
                        "product_uom_qty": 1,
                        "price_unit": -origin.currency_id.round(amount * base / total),
                        "tax_id": [Command.set(taxes.ids)],
                    }
                    for taxes, base in base_by_taxes.items()
                ]
            )
            # the lines are paid with this redemption: removed, they give its points back
            lines.sudo().dealer_redemption_id = redemption
        else:
            # a discount beside the visit's amount, of what is left to pay
            amount = self._discount_amount(origin.dealer_amount_net, origin)
            origin._dealer_add_loyalty_discount(amount, label)
