# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Update mailings: Odoo's Email Marketing, through the consent gate.

- The audience: the customer filters (segment, loyalty tier, brand owned, need) of a
  mailing to contacts (``res.partner``), evaluated when the mailing is sent
  (:meth:`_get_recipients_domain`), so the audience is always current.
- The gate: every mailing that reaches customers sends only to those the mailing's
  company may contact for marketing by email (``dealer.consent._gate_domain``), when
  its recipients are computed, at each batch of mails the composer prepares
  (``mail.compose.message``) and again when the mail queue sends each batch
  (``mail.mail._send``): a consent withdrawn or an unsubscribe after the mailing was
  queued stops the mail at once.
- A customer is a contact of the customer definition
  (``res.partner._dealer_customer_domain``); a mailing-list contact (``mailing.contact``)
  is one when its email is a customer's (or an archived or anonymised contact's).
  Other recipients (a supplier, a list subscriber unknown to the CRM) keep Odoo's rules.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize

from ..tools.rfm import SEGMENTS

#: the recipient models the gate knows how to read a customer from
GATED_MODELS = ("res.partner", "mailing.contact")
EMAIL_COLUMN = SQL.identifier("res_partner", "email_normalized")
#: the audience filters of a mailing
AUDIENCE_FIELDS = ("dealer_segment", "dealer_tier_ids", "dealer_brand_ids", "dealer_need_tag_ids")


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    dealer_company_id = fields.Many2one(
        "res.company",
        string="Sending Company",
        default=lambda self: self.env.company,
        help="The dealership that sends this mailing: only customers who granted it "
        "marketing by email receive it.",
    )
    dealer_segment = fields.Selection(
        SEGMENTS,
        string="Segment",
        help="Only customers of this segment.",
    )
    dealer_tier_ids = fields.Many2many(
        "dealer.loyalty.tier",
        string="Loyalty Tiers",
        help="Only customers holding one of these loyalty tiers.",
    )
    dealer_brand_ids = fields.Many2many(
        "fleet.vehicle.model.brand",
        string="Brands Owned",
        help="Only customers who own a vehicle of one of these makes now.",
    )
    dealer_need_tag_ids = fields.Many2many(
        "dealer.need.tag",
        string="Needs",
        help="Only customers who recorded one of these needs (and still have it).",
    )

    @api.depends(*AUDIENCE_FIELDS)
    def _compute_mailing_domain(self):
        return super()._compute_mailing_domain()

    @api.constrains("mailing_model_id", *AUDIENCE_FIELDS)
    def _check_dealer_audience(self):
        for mailing in self:
            if mailing._dealer_has_audience() and mailing.mailing_model_real != "res.partner":
                raise ValidationError(
                    _(
                        "The customer filters (segment, tier, brand, need) choose among "
                        "contacts: set the mailing's recipients to Contacts to use them."
                    )
                )

    @api.constrains("dealer_company_id")
    def _check_dealer_company_id(self):
        if self.env.su:
            return
        for mailing in self:
            if mailing.dealer_company_id not in self.env.user.company_ids:
                raise ValidationError(
                    _("You can only send mailings on behalf of a dealership you work for.")
                )

    # The audience ---------------------------------------------------------------
    def _dealer_has_audience(self):
        self.ensure_one()
        return any(self[name] for name in AUDIENCE_FIELDS)

    def _dealer_audience_domain(self):
        """The customer filters as a ``res.partner`` domain (all of them must match)."""
        self.ensure_one()
        domain = []
        if self.dealer_segment:
            domain.append([("dealer_rfm_segment", "=", self.dealer_segment)])
        if self.dealer_tier_ids:
            domain.append([("dealer_tier_id", "in", self.dealer_tier_ids.ids)])
        if self.dealer_brand_ids:
            domain.append([("dealer_vehicle_ids.brand_id", "in", self.dealer_brand_ids.ids)])
        if self.dealer_need_tag_ids:
            domain.append([("dealer_need_ids", "in", self.dealer_need_tag_ids.ids)])
        return expression.AND(domain) if domain else []

    def _get_default_mailing_domain(self):
        """The audience shows in the mailing's recipients filter (and its count)."""
        domain = super()._get_default_mailing_domain()
        if self.mailing_model_name == "res.partner" and self._dealer_has_audience():
            domain = expression.AND(
                [domain, self._dealer_audience_domain(), [("dealer_email_marketing_ok", "=", True)]]
            )
        return domain

    def _get_recipients(self):
        """The audience as the sending company sees it (a segment is the latest
        evaluation in that company)."""
        mailing = self.with_company(self.dealer_company_id) if self.dealer_company_id else self
        return super(MailingMailing, mailing)._get_recipients()

    def _get_recipients_domain(self):
        """At send time: the mailing's own filter, its customer filters (a filter edited
        by hand cannot widen them) and the consent gate."""
        domain = super()._get_recipients_domain()
        if self.mailing_type != "mail" or self.mailing_model_real not in GATED_MODELS:
            return domain
        audience = self._dealer_audience_domain() if self._dealer_has_audience() else []
        return expression.AND([domain, audience, self._dealer_allowed_domain()])

    # The gate -------------------------------------------------------------------
    def _dealer_allowed_domain(self):
        """Who of the mailing's recipient model may receive it, as a domain on that model:
        the customers the gate lets through (marketing, email, the sending company) and
        the recipients who are no customer, as in Odoo."""
        self.ensure_one()
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        gate = self.env["dealer.consent"]._gate_domain(
            "marketing", "email", self.dealer_company_id or self.env.company
        )
        # customers, and contacts no one may reach (archived, anonymised)
        gated = Partner._search(
            expression.OR(
                [
                    Partner._dealer_customer_domain(),
                    ["|", ("active", "=", False), ("dealer_anonymized", "!=", False)],
                ]
            )
        )
        if self.mailing_model_real == "res.partner":
            return expression.OR([gate, [("id", "not in", gated)]])
        # mailing.contact: a customer's when a gated contact has its address
        gated_emails = Partner._search(
            [("id", "in", gated), ("email_normalized", "!=", False)]
        ).subselect(EMAIL_COLUMN)
        allowed_emails = Partner._search([*gate, ("email_normalized", "!=", False)]).subselect(
            EMAIL_COLUMN
        )
        return [
            "|",
            "|",
            ("email_normalized", "=", False),
            ("email_normalized", "not in", gated_emails),
            ("email_normalized", "in", allowed_emails),
        ]

    def _dealer_allowed_res_ids(self, res_ids):
        """The ids among ``res_ids`` (records of the recipient model) that may receive the
        mailing now: one query."""
        self.ensure_one()
        ids = [res_id for res_id in res_ids if isinstance(res_id, int)]
        if self.mailing_type != "mail" or self.mailing_model_real not in GATED_MODELS:
            return set(ids)
        Model = self.env[self.mailing_model_real].sudo().with_context(active_test=False)
        return set(Model._search([("id", "in", ids), *self._dealer_allowed_domain()]))

    # Unsubscribe ----------------------------------------------------------------
    def _dealer_record_unsubscribe(self, email, document_id=None):
        """A recipient unsubscribed from this mailing by its link: their marketing
        consent by email to the sending company is withdrawn, with the date and the
        source as evidence, for each customer with that address (and the contact the
        mail went to). Called by the unsubscribe routes, after Odoo's checks of the
        link's token."""
        self.ensure_one()
        normalized = email_normalize(email or "")
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partners = Partner.browse()
        if normalized:
            partners = Partner.search([("email_normalized", "=", normalized)])
        if self.mailing_model_real == "res.partner" and document_id:
            document = Partner.browse(int(document_id)).exists()
            if document and (not normalized or document.email_normalized == normalized):
                partners |= document
        if partners:
            self.env["dealer.consent"]._dealer_record_withdrawal(
                partners,
                "marketing",
                "email",
                self.dealer_company_id or self.env.company,
                _("Unsubscribed from the mailing %(mailing)s", mailing=self.subject or self.name),
            )
