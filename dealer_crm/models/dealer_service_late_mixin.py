# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delayed service (issue 29): a visit's promised-ready time, the time it was done, and
the flag a visit not done by its promise gets from the scheduled job."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: the states of a visit still in the workshop
OPEN_STATES = ("scheduled", "in_progress")
#: the visits a batch of the late job takes
LATE_BATCH = 500
#: a delay notice is a service message about the customer's own visit: the purpose and
#: channels of the other service notices (recall notices, service reminders)
DELAY_PURPOSE = "service_reminder"
DELAY_CHANNELS = ("email", "sms")


class DealerServiceLateMixin(models.AbstractModel):
    """The promise of a service visit, and whether it was kept.

    The advisor types the promised-ready time. The visit records when it was done
    (``dealer_done_at``); a visit not done by its promise is flagged late, by the
    scheduled job or when it is done after it. Both are recorded by the workflow
    (``_dealer_protected_fields`` of the visit). The flag stays: a visit late once did
    not keep its first promise, whatever new time the customer was given."""

    _name = "dealer.service.late.mixin"
    _description = "Promised-Ready Time of a Visit"

    dealer_promised_ready = fields.Datetime(
        string="Promised Ready",
        tracking=True,
        copy=False,
        help="When the advisor told the customer the vehicle would be ready. A visit not "
        "done by then is flagged late, and its advisor gets an activity.",
    )
    dealer_late = fields.Boolean(
        string="Late",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="The visit was not done by its promised-ready time: recorded by the "
        "scheduled job, or when the visit is done after it.",
    )
    dealer_done_at = fields.Datetime(
        string="Done At",
        readonly=True,
        copy=False,
        help="When the visit was completed (not known for history imported as done).",
    )
    dealer_delay_reason = fields.Char(
        string="Delay Reason",
        readonly=True,
        copy=False,
        tracking=True,
        help="Why the visit is late, as the customer was last told with the new time.",
    )

    def write(self, vals):
        if "dealer_promised_ready" in vals and not self.env.su:
            promised = fields.Datetime.to_datetime(vals["dealer_promised_ready"] or False)
            closed = self.filtered(
                lambda v: v.state in ("done", "cancelled") and v.dealer_promised_ready != promised
            )
            if closed:
                raise UserError(
                    _(
                        "Visit %s is closed: its promised-ready time is what on-time "
                        "completion is measured on, and can no longer change.",
                        closed[0].name,
                    )
                )
        return super().write(vals)

    # Tell the customer ---------------------------------------------------------------
    def action_dealer_inform_delay(self):
        """Open the wizard that gives the customer a new ready time and the reason."""
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_service")
        return {
            "type": "ir.actions.act_window",
            "name": _("Tell the Customer of a Delay"),
            "res_model": "dealer.service.delay",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_visit_id": self.id},
        }

    def _dealer_inform_delay(self, promised_ready, reason):
        """Give the customer the new ready time and the reason: recorded on the visit,
        sent through the consent gate (email, else SMS) and put on the customer's
        timeline as an interaction; the visit's "Late Visit" activity is then done.

        Returns the consent channel used, or False when the gate let none through (its
        note on the visit says why)."""
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_service")
        self._dealer_lock_rows()
        if self.state not in OPEN_STATES:
            raise UserError(
                _("Visit %s is no longer in the workshop: there is no delay to tell.", self.name)
            )
        if not self.partner_id:
            raise UserError(_("Visit %s has no customer to tell.", self.name))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the visit is late: the customer is told the reason."))
        now = fields.Datetime.now()
        if not promised_ready or fields.Datetime.to_datetime(promised_ready) <= now:
            raise UserError(_("The new ready time must be later than now."))
        self.sudo().write({"dealer_promised_ready": promised_ready, "dealer_delay_reason": reason})
        partner = self.partner_id
        by_channel, _refused = self.env["dealer.consent"]._gate_by_channel(
            partner, DELAY_PURPOSE, DELAY_CHANNELS, records={partner: self}, company=self.company_id
        )
        channel = next((c for c in DELAY_CHANNELS if by_channel.get(c)), False)
        if channel == "email":
            self.message_post_with_source(
                "dealer_crm.mail_template_service_delay", subtype_xmlid="mail.mt_comment"
            )
        elif channel == "sms":
            self._message_sms_with_template(
                template=self.env.ref("dealer_crm.sms_template_service_delay"),
                partner_ids=partner.ids,
                put_in_queue=True,
            )
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        if channel:
            self.env["dealer.interaction"].sudo().create(
                {
                    **self._dealer_interaction_defaults(),
                    "channel": channel,
                    "direction": "outbound",
                    "subject": _(
                        "%(visit)s delayed: ready %(when)s",
                        visit=self.name,
                        when=self._dealer_format_ready(),
                    ),
                    "summary": reason,
                    "outcome": "information",
                    "user_id": self.env.user.id,
                    "company_id": self.company_id.id,
                }
            )
        # whoever's it is (the caller was checked): the delay is told
        self.sudo().activity_search(["dealer_crm.mail_activity_type_late_visit"]).action_feedback(
            feedback=_("New ready time given: %s", self._dealer_format_ready())
        )
        return channel

    def _dealer_format_ready(self):
        """The promised-ready time in the customer's time zone (else the advisor's)."""
        self.ensure_one()
        tz = self.partner_id.tz or self.env.user.tz or "UTC"
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), self.dealer_promised_ready
        ).strftime("%Y-%m-%d %H:%M")

    # Recorded by the workflow --------------------------------------------------------
    def _dealer_record_done_time(self):
        """Record when these visits were done (now) and, when after their promise, that
        they were late. Called by the visit's completion (not for imported history)."""
        now = fields.Datetime.now()
        visits = self.filtered(lambda v: not v.dealer_done_at)
        late = visits.filtered(
            lambda v: (
                v.dealer_promised_ready and v.dealer_promised_ready < now and not v.dealer_late
            )
        )
        if visits:  # every write of a visit calls the completion hook, on no visit
            visits.sudo().write({"dealer_done_at": now})
        if late:
            late.sudo().write({"dealer_late": True})

    @api.model
    def _dealer_late_domain(self, now):
        """The visits the late job flags: in the workshop past their promise, not yet
        flagged (whatever their customer: the activity is the advisor's)."""
        return [
            ("state", "in", OPEN_STATES),
            ("dealer_promised_ready", "!=", False),
            ("dealer_promised_ready", "<", now),
            ("dealer_late", "=", False),
        ]

    @api.model
    def _cron_flag_late(self, batch_size=LATE_BATCH):
        """Flag the visits not done by their promised time, one batch per call, and
        give each visit's advisor one "Late Visit" activity (never a second one while
        one is open). Idempotent: a flagged visit is not taken again."""
        now = fields.Datetime.now()
        domain = self._dealer_late_domain(now)
        visits = self._dealer_claim(domain, batch_size, order="dealer_promised_ready, id")
        visits.sudo().write({"dealer_late": True})
        visits._dealer_schedule_late_activity()
        remaining = self.search_count(domain) if len(visits) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(visits), remaining=remaining)
        return visits

    def _dealer_schedule_late_activity(self):
        """One open "Late Visit" activity per visit, for its advisor: set-based, one
        search of the open ones and one create."""
        _ = self.env._
        if not self:
            return
        activity_type = self.env.ref("dealer_crm.mail_activity_type_late_visit")
        Activity = self.env["mail.activity"].sudo()
        already = set(
            Activity.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        Activity.with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": visit.id,
                    "activity_type_id": activity_type.id,
                    "summary": _("Tell the customer of the delay and the new time"),
                    "date_deadline": today,
                    "user_id": (visit.advisor_id or visit.create_uid).id,
                    "automated": True,
                }
                for visit in self
                if visit.id not in already
            ]
        )
