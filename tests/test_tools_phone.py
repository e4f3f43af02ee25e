"""The phone normalisation, without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_phone", Path(__file__).resolve().parent.parent / "dealer_crm/tools/phone.py"
)
phone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(phone)


@pytest.mark.parametrize(
    "typed",
    [
        "+852 9123 4567",
        "+85291234567",
        "00852 9123 4567",
        "0085291234567",
        "(852) 9123-4567",
        "+852 (9123) 4567",
        "9123 4567",
        "9123-4567",
        "91234567",
        " 9123.4567 ",
    ],
)
def test_every_form_of_a_hong_kong_number_is_one_e164(typed):
    assert phone.normalize_phone(typed, "HK") == "+85291234567"


def test_a_number_without_country_takes_the_company_country():
    assert phone.normalize_phone("6123 4567", "HK") == "+85261234567"
    assert phone.normalize_phone("61234567", "hk") == "+85261234567"
    assert phone.normalize_phone("020 7946 0000", "GB") == "+442079460000"


def test_double_zero_is_international_whatever_the_region():
    # Hong Kong dials abroad with 001; a customer still types 00 before the country.
    assert phone.normalize_phone("0044 20 7946 0000", "HK") == "+442079460000"
    assert phone.normalize_phone("00852 9123 4567", "US") == "+85291234567"


def test_an_international_number_keeps_its_own_country():
    assert phone.normalize_phone("+1 (415) 555-2671", "HK") == "+14155552671"


def test_without_region_only_international_numbers_are_known():
    assert phone.normalize_phone("+852 9123 4567") == "+85291234567"
    assert phone.normalize_phone("9123 4567") is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        12345678,
        "",
        "   ",
        "Chan Tai Man",
        "AB 1234",
        "1M8GDM9AXKP042788",
        "12",
        "+",
        "00",
        "9" * 40,
        "9123'4567",
        "+852 9123 4567; DROP TABLE res_partner",
    ],
)
def test_what_is_no_phone_number_gives_none(value):
    assert phone.normalize_phone(value, "HK") is None
    assert phone.national_forms(value, "HK") == ()


def test_national_forms_are_the_digits_dialled_at_home():
    assert phone.national_forms("(852) 9123-4567", "HK") == ("91234567",)
    assert phone.national_forms("+44 20 7946 0000", "GB") == ("02079460000", "2079460000")


def test_national_forms_only_for_the_company_country():
    assert phone.national_forms("+44 20 7946 0000", "HK") == ()
    assert phone.national_forms("9123 4567", None) == ()
