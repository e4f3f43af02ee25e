# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.sql import create_index

from ..tools.access import DEALER_GROUPS

#: what moves the service-level deadlines (the ticket's helpdesk_mgmt_sla lines)
SLA_DEADLINE_INPUTS = frozenset({"dealer_severity_id", "stage_id", "team_id"})
#: what the SLA lines are chosen by: helpdesk_mgmt_sla chooses them at creation only
SLA_POLICY_INPUTS = frozenset({"dealer_severity_id", "team_id"})
#: each escalation flag and the deadline it escalated
ESCALATION_FLAGS = {
    "dealer_escalated_response": "dealer_response_deadline",
    "dealer_escalated_resolution": "dealer_resolution_deadline",
}
#: the consent a rating request asks (helpdesk_mgmt_rating's email): a satisfaction
#: survey by email, as the survey invitations after visits and sales
RATING_CONSENT = ("survey", "email")


class HelpdeskTicket(models.Model):
    _inherit = ["helpdesk.ticket", "dealer.interaction.mixin", "dealer.department.fields.mixin"]
    _name = "helpdesk.ticket"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = (
        "name",
        "description",
        "partner_name",
        "partner_email",
        "dealer_satisfaction_comment",
    )

    def init(self):
        """The customer form, its counts and the timeline read the tickets by contact
        (issue 26): helpdesk_mgmt leaves ``partner_id`` without an index. Named as the
        ORM names a field's index, so an ``index=True`` upstream finds it in place."""
        res = super().init()
        create_index(self.env.cr, f"{self._table}__partner_id_index", self._table, ["partner_id"])
        return res

    dealer_feedback_kind = fields.Selection(
        [
            ("complaint", "Complaint"),
            ("enquiry", "Enquiry"),
            ("compliment", "Compliment"),
            ("suggestion", "Suggestion"),
        ],
        string="Feedback Kind",
        help="Tickets from the Complaints menu are complaints; other helpdesk tickets keep "
        "helpdesk_mgmt's own behaviour until marked.",
        tracking=True,
        index=True,
    )
    dealer_severity_id = fields.Many2one(
        "dealer.complaint.severity",
        string="Severity",
        tracking=True,
        groups=DEALER_GROUPS,
    )
    dealer_vehicle_id = fields.Many2one(
        "dealer.vehicle", string="Vehicle", index="btree_not_null", groups=DEALER_GROUPS
    )
    dealer_sale_order_id = fields.Many2one("sale.order", string="Sale Order")
    dealer_service_record_id = fields.Many2one(
        "dealer.service.record", string="Service Visit", groups=DEALER_GROUPS
    )
    # The complaint's internal handling: staff only, never portal customers.
    notes = fields.Html(groups="base.group_user")
    dealer_root_cause_id = fields.Many2one(
        "dealer.complaint.root.cause", string="Root Cause", tracking=True, groups="base.group_user"
    )
    dealer_resolution = fields.Html(string="Resolution", groups="base.group_user")
    dealer_action_type = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Action Type",
        tracking=True,
        groups="base.group_user",
    )
    dealer_responsible_party = fields.Selection(
        [
            ("dealer", "Dealer"),
            ("manufacturer", "Manufacturer"),
            ("supplier", "Supplier"),
            ("customer", "Customer"),
        ],
        string="Responsible Party",
        tracking=True,
        groups="base.group_user",
    )
    dealer_contact_date = fields.Datetime(
        string="Customer Contacted On",
        tracking=True,
        help="When the complaint was clarified and confirmed with the customer.",
    )
    dealer_contact_user_id = fields.Many2one(
        "res.users",
        string="Contacted By",
        tracking=True,
        readonly=True,
        copy=False,
        help="Who recorded the contact date: set when it is recorded, never typed.",
        groups="base.group_user",
    )
    dealer_customer_confirmed = fields.Boolean(
        string="Customer Confirms Resolution",
        tracking=True,
        help="The customer confirmed the response meets their expectations.",
    )
    dealer_satisfaction = fields.Selection(
        [
            ("1", "1 - Very dissatisfied"),
            ("2", "2 - Dissatisfied"),
            ("3", "3 - Neutral"),
            ("4", "4 - Satisfied"),
            ("5", "5 - Very satisfied"),
        ],
        string="Satisfaction",
        tracking=True,
    )
    dealer_satisfaction_rated = fields.Boolean(
        string="Rated by the Customer",
        readonly=True,
        copy=False,
        help="The satisfaction is the customer's own rating, given from the rating email "
        "(helpdesk_mgmt_rating): it is not changed by hand.",
        groups="base.group_user",
    )
    dealer_satisfaction_comment = fields.Text(string="Satisfaction Comment")
    dealer_satisfaction_low = fields.Boolean(
        string="Low Satisfaction",
        compute="_compute_dealer_satisfaction_low",
        search="_search_dealer_satisfaction_low",
        help="Scored up to the low satisfaction setting (Follow Up Scores Up To).",
        groups="base.group_user",
    )
    dealer_low_satisfaction_followup = fields.Boolean(
        readonly=True, copy=False, groups="base.group_user"
    )
    # Service levels (the severity's helpdesk_mgmt_sla lines): staff only, never portal
    dealer_first_response_date = fields.Datetime(
        string="First Response", readonly=True, copy=False, groups="base.group_user"
    )
    # helpdesk_mgmt_sla's lines carry the severity's deadlines: staff only, as ours
    ticket_sla_ids = fields.One2many(groups="base.group_user")
    sla_deadline = fields.Datetime(groups="base.group_user")
    sla_expired = fields.Boolean(groups="base.group_user")
    # the deadlines of the ticket's SLA lines of its severity, stored for the reports
    dealer_response_deadline = fields.Datetime(
        string="Respond By",
        compute="_compute_dealer_deadlines",
        store=True,
        groups="base.group_user",
    )
    dealer_resolution_deadline = fields.Datetime(
        string="Resolve By",
        compute="_compute_dealer_deadlines",
        store=True,
        groups="base.group_user",
    )
    dealer_resolution_remaining = fields.Float(
        string="Working Hours Left",
        compute="_compute_dealer_resolution_remaining",
        help="Working hours left before the resolution deadline (negative once breached).",
        groups="base.group_user",
    )
    dealer_sla_breached = fields.Boolean(
        string="SLA Breached", readonly=True, copy=False, index=True, groups="base.group_user"
    )
    dealer_escalated_response = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    dealer_escalated_resolution = fields.Boolean(
        readonly=True, copy=False, groups="base.group_user"
    )

    #: recorded by the service-level clocks and jobs and the satisfaction follow-up
    _dealer_protected_fields = frozenset(
        {
            "dealer_low_satisfaction_followup",
            "dealer_first_response_date",
            "dealer_response_deadline",
            "dealer_resolution_deadline",
            "dealer_sla_breached",
            "dealer_escalated_response",
            "dealer_escalated_resolution",
            "dealer_contact_user_id",
            "dealer_satisfaction_rated",
        }
    )

    dealer_can_write = fields.Boolean(
        compute="_compute_dealer_can_write",
        help="Whether the current user may edit the ticket: the form is read-only otherwise.",
    )

    @api.depends_context("uid")
    def _compute_dealer_can_write(self):
        writable = self._origin._filtered_access("write")
        for ticket in self:
            ticket.dealer_can_write = not ticket._origin or ticket._origin in writable

    @api.depends("dealer_satisfaction")
    def _compute_dealer_satisfaction_low(self):
        is_low = self.env["dealer.settings.mixin"]._dealer_is_low_satisfaction
        for ticket in self:
            ticket.dealer_satisfaction_low = is_low(ticket.dealer_satisfaction)

    def _search_dealer_satisfaction_low(self, operator, value):
        """Tickets scored low (``= True``) or not (``= False``): by the setting, now."""
        if operator not in ("=", "!="):
            raise NotImplementedError(_("Low Satisfaction is searched with = or != only."))
        is_low = self.env["dealer.settings.mixin"]._dealer_is_low_satisfaction
        low = [key for key, _label in self._fields["dealer_satisfaction"].selection if is_low(key)]
        wanted = (operator == "=") == bool(value)
        return [("dealer_satisfaction", "in" if wanted else "not in", low)]

    def _dealer_calendar(self):
        self.ensure_one()
        return self.team_id.resource_calendar_id

    def _get_sla(self):
        """The policies that apply, chosen with the severity read whoever asks (its
        field is the dealer departments'; the SLA lines are every staff member's), among
        the policies of the ticket's company."""
        policies = (
            super(HelpdeskTicket, self.sudo())
            ._get_sla()
            .filtered(lambda sla: not sla.company_id or sla.company_id == self.company_id)
        )
        if self.sudo().dealer_severity_id:
            # one set of deadlines: a complaint of a severity counts its severity's
            # targets only, not also the team's ordinary policies
            policies = policies.filtered("dealer_severity_id")
        return policies.with_env(self.env)

    def _dealer_sla_line(self, target):
        """The ticket's SLA line of its severity's ``target`` (response, resolution)."""
        return self.ticket_sla_ids.filtered(lambda line: line.sla_id.dealer_target == target)[:1]

    @api.depends("ticket_sla_ids.deadline", "ticket_sla_ids.sla_id.dealer_target")
    def _compute_dealer_deadlines(self):
        for ticket in self:
            ticket.dealer_response_deadline = ticket._dealer_sla_line("response").deadline
            ticket.dealer_resolution_deadline = ticket._dealer_sla_line("resolution").deadline

    def _compute_dealer_resolution_remaining(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.dealer_resolution_deadline
            if not deadline or ticket.closed:
                ticket.dealer_resolution_remaining = 0
                continue
            line = ticket._dealer_sla_line("resolution")
            # on hold (waiting on the customer): the hours left when the clock stopped
            at = (line.last_state_date or ticket.create_date) if line.state == "on_hold" else now
            if at <= deadline:
                hours = ticket._dealer_work_hours(at, deadline)
            else:
                hours = -ticket._dealer_work_hours(deadline, at)
            ticket.dealer_resolution_remaining = hours

    def _dealer_work_hours(self, start, end):
        """Working hours from ``start`` to ``end`` by the ticket's calendar; with no
        calendar (none on the team nor the company), every hour counts."""
        self.ensure_one()
        calendar = self._dealer_calendar()
        if not calendar:
            return max((end - start).total_seconds(), 0.0) / 3600.0
        return calendar.get_work_hours_count(start, end, compute_leaves=False)

    @api.constrains("stage_id", "dealer_resolution", "dealer_contact_date")
    def _check_complaint_closure(self):
        for ticket in self:
            if ticket.dealer_feedback_kind != "complaint" or not ticket.stage_id.closed:
                continue
            if not ticket.dealer_contact_date:
                raise ValidationError(
                    _(
                        "Complaint %s cannot be closed before the customer contact that clarified "
                        "and confirmed it is recorded (date and staff).",
                        ticket.display_name,
                    )
                )
            if not (ticket.dealer_resolution and ticket.dealer_resolution.striptags().strip()):
                raise ValidationError(
                    _("Complaint %s cannot be closed without a resolution.", ticket.display_name)
                )

    @api.model
    def default_get(self, fields_list):
        """Without a default team of another company (the Complaints action names the
        demo dealership's team): a user of another company could not read it, and the
        New form failed."""
        team_id = self.env.context.get("default_team_id")
        team = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .browse(team_id if isinstance(team_id, int) else ())
        )
        if team.company_id and team.company_id not in self.env.companies:
            self = self.with_context(default_team_id=False)  # noqa: PLW0642
        return super().default_get(fields_list)

    @api.model_create_multi
    def create(self, vals_list):
        # helpdesk_mgmt_sla's create sets the lines as the creator: they are set here
        # instead, in sudo (the lines are written by the ticket's flows only)
        tickets = (
            super(HelpdeskTicket, self.with_context(dealer_sla_at_create=True))
            .create(vals_list)
            .with_env(self.env)
        )
        tickets.sudo()._dealer_oca_set_sla()
        tickets.filtered("dealer_contact_date")._dealer_record_contact()
        tickets.sudo().ticket_sla_ids._dealer_record_answer()
        return tickets

    def _dealer_record_contact(self):
        """Who recorded the customer contact: the caller, who was allowed to write it."""
        self.sudo().write({"dealer_contact_user_id": self.env.user.id})

    def write(self, vals):
        deadlines = None
        if SLA_DEADLINE_INPUTS & set(vals):
            deadlines = {
                ticket: {flag: ticket[field] for flag, field in ESCALATION_FLAGS.items()}
                for ticket in self
            }
        if "dealer_satisfaction" in vals and not self.env.su:
            self._dealer_check_rated_satisfaction(vals["dealer_satisfaction"])
        res = super().write(vals)
        if SLA_POLICY_INPUTS & set(vals):
            self._dealer_follow_sla()
        if vals.get("dealer_first_response_date"):
            self.sudo().ticket_sla_ids._dealer_record_answer()
        if deadlines:
            self._dealer_reset_escalations(deadlines)
        if vals.get("dealer_contact_date"):
            self._dealer_record_contact()
        # the flags follow, in sudo, what the caller was allowed to write
        if {"stage_id", "dealer_satisfaction"} & set(vals):
            self._dealer_low_satisfaction_followup()
        if vals.get("dealer_contact_date"):
            self.filtered(lambda t: not t.dealer_first_response_date).sudo().write(
                {"dealer_first_response_date": vals["dealer_contact_date"]}
            )
        return res

    def _dealer_check_rated_satisfaction(self, value):
        """A satisfaction the customer gave by rating the ticket is theirs: nobody
        changes it by hand (only a new rating of theirs does, in sudo)."""
        rated = self.sudo().filtered(
            lambda t: t.dealer_satisfaction_rated and (t.dealer_satisfaction or False) != value
        )
        if rated:
            raise UserError(
                _(
                    "The satisfaction of %s is the customer's own rating: it cannot be "
                    "changed by hand.",
                    ", ".join(rated.mapped("display_name")),
                )
            )

    def _dealer_reset_escalations(self, deadlines):
        """A deadline that moved (severity, team, a pause ended) and has not passed yet
        is a new deadline: its escalation flag clears, so the job escalates it again if
        it is breached. ``deadlines``: {ticket: {flag: the deadline before}}."""
        now = fields.Datetime.now()
        for ticket, before in deadlines.items():
            cleared = {
                flag: False
                for flag, field in ESCALATION_FLAGS.items()
                if ticket[flag]
                and ticket[field] != before[flag]
                and (not ticket[field] or ticket[field] >= now)
            }
            if cleared:
                ticket.sudo().write(cleared)

    def _dealer_follow_sla(self):
        """The severity or the team changed: the SLA lines follow (helpdesk_mgmt_sla
        chooses them at creation only). A new severity's lines keep the working time
        already counted and the pauses taken, as its deadlines count from the ticket's
        creation too."""
        for ticket in self.sudo():
            counted = {
                line.sla_id.dealer_target: {
                    "consumed_time": line.consumed_time,
                    "last_state_date": line.last_state_date,
                }
                for line in ticket.ticket_sla_ids
                if line.sla_id.dealer_target and line.state in ("in_progress", "on_hold")
            }
            ticket._dealer_oca_set_sla()
            for line in ticket.ticket_sla_ids:
                if (
                    line.state in ("in_progress", "on_hold")
                    and line.sla_id.dealer_target in counted
                ):
                    line.write(counted[line.sla_id.dealer_target])
            ticket.ticket_sla_ids._dealer_record_answer()

    def _dealer_restart_sla(self):
        """The SLA lines counted again from the tickets' creation: for tickets dated in
        the past (the demo dealership's history, the tests)."""
        self.sudo()._dealer_oca_set_sla()
        self.sudo().ticket_sla_ids._dealer_record_answer()

    def _dealer_oca_set_sla(self):
        """helpdesk_mgmt_sla's own reset of the lines (all deleted, made again from the
        policies), without dealer_crm's public ``set_sla`` around it."""
        return super().set_sla()

    def set_sla(self):
        """helpdesk_mgmt_sla's reset of the lines, public: for whoever may write the
        tickets, in sudo, and a complaint of a severity keeps what its lines counted (the
        time worked, the pauses, the first response): the same as a change of severity."""
        if self.env.context.get("dealer_sla_at_create"):
            return  # helpdesk_mgmt_sla's create: dealer_crm's create sets them after
        self._dealer_check_caller()
        self._dealer_follow_sla()

    def refresh_sla(self):
        """helpdesk_mgmt_sla's Set SLA (shown when the policies changed): for whoever
        may write the ticket, in sudo; a complaint of a severity keeps what its lines
        counted, other tickets keep helpdesk_mgmt_sla's refresh."""
        self.ensure_one()
        self._dealer_check_caller()
        if self.sudo().dealer_severity_id:
            self._dealer_follow_sla()
            return None
        return super(HelpdeskTicket, self.sudo()).refresh_sla()

    def _dealer_low_satisfaction_followup(self):
        """A closed complaint with a low satisfaction score (settings) opens a follow-up
        for a manager."""
        is_low = self.env["dealer.settings.mixin"]._dealer_is_low_satisfaction
        unhappy = self.filtered(
            lambda t: (
                t.closed
                and is_low(t.dealer_satisfaction)
                and not t.dealer_low_satisfaction_followup
            )
        )
        for ticket in unhappy:
            ticket.activity_schedule(
                act_type_xmlid="mail.mail_activity_data_call",
                summary=_("Low satisfaction (%s/5): call the customer", ticket.dealer_satisfaction),
                note=ticket.dealer_satisfaction_comment,
                user_id=ticket._dealer_manager().id,
            )
        unhappy.sudo().write({"dealer_low_satisfaction_followup": True})

    def _dealer_manager(self):
        """The manager of the ticket's company, its team leader first."""
        return self.env["dealer.department"]._dealer_leader(
            "manager", self.company_id, preferred=self.team_id.user_id
        )

    # Customer ratings (helpdesk_mgmt_rating) --------------------------------------
    def _send_ticket_rating_mail(self, force_send=False):
        """helpdesk_mgmt_rating asks the customer for a rating when a ticket reaches a
        stage with a rating template (dealer_crm sets it on the resolved stage, Done).

        Never during an import (a ticket imported closed is history), and once per
        ticket: a ticket that already asked its customer (it has their rating, answered
        or not) does not ask again when it is closed again. A dealer's feedback ticket
        (complaint, enquiry, compliment, suggestion) asks only when it is closed in such
        a stage, and only a customer who consented to surveys by email, to the ticket's
        company (the consent gate, as the survey invitations). Any other ticket keeps
        helpdesk_mgmt_rating's own behaviour, but never asks a customer who withdrew
        that consent, whose address is blacklisted, or who is archived or anonymised.
        Each refusal is noted on the ticket by the gate.

        The ratings the request makes are marked as requested (in sudo): only those,
        answered through their link, are the ticket's satisfaction."""
        if self.env["dealer.import.mixin"]._dealer_importing():
            return
        tickets = self - self._dealer_rating_asked()
        tickets = tickets.filtered(
            lambda t: (
                t.partner_id
                and t.rating_status == "stage_change"
                and t.stage_id.rating_mail_template_id
            )
        )
        feedback = tickets.filtered(lambda t: t.dealer_feedback_kind and t.stage_id.closed)
        others = tickets.filtered(lambda t: not t.dealer_feedback_kind)
        Consent = self.env["dealer.consent"]
        tickets = self.browse()
        for company, of_company in (feedback | others).grouped("company_id").items():
            company = company or self.env.company
            customers = of_company.partner_id
            gated = Consent._allowed_partners(customers, *RATING_CONSENT, company=company)
            not_out = Consent._not_opted_out_partners(customers, *RATING_CONSENT, company=company)
            allowed = of_company.filtered(
                lambda t, g=gated, n=not_out: t.partner_id in (g if t in feedback else n)
            )
            refused = of_company - allowed
            Consent._note_refusals(
                refused.partner_id,
                RATING_CONSENT[0],
                RATING_CONSENT[1:],
                {p: refused.filtered(lambda t, p=p: t.partner_id == p) for p in refused.partner_id},
            )
            tickets |= allowed
        if not tickets:
            return
        Rating = self.env["rating.rating"].sudo()
        domain = [("res_model", "=", self._name), ("res_id", "in", tickets.ids)]
        before = Rating.search(domain)
        res = super(HelpdeskTicket, tickets)._send_ticket_rating_mail(force_send=force_send)
        (Rating.search(domain) - before).filtered(
            lambda r: not r.is_internal and r.partner_id
        ).write({"dealer_requested": True})
        return res

    def _dealer_rating_asked(self):
        """The tickets of ``self`` that already asked a customer for a rating: they hold
        a customer rating (helpdesk_mgmt_rating's email makes one with its link)."""
        if not self.ids:
            return self.browse()
        asked = (
            self.env["rating.rating"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("is_internal", "=", False),
                    ("partner_id", "!=", False),
                ],
                ["res_id"],
            )
        )
        return self.browse([res_id for (res_id,) in asked]) & self

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """The customer's rating is the ticket's satisfaction (see
        ``_dealer_satisfaction_from_rating``), when it is applied as the public rating
        route applies it: in sudo, after the route found the rating by its token. Called
        over RPC by a user, it records the rating as Odoo does, but no satisfaction."""
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if self.env.su:
            self._dealer_satisfaction_from_rating(rating)
        return rating

    def _dealer_satisfaction_from_rating(self, rating):
        """Record ``rating`` (the customer's, answered) as the ticket's satisfaction:
        Odoo's rating is on the same 1-5 scale (1 dissatisfied, 3 okay, 5 satisfied).
        A satisfaction staff recorded first (from a call) is kept, and the rating noted
        beside it; a later rating of the customer replaces their earlier one."""
        self.ensure_one()
        rating = rating.sudo()
        if (
            rating.is_internal
            or not rating.dealer_requested
            or not rating.consumed
            or rating.rating < 1
            or (rating.res_model, rating.res_id) != (self._name, self.id)
        ):
            return
        score = str(min(5, max(1, round(rating.rating))))
        ticket = self.sudo()
        if ticket.dealer_satisfaction and not ticket.dealer_satisfaction_rated:
            ticket.message_post(
                body=_(
                    "The customer rated the ticket %(rating)s/5; the satisfaction recorded "
                    "by staff (%(score)s/5) is kept.",
                    rating=score,
                    score=ticket.dealer_satisfaction,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        ticket.write({"dealer_satisfaction": score, "dealer_satisfaction_rated": True})

    # Mail gateway ----------------------------------------------------------------
    @api.model
    def message_new(self, msg, custom_values=None):
        """A ticket by email from an unknown address records its sender as its contact
        (when its team records unknown senders)."""
        team_id = (custom_values or {}).get("team_id") or self.default_get(["team_id"]).get(
            "team_id"
        )
        team = self.env["helpdesk.ticket.team"].browse(team_id)
        partner = self.env["dealer.ticket.mail"]._dealer_sender_partner(msg, team)
        if partner:
            msg["author_id"] = partner.id  # the gateway posts the email by its author
            custom_values = {"partner_name": partner.name, **(custom_values or {})}
        return super().message_new(msg, custom_values=custom_values)

    def message_update(self, msg, update_vals=None):
        """A reply from the address that opened a ticket without a contact (one made
        before contacts were recorded) makes its sender the ticket's contact."""
        self.env["dealer.ticket.mail"]._dealer_adopt_sender(self, msg)
        return super().message_update(msg, update_vals=update_vals)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        author = message.author_id
        users = author.with_context(active_test=False).user_ids
        is_staff = any(not u.share for u in users)
        mail = self.env["dealer.ticket.mail"]
        if message.message_type in ("email", "comment") and not message.is_internal:
            for ticket in self:
                if is_staff and not ticket.dealer_first_response_date:
                    ticket.sudo().dealer_first_response_date = message.date
                elif not is_staff and ticket.closed and mail._dealer_is_customer(ticket, author):
                    # the customer replied to a closed ticket: it opens again (nobody else)
                    stage = mail._dealer_reopen_stage(ticket)
                    if stage:
                        ticket.sudo().write({"stage_id": stage.id})
        return message

    @api.model
    def _cron_dealer_sla_escalation(self, batch_size=500):
        """Escalate each SLA breach once: an activity for the manager, the ticket flagged
        (once per deadline: a deadline that moves clears its flag). The batch is taken
        with SKIP LOCKED and flagged in its own transaction, which the cron framework
        commits: a second run at once, or a run after a crash, escalates nothing twice."""
        now = fields.Datetime.now()
        domains = {
            flag: [
                ("closed", "=", False),
                (flag, "=", False),
                # an SLA line of the severity running past its deadline (not on hold
                # while waiting on the customer, not met by a first response)
                (
                    "ticket_sla_ids",
                    "any",
                    [
                        ("sla_id.dealer_target", "=", target),
                        ("state", "=", "in_progress"),
                        ("deadline", "<", now),
                    ],
                ),
            ]
            for flag, target in (
                ("dealer_escalated_response", "response"),
                ("dealer_escalated_resolution", "resolution"),
            )
        }
        labels = {
            "dealer_escalated_response": _("first response"),
            "dealer_escalated_resolution": _("resolution"),
        }
        done = self.browse()
        for flag, domain in domains.items():
            tickets = self._dealer_claim(domain, batch_size)
            for ticket in tickets:
                ticket.activity_schedule(
                    act_type_xmlid="mail.mail_activity_data_todo",
                    summary=_("SLA breached: %s overdue", labels[flag]),
                    user_id=ticket._dealer_manager().id,
                )
            tickets.sudo().write({flag: True, "dealer_sla_breached": True})
            done |= tickets
        remaining = sum(self.search_count(domain) for domain in domains.values())
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)
        return done

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "ticket_id": self.id,
            "subject": self.name,
            "vehicle_id": self.dealer_vehicle_id.id,
        }
