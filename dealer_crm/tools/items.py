# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The kinds of serviced item (issue 32), framework-free.

One model, ``dealer.vehicle``, holds every kind: ownership, warranty, service history,
plans by time, reminders, complaints, loyalty, the timeline and the evaluation read it
whatever the kind. What only a road vehicle has (VIN, plate, odometer, distance plans,
test drives, trade-ins, recalls) is checked against the kind. A new kind is one more
entry in ``ITEM_KINDS`` (or a ``selection_add`` from another addon) and, if it is a road
vehicle, in ``ROAD_KINDS``.
"""

import re

ITEM_KINDS = [("vehicle", "Vehicle"), ("watch", "Watch")]

#: the kinds that are road vehicles, with a VIN, a plate and an odometer
ROAD_KINDS = ("vehicle",)


def is_road(kind):
    """Whether an item of ``kind`` has a VIN, a plate and an odometer."""
    return kind in ROAD_KINDS


#: the catalog types (``fleet.vehicle.model.vehicle_type``) of the kinds that are no road
#: vehicle; every other type (car, bike...) is a vehicle's model
MODEL_TYPE_KINDS = {"watch": "watch"}


def kind_of_model_type(vehicle_type):
    """The item kind whose catalog models have the type ``vehicle_type``: a watch
    reference registers watches, a car or bike model vehicles."""
    return MODEL_TYPE_KINDS.get(vehicle_type, "vehicle")


def normalize_serial(serial):
    """A serial number as compared and searched: upper-case, without spaces, dashes,
    dots or slashes. "SN 777", "sn777" and "SN-777" are one engraving.

    Anything that is not text, or text with nothing left, gives ``False``."""
    if not isinstance(serial, str):
        return False
    return re.sub(r"[\s\-\.·/]", "", serial).upper() or False
