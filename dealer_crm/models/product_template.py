# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    dealer_is_vehicle = fields.Boolean(
        string="Is a Vehicle",
        help="Selling it registers the vehicle delivered to the customer, with its warranty.",
    )
    dealer_model_id = fields.Many2one(
        "fleet.vehicle.model",
        string="Vehicle Model",
        help="The make and model, whose warranty terms the delivered vehicle gets.",
    )
