"""A period of whole days in a time zone, as the UTC instants a datetime is compared with.
Plain functions, no Odoo."""

from datetime import datetime, time, timedelta

import pytz


def period_bounds(date_from, date_to, tz_name=None):
    """``(start, end)``: naive UTC datetimes of the first instant of ``date_from`` and of
    the day after ``date_to``, in the time zone ``tz_name`` (UTC when empty or unknown).

    A datetime belongs to the period when ``start <= value < end``: the whole of the last
    day is in it, and nothing of the day after. Comparing with ``date_to`` at 00:00 would
    drop the last day.
    """
    try:
        tz = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc

    def first_instant(day):
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return first_instant(date_from), first_instant(date_to + timedelta(days=1))
