"""The item kind helpers (issue 32), without Odoo."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_items", Path(__file__).resolve().parent.parent / "dealer_crm/tools/items.py"
)
items = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(items)


@pytest.mark.parametrize("typed", ["SN 777", "sn777", "SN-777", " sn.777 ", "SN/777", "s n-7.77"])
def test_one_engraving_typed_many_ways_is_one_serial(typed):
    assert items.normalize_serial(typed) == "SN777"


@pytest.mark.parametrize("value", [None, False, "", "   ", " - . ", 777, ["SN777"]])
def test_no_serial_left_is_false(value):
    assert items.normalize_serial(value) is False


def test_other_characters_are_kept():
    assert items.normalize_serial("ab#12_3") == "AB#12_3"
    assert items.normalize_serial("SN 777") != items.normalize_serial("SN 778")


def test_kind_of_a_catalog_model():
    assert items.kind_of_model_type("watch") == "watch"
    for vehicle_type in ("car", "bike", False, None):
        assert items.kind_of_model_type(vehicle_type) == "vehicle"
    assert all(kind in dict(items.ITEM_KINDS) for kind in items.MODEL_TYPE_KINDS.values())
