"""The distance helpers, without Odoo: kilometres and miles."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_distance", Path(__file__).resolve().parent.parent / "dealer_crm/tools/distance.py"
)
distance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(distance)


def test_fifteen_thousand_km_in_miles():
    assert distance.convert_distance(15000, "kilometers", "miles") == pytest.approx(
        9320.57, abs=0.01
    )


def test_a_mile_in_km_and_back():
    assert distance.convert_distance(1, "miles", "kilometers") == 1.609344
    assert distance.convert_distance(
        distance.convert_distance(12345.6, "miles", "kilometers"), "kilometers", "miles"
    ) == pytest.approx(12345.6)


def test_same_unit_none_and_zero():
    assert distance.convert_distance(15000, "miles", "miles") == 15000
    assert distance.convert_distance(None, "miles", "kilometers") is None
    assert distance.convert_distance(0, "kilometers", "miles") == 0
    # a missing unit is km
    assert distance.convert_distance(100, False, "kilometers") == 100


def test_unknown_unit_refused():
    with pytest.raises(ValueError):
        distance.convert_distance(1, "leagues", "kilometers")
