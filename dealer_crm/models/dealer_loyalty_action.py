# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class DealerLoyaltyAction(models.Model):
    """A loyalty strategy used with a customer, counted in reporting."""

    _name = "dealer.loyalty.action"
    _description = "Loyalty Strategy Action"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("note", "letter_body")
    _dealer_date_field = "date"
    #: who recorded the action: the user who creates it
    _dealer_protected_fields = frozenset({"user_id"})
    _dealer_read_actions = frozenset({"action_print_letter"})

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    kind = fields.Selection(
        [
            ("thanks_letter", "Letter of thanks"),
            ("promotional_item", "Promotional item"),
            ("complementary_offer", "Complementary offer"),
            ("credit_facility", "Credit or discount facility"),
            ("followup_call", "Follow-up call"),
        ],
        required=True,
        tracking=True,
    )
    occasion = fields.Selection(
        [
            ("purchase", "Purchase"),
            ("milestone", "Milestone"),
            ("service", "Service"),
            ("anniversary", "Anniversary"),
            ("other", "Other"),
        ],
        default="purchase",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, copy=False, default=lambda self: self.env.user
    )
    value = fields.Monetary(help="Cost or value to the customer, for reporting.")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, required=True
    )
    vehicle_id = fields.Many2one("dealer.vehicle")
    sale_order_id = fields.Many2one("sale.order")
    letter_body = fields.Html(
        string="Letter", help="The text of the letter of thanks, printed on the letterhead."
    )
    note = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def action_print_letter(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        if not self.env["dealer.consent"]._contactable_partners(self.partner_id):
            raise UserError(
                _(
                    "%s is archived or anonymised: no letter is sent to them.",
                    self.partner_id.display_name,
                )
            )
        return self.env.ref("dealer_crm.dealer_loyalty_action_letter_report").report_action(self)
