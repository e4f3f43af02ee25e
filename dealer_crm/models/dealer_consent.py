# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The consent gate, and the one home of its rule in every form.

- Python: ``dealer.consent._allowed_partners`` (who may be contacted for a purpose on a
  consent channel) and ``_gate`` / ``_gate_by_channel`` (the same, noting each refusal
  on the record concerned). Every outreach of the addon asks these.
- Search domain: ``dealer.consent._gate_domain``, the gate as a ``res.partner`` domain
  (the *Email Marketing Allowed* filter); the Python gate evaluates it, so the two are
  one definition.
- "Consent never asked": ``_never_asked_partners`` (Python), ``_never_asked_domain``
  (search domain) and :func:`never_asked_sql` (the SQL twin, for SQL views).

Tested to agree in ``tests/test_consent_gate.py``.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.channels import CONSENT_CHANNELS, CONTACT_FIELDS, PHONE_CHANNELS, consent_channel

PURPOSES = [
    ("service_reminder", "Service reminders"),
    ("marketing", "Marketing"),
    ("survey", "Surveys"),
    ("loyalty", "Loyalty communications"),
]
#: Who may be contacted at all, whatever their consents: a customer neither archived
#: nor anonymised. Every outreach of the addon applies it (``_contactable_partners``).
CONTACTABLE_DOMAIN = [("active", "=", True), ("dealer_anonymized", "=", False)]


def contactable_domain(path=""):
    """:data:`CONTACTABLE_DOMAIN` on the partner reached by ``path`` (``"owner_id."``)."""
    return [(f"{path}{field}", operator, value) for field, operator, value in CONTACTABLE_DOMAIN]


def never_asked_sql(partner_id):
    """SQL twin of "consent never asked": true where the partner whose id is the SQL
    expression ``partner_id`` has no consent answered (granted or withdrawn), in any
    company. Same rule as ``dealer.consent._never_asked_partners``."""
    return SQL(
        """NOT EXISTS (SELECT 1 FROM dealer_consent never_asked
                        WHERE never_asked.partner_id = %s
                          AND never_asked.state != 'never_asked')""",
        partner_id,
    )


