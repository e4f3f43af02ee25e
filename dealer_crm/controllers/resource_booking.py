# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's "Book" entry on /my/bookings (issue 29).

Rescheduling and cancelling an existing booking are resource_booking's own pages
(``/my/bookings/<id>/schedule``, ``/cancel``); this adds only the start: a pending
booking of one of the customer's own vehicles, for a workshop booking type of the
vehicle's company, then the schedule page where the customer picks a slot.
"""

from datetime import UTC, datetime

from dateutil.parser import isoparse

from odoo.exceptions import UserError, ValidationError
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
        if booking.type_id != booking_type:
            # the open booking of that kind of work, for the type the customer chose
            booking.write({"type_id": booking_type.id, "duration": booking_type.duration})
        return request.redirect(booking.get_portal_url(suffix="/schedule"))

    @route()
    def portal_booking_confirm(self, booking_id, access_token, when, **kwargs):
        """resource_booking's confirmation, in a savepoint: a slot refused (taken, out of
        the workshop's hours, a booking no longer open) leaves the booking as it was, and
        the customer is sent back to the schedule page with the reason."""
        booking_sudo = self._get_booking_sudo(booking_id, access_token)
        try:
            when_tz_aware = isoparse(when)
        except (TypeError, ValueError):
            return request.not_found()
        when_naive = datetime.fromtimestamp(when_tz_aware.timestamp(), tz=UTC).replace(tzinfo=None)
        try:
            with request.env.cr.savepoint():
                booking_sudo.start = when_naive
                booking_sudo.flush_recordset()
        except (UserError, ValidationError) as error:
            booking_sudo.invalidate_recordset()
            url = booking_sudo.get_portal_url(
                suffix=f"/schedule/{when_tz_aware:%Y/%m}",
                query_string=f"&error={error.args[0]}",
            )
            return request.redirect(url)
        booking_sudo.action_confirm()
        return request.redirect(booking_sudo.get_portal_url())
