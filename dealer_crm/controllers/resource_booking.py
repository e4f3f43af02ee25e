# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's "Book" entry on /my/bookings (issue 29).

Rescheduling and cancelling an existing booking are resource_booking's own pages
(``/my/bookings/<id>/schedule``, ``/cancel``); this adds only the start: a pending
booking of one of the customer's own vehicles, for a workshop booking type of the
vehicle's company, then the schedule page where the customer picks a slot.
"""

from odoo.http import request, route

from odoo.addons.resource_booking.controllers.portal import CustomerPortal


class DealerBookingPortal(CustomerPortal):
    def _dealer_own_vehicles(self):
        """The vehicles the logged-in customer owns (read in sudo: a portal user has no
        access to dealer.vehicle)."""
        partner = request.env.user.partner_id
        owners = partner | partner.commercial_partner_id
        return request.env["dealer.vehicle"].sudo().search([("owner_id", "in", owners.ids)])

    def _dealer_workshop_types(self, vehicles):
        """The workshop booking types a customer may book for ``vehicles``: active, with
        a kind of work, of the vehicles' companies or of none."""
        return (
            request.env["resource.booking.type"]
            .sudo()
            .search(
                [
                    ("dealer_service_type", "!=", False),
                    ("company_id", "in", [*vehicles.company_id.ids, False]),
                ],
                order="id",
            )
        )

    @route()
    def portal_my_bookings(self, page=1, **kwargs):
        response = super().portal_my_bookings(page=page, **kwargs)
        vehicles = self._dealer_own_vehicles()
        response.qcontext.update(
            dealer_book_vehicles=vehicles,
            dealer_book_types=self._dealer_workshop_types(vehicles) if vehicles else None,
        )
        return response

    @route(["/my/bookings/book"], type="http", auth="user", methods=["POST"], website=True)
    def portal_dealer_book(self, vehicle_id=None, type_id=None, **kwargs):
        """Create (or reuse the open) pending booking of the customer's vehicle for the
        booking type, then send the customer to its schedule page. A vehicle that is not
        theirs, or a type not offered for it (another company's, not a workshop type),
        is not found."""
        try:
            vehicle_id, type_id = int(vehicle_id), int(type_id)
        except (TypeError, ValueError):
            return request.not_found()
        vehicle = self._dealer_own_vehicles().filtered(lambda v: v.id == vehicle_id)
        booking_type = self._dealer_workshop_types(vehicle).filtered(lambda t: t.id == type_id)
        if not vehicle or not booking_type:
            return request.not_found()
        vehicle._dealer_lock_rows()
        booking = request.env["resource.booking"]._dealer_pending_bookings(
            [(vehicle, booking_type)]
        )[vehicle]
        return request.redirect(booking.get_portal_url(suffix="/schedule"))
