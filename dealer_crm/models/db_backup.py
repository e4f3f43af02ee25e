# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import api, fields, models


class DbBackup(models.Model):
    """OCA auto_backup's backup schedules, which dealer_crm ships one of (issue 31).

    Dealer managers read the schedules and run them (Dealer CRM > Configuration >
    Backups); changing them stays with the Settings administrators, as OCA has it.
    """

    _inherit = "db.backup"
    # a backup run posts its outcome on the schedule: whoever may read a schedule may
    # run it, and the chatter says who did
    _mail_post_access = "read"

    # OCA lets whoever reads a schedule read its SFTP password; dealer_crm lets dealer
    # managers read schedules, so the password stays with OCA's readers only
    sftp_password = fields.Char(groups="base.group_erp_manager")

    @api.model
    def _dealer_scheduled_folder(self):
        """The folder of the dealer's scheduled backups: ``scheduled`` in the one
        auto_backup proposes, ``<data_dir>/backups/<database>``, so that another
        schedule made with auto_backup's default folder keeps its own files (the
        schedules' cleanups would otherwise delete each other's backups)."""
        return os.path.join(self._default_folder(), "scheduled")
