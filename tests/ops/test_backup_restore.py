"""make backup and make restore, round trip: ``scripts/dev.sh backup`` of the ops database,
``scripts/dev.sh restore`` under a new name, then the restored database holds every
dealer_crm record and every attachment (rows and filestore files), and Odoo starts on it.

Plain pytest (``-p no:odoo``), driven by the variables of the ops test contract
(README, "Backup and restore"). A missing prerequisite fails, it never skips.
"""

import configparser
import hashlib
import json
import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

ROOT = Path(os.environ.get("DEALER_ROOT") or Path(__file__).resolve().parents[2])


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: the ops tests run under `make test`,"
            " or with the variables of the ops test contract (README)"
        )
    return value


def _conf():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(_required("DEALER_OPS_CONF"))
    return parser["options"]


def _connect(conf, db):
    return psycopg2.connect(
        dbname=db, host=conf.get("db_host"), port=conf.get("db_port"), user=conf.get("db_user")
    )


def _dev_env(conf, **extra):
    env = dict(
        os.environ,
        PGHOST=conf.get("db_host"),
        PGPORT=conf.get("db_port"),
        PGUSER=conf.get("db_user"),
        DEALER_DATA_DIR=conf.get("data_dir"),
        ODOO_PATH=_required("ODOO_PATH"),
    )
    env.update(extra)
    return env


def _dev(conf, command, **extra):
    return subprocess.run(
        [str(ROOT / "scripts" / "dev.sh"), command],
        env=_dev_env(conf, **extra),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _tables(cur):
    """dealer_crm's tables (its models' and their relation tables) and the core tables it
    extends with dealer_ columns, plus ir_attachment."""
    cur.execute(
        """
        SELECT c.relname FROM pg_class c
         WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
           AND (c.relname LIKE 'dealer\\_%' OR c.relname = 'ir_attachment'
                OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                            AND a.attname LIKE 'dealer\\_%' AND NOT a.attisdropped))
         ORDER BY 1
        """
    )
    return [name for (name,) in cur.fetchall()]


def _fingerprints(conf, db):
    """{table: (rows, md5 of every row's text, in order)}."""
    with _connect(conf, db) as cnx, cnx.cursor() as cur:
        result = {}
        for table in _tables(cur):
            cur.execute(
                sql.SQL(
                    "SELECT count(*),"
                    " md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            result[table] = cur.fetchone()
        cur.execute("SELECT store_fname, checksum FROM ir_attachment WHERE store_fname IS NOT NULL")
        files = dict(cur.fetchall())
    cnx.close()
    return result, files


def _sha1(path):
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _drop(conf, db):
    cnx = _connect(conf, "postgres")
    cnx.autocommit = True
    try:
        with cnx.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db))
            )
    finally:
        cnx.close()


# the customer 360 read as the manager would open it: every field of the form
SHELL_360 = """
import json
user = env.ref("base.user_admin")
Partner = env["res.partner"].with_user(user)
partner = Partner.search([("dealer_vehicle_ids", "!=", False)], limit=1)
fields = env["res.partner"].get_views([(False, "form")])["models"]["res.partner"]["fields"]
record = partner.web_read({name: {} for name in fields})[0]
attachment = env["ir.attachment"].search([("store_fname", "!=", False)], limit=1)
print("DEALER360", json.dumps({"id": partner.id, "name": record["name"], "fields": len(record),
      "vehicles": len(partner.dealer_vehicle_ids), "attachment_bytes": len(attachment.raw)}))
"""


def test_backup_then_restore_keeps_every_record_and_file(tmp_path):
    conf = _conf()
    source = _required("DEALER_OPS_DB")
    python = _required("DEALER_OPS_PYTHON")
    restored = f"{source}_restore_{uuid.uuid4().hex[:6]}"
    filestore_root = Path(conf.get("data_dir")) / "filestore"
    restored_filestore = filestore_root / restored
    archive = tmp_path / "backup.tar"

    def cleanup():
        _drop(conf, restored)
        subprocess.run(["rm", "-rf", str(restored_filestore)], check=False)

    before, files = _fingerprints(conf, source)
    assert before.get("dealer_vehicle", (0,))[0] > 0, "the ops database has no demo vehicles"
    assert files, "the ops database has no attachment in its filestore"

    done = _dev(conf, "backup", DEALER_DB=source, BACKUP=str(archive))
    assert done.returncode == 0, done.stderr
    assert archive.is_file()
    manifest = json.loads(
        subprocess.run(
            ["tar", "-xOf", str(archive), "manifest.json"], capture_output=True, check=True
        ).stdout
    )
    assert manifest["database"] == source
    assert manifest["dealer_crm"], "the manifest names the dealer_crm version"
    assert manifest["counts"]["tables"]["dealer_vehicle"] == before["dealer_vehicle"][0]

    try:
        done = _dev(conf, "restore", BACKUP=str(archive), RESTORE_DB=restored)
        assert done.returncode == 0, done.stderr
        assert "not neutralised" in done.stderr, "restore says what it leaves as it was"

        # every dealer_crm record, every row of the core tables it extends, every attachment
        after, restored_files = _fingerprints(conf, restored)
        assert after == before
        assert restored_files == files
        for store_fname, checksum in files.items():
            path = restored_filestore / store_fname
            assert path.is_file(), f"{store_fname} is missing from the restored filestore"
            assert _sha1(path) == checksum, f"{store_fname} differs from its checksum"

        # never over an existing database, and that database is left as it was
        again = _dev(conf, "restore", BACKUP=str(archive), RESTORE_DB=restored)
        assert again.returncode != 0
        assert "exists already" in again.stderr
        assert _fingerprints(conf, restored)[0] == before

        # Odoo starts on it and reads a customer 360 and a file of the filestore
        shell = subprocess.run(
            [
                python,
                str(Path(_required("ODOO_PATH")) / "odoo-bin"),
                "shell",
                "-c",
                _required("DEALER_OPS_CONF"),
                "-d",
                restored,
                "--no-http",
                "--log-level=warn",
            ],
            input=SHELL_360,
            capture_output=True,
            text=True,
            timeout=600,
            env=dict(os.environ, PYTHONPATH=_required("ODOO_PATH")),
            check=False,
        )
        line = next((x for x in shell.stdout.splitlines() if x.startswith("DEALER360 ")), None)
        assert line, shell.stdout[-2000:] + shell.stderr[-4000:]
        read = json.loads(line.split(" ", 1)[1])
        assert read["vehicles"] > 0 and read["fields"] > 20 and read["attachment_bytes"] > 0
    finally:
        cleanup()
    assert not restored_filestore.exists()
