# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The kinds of serviced item (issue 32), framework-free.

One model, ``dealer.vehicle``, holds every kind: ownership, warranty, service history,
plans by time, reminders, complaints, loyalty, the timeline and the evaluation read it
whatever the kind. What only a road vehicle has (VIN, plate, odometer, distance plans,
test drives, trade-ins, recalls) is checked against the kind. A new kind is one more
entry in ``ITEM_KINDS`` (or a ``selection_add`` from another addon) and, if it is a road
vehicle, in ``ROAD_KINDS``.
"""

ITEM_KINDS = [("vehicle", "Vehicle"), ("watch", "Watch")]

#: the kinds that are road vehicles, with a VIN, a plate and an odometer
ROAD_KINDS = ("vehicle",)


def is_road(kind):
    """Whether an item of ``kind`` has a VIN, a plate and an odometer."""
    return kind in ROAD_KINDS
