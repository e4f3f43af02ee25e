# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a company that sells no vehicles reads (issue 32), in one place.

A user of ``dealer_crm.group_no_vehicles`` (no company of theirs sells vehicles) never
sees a vehicle term:

- ``VEHICLE_ONLY_MENUS``: the menu items hidden from them (``ir.ui.menu``'s
  ``_visible_menu_ids``, models/ir_ui_menu.py);
- ``NO_VEHICLE_WORDING``: the labels reworded for them, in every view's arch, every
  field's description, and the names of actions and menus (models/base.py,
  models/ir_actions_act_window.py, models/ir_ui_menu.py). Both sides are translated in
  the user's language before the replacement, so a translated screen is reworded too.

Vehicle-only nodes of shared views (VIN, plate, odometer, test drives, trade-ins,
recalls) are not reworded but removed, with ``groups="!dealer_crm.group_no_vehicles"``
on the node. A vehicle dealer's screens are left exactly as they are.
"""

import re

from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

NO_VEHICLE_GROUP = "dealer_crm.group_no_vehicles"

#: Menu items of road vehicles only, hidden from the users of a company that sells none
#: (a folder left with no visible item is hidden too).
VEHICLE_ONLY_MENUS = (
    "dealer_crm.dealer_vehicle_menu",
    "dealer_crm.dealer_vehicle_odometer_menu",
    "dealer_crm.dealer_recall_campaign_menu",
    "dealer_crm.dealer_recall_vehicle_menu",
    "dealer_crm.dealer_test_drive_menu",
)

#: Whole labels: replaced only when they are the whole text (a column, a field label).
NO_VEHICLE_LABELS = (
    (_lt("Make"), _lt("Brand")),
    (_lt("Model Make"), _lt("Brand")),
    (_lt("Model"), _lt("Reference")),
    (_lt("Models"), _lt("References")),
    (_lt("Vehicle (VIN or plate)"), _lt("Watch (serial number)")),
    (_lt("VIN, plate, owner or phone"), _lt("Serial number, owner or phone")),
    (_lt("e.g. Call back with the trade-in price"), _lt("e.g. Call back with the estimate")),
)

#: Choices of a selection that only a road vehicle has: not offered to these users.
VEHICLE_ONLY_CHOICES = (
    _lt("Recall"),
    _lt("Trade-in"),
    _lt("Test Drive"),
    _lt("Expired by mileage"),
)

#: Terms replaced wherever they stand as words, the longest first. Phrases first: the
#: help of a shared screen that names a vehicle-only part says it without it.
NO_VEHICLE_WORDING = (
    (
        _lt("the vehicle, its odometer, the work done"),
        _lt("the watch, the work done"),
    ),
    (
        _lt(", its odometer readings and its warranty"),
        _lt(" and its warranty"),
    ),
    (_lt(", the trade-in approval limit"), ""),
    (
        _lt(": a vehicle by its VIN, a watch by its serial number."),
        _lt(": a watch by its serial number."),
    ),
    (
        _lt("electric-vehicle interest, child seat, wheelchair access..."),
        _lt("case-back engraving, strap change, loan watch during service..."),
    ),
    (_lt("Courtesy Car"), _lt("Loan Watch")),
    (_lt("courtesy car"), _lt("loan watch")),
    (_lt("Vehicles Owned"), _lt("Watches Owned")),
    (_lt("Vehicle Makes"), _lt("Watch Brands")),
    (_lt("Vehicle Make"), _lt("Watch Brand")),
    (_lt("Vehicle Models"), _lt("Watch References")),
    (_lt("Vehicle Model"), _lt("Watch Reference")),
    (_lt("Vehicles"), _lt("Watches")),
    (_lt("Vehicle"), _lt("Watch")),
    (_lt("vehicles"), _lt("watches")),
    (_lt("vehicle"), _lt("watch")),
    (_lt("Cars"), _lt("Watches")),
    (_lt("Car"), _lt("Watch")),
    (_lt("cars"), _lt("watches")),
    (_lt("car"), _lt("watch")),
)

_WORD = re.compile(r"\w", re.UNICODE)


def _pattern(term):
    """A pattern for ``term`` as a word: bounded by non-word characters where the term
    starts or ends with a letter of a spaced script (not within Chinese text)."""
    start = r"(?<![\w-])" if term[:1].isascii() and _WORD.match(term[:1]) else ""
    end = r"(?![\w-])" if term[-1:].isascii() and _WORD.match(term[-1:]) else ""
    return start + re.escape(term) + end


def compile_wording(labels, terms):
    """The rewording function for ``labels`` (whole texts) and ``terms`` (words), pairs of
    plain strings already in the reader's language.

    >>> reword = compile_wording([("Make", "Brand")], [("Vehicles", "Watches")])
    >>> reword("Make"), reword("Make sure"), reword("Vehicles Owned")
    ('Brand', 'Make sure', 'Watches Owned')
    """
    whole = {source: target for source, target in labels if source}
    words = {}
    for source, target in terms:
        words.setdefault(source, target)
    ordered = sorted(words, key=len, reverse=True)
    pattern = re.compile("|".join(_pattern(term) for term in ordered)) if ordered else None

    def reword(text):
        if not text or not isinstance(text, str):
            return text
        stripped = text.strip()
        if stripped in whole:
            return text.replace(stripped, whole[stripped])
        if pattern is None:
            return text
        return pattern.sub(lambda match: words[match.group(0)], text)

    return reword
