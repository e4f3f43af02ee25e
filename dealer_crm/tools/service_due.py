"""When is a vehicle next due for service? Plain functions, no Odoo."""

import math
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

#: Fewer readings than this, or spanning fewer days, do not give a usable daily rate.
MIN_READINGS = 2
MIN_SPAN_DAYS = 30


def daily_distance(readings):
    """Average distance a day over ``readings`` [(date, value)], or None if too few.

    Uses the first and last reading after the last meter replacement would be ideal;
    here the caller passes readings of the current meter only.
    """
    readings = sorted(readings)
    if len(readings) < MIN_READINGS:
        return None
    (first_date, first_value), (last_date, last_value) = readings[0], readings[-1]
    span = (last_date - first_date).days
    if span < MIN_SPAN_DAYS or last_value <= first_value:
        return None
    return (last_value - first_value) / span


def _add_months(day, months):
    """``day`` plus ``months``, or ``None`` after the calendar's end (a last service
    dated near year 9999, a plan of a million months)."""
    try:
        return day + relativedelta(months=months)
    except (ValueError, OverflowError):
        return None


def next_service(base_date, base_odometer, months, distance, readings):
    """Project the next service: ``(due_date, due_odometer)``.

    ``base_date``/``base_odometer``: the last service (or the purchase) it counts from.
    ``months``/``distance``: the maintenance plan's intervals (0 when not used).
    ``readings``: the vehicle's odometer readings [(date, value)].
    The vehicle is due at whichever comes first: the date by months, or the date the
    distance is projected to be reached at its own average daily distance. With too
    few readings, the months alone give the date.
    """
    if not base_date or not (months or distance):
        return None, None
    due_by_months = _add_months(base_date, months) if months else None
    due_odometer = (base_odometer or 0) + distance if distance else None
    if due_odometer is not None and not math.isfinite(due_odometer):
        # a distance beyond what a number holds is no distance to look out for
        due_odometer = None
    due_by_distance = None
    if due_odometer is not None:
        rate = daily_distance(readings)
        if rate:
            last_date, last_value = max(readings)
            days = (due_odometer - last_value) / rate
            # a vehicle that barely moves reaches the distance after the calendar ends:
            # the distance then gives no date, and the months alone do
            if days < (date.max - last_date).days:
                due_by_distance = last_date + timedelta(days=max(days, 0))
    dates = [d for d in (due_by_months, due_by_distance) if d]
    return (min(dates) if dates else None), due_odometer
