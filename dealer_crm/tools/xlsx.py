# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How every dealer XLSX file writes its cells: text is always text.

A value typed by a customer or an employee (a job title of ``=1+2``, a subject starting
``=HYPERLINK(``) must open as the text it is, never as a live formula. Every workbook
is opened with :data:`WORKBOOK_OPTIONS` and every row goes through :func:`write_cells`,
which picks the cell type from the Python type and writes any text with
``write_string``.
"""

import datetime

#: xlsxwriter.Workbook options: no guessing of formulas, links or numbers from text
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


def write_cells(sheet, row, values, date_format=None, cell_format=None, first_col=0):
    """Write ``values`` on ``row`` of the xlsxwriter ``sheet``, from ``first_col`` on.

    None and False are blank cells, booleans are booleans, int and float are numbers,
    dates and datetimes are dates (in ``date_format``), anything else is text, written
    with ``write_string`` whatever it starts with.
    """
    for col, value in enumerate(values, start=first_col):
        if value is None or value is False:
            sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, cell_format)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, cell_format)
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value, date_format or cell_format)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(
                row,
                col,
                datetime.datetime.combine(value, datetime.time()),
                date_format or cell_format,
            )
        else:
            sheet.write_string(row, col, str(value), cell_format)
