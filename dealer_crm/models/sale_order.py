# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"
    _dealer_partner_fields = ("partner_id", "partner_invoice_id", "partner_shipping_id")
    _dealer_personal_fields = ("client_order_ref",)
    _dealer_date_field = "date_order"
