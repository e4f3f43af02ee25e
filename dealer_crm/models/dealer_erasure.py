# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The steps of an erasure (dealer.personal.data._anonymize runs them, in its order):
wherever a customer is named, their name, email and phone are replaced or the copy
deleted, but for what accounting law keeps, whose personal values are cleared."""

from markupsafe import Markup

from odoo import _, api, models
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, is_html_empty
from odoo.tools.sql import create_index, escape_psql

from ..tools.phone import normalize_phone
from .dealer_personal_data import PARTNER_PERSONAL_FIELDS

#: Documents that accounting law keeps after an erasure: {model: (partner field, free
#: text fields where the customer may be named)}. Their figures stay; names go.
KEPT_DOCUMENT_TEXT = {
    "account.move": ("commercial_partner_id", ("ref", "payment_reference", "narration")),
    "account.move.line": ("partner_id", ("name",)),
    "account.payment": ("partner_id", ("memo",)),
}

#: Where a customer may be named in free text anywhere in the database: {table: its text
#: columns}. Each table's columns are joined into one expression, which a trigram index
#: (pg_trgm, GIN) answers ``ILIKE '%secret%'`` from: an erasure reads the few rows that
#: name the customer instead of scanning a million messages. One index per table, not
#: one per column, so that posting a message maintains a single extra index.
FREE_TEXT = {
    "mail_message": ("subject", "record_name", "email_from", "body"),
    "mail_tracking_value": ("old_value_char", "new_value_char", "old_value_text", "new_value_text"),
    "ir_attachment": ("name",),
    "mail_mail": ("email_to",),
}


def free_text_index(table):
    """The name of ``table``'s trigram index, and the expression it indexes."""
    columns = " || ' ' || ".join(f"COALESCE({column}, '')" for column in FREE_TEXT[table])
    return f"{table}_dealer_erasure_text_index", f"({columns})"


