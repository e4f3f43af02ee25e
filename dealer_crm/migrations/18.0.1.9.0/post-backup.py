# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31): the dealer's database gets the scheduled backup dealer_crm ships.

A new install makes it from ``data/db_backup_data.xml``; that record is ``noupdate`` and
not re-made by an upgrade (a dealer who deletes it keeps it deleted), so an existing
database gets it here, once, from the same file, with auto_backup's daily job on. A
database that already has backup schedules keeps its own and gets none of ours.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    if env.ref("dealer_crm.db_backup_scheduled", raise_if_not_found=False):
        return
    if env["db.backup"].search_count([]):
        _logger.info("backup schedules exist already: dealer_crm adds none of its own")
        return
    convert_file(env, "dealer_crm", "data/db_backup_data.xml", {}, mode="init", noupdate=True)
    cron = env.ref("auto_backup.ir_cron_backup_scheduler_0", raise_if_not_found=False)
    if cron:
        cron.active = True
