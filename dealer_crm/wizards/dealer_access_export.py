# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import re

import xlsxwriter

from odoo import _, fields, models
from odoo.exceptions import AccessError

from ..tools.xlsx import WORKBOOK_OPTIONS, write_cells


class DealerAccessExport(models.TransientModel):
    _name = "dealer.access.export"
    _description = "Personal Data Access Request Export"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("json", "JSON")], required=True, default="xlsx"
    )
    data = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def action_export(self):
        self.ensure_one()
        if not self.env.user.has_group("dealer_crm.group_customer_relations"):
            raise AccessError(
                _("Only customer relations officers and managers answer access requests.")
            )
        # the customer must be one the officer may read (their companies), before any sudo
        self.partner_id._dealer_check_caller(operation="read")
        raw, filename = self._dealer_file(self.partner_id, self._collect(), self.file_format)
        self.write({"data": base64.b64encode(raw), "filename": filename})
        self.partner_id.sudo().message_post(
            body=_("Personal data exported for an access request (%s).", self.file_format.upper()),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _collect(self):
        """{section: [rows]} of everything the user's companies hold about the customer.

        The request answers for the companies the officer works for: the customer must be
        one they may read, and records of other companies stay out of the file.
        """
        self.partner_id.check_access("read")
        return self._dealer_content(self.partner_id, self.env.companies)

    def _dealer_file(self, partner, content, file_format):
        """(file content, file name) of the export ``content`` of ``partner``."""
        stamp = fields.Date.to_string(fields.Date.context_today(self))
        if file_format == "json":
            raw = json.dumps(content, indent=2, ensure_ascii=False, default=str).encode()
        else:
            raw = self._to_xlsx(content)
        return raw, f"personal-data-{partner.id}-{stamp}.{file_format}"

    def _dealer_portal_file(self, user, file_format):
        """(file content, file name) of the export of ``user``'s own personal data, as
        the customer downloads it from the portal: the same content staff export for an
        access request (``_collect``), of the user's own contact (and the contacts under
        it) in the user's companies. Noted on the customer's timeline."""
        partner = user.partner_id
        raw, filename = self._dealer_file(
            partner, self._dealer_content(partner, user.company_ids), file_format
        )
        partner.sudo().message_post(
            body=_(
                "Personal data downloaded by the customer from the portal (%s).",
                file_format.upper(),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return raw, filename

    def _dealer_content(self, partner, companies):
        """{section: [rows]} of everything ``companies`` hold about ``partner``; the
        caller has checked that it may answer for ``partner``."""
        _ = self.env._
        partner = partner.sudo()
        # The customer and every contact under them, archived ones included.
        contacts = partner.with_context(active_test=False).search([("id", "child_of", partner.ids)])
        content = {"res.partner": self._rows(contacts)}
        records = self.env["dealer.personal.data"]._records_of(contacts)
        for name, recs in sorted(records.items()):
            if "company_id" in recs._fields:
                recs = recs.filtered(lambda r: not r.company_id or r.company_id in companies)
            if recs:
                content[name] = self._rows(recs)
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("message_type", "!=", "user_notification"),
                ]
            )
        )
        content["mail.message"] = [
            {
                _("Date"): str(m.date),
                _("Author"): m.author_id.display_name or "",
                _("Subject"): m.subject or "",
                _("Body"): m.preview or "",
            }
            for m in messages
        ]
        return content

    def _rows(self, records):
        names = [
            name
            for name, field in records._fields.items()
            if field.store
            and field.type not in ("binary", "one2many", "many2many", "html")
            and name not in ("message_main_attachment_id", "write_uid", "create_uid")
        ]
        # the field labels and the choices of selections in the user's language
        labels = {name: records._fields[name]._description_string(self.env) for name in names}
        choices = {
            name: records._dealer_labels(name)
            for name in names
            if records._fields[name].type == "selection"
        }
        rows = []
        for record in records:
            row = {}
            for name in names:
                value = record[name]
                if isinstance(value, models.BaseModel):
                    value = value.display_name or ""
                elif value is False:
                    value = ""
                elif name in choices:
                    value = choices[name].get(value, value)
                row[labels[name]] = value if isinstance(value, (int, float, str)) else str(value)
            rows.append(row)
        return rows

    def _to_xlsx(self, content):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True, **WORKBOOK_OPTIONS})
        bold = book.add_format({"bold": True})
        titles = set()
        for section, rows in content.items():
            sheet = book.add_worksheet(self._sheet_title(section, titles))
            headers = list(rows[0]) if rows else [_("No records")]
            write_cells(sheet, 0, headers, cell_format=bold)
            for r, row in enumerate(rows, start=1):
                write_cells(sheet, r, [row.get(h, "") for h in headers])
        book.close()
        return out.getvalue()

    def _sheet_title(self, model, taken):
        """The sheet of ``model``'s records: its description in the user's language, as
        a worksheet may be named (31 characters, none of ``[]:*?/\\``), once."""
        title = self.env["ir.model"].sudo()._get(model).name or model
        title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
        base, number = title, 1
        while title.lower() in taken:
            number += 1
            title = f"{base[: 31 - len(str(number)) - 3]} ({number})"
        taken.add(title.lower())
        return title
