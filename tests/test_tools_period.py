"""A period of whole days in the user's time zone, without Odoo."""

import importlib.util
from datetime import date, datetime
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "dealer_period", Path(__file__).resolve().parent.parent / "dealer_crm/tools/period.py"
)
_period = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_period)
period_bounds = _period.period_bounds


def test_the_period_ends_at_the_start_of_the_day_after_its_last_day():
    start, end = period_bounds(date(2026, 1, 1), date(2026, 1, 31), "UTC")
    assert start == datetime(2026, 1, 1)
    assert end == datetime(2026, 2, 1)
    assert start <= datetime(2026, 1, 31, 16, 30) < end


def test_whole_days_in_the_users_time_zone_at_a_month_end():
    # Hong Kong is UTC+8: its January 31 runs from 16:00 UTC on the 30th
    start, end = period_bounds(date(2026, 1, 1), date(2026, 1, 31), "Asia/Hong_Kong")
    assert start == datetime(2025, 12, 31, 16)
    assert end == datetime(2026, 1, 31, 16)
    # 16:30 on the 31st in Hong Kong is 08:30 UTC: in; 00:30 on February 1 is out
    assert start <= datetime(2026, 1, 31, 8, 30) < end
    assert not datetime(2026, 1, 31, 16, 30) < end


def test_a_day_that_changes_to_summer_time_and_a_leap_day():
    start, end = period_bounds(date(2028, 2, 29), date(2028, 3, 26), "Europe/London")
    assert start == datetime(2028, 2, 29)
    assert end == datetime(2028, 3, 26, 23), "the day after starts at 00:00 BST"


def test_an_unknown_time_zone_is_utc():
    assert period_bounds(date(2026, 1, 1), date(2026, 1, 1), "Nowhere/Else") == (
        datetime(2026, 1, 1),
        datetime(2026, 1, 2),
    )
