# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

#: what a company sells and services (issue 32): its menus, labels and defaults follow
ITEM_KIND_CHOICES = [
    ("vehicle", "Vehicles"),
    ("watch", "Watches"),
    ("both", "Vehicles and watches"),
]


class ResCompany(models.Model):
    _inherit = "res.company"
    _dealer_partner_fields = ()

    dealer_item_kinds = fields.Selection(
        ITEM_KIND_CHOICES,
        string="Sells and Services",
        required=True,
        default="vehicle",
        help="What this company sells and services. A company that sells no vehicles "
        "shows its users no VIN, plate, odometer, test drive or trade-in; a company "
        "that sells watches registers them by serial number.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "dealer_item_kinds" in vals:
            self.env["res.users"]._dealer_sync_item_groups(
                self.env["res.users"].sudo().search([("company_ids", "in", self.ids)])
            )
        return res
