# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

PURPOSES = [
    ("service_reminder", "Service reminders"),
    ("marketing", "Marketing"),
    ("survey", "Surveys"),
    ("loyalty", "Loyalty communications"),
]
CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("phone", "Phone"),
    ("post", "Post"),
    ("messaging", "Messaging app"),
]
#: The partner field that must hold a contact detail for each channel.
CHANNEL_CONTACT = {
    "email": ("email",),
    "sms": ("mobile", "phone"),
    "phone": ("phone", "mobile"),
    "messaging": ("mobile", "phone"),
    "post": ("street", "city"),
}
#: Who may be contacted at all, whatever their consents: a customer neither archived
#: nor anonymised. Every outreach of the addon applies it (``_contactable_partners``).
CONTACTABLE_DOMAIN = [("active", "=", True), ("dealer_anonymized", "=", False)]


def contactable_domain(path=""):
    """:data:`CONTACTABLE_DOMAIN` on the partner reached by ``path`` (``"owner_id."``)."""
    return [(f"{path}{field}", operator, value) for field, operator, value in CONTACTABLE_DOMAIN]


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
    channel = fields.Selection(CHANNELS, required=True, tracking=True)
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
    def _compute_display_name(self):
        purposes, channels = dict(PURPOSES), dict(CHANNELS)
        states = dict(self._fields["state"].selection)
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
        return super(DealerConsent, self._dealer_import_quiet()).create(vals_list)

    def action_grant(self):
        self._dealer_check_caller()
        self.write({"state": "granted", "date": fields.Date.context_today(self)})

    def action_withdraw(self):
        self._dealer_check_caller()
        self.write({"state": "withdrawn", "date": fields.Date.context_today(self)})

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
    def _allowed_partners(self, partners, purpose, channel, company=None):
        """The consent gate: the partners ``company`` may contact for ``purpose`` by ``channel``.

        Every automated outreach asks this one function. A partner passes when they may
        be contacted at all (``_contactable_partners``: not archived, not anonymised), a
        consent given to that company (the current one by default) for that purpose and
        channel is granted, the partner is not blacklisted for the channel, and holds the
        contact detail the channel needs. A consent given to another company lets nothing
        through. Set-based: one query.
        """
        if not partners:
            return partners
        company = company or self.env.company
        granted = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                *contactable_domain("partner_id."),
                ("purpose", "=", purpose),
                ("channel", "=", channel),
                ("state", "=", "granted"),
                ("company_id", "=", company.id),
            ],
            ["partner_id"],
        )
        allowed = self.env["res.partner"].browse([p.id for (p,) in granted])
        contact_fields = CHANNEL_CONTACT[channel]
        allowed = allowed.filtered(lambda p: any(p[f] for f in contact_fields))
        if channel == "email":
            allowed = allowed.filtered(lambda p: not p.is_blacklisted)
        elif channel in ("sms", "phone", "messaging") and "phone_sanitized_blacklisted" in partners:
            allowed = allowed.filtered(lambda p: not p.phone_sanitized_blacklisted)
        return partners & allowed

    @api.model
    def _gate(self, partners, purpose, channel, records=None, company=None):
        """Split ``partners`` into (allowed, refused), noting each refusal on its record.

        ``records`` maps a partner to the record the outreach was about (a vehicle, a
        loyalty card...); the refusal is posted there, or on the partner.
        """
        allowed = self._allowed_partners(partners, purpose, channel, company)
        refused = partners - allowed
        contactable = self._contactable_partners(refused)
        purpose_label = dict(PURPOSES)[purpose]
        channel_label = dict(CHANNELS)[channel]
        for partner in refused:
            target = (records or {}).get(partner) or partner
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
            target.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        return allowed, refused

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
