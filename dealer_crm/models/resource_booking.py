# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop capacity on OCA resource_booking: what the dealership adds to a booking."""

from odoo import fields, models


class ResourceBooking(models.Model):
    _inherit = "resource.booking"

    dealer_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Vehicle",
        index="btree_not_null",
        tracking=True,
        help="The vehicle the work is booked for.",
    )
    dealer_visit_id = fields.Many2one(
        "dealer.service.record",
        string="Service Visit",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The service visit this booking became when the customer arrived.",
    )
