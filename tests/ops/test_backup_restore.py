"""make backup and make restore, round trip: ``scripts/dev.sh backup`` of the ops database,
``scripts/dev.sh restore`` under a new name, then the restored database holds every
dealer_crm record and every attachment (rows and filestore files), and Odoo starts on it.
"""

import hashlib
import json
import os
import subprocess


def dealer_tables(ops, db):
    """{table: [column]} of dealer_crm's tables (its models' and their relation tables), of
    the core tables it extends with dealer_ columns, and of ir_attachment."""
    return {
        table: columns
        for table, columns in ops.columns(db).items()
        if table.startswith("dealer_")
        or table == "ir_attachment"
        or any(column.startswith("dealer_") for column in columns)
    }


def dev(ops, command, **env):
    """``scripts/dev.sh <command>`` on the ops cluster and data_dir."""
    pg = ops.pg
    return subprocess.run(
        [str(ops.root / "scripts" / "dev.sh"), command],
        env=dict(
            os.environ,
            PGHOST=pg["host"] or "",
            PGPORT=pg["port"] or "",
            PGUSER=pg["user"] or "",
            PGPASSWORD=pg["password"] or "",
            DEALER_DATA_DIR=str(ops.data_dir),
            ODOO_PATH=str(ops.odoo_path),
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


# the customer 360 read as the manager opens it (every field of the form) and a stored file
SHELL_360 = """
import json, re
user = env.ref("dealer_crm.user_manager_demo")
Partner = env["res.partner"].with_user(user)
partner = Partner.search([("dealer_vehicle_ids", "!=", False)], limit=1)
views = Partner.get_views([(False, "form")])
fields = views["models"]["res.partner"]["fields"]
arch = views["views"]["form"]["arch"]
names = {n for n in re.findall(r'<field name="(\\w+)"', arch) if n in fields}
record = partner.web_read({name: {} for name in names})[0]
attachment = env["ir.attachment"].search([("store_fname", "!=", False)], limit=1)
print("DEALER360", json.dumps({"fields": len(record), "vehicles": len(partner.dealer_vehicle_ids),
      "attachment_bytes": len(attachment.raw)}))
"""


def test_backup_then_restore_keeps_every_record_and_file(ops, tmp_path):
    source = ops.db
    restored = ops.name("restore")
    archive = tmp_path / "backup.tar"
    tables = dealer_tables(ops, source)
    before = ops.fingerprint(source, tables)
    files = dict(
        ops.query(
            source, "SELECT store_fname, checksum FROM ir_attachment WHERE store_fname IS NOT NULL"
        )
    )
    assert before["dealer_vehicle"] and before["dealer_interaction"], "no demo data to back up"
    assert files, "the ops database has no attachment in its filestore"

    done = dev(ops, "backup", DEALER_DB=source, BACKUP=str(archive))
    assert done.returncode == 0, done.stderr
    manifest = json.loads(
        subprocess.run(
            ["tar", "-xOf", str(archive), "manifest.json"], capture_output=True, check=True
        ).stdout
    )
    assert manifest["database"] == source and manifest["dealer_crm"] and manifest["odoo"]
    assert manifest["counts"]["tables"]["dealer_vehicle"] == len(before["dealer_vehicle"])

    ops.drop_db(restored)
    try:
        done = dev(ops, "restore", BACKUP=str(archive), RESTORE_DB=restored)
        assert done.returncode == 0, done.stderr
        assert "not neutralised" in done.stderr, "restore says what it leaves as it was"

        # every dealer_crm record, every row of the core tables it extends, every attachment
        assert dealer_tables(ops, restored) == tables
        assert ops.fingerprint(restored, tables) == before
        for store_fname, checksum in files.items():
            path = ops.filestore(restored) / store_fname
            assert path.is_file(), f"{store_fname} is missing from the restored filestore"
            assert hashlib.sha1(path.read_bytes()).hexdigest() == checksum, store_fname

        # never over an existing database, which is left as it was
        again = dev(ops, "restore", BACKUP=str(archive), RESTORE_DB=restored)
        assert again.returncode != 0 and "exists already" in again.stderr
        assert ops.fingerprint(restored, tables) == before

        # Odoo starts on it and reads a customer 360 and a file of the filestore
        out = ops.shell(restored, SHELL_360)
        line = next(x for x in out.splitlines() if x.startswith("DEALER360 "))
        read = json.loads(line.split(" ", 1)[1])
        assert read["vehicles"] > 0 and read["fields"] > 20 and read["attachment_bytes"] > 0
    finally:
        ops.drop_db(restored)
    assert not ops.exists(restored) and not ops.filestore(restored).exists()
