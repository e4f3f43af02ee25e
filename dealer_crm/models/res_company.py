# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import ValidationError

from ..tools.items import ROAD_KINDS

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
        if vals.get("dealer_item_kinds") in ("vehicle", "watch"):
            changed = self.filtered(lambda c: c.dealer_item_kinds != vals["dealer_item_kinds"])
            changed._dealer_check_kinds_kept(vals["dealer_item_kinds"])
        res = super().write(vals)
        if "dealer_item_kinds" in vals:
            self.env["res.users"]._dealer_sync_item_groups(
                self.env["res.users"].sudo().search([("company_ids", "in", self.ids)])
            )
        return res

    def _dealer_check_kinds_kept(self, sold):
        """A company that still has items (active or archived) of a kind keeps selling
        it: its staff would lose the screens of items still in its register. Refused in
        words, with how many items; one grouped query for all the companies."""
        Item = self.env["dealer.vehicle"].sudo().with_context(active_test=False)
        kinds = dict(Item._fields["item_kind"]._description_selection(self.env))
        dropped = [kind for kind in kinds if (kind in ROAD_KINDS) != (sold == "vehicle")]
        counts = Item._read_group(
            [("company_id", "in", self.ids), ("item_kind", "in", dropped)],
            ["company_id", "item_kind"],
            ["__count"],
        )
        for company, kind, count in counts:
            raise ValidationError(
                _(
                    "%(company)s still has %(count)s registered items of the kind %(kind)s "
                    "(archived ones included): it keeps selling them while they are in its "
                    "register.",
                    company=company.name,
                    count=count,
                    kind=kinds.get(kind, kind),
                )
            )
