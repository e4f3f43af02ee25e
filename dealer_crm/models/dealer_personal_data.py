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
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, is_html_empty

from ..tools.phone import normalize_phone

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


#: Documents that accounting law keeps after an erasure: {model: (partner field, free
#: text fields where the customer may be named)}. Their figures stay; names go.
KEPT_DOCUMENT_TEXT = {
    "account.move": ("commercial_partner_id", ("ref", "payment_reference", "narration")),
    "account.move.line": ("partner_id", ("name",)),
    "account.payment": ("partner_id", ("memo",)),
}


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
    def _anonymize(self, customers, reason="request"):
        """Erase the personal data of these customers, keeping their records' figures.

        Irreversible. Vehicles, service visits, orders and tickets stay (and keep
        counting in reports), tied to a partner that no longer names anyone.
        """
        # The customer and every contact under them, archived ones included.
        partners = (
            customers.sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", customers.ids)])
        )
        if partners.user_ids:
            raise UserError(
                _(
                    "%s is a user of this database and cannot be anonymised.",
                    partners.user_ids[0].name,
                )
            )
        covered = self._covered_models()
        records_by_model = self._records_of(partners)
        secrets = {
            value
            for partner in partners
            for value in (partner.name, partner.email, partner.phone, partner.mobile)
            if value and len(value) > 2
        }
        Message = self._audit_trail_message_model()
        own_messages = Message.search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        # Their earlier names, emails and phones, as their tracked changes still hold them.
        secrets |= {
            value
            for tracking in own_messages.tracking_value_ids
            if tracking.field_id.name in ("name", "email", "phone", "mobile")
            for value in (tracking.old_value_char, tracking.new_value_char)
            if value and len(value) > 2
        }
        count = 0
        for name, records in records_by_model.items():
            personal = covered[name][1]
            if personal:
                records.with_context(tracking_disable=True, mail_notrack=True).write(
                    self._cleared_values(records, personal)
                )
            count += len(records)
        # Messages: those about the customer go, but for the accounting audit trail, which
        # accounting law keeps: its entries stay, their personal values cleared. Others
        # that name the customer are scrubbed.
        audit_trail = self._audit_trail_messages(own_messages)
        (own_messages - audit_trail).unlink()
        self._clear_audit_trail(audit_trail, partners)
        # Wherever they are named: records since handed to someone else (a vehicle's
        # chatter after a transfer) included.
        scrub_domain = expression.OR(
            [[("author_id", "in", partners.ids)]]
            + [
                [(field, "ilike", secret)]
                for secret in secrets
                for field in ("body", "subject", "record_name", "email_from")
            ]
        )
        placeholder = _("[anonymised]")

        def scrub(text):
            for secret in secrets:
                text = text.replace(secret, placeholder)
            return text

        for message in Message.search(scrub_domain):
            vals = {
                field: scrub(message[field])
                for field in ("subject", "record_name", "email_from")
                if message[field] and scrub(message[field]) != message[field]
            }
            if message.author_id in partners:
                vals.update(author_id=False, email_from=False, body="")
            else:
                body = str(message.body or "")
                if scrub(body) != body:
                    # the stored body is sanitised HTML; only plain text was replaced
                    vals["body"] = Markup(scrub(body))
            if vals:
                message.write(vals)
        Attachment = self.env["ir.attachment"].sudo()
        Attachment.search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        ).unlink()
        named = Attachment.search(
            expression.OR([[("name", "ilike", secret)] for secret in secrets])
        )
        for attachment in named:
            attachment.name = scrub(attachment.name)
        # their current and earlier addresses (a tracked change keeps the earlier one)
        emails = sorted(
            {p.email_normalized for p in partners if p.email_normalized}
            | {email_normalize(value) for value in secrets if "@" in value} - {False}
        )
        if emails:
            self.env["mail.blacklist"].sudo().with_context(active_test=False).search(
                [("email", "in", emails)]
            ).unlink()
        # Tracked changes that named them, on any record.
        tracked_fields = ("old_value_char", "new_value_char", "old_value_text", "new_value_text")
        Tracking = Message.env["mail.tracking.value"]  # sudo, and the audit trail's token
        for tracking in Tracking.search(
            expression.OR(
                [[(field, "ilike", secret)] for secret in secrets for field in tracked_fields]
            )
        ):
            tracking.write(
                {
                    field: scrub(tracking[field])
                    for field in tracked_fields
                    if tracking[field] and scrub(tracking[field]) != tracking[field]
                }
            )
        self._scrub_kept_documents(partners, secrets, scrub)
        self.env["mail.followers"].sudo().search([("partner_id", "in", partners.ids)]).unlink()
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        ).unlink()
        partners.bank_ids.sudo().unlink()
        # Copies of outgoing mail and SMS addressed to them.
        phones = [p.phone_sanitized for p in partners if p.phone_sanitized] + [
            value for p in partners for value in (p.phone, p.mobile) if value
        ]
        region = self.env.company.country_id.code
        phones += list(filter(None, (normalize_phone(value, region) for value in phones)))
        mail_domain = [("recipient_ids", "in", partners.ids)]
        if emails:
            mail_domain = expression.OR(
                [mail_domain] + [[("email_to", "ilike", email)] for email in emails]
            )
        self.env["mail.mail"].sudo().search(mail_domain).unlink()
        sms_domain = [("partner_id", "in", partners.ids)]
        if phones:
            sms_domain = expression.OR([sms_domain, [("number", "in", phones)]])
        self.env["sms.sms"].sudo().search(sms_domain).unlink()
        for partner in partners:
            vals = dict.fromkeys(PARTNER_PERSONAL_FIELDS, False)
            vals.update(
                name=_("Anonymised customer #%s", partner.id),
                active=False,
                dealer_anonymized=True,
            )
            partner.sudo().with_context(mail_notrack=True, tracking_disable=True).write(vals)
        self.env["dealer.erasure.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": self.env.user.id,
                    "reason": reason,
                    "record_count": count,
                    "kept_note": self._kept_note(partners, audit_trail),
                    "company_id": (partner.company_id or self.env.company).id,
                }
                for partner in customers
            ]
        )
        _logger.info("dealer_crm: anonymised partners %s (%s)", partners.ids, reason)
        return True

    @api.model
    def _scrub_kept_documents(self, partners, secrets, scrub):
        """Clear the customer's name and contact details from the documents the law keeps
        (invoices, their lines, payments), and drop unfinished wizards about them."""
        for model_name, (partner_field, text_fields) in KEPT_DOCUMENT_TEXT.items():
            if model_name not in self.env:
                continue
            Model = self.env[model_name].sudo().with_context(active_test=False)
            domain = [(partner_field, "in", partners.ids)] + expression.OR(
                [[(field, "ilike", secret)] for secret in secrets for field in text_fields]
            )
            for record in Model.search(domain):
                record.write(
                    {
                        field: scrub(str(record[field]))
                        for field in text_fields
                        if record[field] and scrub(str(record[field])) != str(record[field])
                    }
                )
        for Model in self.env.registry.values():
            if not Model._transient or Model._name == "dealer.partner.anonymize":
                continue
            links = [
                name
                for name, field in Model._fields.items()
                if field.store and field.type == "many2one" and field.comodel_name == "res.partner"
            ]
            if links:
                self.env[Model._name].sudo().search(
                    expression.OR([[(name, "in", partners.ids)] for name in links])
                ).unlink()

    @api.model
    def _audit_trail_message_model(self):
        """mail.message, allowed to rewrite the accounting audit trail's entries.

        Odoo's accounting protects the tracked changes of a customer who has bought (and of
        invoices) from deletion and rewriting, whatever the company's audit-trail setting.
        An erasure keeps those entries and only clears the personal data in them, with the
        token accounting itself uses for partner merges: an object no client can send.
        """
        Message = self.env["mail.message"].sudo()
        if "account_audit_log_activated" in Message._fields:
            from odoo.addons.account.models.mail_message import bypass_token

            Message = Message.with_context(bypass_audit=bypass_token)
        return Message

    @api.model
    def _audit_trail_messages(self, messages):
        """The entries of ``messages`` that accounting's audit trail keeps."""
        if "account_audit_log_activated" not in messages._fields:
            return messages.browse()
        return messages.filtered("account_audit_log_activated")

    @api.model
    def _clear_audit_trail(self, audit_trail, partners):
        """Keep the audit trail's entries, with their personal values and notes cleared."""
        placeholder = _("[anonymised]")
        personal_fields = {"name", "display_name", *PARTNER_PERSONAL_FIELDS}
        audit_trail.tracking_value_ids.filtered(
            lambda tracking: tracking.field_id.name in personal_fields
        ).write(
            {
                "old_value_char": placeholder,
                "new_value_char": placeholder,
                "old_value_text": placeholder,
                "new_value_text": placeholder,
                "old_value_integer": 0,
                "new_value_integer": 0,
            }
        )
        for message in audit_trail:
            vals = {"body": placeholder} if not is_html_empty(message.body) else {}
            if message.subject:
                vals["subject"] = placeholder
            if message.author_id in partners:
                vals.update(author_id=False, email_from=False)
            if vals:
                message.write(vals)

    @api.model
    def _kept_note(self, partners, audit_trail):
        """What the erasure kept, and why, in the erasure log's words."""
        notes = []
        if audit_trail:
            notes.append(
                _(
                    "%(count)s entries of the accounting audit trail (changes to the customer's "
                    "record): accounting law keeps them; which field changed, when and by whom "
                    "stay, the personal values were replaced.",
                    count=len(audit_trail),
                )
            )
        if "account.move" in self.env:
            moves = (
                self.env["account.move"]
                .sudo()
                .search_count([("commercial_partner_id", "in", partners.ids)])
            )
            if moves:
                notes.append(
                    _(
                        "%(count)s invoices, bills and payments: accounting law keeps them; "
                        "they now show the anonymised name.",
                        count=moves,
                    )
                )
        return "\n".join(notes) or False

    @api.model
    def _retention_domain(self, cutoff):
        """Customers with no record of theirs dated on or after ``cutoff``."""
        domain = [
            ("dealer_anonymized", "=", False),
            ("user_ids", "=", False),
            ("create_date", "<", cutoff),
            ("write_date", "<", cutoff),
            "|",
            ("dealer_vehicle_ownership_ids", "!=", False),
            ("sale_order_ids", "!=", False),
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
        """Anonymise customers inactive for the configured number of years, in batches."""
        years = int(
            self.env["ir.config_parameter"].sudo().get_param("dealer_crm.retention_years", 0)
        )
        if years <= 0:
            return
        cutoff = fields.Datetime.now() - relativedelta(years=years)
        domain = self._retention_domain(cutoff)
        domain.append(("dealer_erasure_failed", "=", False))
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partners = Partner.search(domain, limit=batch_size, order="id")
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
