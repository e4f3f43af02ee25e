# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import DEALER_GROUPS


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
    dealer_need_tag_ids = fields.Many2many(
        "dealer.need.tag",
        string="Needs It Meets",
        compute="_compute_dealer_need_tag_ids",
        inverse="_inverse_dealer_need_tag_ids",
        help="The customer needs this product or service answers. A product with variants "
        "links each variant on the variant's own form.",
        groups=DEALER_GROUPS,
    )

    @api.depends("product_variant_ids.dealer_need_tag_ids")
    def _compute_dealer_need_tag_ids(self):
        for template in self:
            template.dealer_need_tag_ids = template.product_variant_ids.dealer_need_tag_ids

    def _inverse_dealer_need_tag_ids(self):
        for template in self:
            if len(template.product_variant_ids) > 1:
                raise UserError(
                    _(
                        "%s has variants: link each variant to the needs it meets on the "
                        "variant's own form.",
                        template.display_name,
                    )
                )
            template.product_variant_ids.dealer_need_tag_ids = template.dealer_need_tag_ids
