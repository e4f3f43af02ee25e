# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dealer's scheduled backup (issue 31): OCA auto_backup's ``db.backup``, one schedule
shipped by dealer_crm, read and run by managers, never by the other departments."""

import importlib.util
import json
import os
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import freeze_time, tagged
from odoo.tools import config, mute_logger

from .common import DealerCrmCase

#: the 1.9 migration, loaded under this name
MIGRATION = "dealer_crm_post_backup_1_9"
DUMP_DB = "odoo.addons.auto_backup.models.db_backup.db.dump_db"
#: the clock of the cleanup tests: a backup ran at 03:00 and its cleanup a few seconds on
NOW = datetime(2026, 3, 10, 3, 0, 5)


def _fake_dump(db_name, stream, backup_format="zip"):
    """A backup without pg_dump, for the tests about who may run one."""
    stream.write(b"not a real backup")


@tagged("post_install", "-at_install")
class TestBackupSchedule(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schedule = cls.env.ref("dealer_crm.db_backup_scheduled")
        cls.cron = cls.env.ref("auto_backup.ir_cron_backup_scheduler_0")

    def _in_temp_folder(self):
        """The shipped schedule, writing to a folder of this test's own."""
        folder = tempfile.mkdtemp(prefix="dealer_backup_")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.schedule.folder = folder
        return folder

    # What dealer_crm ships ---------------------------------------------------------
    def test_the_shipped_schedule_backs_up_database_and_filestore_daily_for_14_days(self):
        schedule = self.schedule
        self.assertEqual(schedule.method, "local")
        self.assertEqual(schedule.backup_format, "zip", "zip: the filestore is in the backup")
        self.assertEqual(schedule.days_to_keep, 14)
        dbname = self.env.cr.dbname
        # (in a copy of the database that made it, it follows this one at its first run)
        schedule._dealer_follow_database()
        self.assertEqual(
            schedule.folder, os.path.join(config["data_dir"], "backups", dbname, "scheduled")
        )
        self.assertFalse(schedule.folder.startswith(config.filestore(dbname)))
        data = self.env["ir.model.data"].search(
            [("module", "=", "dealer_crm"), ("name", "=", "db_backup_scheduled")]
        )
        self.assertTrue(data.noupdate, "the dealer's changes to the schedule are kept")
        # auto_backup's job runs every schedule, every day
        self.assertTrue(self.cron.active)
        self.assertEqual((self.cron.interval_number, self.cron.interval_type), (1, "days"))
        self.assertEqual(self.cron.model_id.model, "db.backup")
        self.assertIn("action_backup_all()", self.cron.code)

    def test_a_backup_is_one_zip_of_the_database_and_its_filestore(self):
        folder = self._in_temp_folder()
        attachment = self.env["ir.attachment"].search(
            [("store_fname", "!=", False)], order="id", limit=1
        )
        self.assertTrue(attachment, "the database has files in its filestore")
        self.schedule.action_backup()
        backups = sorted(Path(folder).glob("*.dump.zip"))
        self.assertEqual(len(backups), 1, "one backup, named by its time")
        with zipfile.ZipFile(backups[0]) as backup:
            names = set(backup.namelist())
            self.assertIn("dump.sql", names)
            self.assertIn(f"filestore/{attachment.store_fname}", names)
            manifest = json.loads(backup.read("manifest.json"))
            with backup.open("dump.sql") as dump:
                head = dump.read(4096)
        self.assertEqual(manifest["db_name"], self.env.cr.dbname)
        self.assertIn("dealer_crm", manifest["modules"])
        self.assertIn(b"PostgreSQL database dump", head)
        self.assertIn("Database backup succeeded.", self.schedule.message_ids.mapped("body")[0])

    def test_the_daily_job_runs_the_shipped_schedule(self):
        folder = self._in_temp_folder()
        with patch(DUMP_DB, side_effect=_fake_dump) as dump:
            self.cron.method_direct_trigger()
        dump.assert_called_once()
        self.assertEqual(dump.call_args.kwargs, {"backup_format": "zip"})
        self.assertEqual(len(list(Path(folder).glob("*.dump.zip"))), 1)

    # Retention -----------------------------------------------------------------------
    def _backup_files(self, folder, *ages):
        """Backup files named as auto_backup names them, ``ages`` (timedeltas) ago, each
        file's own date (mtime) set to now: auto_backup keeps or removes by the name."""
        names = []
        for age in ages:
            name = self.schedule.filename(NOW.replace(second=0) - age, ext="zip")
            path = Path(folder, name)
            path.write_bytes(b"backup")
            os.utime(path, (NOW.timestamp(), NOW.timestamp()))
            names.append(name)
        return names

    @freeze_time(NOW)
    def test_cleanup_keeps_the_backups_of_the_last_14_days(self):
        folder = self._in_temp_folder()
        daily = self._backup_files(folder, *(timedelta(days=d) for d in range(20)))
        # another format and another name are none of this schedule's backups
        Path(folder, self.schedule.filename(NOW - timedelta(days=30), ext="dump")).write_bytes(b"")
        Path(folder, "before-upgrade.dump.zip").write_bytes(b"")
        self.schedule.cleanup()
        kept = sorted(p.name for p in Path(folder).iterdir())
        self.assertEqual(
            [name for name in kept if name[0].isdigit() and name.endswith(".dump.zip")],
            sorted(daily[:14]),
            "today's backup and those of the 13 days before",
        )
        self.assertIn("before-upgrade.dump.zip", kept)
        self.assertEqual(len(kept), 16)

    @freeze_time(NOW)
    def test_cleanup_goes_by_the_time_in_the_name_not_the_file_date(self):
        folder = self._in_temp_folder()
        old, new = self._backup_files(folder, timedelta(days=15), timedelta(days=13))
        # the old backup's file dated today (copied back, say), the new one's long ago
        os.utime(Path(folder, new), (0, 0))
        self.assertGreater(Path(folder, old).stat().st_mtime, Path(folder, new).stat().st_mtime)
        self.schedule.cleanup()
        self.assertEqual(sorted(p.name for p in Path(folder).iterdir()), [new])

    @freeze_time(NOW)
    def test_no_retention_keeps_every_backup(self):
        folder = self._in_temp_folder()
        names = self._backup_files(folder, timedelta(days=400), timedelta(days=1))
        self.schedule.days_to_keep = 0
        self.schedule.cleanup()
        self.assertEqual(sorted(p.name for p in Path(folder).iterdir()), sorted(names))

    # Who -------------------------------------------------------------------------------
    def test_sales_and_service_neither_see_nor_run_backups(self):
        menu = self.env.ref("dealer_crm.db_backup_menu")
        for user in (self.user_sales, self.user_service, self.user_relations):
            with self.subTest(user=user.login):
                schedule = self.schedule.with_user(user)
                with self.assertRaises(AccessError):
                    schedule.read(["folder"])
                with self.assertRaises(AccessError):
                    schedule.read(["sftp_password"])
                with patch(DUMP_DB, side_effect=_fake_dump) as dump, self.assertRaises(AccessError):
                    schedule.action_backup()
                dump.assert_not_called()
                with self.assertRaises(AccessError):
                    self.env["db.backup"].with_user(user).action_backup_all()
                visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                self.assertNotIn(menu.id, visible)

    def test_a_manager_reads_and_runs_the_schedule_but_neither_changes_it_nor_reads_passwords(
        self,
    ):
        folder = self._in_temp_folder()
        self.schedule.write({"sftp_user": "dealer", "sftp_password": "s3cret"})
        manager = self.user_manager
        menu = self.env.ref("dealer_crm.db_backup_menu")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids())
        schedule = self.schedule.with_user(manager)
        self.assertEqual(schedule.read(["days_to_keep"])[0]["days_to_keep"], 14)
        with self.assertRaises(AccessError):
            schedule.read(["sftp_password"])
        views = schedule.get_views([(False, "list"), (False, "form")])
        form = views["views"]["form"]["arch"]
        self.assertIn('name="days_to_keep"', form)
        self.assertNotIn("sftp_password", form)
        # the screens open: the list, and the form with every field it shows
        fields = views["models"]["db.backup"]["fields"]
        self.assertNotIn("sftp_password", fields)
        rows = schedule.web_search_read([], {"name": {}, "folder": {}, "days_to_keep": {}})
        self.assertIn(self.schedule.id, [row["id"] for row in rows["records"]])
        self.assertEqual(schedule.web_read({name: {} for name in fields})[0]["days_to_keep"], 14)
        with self.assertRaises(AccessError):
            schedule.write({"days_to_keep": 1000})
        with self.assertRaises(AccessError):
            schedule.write({"folder": "/tmp"})
        with self.assertRaises(AccessError):
            self.env["db.backup"].with_user(manager).create({"folder": "/tmp"})
        with patch(DUMP_DB, side_effect=_fake_dump):
            schedule.action_backup()
        self.assertEqual(len(list(Path(folder).glob("*.dump.zip"))), 1)

    # Existing databases ----------------------------------------------------------------
    def _migrate(self):
        path = Path(__file__).parent.parent / "migrations/18.0.1.9.0/post-backup.py"
        spec = importlib.util.spec_from_file_location(MIGRATION, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.8.0")
        self.env.invalidate_all()

    def test_the_migration_gives_an_existing_database_the_schedule_once(self):
        self.schedule.unlink()
        self.cron.active = False
        self._migrate()
        schedule = self.env.ref("dealer_crm.db_backup_scheduled")
        self.assertEqual(
            (schedule.method, schedule.backup_format, schedule.days_to_keep),
            ("local", "zip", 14),
        )
        self.assertEqual(schedule.folder, self.env["db.backup"]._dealer_scheduled_folder())
        self.assertTrue(self.cron.active)
        schedule.days_to_keep = 30
        self._migrate()
        self.assertEqual(self.env["db.backup"].search([]), schedule)
        self.assertEqual(schedule.days_to_keep, 30, "the dealer's retention kept")

    @mute_logger(MIGRATION)
    def test_the_migration_leaves_a_database_with_its_own_backups_as_it_is(self):
        self.schedule.unlink()
        self.cron.active = False
        own = self.env["db.backup"].create(
            {"folder": tempfile.gettempdir() + "/their_backups", "days_to_keep": 7}
        )
        self._migrate()
        self.assertFalse(self.env.ref("dealer_crm.db_backup_scheduled", raise_if_not_found=False))
        self.assertEqual(self.env["db.backup"].search([]), own)
        self.assertFalse(self.cron.active)

    # A copied or restored database (review F10) ------------------------------------------
    def _of_another_database(self, schedule=None, sub="scheduled"):
        """``schedule`` (the shipped one) pointing at the default folder of a database this
        one was copied from; that folder, and this database's, in a data directory of
        this test's own."""
        data_dir = tempfile.mkdtemp(prefix="dealer_data_dir_")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        self.enterContext(patch.dict(config.options, {"data_dir": data_dir}))
        root = os.path.join(data_dir, "backups")
        original = os.path.join(root, "dealer_original_db", sub)
        own = os.path.join(root, self.env.cr.dbname, sub)
        (schedule or self.schedule).folder = original
        return Path(original), Path(own)

    def test_a_copy_backs_itself_up_into_its_own_folder_not_the_original_s(self):
        original, own = self._of_another_database()
        original.mkdir(parents=True, exist_ok=True)
        theirs = self._backup_files(original, timedelta(days=400))
        with patch(DUMP_DB, side_effect=_fake_dump):
            self.schedule.with_user(self.user_manager).action_backup()
        self.assertEqual(self.schedule.folder, str(own))
        self.assertEqual([p.name for p in original.iterdir()], theirs, "the original's kept")
        self.assertEqual(len(list(own.glob("*.dump.zip"))), 1)
        self.assertIn("dealer_original_db", self.schedule.message_ids[1].body)
        self.assertIn("Database backup succeeded.", self.schedule.message_ids[0].body)
        self.assertEqual(self.schedule.message_ids[0].author_id, self.user_manager.partner_id)

    def test_a_copy_cleans_its_own_folder_not_the_original_s(self):
        original, own = self._of_another_database()
        original.mkdir(parents=True, exist_ok=True)
        theirs = self._backup_files(original, timedelta(days=400))
        self.schedule.with_user(self.user_manager).cleanup()
        self.assertEqual([p.name for p in original.iterdir()], theirs)
        self.assertEqual(self.schedule.folder, str(own))

    def test_auto_backup_s_default_folder_of_another_database_follows_too(self):
        other = self.env["db.backup"].create({"folder": "/tmp", "days_to_keep": 0})
        _original, own = self._of_another_database(other, sub="")
        elsewhere = self._in_temp_folder()
        with patch(DUMP_DB, side_effect=_fake_dump):
            (self.schedule | other).action_backup()
        self.assertEqual(os.path.normpath(other.folder), os.path.normpath(own))
        self.assertEqual(self.schedule.folder, elsewhere, "a folder of the dealer's choice stays")
        self.assertEqual(len(list(own.glob("*.dump.zip"))), 1)

    def test_neutralizing_a_copy_stops_its_backups_and_repoints_the_schedule(self):
        _original, own = self._of_another_database()
        queries = list(get_neutralization_queries(["dealer_crm"]))
        self.assertEqual(len(queries), 1, "dealer_crm ships data/neutralize.sql")
        self.env.flush_all()
        self.env.cr.execute(queries[0])
        self.env.invalidate_all()
        self.assertFalse(self.cron.active)
        self.assertEqual(self.schedule.folder, str(own))

    # The history (review F11) ------------------------------------------------------------
    def test_a_manager_runs_backups_but_does_not_post_in_their_history(self):
        self._in_temp_folder()
        schedule = self.schedule.with_user(self.user_manager)
        with self.assertRaises(AccessError):
            schedule.message_post(body="Database backup succeeded.")
        with patch(DUMP_DB, side_effect=_fake_dump):
            schedule.action_backup()
        self.assertIn("Database backup succeeded.", self.schedule.message_ids[0].body)
        self.schedule.message_post(body="Moved the backups to the NAS")
