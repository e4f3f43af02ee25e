# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop capacity on OCA resource_booking: what the dealership adds to a booking.

A booking of a workshop type (one with a kind of work) is for a customer's vehicle. When
the customer arrives, "Customer Arrived" turns it into the service visit; a booking
whose time has passed without arrival is a no-show (by staff, or by the daily job).
Attendance and the visit are evidence: only those methods write them.

Two bookings of the same resources at once: resource_booking checks the resources are
free in the transaction's snapshot, so two transactions could both take the last slot.
A scheduled booking therefore first rewrites its resources' rows: the second transaction
fails with a serialization error, which Odoo retries, and the retry sees the first
booking and gets resource_booking's message that the resources are busy.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .dealer_service_record import SERVICE_GROUP

ATTENDANCE = [
    ("expected", "Expected"),
    ("arrived", "Arrived"),
    ("no_show", "No-show"),
]

#: how long after a booking's end the daily job waits before calling it a no-show
NO_SHOW_GRACE = timedelta(hours=2)


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
    dealer_attendance = fields.Selection(
        ATTENDANCE,
        string="Attendance",
        default="expected",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Expected until the customer arrives (Customer Arrived) or the booking's "
        "time has passed without them (No-show, by staff or the daily job).",
    )
    dealer_service_type = fields.Selection(related="type_id.dealer_service_type")
    company_id = fields.Many2one(
        related="type_id.company_id",
        store=True,
        index=True,
        help="The booking type's company: the one the booking is counted in (reporting).",
    )
    dealer_bay_id = fields.Many2one(
        "resource.resource",
        string="Service Bay",
        compute="_compute_dealer_bay_id",
        store=True,
        index="btree_not_null",
        help="The service bay among the booked resources: the advisor's day by bay.",
    )

    dealer_day_before_sent = fields.Boolean(
        string="Day-before Reminder Sent",
        readonly=True,
        copy=False,
        help="The day-before reminder job has dealt with this booking (sent the reminder "
        "where the consent gate allowed it, noted the refusal where not).",
    )

    #: written by Customer Arrived and No-show only; the day-before flag by its job
    _dealer_protected_fields = frozenset(
        {"dealer_attendance", "dealer_visit_id", "dealer_day_before_sent"}
    )

    #: what moves, reassigns or cancels a booking: refused once the customer has arrived
    #: or was recorded as a no-show (the booking is then the record of what happened)
    _DEALER_CLOSED_FIELDS = frozenset(
        {
            "start",
            "duration",
            "meeting_id",
            "active",
            "combination_id",
            "type_id",
            "partner_ids",
            "partner_id",
            "dealer_vehicle_id",
        }
    )

    @api.depends("dealer_attendance")
    def _compute_is_modifiable(self):
        """resource_booking's deadline, and never once the customer has arrived or was
        recorded as a no-show: the portal then offers no Reschedule or Cancel."""
        result = super()._compute_is_modifiable()
        self.filtered(lambda b: b.dealer_attendance != "expected").is_modifiable = False
        return result

    def _dealer_check_open(self):
        """Refuse moving or cancelling a booking the customer arrived for (it is a
        visit now) or missed (it is the no-show's record), whoever asks."""
        closed = self.filtered(lambda b: b.dealer_attendance != "expected")
        if not closed:
            return
        booking = closed[0]
        if booking.dealer_attendance == "arrived":
            raise UserError(
                _(
                    "The customer of booking %(booking)s has arrived: it is visit %(visit)s "
                    "now, and it can no longer be moved or cancelled.",
                    booking=booking.display_name,
                    visit=booking.dealer_visit_id.display_name,
                )
            )
        raise UserError(
            _(
                "Booking %s was recorded as a no-show: it can no longer be moved or "
                "cancelled. Book the customer again.",
                booking.display_name,
            )
        )

    def write(self, vals):
        if self._DEALER_CLOSED_FIELDS & set(vals):
            self._dealer_check_open()
        return super().write(vals)

    def action_unschedule(self):
        self._dealer_check_open()
        return super().action_unschedule()

    def action_cancel(self):
        self._dealer_check_open()
        return super().action_cancel()

    @api.depends("combination_id.resource_ids.dealer_workshop_role")
    def _compute_dealer_bay_id(self):
        for booking in self:
            booking.dealer_bay_id = booking.combination_id.resource_ids.filtered(
                lambda resource: resource.dealer_workshop_role == "bay"
            )[:1]

    @api.constrains("dealer_vehicle_id", "partner_ids", "type_id")
    def _check_dealer_vehicle_id(self):
        for booking in self.filtered("dealer_vehicle_id"):
            vehicle = booking.dealer_vehicle_id.sudo()
            if vehicle.owner_id not in booking.partner_ids.commercial_partner_id | (
                booking.partner_ids
            ):
                raise ValidationError(
                    _(
                        "Vehicle %(vehicle)s does not belong to %(customer)s: book the "
                        "customer's own vehicle.",
                        vehicle=vehicle.display_name,
                        customer=booking.partner_id.display_name or _("the customer"),
                    )
                )
            company = booking.type_id.company_id
            if company and vehicle.company_id and vehicle.company_id != company:
                raise ValidationError(
                    _(
                        "Vehicle %(vehicle)s is another company's: book it in a booking "
                        "type of %(company)s.",
                        vehicle=vehicle.display_name,
                        company=vehicle.company_id.name,
                    )
                )

    @api.constrains("combination_id", "meeting_id", "type_id")
    def _check_scheduling(self):
        """resource_booking's check, after taking the booked resources' rows (see the
        module docstring): two bookings of one resource never pass it at once."""
        self._dealer_lock_resources()
        # resource_booking finds no free combination for a slot just taken; say so
        taken = self.filtered(
            lambda b: (
                b.meeting_id
                and b.type_id.dealer_service_type
                and b.combination_auto_assign
                and not b.combination_id
            )
        )
        if taken:
            raise ValidationError(
                _(
                    "No bay, technician or courtesy car is free for %(booking)s at %(when)s: "
                    "the slot has just been taken. Choose another time.",
                    booking=taken[0].display_name,
                    when=fields.Datetime.context_timestamp(taken[0], taken[0].start).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                )
            )
        return super()._check_scheduling()

    def _dealer_lock_resources(self):
        """Rewrite (unchanged) the rows of the resources these scheduled, coming bookings
        take, in id order. A concurrent transaction that took one of them is waited
        for; one that took it since this transaction began makes this one fail with a
        serialization error, which Odoo retries with the new bookings in sight."""
        now = fields.Datetime.now()
        resources = (
            self.filtered(lambda b: b.meeting_id and (not b.stop or b.stop >= now))
            .sudo()
            .with_context(active_test=False)
            .combination_id.resource_ids
        )
        if not resources:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM resource_resource WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                tuple(resources.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE resource_resource SET write_date = write_date WHERE id IN %s",
                tuple(resources.ids),
            )
        )

    def action_dealer_arrived(self):
        """Customer Arrived: the booking becomes the service visit, with its vehicle, its
        advisor, its kind of work and the work booked (and, for recall work, the
        vehicle's open recalls ticked). Returns the visit's form."""
        self.ensure_one()
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        self.invalidate_recordset()
        if self.dealer_attendance == "arrived" or self.dealer_visit_id:
            raise UserError(
                _(
                    "The customer of booking %(booking)s has already arrived: it is visit "
                    "%(visit)s.",
                    booking=self.display_name,
                    visit=self.dealer_visit_id.display_name,
                )
            )
        if self.dealer_attendance == "no_show":
            raise UserError(
                _(
                    "Booking %s was recorded as a no-show, and is not awaited any more: book "
                    "the customer again to receive them.",
                    self.display_name,
                )
            )
        if not self.active or self.state == "canceled":
            raise UserError(
                _(
                    "Booking %s is cancelled: book the customer again to receive them.",
                    self.display_name,
                )
            )
        if not self.dealer_vehicle_id:
            raise UserError(
                _(
                    "Booking %s has no vehicle: choose the customer's vehicle first.",
                    self.display_name,
                )
            )
        visit = self.env["dealer.service.record"].create(self._dealer_visit_vals())
        # the attendance only: the meeting is not touched (no "date updated" mail)
        self.sudo().with_context(syncing_booking_ids=self.ids).write(
            {"dealer_attendance": "arrived", "dealer_visit_id": visit.id}
        )
        visit.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": visit, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dealer.service.record",
            "res_id": visit.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_dealer_no_show(self):
        """No-show: the time of these bookings has passed and the customer never came."""
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        self.invalidate_recordset()
        now = fields.Datetime.now()
        for booking in self:
            if booking.dealer_attendance != "expected" or not booking.active:
                raise UserError(
                    _(
                        "Booking %s is not awaited any more (arrived, no-show or cancelled).",
                        booking.display_name,
                    )
                )
            if not booking.stop or booking.stop > now:
                raise UserError(
                    _(
                        "Booking %s has not ended yet: the customer may still come.",
                        booking.display_name,
                    )
                )
        self._dealer_record_no_show()

    def _dealer_visit_vals(self):
        self.ensure_one()
        work = Markup("<p>%s</p>") % self.type_id.name
        if self.description:
            work += self.description
        vals = {
            "vehicle_id": self.dealer_vehicle_id.id,
            "advisor_id": (self.user_id or self.env.user).id,
            "service_type": self.type_id.dealer_service_type or "other",
            "work_done": work,
            "company_id": (self.type_id.company_id or self.env.company).id,
        }
        if self.type_id.dealer_service_type == "recall":
            lines = (
                self.env["dealer.service.record"]
                .new({"vehicle_id": self.dealer_vehicle_id.id})
                .dealer_recall_open_ids.filtered(lambda line: line.state != "booked")
            )
            vals["dealer_recall_line_ids"] = [fields.Command.set(lines.ids)]
        return vals

    def _dealer_record_no_show(self):
        """Record these bookings as no-shows and put each on its customer's timeline.
        The caller checked who asked (a workflow method or the daily job)."""
        _ = self.env._
        if not self:
            return
        self.sudo().with_context(syncing_booking_ids=self.ids).write(
            {"dealer_attendance": "no_show"}
        )
        self.env["dealer.interaction"].sudo().create(
            [
                {
                    "partner_id": booking.partner_id.id,
                    "vehicle_id": booking.dealer_vehicle_id.id,
                    "channel": "visit",
                    "direction": "inbound",
                    "date": booking.stop,
                    "user_id": (booking.user_id or self.env.user).id,
                    "department": "service",
                    "subject": _("No-show: %s", booking.display_name),
                    "outcome": "other",
                    "company_id": (booking.type_id.company_id or self.env.company).id,
                }
                for booking in self
                if booking.partner_id
            ]
        )

    @api.model
    def _cron_dealer_no_show(self, batch_size=500):
        """Daily: workshop bookings that ended more than the grace ago and that nobody
        received are no-shows. Batched and idempotent: a booking recorded is no longer
        expected, so a second run takes nothing."""
        domain = [
            ("dealer_attendance", "=", "expected"),
            ("type_id.dealer_service_type", "!=", False),
            ("meeting_id", "!=", False),
            ("stop", "<", fields.Datetime.now() - NO_SHOW_GRACE),
        ]
        bookings = self._dealer_claim(domain, batch_size)
        bookings._dealer_record_no_show()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(bookings), remaining=remaining)
        return bookings

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
