# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop capacity on OCA resource_booking: what the dealership adds to a booking."""

from odoo import Command, api, fields, models


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


# =============================================================================
# Issue 29, helper "reminder": book from the reminder, and the day-before reminder
# (see also models/dealer_booking_reminder.py, and models/calendar_attendee.py: the
# consent gate on the calendar's mails). A block of its own, on the same model: it
# adds its protected field to those the class above declares.
# =============================================================================
class ResourceBookingReminder(models.Model):
    # one model, two classes on purpose: see above
    _inherit = "resource.booking"  # pylint: disable=consider-merging-classes-inherited

    _dealer_protected_fields = getattr(
        ResourceBooking, "_dealer_protected_fields", frozenset({"dealer_visit_id"})
    ) | frozenset({"dealer_day_before_sent"})

    dealer_day_before_sent = fields.Boolean(
        string="Day-before Reminder Sent",
        readonly=True,
        copy=False,
        help="The day-before reminder job has dealt with this booking (sent the reminder "
        "where the consent gate allowed it, noted the refusal where not).",
    )

    @api.model
    def _dealer_booking_types(self, companies, kind):
        """{company: the booking type for ``kind`` of work (``dealer_service_type``)}:
        the first active type of that company, or of no company, by id. A company
        without one is left out. One query."""
        types = (
            self.env["resource.booking.type"]
            .sudo()
            .search(
                [
                    ("dealer_service_type", "=", kind),
                    ("company_id", "in", [*companies.ids, False]),
                ],
                order="id",
            )
        )
        found = {}
        for company in companies:
            booking_type = types.filtered(
                lambda t, c=company: not t.company_id or t.company_id == c
            )[:1]
            if booking_type:
                found[company] = booking_type
        return found

    @api.model
    def _dealer_pending_bookings(self, vehicle_types):
        """The pending booking of each (vehicle, booking type) of ``vehicle_types``, for
        the vehicle's owner: the open one when there is one, else a new one. Never two
        open pending bookings per vehicle and kind of work: an open pending booking of
        that vehicle and kind for someone else (a previous owner) is cancelled.

        Set-based: one search, one create. The caller has locked the vehicles (a
        claimed batch, ``_dealer_lock_rows``), so two callers never both create.
        Returns {vehicle: booking}, in sudo.
        """
        if not vehicle_types:
            return {}
        Booking = self.sudo()
        vehicles = self.env["dealer.vehicle"].union(*(v for v, _t in vehicle_types))
        kinds = {t.dealer_service_type for _v, t in vehicle_types}
        open_bookings = Booking.search(
            [
                ("dealer_vehicle_id", "in", vehicles.ids),
                ("type_id.dealer_service_type", "in", list(kinds)),
                ("state", "=", "pending"),
            ],
            order="id",
        )
        found, stale = {}, Booking
        for booking in open_bookings:
            vehicle = booking.dealer_vehicle_id
            if booking.partner_id != vehicle.owner_id:
                stale |= booking
            else:
                found.setdefault((vehicle, booking.type_id.dealer_service_type), booking)
        stale.action_cancel()
        # in sudo: the customer's own Book page calls this too
        advisor_of = self.env["dealer.service.reminder"].sudo()._latest_advisors(vehicles)
        activity_type = self.env.ref("dealer_crm.mail_activity_type_service_reminder").sudo()
        fallback = activity_type.default_user_id
        to_create = [
            (vehicle, booking_type)
            for vehicle, booking_type in vehicle_types
            if (vehicle, booking_type.dealer_service_type) not in found
        ]
        created = Booking.create(
            [
                {
                    "partner_ids": [Command.set(vehicle.owner_id.ids)],
                    "type_id": booking_type.id,
                    "dealer_vehicle_id": vehicle.id,
                    "user_id": advisor_of.get(vehicle.id, fallback.id),
                }
                for vehicle, booking_type in to_create
            ]
        )
        for (vehicle, booking_type), booking in zip(to_create, created, strict=True):
            found[vehicle, booking_type.dealer_service_type] = booking
        return {vehicle: found[vehicle, t.dealer_service_type] for vehicle, t in vehicle_types}

    def _dealer_schedule_url(self):
        """The absolute portal link where the customer picks a slot for this booking
        (with its access token)."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url(suffix="/schedule")
