# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.osv import expression

from ..tools.items import is_road
from .dealer_consent import contactable_domain

#: the consent channels a service reminder goes by, in order of preference
REMINDER_CHANNELS = ("email", "sms")


class DealerServiceReminder(models.AbstractModel):
    """The nightly service reminder job (cron "Dealer CRM: service reminders").

    Each vehicle coming due gets an activity for its service advisor; its owner gets the
    reminder email (or SMS) only through the consent gate (``dealer.consent``), which
    notes every refusal on the vehicle, and not when reminded within the recent-contact
    window. The job records its progress on the vehicles (``service_reminder_date``,
    ``service_reminder_skip_date``) and the owners (``dealer_last_reminder_date``).
    """

    _name = "dealer.service.reminder"
    _description = "Service Reminders"

    @api.model
    def _reminder_domain(self):
        """(domain of the vehicles to process, the recent-contact cutoff date)."""
        today = fields.Date.context_today(self)
        recent = self.env["dealer.settings.mixin"]._dealer_get("dealer_reminder_recent_days")
        recent_cutoff = today - timedelta(days=recent)
        window = self.env["dealer.vehicle"]._service_window_days()
        contactable = contactable_domain("owner_id.")
        return [
            ("owner_id", "!=", False),
            ("next_service_date", "!=", False),
            ("next_service_date", "<=", today + timedelta(days=window)),
        ] + expression.OR(
            [
                # owners who may be contacted, not reminded recently
                contactable
                + [
                    "|",
                    ("service_reminder_date", "=", False),
                    ("service_reminder_date", "<", recent_cutoff),
                ],
                # owners archived or anonymised: once, to note the skip
                ["!", *expression.AND([[leaf] for leaf in contactable])]
                + [("service_reminder_skip_date", "=", False)],
            ]
        ), recent_cutoff

    @api.model
    def _cron_service_reminders(self, batch_size=500):
        """Remind the owners of vehicles coming due, one batch per call.

        A processed vehicle is stamped in the batch's own transaction, so running the
        job twice (or again after a crash) sends nothing twice; the cron framework
        commits each batch and calls again while vehicles remain. Nothing leaves before
        that commit: emails go by Odoo's mail queue after it, and SMS are queued for
        Odoo's SMS queue job (``put_in_queue``), so a batch rolled back sends nothing.
        Returns the vehicles processed (those of owners who may not be contacted at all
        are only noted, once, and stamped as skipped).
        """
        Vehicle = self.env["dealer.vehicle"]
        domain, recent_cutoff = self._reminder_domain()
        # taken with SKIP LOCKED: a second run at once takes other vehicles, never these
        vehicles = Vehicle._dealer_claim(domain, batch_size, order="next_service_date, id")
        if not vehicles:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return Vehicle
        contactable = self.env["dealer.consent"]._contactable_partners(vehicles.owner_id)
        recently = (vehicles.owner_id & contactable).filtered(
            lambda p: p.dealer_last_reminder_date and p.dealer_last_reminder_date >= recent_cutoff
        )
        channel_of = self._gate_owners(vehicles, recently)
        # archived or anonymised owners are never contacted: the gate noted the skip
        skipped = vehicles.filtered(lambda v: v.owner_id not in contactable)
        today = fields.Date.context_today(self)
        skipped.sudo().write({"service_reminder_skip_date": today})
        vehicles -= skipped
        self._schedule_advisor_calls(vehicles)
        reminded = self._send_reminders(vehicles, channel_of, recently)
        vehicles.sudo().write({"service_reminder_date": today, "service_reminder_skip_date": False})
        reminded.sudo().write({"dealer_last_reminder_date": today})
        remaining = Vehicle.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(vehicles) + len(skipped), remaining=remaining)
        return vehicles

    @api.model
    def _gate_owners(self, vehicles, recently):
        """Ask the consent gate about the owners of ``vehicles`` not reminded
        ``recently``, each with the consent given to the vehicle's company, by email or
        else by SMS. The gate notes each refusal on the owner's vehicles.

        Returns {(company, owner): the channel to remind them by}.
        """
        channel_of = {}
        for company in vehicles.company_id:
            of_company = vehicles.filtered(lambda v, c=company: v.company_id == c)
            by_owner = {}
            for vehicle in of_company:
                by_owner[vehicle.owner_id] = by_owner.get(vehicle.owner_id, vehicle) | vehicle
            by_channel, _refused = self.env["dealer.consent"]._gate_by_channel(
                of_company.owner_id - recently,
                "service_reminder",
                REMINDER_CHANNELS,
                records=by_owner,
                company=company,
            )
            for channel, owners in by_channel.items():
                channel_of.update({(company, owner): channel for owner in owners})
        return channel_of

    @api.model
    def _schedule_advisor_calls(self, vehicles):
        """One activity per vehicle coming due, for its latest service advisor, created
        at once. The activities are not each mailed to their advisor (a night's batch
        would mail them hundreds): they wait in the advisor's activities."""
        activity_type = self.env.ref("dealer_crm.mail_activity_type_service_reminder")
        model_id = self.env["ir.model"]._get_id("dealer.vehicle")
        advisor_of = self._latest_advisors(vehicles)
        fallback = activity_type.default_user_id or self.env.user
        activities = [
            {
                "res_model_id": model_id,
                "res_id": vehicle.id,
                "activity_type_id": activity_type.id,
                "summary": self.env._(
                    "Service due on %s", fields.Date.to_string(vehicle.next_service_date)
                ),
                "date_deadline": vehicle.next_service_date,
                "user_id": advisor_of.get(vehicle.id, fallback.id),
            }
            for vehicle in vehicles
        ]
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(activities)
        )

    @api.model
    def _latest_advisors(self, vehicles):
        """{vehicle id: the advisor of its latest visit that has one}, in one query. Of
        two visits on the same day, the first recorded (as ``service_ids`` sorted by
        date gives it)."""
        visits = self.env["dealer.service.record"].search_fetch(
            [("vehicle_id", "in", vehicles.ids), ("advisor_id", "!=", False)],
            ["vehicle_id", "advisor_id"],
            order="date, id desc",
        )
        # the latest comes last
        return {visit.vehicle_id.id: visit.advisor_id.id for visit in visits}

    @api.model
    def _send_reminders(self, vehicles, channel_of, recently):
        """Remind each owner once, on the channel the gate allowed; an owner reminded
        recently (or already in this batch) is noted instead, all notes at once. Each
        reminder carries the link to book the service due (``_booking_links``).
        Returns the owners reminded. A road vehicle's reminder speaks of its plate and
        odometer; any other item's (a watch) of its serial number and date only."""
        templates = self._reminder_templates()
        reminded = self.env["res.partner"]
        notes = {}
        to_send = []  # [(vehicle, channel)]
        for vehicle in vehicles:
            owner = vehicle.owner_id
            channel = channel_of.get((vehicle.company_id, owner))
            if owner in reminded or owner in recently:
                notes[vehicle.id] = _(
                    "Service reminder not sent: %s was reminded recently.", owner.display_name
                )
            elif channel:
                to_send.append((vehicle, channel))
                reminded |= owner
            # else: refused by the consent gate, which noted it on the vehicle
        links = self._booking_links(vehicles.browse([v.id for v, _c in to_send]), "maintenance")
        texted = False
        for vehicle, channel in to_send:
            # no booking type for the work: the reminder asks the customer to call, as before
            link = links.get(vehicle)
            template, sms_template = templates[is_road(vehicle.item_kind)]
            if channel == "email":
                vehicle.with_context(dealer_booking_url=link).message_post_with_source(
                    template, subtype_xmlid="mail.mt_comment"
                )
            else:
                # queued, not sent: the SMS queue job sends it once this batch commits
                vehicle._message_sms_with_template(
                    template=sms_template.with_context(dealer_booking_url=link),
                    partner_ids=vehicle.owner_id.ids,
                    put_in_queue=True,
                )
                texted = True
        if notes:
            vehicles.browse(list(notes))._message_log_batch(notes)
        if texted:
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        return reminded

    @api.model
    def _reminder_templates(self):
        """{is a road vehicle: (mail template, SMS template)} of the service reminder."""
        ref = self.env.ref
        return {
            True: (
                ref("dealer_crm.mail_template_service_reminder"),
                ref("dealer_crm.sms_template_service_reminder"),
            ),
            False: (
                ref("dealer_crm.mail_template_item_service_reminder"),
                ref("dealer_crm.sms_template_item_service_reminder"),
            ),
        }

    @api.model
    def _booking_links(self, vehicles, kind):
        """{vehicle: the portal link to schedule its pending booking for ``kind`` of
        work}, for the vehicles whose company has a booking type for that work (see
        ``resource.booking._dealer_booking_types``); the pending booking is the open
        one, or a new one. Set-based."""
        Booking = self.env["resource.booking"]
        type_of = Booking._dealer_booking_types(vehicles.company_id, kind)
        vehicle_types = [(v, type_of[v.company_id]) for v in vehicles if v.company_id in type_of]
        bookings = Booking._dealer_pending_bookings(vehicle_types)
        return {vehicle: booking._dealer_schedule_url() for vehicle, booking in bookings.items()}
