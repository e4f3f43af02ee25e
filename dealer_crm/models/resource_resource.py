# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop resources: service bays, technicians and courtesy cars (OCA resource_booking)."""

from odoo import fields, models

WORKSHOP_ROLES = [
    ("bay", "Service Bay"),
    ("technician", "Technician"),
    ("courtesy_car", "Courtesy Car"),
]


class ResourceResource(models.Model):
    _inherit = "resource.resource"

    dealer_workshop_role = fields.Selection(
        WORKSHOP_ROLES,
        string="Workshop Role",
        index=True,
        help="What this resource is to the workshop: a service bay, a technician or a "
        "courtesy car. Booking types of the workshop need them in combinations.",
    )
