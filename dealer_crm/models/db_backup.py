# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import api, fields, models
from odoo.tools import config


class DbBackup(models.Model):
    """OCA auto_backup's backup schedules, which dealer_crm ships one of (issue 31).

    Dealer managers read the schedules and run them (Dealer CRM > Configuration >
    Backups); changing them stays with the Settings administrators, as OCA has it.
    """

    _inherit = "db.backup"
    # a backup run posts its outcome on the schedule: whoever may read a schedule may
    # run it, and the chatter says who did (the run posts as superuser, see
    # message_post: the managers who run backups cannot post in the history by hand)
    _mail_post_access = "read"
    #: run by whoever may read a schedule; a run in a copied database first re-points
    #: the schedule to the copy's own folder (``_dealer_follow_database``), as superuser
    _dealer_read_actions = frozenset({"action_backup", "cleanup"})

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

    def _dealer_follow_database(self):
        """Point the local schedules whose folder is another database's default one
        (``<data_dir>/backups/<other database>``, or its ``scheduled`` folder) at this
        database's, and say so in their chatter.

        A copied or restored database keeps its original's schedules: run as they are,
        they would write the copy's backups into the original's folder and clean it."""
        root = os.path.normpath(os.path.join(config["data_dir"], "backups"))
        dbname = self.env.cr.dbname
        # (a loop rather than ``filtered``, which auto_backup's tests replace by a mock)
        for schedule in self.sudo():
            if schedule.method != "local" or not schedule.folder:
                continue
            parts = os.path.relpath(os.path.normpath(schedule.folder), root).split(os.sep)
            if (
                parts[0] in (os.curdir, os.pardir, dbname)
                or len(parts) > 2
                or parts[1:] not in ([], ["scheduled"])
            ):
                continue
            old = schedule.folder
            schedule.folder = os.path.join(root, dbname, *parts[1:])
            schedule.message_post(
                body=self.env._(
                    "This database (%(database)s) is a copy of %(original)s: its backups "
                    "go to %(folder)s, no longer into %(old)s, the original's folder.",
                    database=dbname,
                    original=parts[0],
                    folder=schedule.folder,
                    old=old,
                )
            )

    def action_backup(self):
        """Run the backups, each into this database's own folder (see
        ``_dealer_follow_database``); those who may read a schedule may run it."""
        self.check_access("read")
        self._dealer_follow_database()
        return super(DbBackup, self.sudo()).action_backup()

    def cleanup(self):
        """Clean this database's own folders (see ``_dealer_follow_database``)."""
        self.check_access("read")
        self._dealer_follow_database()
        return super(DbBackup, self.sudo()).cleanup()

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """The history of a schedule is its runs': those who may only read and run it
        (dealer managers) do not post in it by hand; the runs post as superuser."""
        if not self.env.su:
            self.check_access("write")
        return super().message_post(**kwargs)
