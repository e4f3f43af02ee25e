# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import DEALER_GROUPS


class DealerConsentMixin(models.AbstractModel):
    """A customer's consents and the consent gate's filters, on ``res.partner``.

    The rules themselves live in ``dealer.consent`` (``models/dealer_consent.py``): these
    fields only show them, as a computed value and as a search domain.
    """

    _name = "dealer.consent.mixin"
    _description = "Customer Consents"

    dealer_consent_ids = fields.One2many(
        "dealer.consent",
        "partner_id",
        # not "Consents": privacy_consent's count on the partner bears that label
        string="Consents by Channel",
        groups=DEALER_GROUPS,
    )
    dealer_consent_missing = fields.Boolean(
        string="Consent Never Asked",
        compute="_compute_dealer_consent_missing",
        search="_search_dealer_consent_missing",
        help="No consent was ever recorded, granted or withdrawn, for this customer.",
        groups=DEALER_GROUPS,
    )
    dealer_consent_summary = fields.Char(
        string="Consents Granted",
        compute="_compute_dealer_consent_summary",
        help="What the customer agreed to be contacted for by this company, and how.",
        groups=DEALER_GROUPS,
    )
    dealer_email_marketing_ok = fields.Boolean(
        string="Email Marketing Allowed",
        compute="_compute_dealer_email_marketing_ok",
        search="_search_dealer_email_marketing_ok",
        help="Granted marketing by email to the current company, has an email address and "
        "is not blacklisted: the consent gate, as a filter to build a mailing list.",
        groups=DEALER_GROUPS,
    )

    @api.depends("dealer_consent_ids.state")
    def _compute_dealer_consent_missing(self):
        never_asked = self.env["dealer.consent"]._never_asked_partners(self)
        for partner in self:
            partner.dealer_consent_missing = partner in never_asked

    def _search_dealer_consent_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Consent Never Asked' with 'is set' or 'is not set'."))
        never_asked = self.env["dealer.consent"]._never_asked_domain()
        return never_asked if (operator == "=") == value else ["!", *never_asked]

    @api.depends("dealer_consent_ids.state")
    @api.depends_context("company")
    def _compute_dealer_consent_summary(self):
        """The purposes granted to the current company, each with its channels
        ("Service reminders: SMS, Email · Marketing: Email"): one query for the set."""
        Consent = self.env["dealer.consent"]
        purposes = dict(Consent._fields["purpose"]._description_selection(self.env))
        channels = dict(Consent._fields["channel"]._description_selection(self.env))
        granted = {}
        for consent in Consent.search_fetch(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "granted"),
            ],
            ["partner_id", "purpose", "channel"],
        ):
            by_purpose = granted.setdefault(consent.partner_id.id, {})
            by_purpose.setdefault(consent.purpose, set()).add(consent.channel)
        for partner in self:
            by_purpose = granted.get(partner._origin.id, {})
            partner.dealer_consent_summary = " · ".join(
                f"{label}: {', '.join(channels[c] for c in channels if c in by_purpose[purpose])}"
                for purpose, label in purposes.items()
                if purpose in by_purpose
            )

    @api.depends_context("company")
    def _compute_dealer_email_marketing_ok(self):
        allowed = self.env["dealer.consent"]._allowed_partners(self, "marketing", "email")
        for partner in self:
            partner.dealer_email_marketing_ok = partner in allowed

    def _search_dealer_email_marketing_ok(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Email Marketing Allowed' with 'is set' or 'is not set'."))
        # normalised (explicit operators): a leading "!" negates all of it
        allowed = self.env["dealer.consent"]._gate_domain("marketing", "email")
        return allowed if (operator == "=") == value else ["!", *allowed]
