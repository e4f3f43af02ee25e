"""Values no column can hold, found before they reach PostgreSQL. Plain functions, no Odoo.

A client (a form, an RPC call, an imported file) may send any value for a field. Odoo
turns most into the column's type, but some fail only in the database or in a
conversion, with an error that names no field (``ValueError: A string literal cannot
contain NUL``, ``integer out of range``) or they are stored and break every sum
afterwards (an amount of ``NaN`` or ``Infinity``, which PostgreSQL accepts).
:func:`value_problem` names the problem; the models say it in the user's words.
"""

import math

#: PostgreSQL's ``integer`` (int4), the column of Odoo's Integer fields
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: the largest magnitude of a decimal number (an amount, a reading): beyond it, Odoo's
#: rounding to cents overflows, and no dealer records such a figure
MAX_MAGNITUDE = 1e15

#: a text that PostgreSQL refuses: it holds the NUL character
NUL = "nul"
#: a text that is no valid Unicode: a lone surrogate (sent as ``\ud800`` in JSON)
UNICODE = "unicode"
#: not a number at all (a text, a list)
NOT_A_NUMBER = "number"
#: a number that is not finite: ``NaN``, ``Infinity``
NOT_FINITE = "finite"
#: a number beyond what the column (or its rounding) holds
OUT_OF_RANGE = "range"
#: not the id of a record (a text that is no number, a list, ``True``)
NOT_A_RECORD = "record"
#: a list or a mapping sent for a text: Odoo would store its Python form ("['XY 1']")
NOT_TEXT = "text"

TEXT_KINDS = frozenset({"char", "text", "html"})
NUMBER_KINDS = frozenset({"float", "monetary"})
REFERENCE_KINDS = frozenset({"many2one", "many2one_reference"})


def text_problem(value):
    """What keeps ``value`` (a text, or bytes that Odoo decodes as UTF-8) out of a text
    column, or ``None``."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return UNICODE
    if "\x00" in value:
        return NUL
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return UNICODE
    return None


def number_problem(value):
    """What keeps ``value`` out of a float or monetary column, or ``None``."""
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return NOT_A_NUMBER
    if not math.isfinite(number):
        return NOT_FINITE
    return None if abs(number) <= MAX_MAGNITUDE else OUT_OF_RANGE


def integer_problem(value):
    """What keeps ``value`` out of an integer column, or ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return NOT_A_NUMBER
    return None if INT_MIN <= number <= INT_MAX else OUT_OF_RANGE


def record_problem(value, kind="many2one"):
    """What keeps ``value`` out of a reference column (``many2one``,
    ``many2one_reference``: an integer id), or ``None``. Only values a client can send
    are judged; a recordset or a new id (which code passes) is Odoo's to convert."""
    if kind == "many2one_reference" and isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # Odoo reads it as an integer
    if value is True or isinstance(value, (str, bytes, float, list, dict)):
        # a many2one of "52" or 52.0: the column would take it, but Odoo reads no record
        return NOT_A_RECORD
    if isinstance(value, int):
        return None if 0 <= value <= INT_MAX else NOT_A_RECORD
    return None


def value_problem(kind, value):
    """What keeps ``value`` out of a field of type ``kind`` (Odoo's field type), or
    ``None`` when the column can hold it (or when this function does not judge the
    kind). ``False`` and ``None`` (no value) are never a problem.

    >>> value_problem("char", "Tai\\x00Man")
    'nul'
    >>> value_problem("monetary", float("nan"))
    'finite'
    >>> value_problem("integer", 2**40)
    'range'
    >>> value_problem("float", "12.5") is None
    True
    """
    if value is None or value is False:
        return None
    if kind in TEXT_KINDS:
        if isinstance(value, (list, tuple, set, dict)):
            return NOT_TEXT
        return text_problem(value) if isinstance(value, (str, bytes)) else None
    if kind in NUMBER_KINDS:
        return number_problem(value)
    if kind == "integer":
        return integer_problem(value)
    if kind in REFERENCE_KINDS:
        return record_problem(value, kind)
    return None
