# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Distances in kilometres and miles: plain functions, no Odoo.

A vehicle reads its odometer in its own unit; a maintenance plan or a model's warranty
holds its distance in the unit it was written in. Every comparison between the two goes
through :func:`convert_distance`, so a plan of 15,000 km is 9,320.57 mi on a vehicle
that reads miles.
"""

#: the units, as the ``odometer_unit`` selection of a vehicle spells them
KILOMETERS = "kilometers"
MILES = "miles"
UNITS = [(KILOMETERS, "km"), (MILES, "mi")]
#: kilometres in a mile (international mile, exact)
KM_PER_MILE = 1.609344


def convert_distance(value, from_unit, to_unit):
    """``value`` in ``from_unit``, expressed in ``to_unit`` (unrounded).

    A missing unit is kilometres. A missing value (None) stays None; 0 stays 0.
    """
    if value is None:
        return None
    from_unit = from_unit or KILOMETERS
    to_unit = to_unit or KILOMETERS
    if from_unit not in (KILOMETERS, MILES) or to_unit not in (KILOMETERS, MILES):
        raise ValueError(f"unknown distance unit: {from_unit!r} or {to_unit!r}")
    if from_unit == to_unit:
        return value
    return value * KM_PER_MILE if from_unit == MILES else value / KM_PER_MILE
