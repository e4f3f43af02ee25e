# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.10 (issue 32), before the models load: the normalised serial number's column.

Every item registered before 1.10 is a vehicle without a serial number, so its
normalised serial is empty. Made here, the column is not computed again by the ORM for
every item, which would stamp each vehicle as written by the upgrade.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE dealer_vehicle ADD COLUMN IF NOT EXISTS serial_normalized varchar")