class DealerConsent(models.Model):
    _name = "dealer.consent"
    _description = "Customer Consent"
    _inherit = ["mail.thread", "dealer.import.mixin"]
    _order = "partner_id, purpose, channel"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("note", "evidence_document", "evidence_filename")

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict"
    )
    purpose = fields.Selection(PURPOSES, required=True, tracking=True)
    channel = fields.Selection(CONSENT_CHANNELS, required=True, tracking=True)
    state = fields.Selection(
        [("granted", "Granted"), ("withdrawn", "Withdrawn"), ("never_asked", "Never asked")],
        required=True,
        default="never_asked",
        tracking=True,
    )
    date = fields.Date(
        string="Evidence Date", required=True, default=fields.Date.context_today, tracking=True
    )
    source = fields.Selection(
        [
            ("form", "Signed form"),
            ("phone", "Phone call"),
            ("email", "Email"),
            ("website", "Website"),
            ("unsubscribe", "Unsubscribe link"),
        ],
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, tracking=True
    )
    evidence_document = fields.Binary(attachment=True)
    evidence_filename = fields.Char()
    note = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "partner_purpose_channel_uniq",
            "unique(partner_id, purpose, channel, company_id)",
            "This customer already has a consent for this purpose and channel: update it.",
        ),
    ]

    @api.depends("partner_id", "purpose", "channel", "state")
    @api.depends_context("lang")
    def _compute_display_name(self):
        purposes, channels = self._dealer_labels("purpose"), self._dealer_labels("channel")
        states = self._dealer_labels("state")
        for consent in self:
            consent.display_name = _(
                "%(partner)s: %(purpose)s by %(channel)s (%(state)s)",
                partner=consent.partner_id.display_name,
                purpose=purposes.get(consent.purpose),
                channel=channels.get(consent.channel),
                state=states.get(consent.state),
            )

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Consents"),
                "template": "/dealer_crm/static/xls/dealer_consent.csv",
            }
        ]

    @api.model_create_multi
    def create(self, vals_list):
        # the staff member who recorded an imported consent is not notified of it
        consents = super(DealerConsent, self._dealer_import_quiet()).create(vals_list)
        consents._dealer_sync_mailing_optout()
        return consents

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self._dealer_sync_mailing_optout()
        return res

    def action_grant(self):
        self._dealer_check_caller()
        self.write({"state": "granted", "date": fields.Date.context_today(self)})

    def action_withdraw(self):
        self._dealer_check_caller()
        self.write({"state": "withdrawn", "date": fields.Date.context_today(self)})

    # The gate ---------------------------------------------------------------------
    @api.model
    def _contactable_partners(self, partners):
        """The partners among ``partners`` that may be contacted at all: neither archived
        nor anonymised (:data:`CONTACTABLE_DOMAIN`). Whoever else is asked, a customer
        outside this rule gets no message, no call, no invitation and no follow-up, and
        is never marked as contacted. Set-based: one query."""
        if not partners:
            return partners
        found = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "in", partners.ids), *CONTACTABLE_DOMAIN])
        )
        return partners & partners.browse(found.ids)

    @api.model
    def _gate_domain(self, purpose, channel, company=None):
        """The consent gate, as a ``res.partner`` domain: whom ``company`` (the current
        one by default) may contact for ``purpose`` by the consent ``channel``.

        A partner passes when they may be contacted at all (:data:`CONTACTABLE_DOMAIN`:
        not archived, not anonymised), a consent given to that company for that purpose
        and channel is granted, they hold the contact detail the channel needs
        (``CONTACT_FIELDS``) and their address or number is not blacklisted. A consent
        given to another company lets nothing through; consents are read whoever asks.
        """
        if channel not in CONTACT_FIELDS:
            raise ValueError(f"not a consent channel: {channel!r}")
        company = company or self.env.company
        granted = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search(
                [
                    (
                        "dealer_consent_ids",
                        "any",
                        [
                            ("purpose", "=", purpose),
                            ("channel", "=", channel),
                            ("state", "=", "granted"),
                            ("company_id", "=", company.id),
                        ],
                    )
                ]
            )
        )
        return expression.AND(
            [
                [("id", "in", granted)],
                CONTACTABLE_DOMAIN,
                expression.OR([[(name, "!=", False)] for name in CONTACT_FIELDS[channel]]),
                self._not_blacklisted_domain(channel),
            ]
        )

    @api.model
    def _not_blacklisted_domain(self, channel):
        """Partners whose address (email) or number (SMS, phone, messaging) for the
        consent ``channel`` is not on Odoo's blacklist, as ``is_blacklisted`` and
        ``phone_sanitized_blacklisted`` compute it."""
        if channel == "email":
            field, blacklist, column = "email_normalized", "mail.blacklist", "email"
        elif channel in PHONE_CHANNELS:
            field, blacklist, column = "phone_sanitized", "phone.blacklist", "number"
        else:
            return []
        Blacklist = self.env[blacklist].sudo()
        listed = Blacklist._search([("active", "=", True)])
        numbers = listed.subselect(
            SQL.identifier(listed.table, column, to_flush=Blacklist._fields[column])
        )
        return ["|", (field, "=", False), (field, "not in", numbers)]

    @api.model
    def _allowed_partners(self, partners, purpose, channel, company=None):
        """The consent gate: the partners among ``partners`` that ``company`` (the current
        one by default) may contact for ``purpose`` by the consent ``channel``.

        Every automated outreach of the addon asks this one function (or ``_gate``). It
        evaluates :meth:`_gate_domain` on ``partners``: one query.
        """
        return self._partners_matching(partners, self._gate_domain(purpose, channel, company))

    @api.model
    def _partners_matching(self, partners, domain):
        """The partners among ``partners`` (archived ones included) that match the
        ``res.partner`` ``domain``, read whoever asks: one query."""
        ids = [pid for pid in partners.ids if isinstance(pid, int)]
        if not ids:
            return partners.browse()
        found = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "in", ids), *domain])
        )
        return partners & partners.browse(found.ids)

    @api.model
    def _withdrawn_partners(self, partners, purpose, channels, company=None):
        """The partners among ``partners`` who withdrew their consent for ``purpose`` on
        one of the consent ``channels`` to ``company`` (the current one by default)."""
        ids = [pid for pid in partners.ids if isinstance(pid, int)]
        if not ids:
            return partners.browse()
        withdrawn = self.sudo()._read_group(
            [
                ("partner_id", "in", ids),
                ("purpose", "=", purpose),
                ("channel", "in", list(channels)),
                ("state", "=", "withdrawn"),
                ("company_id", "=", (company or self.env.company).id),
            ],
            ["partner_id"],
        )
        return partners & partners.browse([partner.id for (partner,) in withdrawn])

    @api.model
    def _not_opted_out_partners(self, partners, purpose, channel, company=None):
        """The partners among ``partners`` who did not opt out of ``purpose`` by
        ``channel``: they may be contacted at all, did not withdraw that consent to
        ``company`` and their address is not blacklisted. A consent never asked lets
        them through: the gate for an outreach that does not need a consent granted."""
        allowed = self._partners_matching(
            partners, [*CONTACTABLE_DOMAIN, *self._not_blacklisted_domain(channel)]
        )
        return allowed - self._withdrawn_partners(allowed, purpose, (channel,), company)

    @api.model
    def _reachable_partners(self, partners, purpose, interaction_channel, company=None):
        """The consent gate asked about an interaction channel (a call, a letter...):
        the consent channel it needs (``tools.channels.CONSENT_CHANNEL_OF``), or only
        "may be contacted at all" when it needs none (a visit)."""
        channel = consent_channel(interaction_channel)
        if channel is None:
            return self._contactable_partners(partners)
        return self._allowed_partners(partners, purpose, channel, company)

    @api.model
    def _gate(self, partners, purpose, channel, records=None, company=None):
        """Split ``partners`` into (allowed, refused) by the consent ``channel``, noting
        each refusal on its record (see :meth:`_gate_by_channel`)."""
        by_channel, refused = self._gate_by_channel(
            partners, purpose, (channel,), records=records, company=company
        )
        return by_channel[channel], refused

    @api.model
    def _gate_by_channel(self, partners, purpose, channels, records=None, company=None):
        """Split ``partners`` by the first of the consent ``channels`` (in order of
        preference) on which ``company`` may contact them for ``purpose``.

        Returns ``({channel: partners}, refused)``. Each refusal is noted once on the
        record(s) the outreach was about: ``records`` maps a partner to a record or a
        recordset (vehicles, a loyalty card...); without one, on the partner.
        """
        by_channel, refused = {}, partners
        for channel in channels:
            by_channel[channel] = self._allowed_partners(refused, purpose, channel, company)
            refused -= by_channel[channel]
        self._note_refusals(refused, purpose, channels, records or {})
        return by_channel, refused

    @api.model
    def _note_refusals(self, refused, purpose, channels, records):
        """The gate's note, wherever an outreach did not reach a partner."""
        if not refused:
            return
        contactable = self._contactable_partners(refused)
        purpose_label = self._dealer_labels("purpose")[purpose]
        channel_labels = self._dealer_labels("channel")
        labels = [channel_labels[channel] for channel in channels]
        channel_label = labels[0]
        if len(labels) > 1:
            channel_label = _(
                "%(channels)s or %(last)s", channels=", ".join(labels[:-1]), last=labels[-1]
            )
        notes = {}  # {model: [{record id: body}]}
        for partner in refused:
            if partner in contactable:
                body = _(
                    "%(purpose)s not sent to %(partner)s by %(channel)s: no consent on record "
                    "(or no usable contact detail).",
                    purpose=purpose_label,
                    partner=partner.display_name,
                    channel=channel_label,
                )
            else:
                body = self._not_contactable_note(partner, purpose_label)
            for target in records.get(partner) or partner:
                # a record noted twice takes its second note in the next round
                rounds = notes.setdefault(target._name, [{}])
                free = next((r for r in rounds if target.id not in r), None)
                if free is None:
                    free = {}
                    rounds.append(free)
                free[target.id] = body
        # every note at once, per model
        for model, rounds in notes.items():
            for bodies in rounds:
                self.env[model].browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _not_contactable_note(self, partner, what):
        """The note left where ``what`` (an outreach) skipped ``partner``, who is archived
        or anonymised."""
        if partner.dealer_anonymized:
            return _(
                "%(what)s skipped for %(partner)s: the customer is anonymised.",
                what=what,
                partner=partner.display_name,
            )
        return _(
            "%(what)s skipped for %(partner)s: the customer is archived.",
            what=what,
            partner=partner.display_name,
        )

    # "Consent never asked" --------------------------------------------------------
    @api.model
    def _never_asked_partners(self, partners):
        """The partners among ``partners`` who never answered a consent, granted or
        withdrawn, in any company (a line still "never asked" is no answer). The Python
        form of :meth:`_never_asked_domain` and :func:`never_asked_sql`."""
        asked = self.sudo()._read_group(
            [
                ("partner_id", "in", [pid for pid in partners.ids if isinstance(pid, int)]),
                ("state", "!=", "never_asked"),
            ],
            ["partner_id"],
        )
        asked_ids = {partner.id for (partner,) in asked}
        return partners.filtered(lambda p: p.id not in asked_ids)

    @api.model
    def _never_asked_domain(self):
        """ "Consent never asked" as a ``res.partner`` domain (see
        :meth:`_never_asked_partners`); consents are read whoever asks."""
        asked = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search([("dealer_consent_ids", "any", [("state", "!=", "never_asked")])])
        )
        return [("id", "not in", asked)]

    # Update mailings (mass_mailing) ------------------------------------------------
    def _dealer_sync_mailing_optout(self):
        """A marketing consent by email withdrawn opts its customer's address out of
        every mailing list (Odoo's ``mailing.subscription``): one search, one write."""
        withdrawn = self.filtered(
            lambda c: c.purpose == "marketing" and c.channel == "email" and c.state == "withdrawn"
        )
        emails = set(withdrawn.sudo().partner_id.mapped("email_normalized")) - {False}
        if not emails:
            return
        subscriptions = (
            self.env["mailing.subscription"]
            .sudo()
            .search([("contact_id.email_normalized", "in", list(emails)), ("opt_out", "=", False)])
        )
        subscriptions.write({"opt_out": True})

    @api.model
    def _dealer_record_withdrawal(self, partners, purpose, channel, company, note):
        """Record that ``partners`` withdrew their consent for ``purpose`` by ``channel``
        to ``company``, by an unsubscribe link: today's date, the link as source and
        ``note`` as evidence. Their consent lines are updated, missing ones created
        withdrawn: one search, one write, one create."""
        return self._dealer_record_answer(
            partners, purpose, channel, company, "withdrawn", "unsubscribe", note
        )

    @api.model
    def _dealer_record_privacy_answers(self, requests, purpose, channel):
        """Bridge from OCA privacy_consent, which dealer_crm does not depend on: record the
        answers customers gave to its consent requests ``requests`` (``privacy.consent``
        records) as their consent line for ``purpose`` by ``channel``, granted or
        withdrawn, by email, with the answer's metadata as evidence. The consent line
        stays the one record the gate reads.

        Called by the server action of a data processing activity (its ``records``):
        ``env["dealer.consent"]._dealer_record_privacy_answers(records, "marketing",
        "email")``. A request not answered by the customer (drafted, sent, or taken as
        accepted by the activity's default) records nothing: silence is no consent. The
        company is the one whose partner is the activity's controller (the current one
        otherwise). privacy_consent answers one request per link followed."""
        if requests._name != "privacy.consent":
            raise UserError(_("Only privacy consent requests can be recorded as consents."))
        if purpose not in dict(PURPOSES) or channel not in CONTACT_FIELDS:
            raise UserError(
                _(
                    "Unknown consent purpose or channel: %(purpose)s, %(channel)s.",
                    purpose=purpose,
                    channel=channel,
                )
            )
        for request in requests.sudo().filtered(lambda r: r.state == "answered"):
            controller = request.activity_id.controller_id
            company = (
                self.env["res.company"].sudo().search([("partner_id", "=", controller.id)], limit=1)
                or self.env.company
            )
            note = _(
                "Answer to the request %(activity)s. %(metadata)s",
                activity=request.activity_id.name,
                metadata=" ".join((request.last_metadata or "").split()),
            )
            self._dealer_record_answer(
                request.partner_id,
                purpose,
                channel,
                company,
                "granted" if request.accepted else "withdrawn",
                "email",
                note,
            )

    @api.model
    def _dealer_record_answer(
        self, partners, purpose, channel, company, state, source, note, user=None
    ):
        """Record that ``partners`` answered ``state`` (granted or withdrawn) for
        ``purpose`` by ``channel`` to ``company``, by ``source`` (the unsubscribe link,
        the customer portal), recorded by ``user`` (none for a link): today's date and
        ``note`` as evidence. Lines already so answered are left as they are; missing
        ones are created: one search, one write, one create. The caller has checked who
        may answer for ``partners``."""
        Consent = self.sudo().with_context(active_test=False)
        existing = Consent.search(
            [
                ("partner_id", "in", partners.ids),
                ("purpose", "=", purpose),
                ("channel", "=", channel),
                ("company_id", "=", company.id),
            ]
        )
        evidence = {
            "state": state,
            "date": fields.Date.context_today(self),
            "source": source,
            "user_id": user.id if user else False,
            "note": note,
        }
        existing.filtered(lambda c: c.state != state).write(evidence)
        missing = partners - existing.partner_id
        Consent.create(
            [
                {
                    **evidence,
                    "partner_id": partner.id,
                    "purpose": purpose,
                    "channel": channel,
                    "company_id": company.id,
                }
                for partner in missing
            ]
        )
