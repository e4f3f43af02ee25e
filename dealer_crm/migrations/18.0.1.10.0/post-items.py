# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.10 (issue 32): serviced items of more than one kind.

Every item registered before 1.10 is a road vehicle: it keeps its VIN, plate, odometer
log, ownership lines, visits and links, and is marked ``item_kind = 'vehicle'``. Every
company sells vehicles (``dealer_item_kinds = 'vehicle'``), so no user gets the watch
or no-vehicle group until a manager says otherwise. Every customer need added before
1.10 is a vehicle dealer's: it is marked ``item_kind = 'vehicle'``, so that a company
that sells no vehicles is not offered "Child seat" or "Courtesy car during service" (a
vehicle dealer's manager clears the kind of a need of any customer). Nothing else is
rewritten.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE dealer_vehicle SET item_kind = 'vehicle' WHERE item_kind IS NULL")
    _logger.info("%s registered items marked as vehicles", cr.rowcount)
    cr.execute(
        "UPDATE res_company SET dealer_item_kinds = 'vehicle' WHERE dealer_item_kinds IS NULL"
    )
    cr.execute("UPDATE dealer_need_tag SET item_kind = 'vehicle' WHERE item_kind IS NULL")
    _logger.info("%s customer needs marked as vehicle needs", cr.rowcount)
