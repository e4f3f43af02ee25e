"""The one "target met" rule, without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_target", Path(__file__).resolve().parent.parent / "dealer_crm/tools/target.py"
)
_target = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_target)
status = _target.status
sign = _target.sign


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (4.5, 4.0, "higher", "met"),
        (3.9, 4.0, "higher", "missed"),
        (4.0, 4.0, "higher", "met"),
        (3.0, 5.0, "lower", "met"),
        (6.0, 5.0, "lower", "missed"),
        (5.0, 5.0, "lower", "met"),
    ],
)
def test_a_figure_is_met_on_the_right_side_of_its_target(value, target, direction, expected):
    assert status(value, target, direction) == expected


@pytest.mark.parametrize("direction", ["higher", "lower"])
@pytest.mark.parametrize("value", [None, False])
def test_a_figure_with_no_data_is_neither_met_nor_missed(value, direction):
    assert status(value, 0.0, direction) == "no_data"


def test_a_real_zero_is_a_value_not_no_data():
    assert status(0.0, 0.0, "lower") == "met"
    assert status(0, 5.0, "higher") == "missed"


def test_exactly_on_target_is_met_despite_float_noise():
    value = 0.1 + 0.2  # 0.30000000000000004
    assert status(value, 0.3, "lower") == "met"
    assert status(0.3, value, "higher") == "met"


def test_figures_are_compared_at_the_precision_they_are_recorded_with():
    assert status(89.996, 90.0, "higher") == "met"  # recorded as 90.00
    assert status(89.994, 90.0, "higher") == "missed"  # recorded as 89.99


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        status(1.0, 1.0, "up")


def test_the_target_is_shown_with_its_direction():
    assert sign("higher") == "≥"
    assert sign("lower") == "≤"
