"""The VIN and plate helpers, without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_vin", Path(__file__).resolve().parent.parent / "dealer_crm/tools/vin.py"
)
vin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vin)

VALID_NA = "1M8GDM9AXKP042788"  # the textbook example: check digit X


def test_check_digit_of_a_known_vin():
    assert vin.vin_check_digit(VALID_NA) == "X"
    assert vin.vin_problem(VALID_NA) is None


def test_normalisation_upper_cases_and_strips():
    assert vin.normalize_vin(" 1m8gdm9a-xkp042788 ") == VALID_NA
    assert vin.vin_problem("1m8gdm9axkp042788") is None


@pytest.mark.parametrize("value", ["", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888"])
def test_length_is_refused(value):
    assert "17 characters" in vin.vin_problem(value)


@pytest.mark.parametrize("letter,pos", [("I", 5), ("O", 12), ("Q", 17)])
def test_forbidden_letters_named_with_position(letter, pos):
    bad = VALID_NA[: pos - 1] + letter + VALID_NA[pos:]
    problem = vin.vin_problem(bad)
    assert f"Character {pos}" in problem and repr(letter) in problem


def test_wrong_check_digit_says_which_character():
    bad = VALID_NA[:8] + "5" + VALID_NA[9:]
    problem = vin.vin_problem(bad)
    assert "Character 9" in problem and "'X'" in problem


def test_check_digit_not_required_outside_north_america():
    # A European VIN (W = Germany) whose 9th character is no check digit.
    assert vin.vin_problem("WVWZZZ1KZAW000001") is None
    assert not vin.vin_check_applies("WVWZZZ1KZAW000001")


def test_symbols_refused():
    assert "cannot contain" in vin.vin_problem("WVWZZZ1KZAW00000*")


@pytest.mark.parametrize(
    "raw,normal", [("ab-123", "AB123"), ("Ab 123", "AB123"), ("AB.12·3", "AB123"), ("", "")]
)
def test_plate_normalisation(raw, normal):
    assert vin.normalize_plate(raw) == normal
