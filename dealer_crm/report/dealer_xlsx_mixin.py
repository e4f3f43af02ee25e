# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import fields, models

CHUNK = 1000


class DealerXlsxMixin(models.AbstractModel):
    """What every dealer XLSX export shares.

    - Text is text: a customer named ``=HYPERLINK(...)`` (or anything beginning with ``=``,
      ``+``, ``-`` or ``@``) is written as a string, never as a formula
      (``strings_to_formulas`` off, and strings always go through ``write_string``).
    - Constant memory: xlsxwriter flushes each row to disk as it goes, and the records
      are read in chunks whose cache is dropped once written.
    - The records are those the user may read: the export runs as the user, so record
      rules and companies apply.
    """

    _name = "report.dealer_crm.xlsx_mixin"
    _inherit = "report.report_xlsx.abstract"
    _description = "Dealer XLSX Export"

    def get_workbook_options(self):
        return {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        }

    def _dealer_sheet(self, workbook, name, headers):
        sheet = workbook.add_worksheet(name)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        sheet.set_column(0, len(headers) - 1, 18)
        sheet.freeze_panes(1, 0)
        return sheet

    def _dealer_write_row(self, workbook, sheet, row, values):
        date_format = getattr(workbook, "_dealer_date_format", None)
        if date_format is None:
            date_format = workbook._dealer_date_format = workbook.add_format(
                {"num_format": "yyyy-mm-dd"}
            )
        for col, value in enumerate(values):
            if value is None or value is False:
                sheet.write_blank(row, col, None)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row, col, fields.Datetime.to_datetime(value), date_format)
            else:
                sheet.write_string(row, col, str(value))

    def _dealer_chunks(self, records):
        """``records`` a chunk at a time, dropping each chunk's cache once used."""
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            yield chunk
            chunk.invalidate_recordset()
