# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..tools.xlsx import WORKBOOK_OPTIONS, write_cells

CHUNK = 1000


class DealerXlsxMixin(models.AbstractModel):
    """What every dealer XLSX export shares.

    - Text is text: a customer named ``=HYPERLINK(...)`` (or anything beginning with ``=``,
      ``+``, ``-`` or ``@``) is written as a string, never as a formula
      (``tools/xlsx.py``: ``strings_to_formulas`` off, and strings always go through
      ``write_string``; the personal-data access export writes with the same helper).
    - Constant memory: xlsxwriter flushes each row to disk as it goes, and the records
      are read in chunks whose cache is dropped once written.
    - The records are those the user may read: the export runs as the user, so record
      rules and companies apply.
    """

    _name = "report.dealer_crm.xlsx_mixin"
    _inherit = "report.report_xlsx.abstract"
    _description = "Dealer XLSX Export"

    def get_workbook_options(self):
        return {"constant_memory": True, **WORKBOOK_OPTIONS}

    def _dealer_sheet(self, workbook, name, headers):
        sheet = workbook.add_worksheet(name)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        write_cells(sheet, 0, headers, cell_format=bold)
        sheet.set_column(0, len(headers) - 1, 18)
        sheet.freeze_panes(1, 0)
        return sheet

    def _dealer_write_row(self, workbook, sheet, row, values):
        date_format = getattr(workbook, "_dealer_date_format", None)
        if date_format is None:
            date_format = workbook._dealer_date_format = workbook.add_format(
                {"num_format": "yyyy-mm-dd"}
            )
        write_cells(sheet, row, values, date_format=date_format)

    def _dealer_chunks(self, records):
        """``records`` a chunk at a time, dropping each chunk's cache once used."""
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            yield chunk
            chunk.invalidate_recordset()
