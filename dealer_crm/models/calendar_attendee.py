# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The consent gate on the calendar's mails about a workshop booking (issue 29)."""

from odoo import models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def _send_mail_to_attendees(self, mail_template, force_send=False):
        """Every mail the calendar sends an attendee (the invitation, which is the
        customer's booking confirmation, a changed date, an alarm's reminder) goes, for
        the customer of a resource booking, through the consent gate: service
        reminders by email, given to the booking's company. A customer who withdrew it,
        or is archived or anonymised, gets none of them; the refusal is noted on the
        booking. Staff attendees (the booked resources' users) are not gated."""
        return super(CalendarAttendee, self._dealer_gated())._send_mail_to_attendees(
            mail_template, force_send=force_send
        )

    def _dealer_gated(self):
        """These attendees less the booking customers the consent gate refuses."""
        # the workshop's bookings (a type with a kind of work): another booking type is
        # resource_booking's own, not a dealer's message to its customer
        bookings = self.sudo().event_id.resource_booking_ids.filtered("type_id.dealer_service_type")
        if not bookings:
            return self
        Consent = self.env["dealer.consent"]
        by_company = {}
        for booking in bookings:
            company = (
                booking.type_id.company_id
                or booking.dealer_vehicle_id.company_id
                or self.env.company
            )
            by_company[company] = by_company.get(company, booking.browse()) | booking
        refused_on = set()  # {(partner id, event id)}
        for company, of_company in by_company.items():
            customers = self.partner_id & of_company.partner_ids
            records = {p: of_company.filtered(lambda b, p=p: p in b.partner_ids) for p in customers}
            _allowed, refused = Consent._gate(
                customers, "service_reminder", "email", records=records, company=company
            )
            refused_on.update(
                (partner.id, booking.meeting_id.id)
                for partner in refused
                for booking in records[partner]
            )
        return self.filtered(lambda a: (a.partner_id.id, a.event_id.id) not in refused_on)
