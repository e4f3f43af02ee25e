"""Next service projection, without Odoo."""

import importlib.util
from datetime import date
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "dealer_service_due", Path(__file__).resolve().parent.parent / "dealer_crm/tools/service_due.py"
)
due = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(due)

BASE = date(2025, 1, 1)


def test_months_alone_without_readings():
    assert due.next_service(BASE, 10000, 12, 15000, []) == (date(2026, 1, 1), 25000)


def test_months_alone_when_plan_has_no_distance():
    readings = [(date(2025, 1, 1), 10000), (date(2025, 3, 1), 30000)]
    assert due.next_service(BASE, 10000, 6, 0, readings) == (date(2025, 7, 1), None)


def test_distance_projected_from_readings_comes_first():
    # 100 km a day: 15,000 km after the service is reached 150 days after it
    readings = [(date(2025, 1, 1), 10000), (date(2025, 3, 2), 16000)]
    assert due.daily_distance(readings) == 100
    due_date, due_odo = due.next_service(BASE, 10000, 12, 15000, readings)
    assert due_odo == 25000
    assert due_date == date(2025, 5, 31)


def test_months_come_first_for_a_low_mileage_car():
    readings = [(date(2025, 1, 1), 10000), (date(2025, 7, 1), 10500)]
    assert due.next_service(BASE, 10000, 12, 15000, readings)[0] == date(2026, 1, 1)


def test_distance_alone():
    readings = [(date(2025, 1, 1), 10000), (date(2025, 2, 10), 14000)]
    due_date, due_odo = due.next_service(BASE, 10000, 0, 10000, readings)
    assert due_odo == 20000 and due_date == date(2025, 4, 11)  # 6,000 km left at 100 km a day


def test_too_few_or_too_close_readings_give_no_rate():
    assert due.daily_distance([(BASE, 1)]) is None
    assert due.daily_distance([(BASE, 1), (date(2025, 1, 10), 900)]) is None
    assert due.daily_distance([(BASE, 900), (date(2025, 6, 10), 100)]) is None


def test_no_plan_no_due_date():
    assert due.next_service(BASE, 0, 0, 0, []) == (None, None)
    assert due.next_service(None, 0, 12, 0, []) == (None, None)
