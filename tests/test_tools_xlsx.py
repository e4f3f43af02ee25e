"""The XLSX cell writer, without Odoo: text is always written as text."""

import datetime
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "dealer_xlsx", Path(__file__).resolve().parent.parent / "dealer_crm/tools/xlsx.py"
)
xlsx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(xlsx)


class Sheet:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))


def test_formulas_and_odd_text_are_strings():
    sheet = Sheet()
    xlsx.write_cells(sheet, 3, ["=1+2", "=HYPERLINK(1)", "@x", "-1", "+1"])
    assert [c[0] for c in sheet.calls] == ["write_string"] * 5
    assert sheet.calls[0] == ("write_string", 3, 0, "=1+2", None)


def test_types_pick_the_cell():
    sheet = Sheet()
    day = datetime.date(2024, 2, 29)
    xlsx.write_cells(sheet, 1, [None, False, True, 2, 2.5, day, "x"], date_format="D")
    assert [c[0] for c in sheet.calls] == [
        "write_blank",
        "write_blank",
        "write_boolean",
        "write_number",
        "write_number",
        "write_datetime",
        "write_string",
    ]
    assert sheet.calls[5] == ("write_datetime", 1, 5, datetime.datetime(2024, 2, 29), "D")


def test_workbook_never_guesses_formulas():
    assert xlsx.WORKBOOK_OPTIONS["strings_to_formulas"] is False
