# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One vehicle affected by a recall campaign, and how its current owner was told.

The owner is the vehicle's current one (``partner_id`` follows ``vehicle_id.owner_id``):
a vehicle that changes hands after its owner was told goes back to "to notify", and the
new owner is told (``dealer.vehicle.recall.mixin``)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.channels import CONTACT_FIELDS
from ..tools.items import ROAD_KINDS
from .dealer_recall_campaign import LAWFUL_BASES

#: the electronic consent channels a recall goes by, in order of preference
RECALL_CHANNELS = ("email", "sms")
#: consent purpose: a recall is about the customer's vehicle, not marketing
RECALL_PURPOSE = "service_reminder"
#: the line's channel -> the interaction channel of the customer's timeline
INTERACTION_CHANNEL = {"email": "email", "sms": "sms", "post": "letter", "phone": "phone"}
#: lines still waiting for the remedy
PENDING_STATES = ("to_notify", "notified", "booked", "unreachable")


class DealerRecallVehicle(models.Model):
    _name = "dealer.recall.vehicle"
    _description = "Recalled Vehicle"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "campaign_id, state, id"
    _check_company_auto = True
    _rec_names_search = ["campaign_id", "vehicle_id"]
    _dealer_partner_fields = ("partner_id", "notified_partner_id")

    campaign_id = fields.Many2one(
        "dealer.recall.campaign",
        string="Recall Campaign",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        copy=False,
    )
    vehicle_id = fields.Many2one(
        "dealer.vehicle",
        required=True,
        index=True,
        domain=[("item_kind", "in", ROAD_KINDS)],
        ondelete="restrict",
        check_company=True,
        copy=False,
    )
    partner_id = fields.Many2one(
        related="vehicle_id.owner_id",
        string="Current Owner",
        store=True,
        index=True,
        readonly=True,
    )
    campaign_state = fields.Selection(related="campaign_id.state", string="Campaign Status")
    title = fields.Char(related="campaign_id.title")
    remedy = fields.Text(related="campaign_id.remedy")
    state = fields.Selection(
        [
            ("to_notify", "To Notify"),
            ("notified", "Notified"),
            ("booked", "Booked"),
            ("done", "Done"),
            ("unreachable", "Unreachable"),
        ],
        default="to_notify",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    notified_date = fields.Date(readonly=True, copy=False)
    notified_partner_id = fields.Many2one(
        "res.partner",
        string="Notified Owner",
        readonly=True,
        copy=False,
        help="The owner who was told; a new owner is told again.",
    )
    notify_channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("post", "Post"), ("phone", "Phone")],
        string="Notified By",
        readonly=True,
        copy=False,
    )
    lawful_basis = fields.Selection(LAWFUL_BASES, readonly=True, copy=False)
    service_record_id = fields.Many2one(
        "dealer.service.record",
        string="Remedy Visit",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    done_date = fields.Date(readonly=True, copy=False)
    followup_count = fields.Integer(string="Follow-ups", readonly=True, copy=False)
    next_followup_date = fields.Date(readonly=True, copy=False, index="btree_not_null")
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True, readonly=True
    )

    #: recorded by the matching, the notification, the follow-ups and the visit only
    _dealer_protected_fields = frozenset(
        {
            "campaign_id",
            "vehicle_id",
            "partner_id",
            "state",
            "notified_date",
            "notified_partner_id",
            "notify_channel",
            "lawful_basis",
            "service_record_id",
            "done_date",
            "followup_count",
            "next_followup_date",
        }
    )

    _sql_constraints = [
        (
            "campaign_vehicle_uniq",
            "unique(campaign_id, vehicle_id)",
            "This vehicle is already in the recall campaign.",
        ),
    ]

    @api.constrains("vehicle_id")
    def _check_vehicle_is_road(self):
        self.sudo().vehicle_id._dealer_check_road(_("a recall"))

    @api.depends("campaign_id.name", "vehicle_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for line in self:
            line.display_name = _(
                "%(campaign)s: %(vehicle)s",
                campaign=line.campaign_id.name or "",
                vehicle=line.vehicle_id.display_name or "",
            )

    # Buttons --------------------------------------------------------------------------
    def action_mark_unreachable(self):
        """Staff tried every way: the owner cannot be reached."""
        self._dealer_check_caller()
        if any(line.campaign_state != "open" for line in self):
            raise UserError(_("Only a recall of an open campaign can be marked unreachable."))
        self.filtered(lambda line: line.state in ("to_notify", "notified")).sudo().write(
            {"state": "unreachable", "next_followup_date": False}
        )

    def action_notify_now(self):
        self._dealer_check_caller()
        todo = self.filtered(
            lambda line: line.state == "to_notify" and line.campaign_state == "open"
        )
        todo.sudo()._notify()

    # Domains of the nightly job ---------------------------------------------------------
    @api.model
    def _to_notify_domain(self):
        return [("campaign_id.state", "=", "open"), ("state", "=", "to_notify")]

    @api.model
    def _followup_domain(self):
        return [
            ("campaign_id.state", "=", "open"),
            ("state", "=", "notified"),
            ("next_followup_date", "!=", False),
            ("next_followup_date", "<=", fields.Date.context_today(self)),
        ]

    # Notification ---------------------------------------------------------------------
    def _notify(self):
        """Tell each line's current owner of the recall, once, and record how.

        Through the consent gate for the purpose "service reminders", by email then
        SMS. A safety recall is a legal notice: an owner who allows neither is told by
        post (the recall letter, printed from the lines), else called (an activity for
        the responsible). Archived or anonymised owners are not contacted; an owner
        with no contact detail at all is unreachable. Every notice is an interaction
        on the customer's timeline."""
        lines = self.sudo().filtered(lambda line: line.state == "to_notify")
        if not lines:
            return lines
        today = fields.Date.context_today(self)
        Consent = self.env["dealer.consent"]
        no_owner = lines.filtered(lambda line: not line.partner_id)
        contactable = Consent._contactable_partners(lines.partner_id)
        skipped = (lines - no_owner).filtered(lambda line: line.partner_id not in contactable)
        unreachable = no_owner | skipped
        channel_of = {}
        for campaign in (lines - unreachable).campaign_id:
            of_campaign = (lines - unreachable).filtered(
                lambda line, c=campaign: line.campaign_id == c
            )
            by_owner = {}
            for line in of_campaign:
                by_owner[line.partner_id] = by_owner.get(line.partner_id, line) | line
            by_channel, refused = Consent._gate_by_channel(
                of_campaign.partner_id,
                RECALL_PURPOSE,
                RECALL_CHANNELS,
                records=by_owner,
                company=campaign.company_id,
            )
            for channel, owners in by_channel.items():
                channel_of.update({(campaign, owner): channel for owner in owners})
            for owner in refused:
                # a safety recall is a legal notice; any other goes by consent only
                channel_of[(campaign, owner)] = (
                    _fallback_channel(owner) if campaign.is_safety else "no_consent"
                )
        sent = {}
        for line in lines - unreachable:
            channel = channel_of.get((line.campaign_id, line.partner_id))
            if channel in INTERACTION_CHANNEL:
                sent[channel] = sent.get(channel, self.browse()) | line
            else:
                unreachable |= line
        self._send(sent)
        for channel, of_channel in sent.items():
            for campaign in of_channel.campaign_id:
                of_campaign = of_channel.filtered(lambda line, c=campaign: line.campaign_id == c)
                of_campaign.write(
                    {
                        "state": "notified",
                        "notified_date": today,
                        "notify_channel": channel,
                        "lawful_basis": campaign.lawful_basis,
                        "next_followup_date": campaign._next_followup(today),
                    }
                )
            for line in of_channel:
                line.notified_partner_id = line.partner_id
        if unreachable:
            unreachable.write({"state": "unreachable", "next_followup_date": False})
            notes = {}
            for line in unreachable:
                if not line.partner_id:
                    notes[line.id] = _("Recall not notified: the vehicle has no owner on record.")
                elif line in skipped:
                    notes[line.id] = Consent._not_contactable_note(
                        line.partner_id, _("Recall notice")
                    )
                elif channel_of.get((line.campaign_id, line.partner_id)) == "no_consent":
                    notes[line.id] = _(
                        "Recall not notified: it is no safety recall, and %s allows no "
                        "channel for it.",
                        line.partner_id.display_name,
                    )
                else:
                    notes[line.id] = _(
                        "Recall not notified: %s allows no channel for it and has no "
                        "address or number to write to or call.",
                        line.partner_id.display_name,
                    )
            unreachable._message_log_batch(notes)
        return lines

    def _send(self, sent):
        """Send the notices, one channel at a time, and put each on the customer's
        timeline. ``sent``: {channel: lines}."""
        _ = self.env._
        if not sent:
            return
        # the link to book the recall work, where the company has a booking type for it
        written = sent.get("email", self.browse()) | sent.get("sms", self.browse())
        links = self.env["dealer.service.reminder"]._booking_links(written.vehicle_id, "recall")
        if sent.get("email"):
            template = self.env.ref("dealer_crm.mail_template_recall_notice")
            for line in sent["email"]:
                line.with_context(
                    dealer_booking_url=links.get(line.vehicle_id)
                ).message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        if sent.get("sms"):
            sms_template = self.env.ref("dealer_crm.sms_template_recall_notice")
            for line in sent["sms"]:
                # queued, not sent: the SMS queue job sends it once this batch commits
                line._message_sms_with_template(
                    template=sms_template.with_context(
                        dealer_booking_url=links.get(line.vehicle_id)
                    ),
                    partner_ids=line.partner_id.ids,
                    put_in_queue=True,
                )
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        if sent.get("phone"):
            call = self.env.ref("mail.mail_activity_data_call")
            model_id = self.env["ir.model"]._get_id(self._name)
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": line.id,
                        "activity_type_id": call.id,
                        "summary": _("Call the owner about recall %s", line.campaign_id.name),
                        "date_deadline": fields.Date.context_today(self),
                        "user_id": (line.campaign_id.user_id or self.env.user).id,
                    }
                    for line in sent["phone"]
                ]
            )
        interactions = []
        for channel, lines in sent.items():
            for line in lines:
                interactions.append(
                    {
                        "partner_id": line.partner_id.id,
                        "vehicle_id": line.vehicle_id.id,
                        "channel": INTERACTION_CHANNEL[channel],
                        "direction": "outbound",
                        "subject": _(
                            "Recall %(name)s: %(title)s",
                            name=line.campaign_id.name,
                            title=line.campaign_id.title,
                        ),
                        "outcome": "information",
                        "user_id": (line.campaign_id.user_id or self.env.user).id,
                        "company_id": line.company_id.id,
                    }
                )
        self.env["dealer.interaction"].sudo().create(interactions)

    # Follow-ups -------------------------------------------------------------------------
    def _schedule_followups(self):
        """A follow-up activity for each line notified and not booked, for the
        campaign's responsible, at most ``followup_max`` times and never two open at
        once; the next one is due ``followup_interval_days`` later."""
        _ = self.env._
        lines = self.sudo()
        if not lines:
            return lines
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("dealer_crm.mail_activity_type_recall_followup")
        open_activities = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", lines.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        )
        busy = set(open_activities.mapped("res_id"))
        model_id = self.env["ir.model"]._get_id(self._name)
        to_create = lines.filtered(
            lambda line: line.id not in busy and line.followup_count < line.campaign_id.followup_max
        )
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": line.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Recall %(name)s: follow up %(owner)s",
                        name=line.campaign_id.name,
                        owner=line.partner_id.display_name,
                    ),
                    "date_deadline": today,
                    "user_id": (line.campaign_id.user_id or self.env.user).id,
                }
                for line in to_create
            ]
        )
        for line in lines:
            vals = {"next_followup_date": line.campaign_id._next_followup(today)}
            if line in to_create:
                vals["followup_count"] = line.followup_count + 1
            if line.followup_count + (line in to_create) >= line.campaign_id.followup_max:
                vals["next_followup_date"] = False
            line.write(vals)
        return to_create

    # Changes of hands and visits ----------------------------------------------------------
    @api.model
    def _reopen_for_new_owners(self, vehicles):
        """Lines of ``vehicles`` whose owner was told (or not reached) before the vehicle
        changed hands go back to "to notify": the new owner is told."""
        _ = self.env._
        lines = self.sudo().search(
            [
                ("vehicle_id", "in", vehicles.ids),
                ("state", "in", ("notified", "unreachable")),
                ("campaign_id.state", "!=", "closed"),
            ]
        )
        moved = lines.filtered(lambda line: line.notified_partner_id != line.partner_id)
        if moved:
            moved.write(
                {
                    "state": "to_notify",
                    "notify_channel": False,
                    "notified_date": False,
                    "next_followup_date": False,
                    "followup_count": 0,
                }
            )
            moved._message_log_batch(
                {
                    line.id: _(
                        "The vehicle changed hands: %s will be told of the recall.",
                        line.partner_id.display_name or _("its next owner"),
                    )
                    for line in moved
                }
            )
        return moved

    def _book(self):
        """Lines ticked on a planned visit: booked."""
        self.sudo().filtered(
            lambda line: line.state in ("to_notify", "notified", "unreachable")
        ).write({"state": "booked", "next_followup_date": False})

    def _close_by(self, visit):
        """Lines whose remedy ``visit`` performed: done, closed by it."""
        self.sudo().filtered(lambda line: line.state != "done").write(
            {"state": "done", "service_record_id": visit.id, "done_date": visit.date}
        )

    def _unbook(self):
        """Lines booked on a cancelled visit: back to where they were."""
        for line in self.sudo().filtered(lambda line: line.state == "booked"):
            line.state = "notified" if line.notified_date else "to_notify"


def _fallback_channel(owner):
    """A safety recall's channel for an owner who allows no electronic one: post where
    the address is known, else a call where a number is; None when neither."""
    if any(owner[name] for name in CONTACT_FIELDS["post"]):
        return "post"
    if any(owner[name] for name in CONTACT_FIELDS["phone"]):
        return "phone"
    return None
