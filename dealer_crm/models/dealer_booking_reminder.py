# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from .dealer_service_reminder import REMINDER_CHANNELS


class DealerBookingReminder(models.AbstractModel):
    """The day-before reminder of workshop bookings (cron "Dealer CRM: booking
    reminders, the day before", issue 29).

    A scheduled or confirmed booking of a vehicle starting within the next day gets, for
    its customer, the reminder email (or SMS) only through the consent gate (service
    reminders, given to the booking's company), which notes each refusal on the booking.
    The calendar's own alarms and invitations about a booking go through the same gate
    (``calendar.attendee._send_mail_to_attendees``).
    """

    _name = "dealer.booking.reminder"
    _description = "Workshop Booking Reminders"

    @api.model
    def _reminder_domain(self):
        now = fields.Datetime.now()
        return [
            ("dealer_day_before_sent", "=", False),
            ("dealer_vehicle_id", "!=", False),
            ("state", "in", ("scheduled", "confirmed")),
            ("start", ">", now),
            ("start", "<=", now + timedelta(days=1)),
        ]

    @api.model
    def _cron_booking_reminders(self, batch_size=500):
        """Remind the customers of tomorrow's bookings, one batch per call.

        Each booking processed is stamped (``dealer_day_before_sent``) in the batch's own
        transaction, whether the gate let the reminder through or not: a second run
        sends nothing. Emails go by Odoo's mail queue and SMS by its SMS queue, after
        the batch commits. Returns the bookings processed."""
        Booking = self.env["resource.booking"]
        domain = self._reminder_domain()
        bookings = Booking._dealer_claim(domain, batch_size, order="start, id")
        if not bookings:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return Booking
        template = self.env.ref("dealer_crm.mail_template_booking_day_before")
        sms_template = self.env.ref("dealer_crm.sms_template_booking_day_before")
        texted = False
        for company, of_company in bookings.grouped(self._company_of).items():
            records = {}
            for booking in of_company:
                records[booking.partner_id] = records.get(booking.partner_id, booking) | booking
            by_channel, _refused = self.env["dealer.consent"]._gate_by_channel(
                of_company.partner_id,
                "service_reminder",
                REMINDER_CHANNELS,
                records=records,
                company=company,
            )
            for booking in of_company.filtered(lambda b, c=by_channel: b.partner_id in c["email"]):
                booking.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
            for booking in of_company.filtered(lambda b, c=by_channel: b.partner_id in c["sms"]):
                booking._message_sms_with_template(
                    template=sms_template, partner_ids=booking.partner_id.ids, put_in_queue=True
                )
                texted = True
        bookings.sudo().write({"dealer_day_before_sent": True})
        if texted:
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        remaining = Booking.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(bookings), remaining=remaining)
        return bookings

    @api.model
    def _company_of(self, booking):
        """The company a booking's customer gave consent to: the booking type's, else
        the vehicle's."""
        return booking.type_id.company_id or booking.dealer_vehicle_id.company_id
