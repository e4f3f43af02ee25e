"""Hostile input for the plain functions, without Odoo (issue 27): property-based tests.

Whatever a client sends (any text, any number, any date), the VIN, plate, phone, value
and due-date functions answer (a problem in words, ``None``, a date) and never raise.
Runs are bounded and derandomised: the suite is reproducible and takes seconds.
"""

import importlib.util
import math
import string
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOOLS = Path(__file__).resolve().parent.parent / "dealer_crm/tools"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"dealer_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vin = _load("vin")
phone = _load("phone")
due = _load("service_due")
values = _load("values")

PROPERTIES = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    # the same examples on every run: none replayed from an example database
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: anything a JSON or XML-RPC client can send as one value
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.binary(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
VIN_CHARS = sorted(vin.VIN_ALPHABET)
#: text as typed: letters, digits, spaces, punctuation and any other character
TYPED = st.text(alphabet=st.one_of(st.sampled_from(string.printable), st.characters()), max_size=40)


# VINs ------------------------------------------------------------------------
@PROPERTIES
@given(ANY_VALUE)
def test_vin_problem_answers_any_value(value):
    problem = vin.vin_problem(value)
    assert problem is None or (isinstance(problem, str) and problem)


@PROPERTIES
@given(TYPED)
def test_a_vin_without_problem_is_seventeen_allowed_characters(typed):
    if vin.vin_problem(typed) is None:
        normal = vin.normalize_vin(typed)
        assert len(normal) == vin.VIN_LENGTH and set(normal) <= vin.VIN_ALPHABET
        assert not vin.vin_check_applies(normal) or normal[8] == vin.vin_check_digit(normal)


@PROPERTIES
@given(st.lists(st.sampled_from(VIN_CHARS), min_size=17, max_size=17))
def test_every_vin_with_its_check_digit_is_valid_however_typed(chars):
    chars[8] = vin.vin_check_digit("".join(chars[:8] + ["0"] + chars[9:]))
    valid = "".join(chars)
    assert vin.vin_problem(valid) is None
    typed = f" {valid[:5].lower()}-{valid[5:11]} {valid[11:]} "
    assert vin.normalize_vin(typed) == valid
    assert vin.vin_problem(typed) is None


@PROPERTIES
@given(st.lists(st.sampled_from(VIN_CHARS), min_size=17, max_size=17), st.data())
def test_a_wrong_character_is_named_with_its_position(chars, data):
    position = data.draw(st.integers(1, 17))
    char = data.draw(st.sampled_from("IOQ*#é_"))
    chars[position - 1] = char
    problem = vin.vin_problem("".join(chars))
    assert f"Character {position}" in problem


@PROPERTIES
@given(TYPED)
def test_normalize_vin_is_idempotent(typed):
    once = vin.normalize_vin(typed)
    assert vin.normalize_vin(once) == once


# Plates ------------------------------------------------------------------------
@PROPERTIES
@given(ANY_VALUE)
def test_normalize_plate_answers_any_value(value):
    vin.normalize_plate(value)


@PROPERTIES
@given(TYPED)
def test_a_normalised_plate_has_no_separator_and_is_stable(typed):
    plate = vin.normalize_plate(typed)
    assert not any(sep in plate for sep in " -.·\t\n")
    assert vin.normalize_plate(plate) == plate
    assert vin.normalize_plate(typed.lower()) == vin.normalize_plate(typed.upper()) or (
        # a letter whose case pairs are not one to one (ß, ǅ) may differ
        typed.lower().upper() != typed.upper()
    )


# Phone numbers -----------------------------------------------------------------
REGIONS = st.sampled_from([None, "", "HK", "US", "GB", "FR", "zz", "hk"])


@PROPERTIES
@given(st.one_of(ANY_VALUE, TYPED), REGIONS)
def test_phone_functions_answer_any_value(value, region):
    e164 = phone.normalize_phone(value, region)
    assert e164 is None or (e164.startswith("+") and e164[1:].isdigit())
    phone.national_forms(value, region)
    phone.number_region(value, region)
    phone.phone_digits(value)


@PROPERTIES
@given(st.from_regex(r"\+?[0-9 ().\-/]{0,25}", fullmatch=True), REGIONS)
def test_e164_is_a_fixed_point(typed, region):
    e164 = phone.normalize_phone(typed, region)
    if e164:
        assert phone.normalize_phone(e164, region) == e164
        # the same number typed with 00 in place of +
        assert phone.normalize_phone("00" + e164[1:], region) == e164


# Values for a column -----------------------------------------------------------
@PROPERTIES
@given(st.sampled_from(["char", "text", "html", "float", "monetary", "integer", "date"]), ANY_VALUE)
def test_value_problem_answers_any_value(kind, value):
    problem = values.value_problem(kind, value)
    assert problem is None or problem in {
        values.NUL,
        values.UNICODE,
        values.NOT_A_NUMBER,
        values.NOT_FINITE,
        values.OUT_OF_RANGE,
        values.NOT_TEXT,
    }


@PROPERTIES
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_only_finite_amounts_within_bounds_pass(amount):
    problem = values.value_problem("monetary", amount)
    assert (problem is None) == (math.isfinite(amount) and abs(amount) <= values.MAX_MAGNITUDE)


@PROPERTIES
@given(st.integers())
def test_whole_numbers_pass_within_the_column(number):
    problem = values.value_problem("integer", number)
    assert (problem is None) == (values.INT_MIN <= number <= values.INT_MAX)


@PROPERTIES
@given(st.text())
def test_a_text_passes_unless_it_holds_nul(text):
    problem = values.value_problem("char", text)
    assert (problem == values.NUL) == ("\x00" in text)


def test_value_problems_named():
    assert values.value_problem("char", "Tai\x00Man") == values.NUL
    assert values.value_problem("text", "\ud800") == values.UNICODE
    assert values.value_problem("float", "twelve") == values.NOT_A_NUMBER
    assert values.value_problem("float", "nan") == values.NOT_FINITE
    assert values.value_problem("integer", 2**31) == values.OUT_OF_RANGE
    assert values.value_problem("integer", float("inf")) == values.NOT_FINITE
    assert values.value_problem("float", " 12.5 ") is None
    assert values.value_problem("monetary", 1.8e306) == values.OUT_OF_RANGE
    # a reference is an id (review of issue 27): a text, a list, True name no record
    assert values.value_problem("many2one", "anything") == values.NOT_A_RECORD
    assert values.value_problem("many2one", [1]) == values.NOT_A_RECORD
    assert values.value_problem("many2one", 2**31) == values.NOT_A_RECORD
    assert values.value_problem("many2one", 52) is None
    assert values.value_problem("many2one_reference", "52") is None
    assert values.value_problem("selection", "anything") is None


# Due dates -----------------------------------------------------------------------
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
ODOMETER = st.floats(min_value=0, max_value=1e12, allow_nan=False)
READINGS = st.lists(st.tuples(DATES, ODOMETER), max_size=6)


@PROPERTIES
@given(
    st.one_of(st.none(), DATES),
    st.one_of(st.just(0), ODOMETER),
    st.integers(min_value=0, max_value=10**6),
    st.one_of(st.just(0), st.floats(min_value=0, max_value=1e308, allow_nan=False)),
    READINGS,
)
def test_next_service_answers_any_history(base, base_odo, months, distance, readings):
    """Any last service, plan and readings give a date or none, never an error (a car
    that barely moves, a plan of a million months, a service dated in year 9999)."""
    due_date, due_odo = due.next_service(base, base_odo, months, distance, readings)
    assert due_date is None or isinstance(due_date, date)
    assert due_odo is None or math.isfinite(due_odo)
    if due_date and months:
        # never later than the months say, when the months give a date
        try:
            by_months = base + timedelta(days=31 * months)
        except OverflowError:
            by_months = date.max
        assert due_date <= by_months


@PROPERTIES
@given(DATES, st.floats(min_value=1e-9, max_value=1e-3), st.integers(30, 3000))
def test_a_car_that_barely_moves_is_due_by_months_or_not_at_all(start, rise, span):
    end = min(start + timedelta(days=span), date.max) if start < date(9990, 1, 1) else date.max
    readings = [(start, 10.0), (end, 10.0 + rise)]
    due_date, due_odo = due.next_service(start, 10.0, 0, 15000, readings)
    assert due_odo == 15010.0
    assert due_date is None or due_date <= date.max
