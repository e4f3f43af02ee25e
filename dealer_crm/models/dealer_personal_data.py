# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which records belong to a customer, and which of their fields are personal.

A model joins by declaring two class attributes:

``_dealer_partner_fields``
    the fields (many2one to res.partner) that tie a record to a customer; an empty
    tuple says the model holds nothing about a person;
``_dealer_personal_fields``
    the fields cleared when the customer is anonymised.

The access export and the anonymisation read this declaration and nothing else, and a
test fails when a dealer_crm model with a link to a partner does not declare it.
"""

import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: The partner's own personal fields, cleared on erasure.
PARTNER_PERSONAL_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "vat",
    "website",
    "comment",
    "function",
    "title",
    "ref",
    "image_1920",
    "dealer_birthdate",
    "dealer_identity_number",
    "dealer_licence_number",
    "dealer_home_address",
)


class DealerPersonalData(models.AbstractModel):
    _name = "dealer.personal.data"
    _description = "Personal Data Registry"

    @api.model
    def _covered_models(self):
        """{model name: (partner fields, personal fields)} for every declaring model."""
        covered = {}
        for name, model in self.env.registry.items():
            partner_fields = getattr(model, "_dealer_partner_fields", None)
            if partner_fields and not model._abstract and not model._transient:
                covered[name] = (tuple(partner_fields), tuple(model._dealer_personal_fields))
        return covered

    @api.model
    def _cleared_values(self, records, field_names):
        """What erases ``field_names`` on ``records``: empty, or a placeholder where the
        field is required (an interaction keeps a subject, saying it was anonymised)."""
        values = {}
        for name in field_names:
            field = records._fields[name]
            if field.required and field.type in ("char", "text", "html"):
                values[name] = _("[anonymised]")
            else:
                values[name] = False
        return values

    @api.model
    def _records_of(self, partners):
        """{model name: records} held about ``partners`` (archived ones included)."""
        result = {}
        for name, (partner_fields, _personal) in self._covered_models().items():
            if name not in self.env:
                continue
            Model = self.env[name].sudo().with_context(active_test=False)
            domain = expression.OR([[(f, "in", partners.ids)] for f in partner_fields])
            records = Model.search(domain)
            if records:
                result[name] = records
        return result

    @api.model
    def _clear_personal_fields(self, records_by_model):
        """Empty the declared personal fields of ``records_by_model``; their number."""
        covered = self._covered_models()
        count = 0
        for name, records in records_by_model.items():
            personal = covered[name][1]
            if personal:
                records = records.with_context(tracking_disable=True, mail_notrack=True)
                values = self._cleared_values(records, personal)
                # a model whose write cannot take the plain values clears them its way
                clear = getattr(records, "_dealer_clear_personal_fields", None)
                if clear:
                    clear(values)
                else:
                    records.write(values)
            count += len(records)
        return count

    @api.model
    def _anonymize(self, customers, reason="request"):
        """Erase the personal data of these customers, keeping their records' figures.

        Irreversible. Vehicles, service visits, orders and tickets stay (and keep
        counting in reports), tied to a partner that no longer names anyone. The steps
        are dealer.erasure's.
        """
        Erasure = self.env["dealer.erasure"]
        # The customer and every contact under them, archived ones included.
        # Those anonymised before (by an earlier erasure of a parent) are done.
        partners = (
            customers.sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", customers.ids), ("dealer_anonymized", "=", False)])
        )
        # Their user accounts are archived with them (privacy_partner_to_be_forgotten's
        # _anonymize_user), but for the caller's own and Odoo's superuser.
        users = partners.with_context(active_test=False).user_ids
        forbidden = users.filtered(lambda user: user == self.env.user or user._is_superuser())
        if forbidden:
            raise UserError(
                _(
                    "%s cannot be anonymised: it is your own user account, or Odoo's superuser.",
                    forbidden[0].name,
                )
            )
        # A colleague's contact: erasing it archives their account and rewrites their
        # login. That is for a Settings administrator, once the colleague has left (their
        # account archived first); a portal customer's account goes with them as before.
        colleagues = users.filtered(lambda user: user.active and not user.share)
        if colleagues and not self.env.user.has_group("base.group_system"):
            raise UserError(
                _(
                    "%s is a colleague's contact (an active internal user). Archive "
                    "their user account first, or ask a Settings administrator.",
                    colleagues[0].partner_id.name,
                )
            )
        companies = partners & self.env["res.company"].sudo().search([]).partner_id
        if companies:
            raise UserError(
                _("%s is one of your companies: it cannot be anonymised.", companies[0].name)
            )
        if not partners:
            return True
        now = fields.Datetime.now()
        records_by_model = self._records_of(partners)
        Message = Erasure._audit_trail_message_model()
        own_messages = Message.search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        secrets = Erasure._secrets(partners, own_messages)
        count = self._clear_personal_fields(records_by_model)
        # Messages: those about the customer go, but for the accounting audit trail, which
        # accounting law keeps: its entries stay, their personal values cleared. Others
        # that name the customer are scrubbed.
        audit_trail = Erasure._audit_trail_messages(own_messages)
        (own_messages - audit_trail).unlink()
        Erasure._clear_audit_trail(audit_trail, partners)
        scrub = Erasure._scrubber(secrets)
        Erasure._scrub_messages(partners, secrets, scrub)
        Erasure._scrub_attachments(partners, secrets, scrub)
        emails = Erasure._forget_addresses(partners, secrets)
        Erasure._scrub_tracking(secrets, scrub)
        Erasure._scrub_kept_documents(partners, secrets, scrub)
        Erasure._drop_outgoing(partners, emails)
        Erasure._erase_partners(partners)
        # privacy_partner_to_be_forgotten's note in each contact's chatter: when, by whom.
        for partner in partners:
            partner._log_anonymization(now)
        self.env["dealer.erasure.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": self.env.user.id,
                    "reason": reason,
                    "record_count": count,
                    "kept_note": Erasure._kept_note(partners, audit_trail),
                    "company_id": (partner.company_id or self.env.company).id,
                }
                for partner in customers
                if partner.id in partners.ids
            ]
        )
        _logger.info("dealer_crm: anonymised partners %s (%s)", partners.ids, reason)
        return True

    @api.model
    def _retry_failed_erasures(self, *errors):
        """Lift the *Erasure Failed* flag of the customers a failure of the retention job
        with one of ``errors`` (ILIKE patterns of the Erasure Log's error) left flagged,
        so that its next run tries them again: an upgrade's step, once the cause is
        fixed. Their number."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET dealer_erasure_failed = FALSE
                 WHERE p.dealer_erasure_failed
                   AND EXISTS (SELECT 1 FROM dealer_erasure_log l
                                WHERE l.partner_id = p.id AND l.state = 'failed'
                                  AND l.error ILIKE ANY (%s))
                """,
                list(errors),
            )
        )
        self.env["res.partner"].invalidate_model(["dealer_erasure_failed"])
        return self.env.cr.rowcount

    @api.model
    def _retention_domain(self, cutoff):
        """Customers with no record of theirs dated on or after ``cutoff``."""
        domain = [
            *self.env["res.partner"]._dealer_customer_domain(),
            ("user_ids", "=", False),
            ("create_date", "<", cutoff),
            ("write_date", "<", cutoff),
        ]
        for name, (partner_fields, _personal) in self._covered_models().items():
            Model = self.env[name].sudo().with_context(active_test=False)
            date_field = getattr(Model, "_dealer_date_field", None) or "write_date"
            for partner_field in partner_fields:
                recent = Model._search([(date_field, ">=", cutoff), (partner_field, "!=", False)])
                column = SQL.identifier(Model._table, partner_field)
                domain.append(("id", "not in", recent.subselect(column)))
        return domain

    @api.model
    def _cron_retention(self, batch_size=200):
        """Anonymise customers inactive for the configured number of years, in batches.

        The batch is taken with SKIP LOCKED (a customer a user is editing waits for the
        next call) and anonymised in its own transaction, which the cron framework
        commits: a second run at once, or a run after a crash, does no customer twice."""
        years = self.env["dealer.settings.mixin"]._dealer_get("dealer_retention_years")
        if years <= 0:
            return
        cutoff = fields.Datetime.now() - relativedelta(years=years)
        domain = self._retention_domain(cutoff)
        domain.append(("dealer_erasure_failed", "=", False))
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partners = Partner._dealer_claim(domain, batch_size)
        failed = Partner.browse()
        for partner in partners:
            # One customer that cannot be anonymised must not stop the job (Odoo would
            # deactivate it after repeated failures): undo their part, log it, go on.
            try:
                with self.env.cr.savepoint():
                    self._anonymize(partner, reason="retention")
            except Exception as error:
                _logger.exception(
                    "dealer_crm: retention could not anonymise partner %s", partner.id
                )
                failed |= partner
                self.env["dealer.erasure.log"].sudo().create(
                    {
                        "partner_id": partner.id,
                        "reason": "retention",
                        "state": "failed",
                        "error": str(error)[:500],
                        "company_id": (partner.company_id or self.env.company).id,
                    }
                )
        failed.sudo().write({"dealer_erasure_failed": True})
        remaining = Partner.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