class DealerErasure(models.AbstractModel):
    _name = "dealer.erasure"
    _description = "Customer Erasure Steps"

    def init(self):
        """The trigram indexes of FREE_TEXT (where pg_trgm is installed, as Odoo's own
        ``index="trigram"`` fields need it too)."""
        if not self.env.registry.has_trigram:
            return
        for table in FREE_TEXT:
            index, text = free_text_index(table)
            create_index(self.env.cr, index, table, [f"{text} gin_trgm_ops"], method="gin")

    @api.model
    def _naming_query(self, table, secrets):
        """The ids of the rows of ``table`` whose free text holds one of ``secrets``: an
        OR of ``ILIKE`` on FREE_TEXT's expression, which PostgreSQL answers by a bitmap OR
        of one trigram index scan per secret (wildcards in a secret are taken literally)."""
        text = SQL(free_text_index(table)[1])
        return SQL(
            "SELECT id FROM %s WHERE %s",
            SQL.identifier(table),
            SQL(" OR ").join(
                SQL("%s ILIKE %s", text, f"%{escape_psql(secret)}%") for secret in sorted(secrets)
            ),
        )

    @api.model
    def _naming(self, table, secrets):
        """Ids of the rows of ``table`` that name one of ``secrets`` (see _naming_query)."""
        if not secrets:
            return []
        self.env.flush_all()
        self.env.cr.execute(self._naming_query(table, secrets))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _scrubber(self, secrets):
        """A function replacing each of ``secrets`` in a text by the placeholder."""
        placeholder = _("[anonymised]")

        def scrub(text):
            for secret in secrets:
                text = text.replace(secret, placeholder)
            return text

        return scrub

    @api.model
    def _secrets(self, partners, own_messages):
        """The names, emails and phones of the persons among ``partners``: theirs now,
        and the earlier ones their tracked changes still hold (a company's are not
        personal data)."""
        companies = set(partners.filtered("is_company").ids)
        secrets = {
            value
            for partner in partners
            if not partner.is_company
            for value in (partner.name, partner.email, partner.phone, partner.mobile)
            if value and len(value) > 2
        }
        secrets |= {
            value
            for tracking in own_messages.tracking_value_ids
            if tracking.field_id.name in ("name", "email", "phone", "mobile")
            and tracking.mail_message_id.res_id not in companies
            for value in (tracking.old_value_char, tracking.new_value_char)
            if value and len(value) > 2
        }
        return secrets

    @api.model
    def _scrub_messages(self, partners, secrets, scrub):
        """Wherever they are named or wrote: records since handed to someone else (a
        vehicle's chatter after a transfer) included."""
        Message = self._audit_trail_message_model()
        messages = Message.search([("author_id", "in", partners.ids)]) | Message.browse(
            self._naming("mail_message", secrets)
        )
        for message in messages:
            vals = {
                field: scrub(message[field])
                for field in ("subject", "record_name", "email_from", "reply_to")
                if message[field] and scrub(message[field]) != message[field]
            }
            if message.author_id in partners:
                vals.update(author_id=False, email_from=False, reply_to=False, body="")
            else:
                body = str(message.body or "")
                if scrub(body) != body:
                    # the stored body is sanitised HTML; only plain text was replaced
                    vals["body"] = Markup(scrub(body))
            if vals:
                message.write(vals)

    @api.model
    def _scrub_attachments(self, partners, secrets, scrub):
        """Their own files go; a file named after them is renamed."""
        Attachment = self.env["ir.attachment"].sudo()
        Attachment.search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        ).unlink()
        for attachment in Attachment.browse(self._naming("ir_attachment", secrets)):
            attachment.name = scrub(attachment.name)

    @api.model
    def _forget_addresses(self, partners, secrets):
        """Their current and earlier addresses (a tracked change keeps the earlier one)
        leave the blacklist; returns them."""
        emails = sorted(
            {p.email_normalized for p in partners if p.email_normalized}
            | {email_normalize(value) for value in secrets if "@" in value} - {False}
        )
        if emails:
            self.env["mail.blacklist"].sudo().with_context(active_test=False).search(
                [("email", "in", emails)]
            ).unlink()
        return emails

    @api.model
    def _scrub_tracking(self, secrets, scrub):
        """Tracked changes that named them, on any record."""
        tracked_fields = ("old_value_char", "new_value_char", "old_value_text", "new_value_text")
        # sudo, and the audit trail's token
        Tracking = self._audit_trail_message_model().env["mail.tracking.value"]
        for tracking in Tracking.browse(self._naming("mail_tracking_value", secrets)):
            tracking.write(
                {
                    field: scrub(tracking[field])
                    for field in tracked_fields
                    if tracking[field] and scrub(tracking[field]) != tracking[field]
                }
            )

    @api.model
    def _drop_outgoing(self, partners, emails):
        """Their followers, activities and bank accounts, and the copies of outgoing mail
        and SMS addressed to them."""
        self.env["mail.followers"].sudo().search([("partner_id", "in", partners.ids)]).unlink()
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        ).unlink()
        partners.bank_ids.sudo().unlink()
        phones = [p.phone_sanitized for p in partners if p.phone_sanitized] + [
            value for p in partners for value in (p.phone, p.mobile) if value
        ]
        region = self.env.company.country_id.code
        phones += list(filter(None, (normalize_phone(value, region) for value in phones)))
        Mail = self.env["mail.mail"].sudo()
        mails = Mail.search([("recipient_ids", "in", partners.ids)])
        (mails | Mail.browse(self._naming("mail_mail", emails))).unlink()
        sms_domain = [("partner_id", "in", partners.ids)]
        if phones:
            sms_domain = expression.OR([sms_domain, [("number", "in", phones)]])
        self.env["sms.sms"].sudo().search(sms_domain).unlink()

    @api.model
    def _erase_partners(self, partners):
        """The contacts themselves, named as privacy_partner_to_be_forgotten names them
        ("XY Anonymized", an address at anonymized.oca that OCA's wizard recognises) and
        archived, with their user accounts. A person's personal fields are emptied; a
        company is not a person: like OCA, it keeps its name (with " Anonymized") and
        its business details, and is archived."""
        for partner in partners.sudo().with_context(
            active_test=True, mail_notrack=True, tracking_disable=True
        ):
            if partner.is_company:
                vals = partner._prepare_company_anonymized_vals(
                    _("%(company)s Anonymized", company=partner.name)
                )
                partner.with_context(active_test=False)._anonymize_user()
            else:
                initials = partner._get_partner_initials()
                email = partner._generate_anonymized_email(initials)
                vals = dict.fromkeys(PARTNER_PERSONAL_FIELDS, False)
                vals.update(
                    partner._prepare_partner_anonymized_vals(
                        _("%(initials)s Anonymized", initials=initials), email
                    )
                )
                # archived accounts too: their login may be the customer's address
                partner.with_context(active_test=False)._anonymize_user(email)
            vals.update(active=False, dealer_anonymized=True)
            partner.write(vals)

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
