# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Booking types per kind of workshop work (OCA resource_booking)."""

from odoo import fields, models

from .dealer_service_record import SERVICE_TYPES


class ResourceBookingType(models.Model):
    _inherit = "resource.booking.type"

    dealer_service_type = fields.Selection(
        SERVICE_TYPES,
        string="Kind of Work",
        help="The kind of service visit a booking of this type becomes when the customer "
        "arrives. Empty: not a workshop booking type.",
    )
