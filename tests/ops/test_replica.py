"""make replica, then Odoo with db_replica_host/db_replica_port on a copy of the ops database:
the analyses, the XLSX exports and the customer 360 are answered by the standby, as each
department opens them over HTTP, while a write lands on the primary and then reaches the
standby.

The evidence, for every request:
- Odoo's request log line ends with its cursor mode: ``ro`` (a read-only cursor, which
  Odoo takes from the replica pool when db_replica_host is set), never ``ro->rw`` (the
  retry on the primary after a ``ReadOnlySqlTransaction``) nor ``rw``;
- the standby's own log (``log_statement = all`` for the copy only, set on the primary
  and replicated) holds the statements of this Odoo server (its application name) made
  during the request, and the primary's log none from this server's connections.
The write: its request runs ``rw``, its INSERT is in the primary's log, and the row is then
read on the standby.
"""

import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests

#: how long the standby may take to replay the copy, and a write (a wait, not an assertion)
REPLAY_WAIT = 600
SERVER_WAIT = 300
MODE = re.compile(r'"(?:GET|POST) (\S+) HTTP/[0-9.]+" (\d+) - \S+ \S+ \S+ (\S+)\s*$')


class LogTail:
    """What a log file gained since the last ``mark()``."""

    def __init__(self, path):
        self.path = Path(path)
        self.mark()

    def mark(self):
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new(self):
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode("utf-8", "replace")
        self.mark()
        return text


class Standby:
    """The standby that ``scripts/dev.sh replica`` started or reused."""

    def __init__(self, ops):
        pg = ops.pg
        done = subprocess.run(
            [str(ops.root / "scripts" / "dev.sh"), "replica"],
            env=dict(
                os.environ,
                PGHOST=pg["host"] or "",
                PGPORT=pg["port"] or "",
                PGUSER=pg["user"] or "",
                ODOO_PATH=str(ops.odoo_path),
            ),
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        if done.returncode:
            pytest.fail(f"scripts/dev.sh replica failed:\n{done.stderr[-4000:]}")
        values = dict(re.findall(r"^(db_replica_\w+) = (.*)$", done.stdout, re.MULTILINE))
        self.host, self.port = values["db_replica_host"], values["db_replica_port"]
        self.user = pg["user"]
        self.data_dir = self.query("postgres", "SHOW data_directory")[0][0]
        self.log = Path(self.data_dir).parent / "server.log"

    def query(self, db, sql, params=None):
        conn = psycopg2.connect(dbname=db, host=self.host, port=self.port, user=self.user)
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            conn.close()

    def started_since(self, moment):
        (started,) = self.query(
            "postgres", "SELECT extract(epoch FROM pg_postmaster_start_time())"
        )[0]
        return float(started) >= moment

    def stop(self):
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        pg_ctl = str(bindir[-1] / "pg_ctl") if bindir else "pg_ctl"
        runas = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run(
            [*runas, pg_ctl, "-D", self.data_dir, "-m", "fast", "-w", "stop"], check=False
        )

    def wait_for(self, db, sql, params=None, what="the primary's changes"):
        deadline = time.monotonic() + REPLAY_WAIT
        while time.monotonic() < deadline:
            try:
                if self.query(db, sql, params)[0][0]:
                    return
            except psycopg2.OperationalError:
                pass  # the database is not replayed yet
            time.sleep(0.5)
        pytest.fail(f"the standby did not replay {what} within {REPLAY_WAIT} s")


class Client:
    """One department user's browser session: JSON-RPC and downloads with its CSRF token."""

    def __init__(self, base, db, login):
        self.base, self.login = base, login
        self.session = requests.Session()
        reply = self.session.post(
            f"{base}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": login}},
            timeout=120,
        )
        assert reply.json().get("result"), f"{login} cannot log in: {reply.text[:500]}"
        page = self.session.get(f"{base}/odoo", timeout=120).text
        self.csrf = re.search(r'csrf_token: "(\w+)"', page).group(1)

    def call(self, model, method, *args, **kwargs):
        reply = self.session.post(
            f"{self.base}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=300,
        ).json()
        assert "error" not in reply, f"{self.login}: {model}.{method}: {reply['error']}"
        return reply["result"]

    def download(self, path, **data):
        reply = self.session.post(
            f"{self.base}{path}", data=dict(data, csrf_token=self.csrf), timeout=300
        )
        assert reply.status_code == 200 and reply.content[:2] == b"PK", (
            f"{self.login}: {path} gave {reply.status_code} {reply.content[:800]!r}"
        )
        return reply.content


@pytest.fixture
def standby(ops):
    moment = time.time()
    instance = Standby(ops)
    yield instance
    if instance.started_since(moment):  # ours: stopped, its data kept for the next run
        instance.stop()


@pytest.fixture
def server(ops, ops_dbs, standby, tmp_path):
    """Odoo on a copy of the ops database, with the standby as its replica."""
    db = ops_dbs.copy_db(ops.db, "replica")
    ops.execute("postgres", f"ALTER DATABASE \"{db}\" SET log_statement = 'all'")
    (lsn,) = ops.query("postgres", "SELECT pg_current_wal_lsn()::text")[0]
    standby.wait_for(
        "postgres", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn], what="the copy"
    )
    app = f"dealer_ops_replica_{uuid.uuid4().hex[:8]}"
    port = ops.port(3)
    conf = ops.conf(
        http_port=port,
        max_cron_threads=0,
        db_replica_host=standby.host,
        db_replica_port=standby.port,
    )
    log = tmp_path / "odoo.log"
    process = subprocess.Popen(
        [
            ops.python,
            str(ops.odoo_path / "odoo-bin"),
            "-c",
            str(conf),
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--logfile={log}",
        ],
        env=dict(ops._odoo_env(), ODOO_PGAPPNAME=app),
        cwd=ops.root,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_WAIT
        while True:
            assert process.poll() is None, f"Odoo stopped:\n{log.read_text()[-4000:]}"
            try:
                if requests.get(f"{base}/web/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"Odoo did not answer:\n{log.read_text()[-4000:]}"
            time.sleep(0.5)
        yield {"db": db, "base": base, "log": log, "app": app}
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_reads_come_from_the_standby_and_writes_reach_it(ops, standby, server):
    db, app = server["db"], server["app"]
    (primary_dir,) = ops.query("postgres", "SHOW data_directory")[0]
    primary_log = Path(primary_dir).parent / "server.log"
    assert primary_log.is_file(), f"no log of the primary at {primary_log}"
    users = {
        login: Client(server["base"], db, login)
        for login in ("sales", "service", "relations", "manager")
    }
    odoo_log, standby_log, primary = (
        LogTail(server["log"]),
        LogTail(standby.log),
        LogTail(primary_log),
    )
    served = []

    def primary_statements(text):
        pids = {
            str(pid)
            for (pid,) in ops.query(
                "postgres",
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                [app],
            )
        }
        return [
            line
            for line in text.splitlines()
            if "statement: " in line and re.search(r"\[(\d+)\]", line).group(1) in pids
        ]

    def from_the_standby(what, request):
        """Run ``request`` and check it was answered by the standby only."""
        odoo_log.mark(), standby_log.mark(), primary.mark()
        result = request()
        odoo_lines = odoo_log.new()
        modes = [m.groups() for m in map(MODE.search, odoo_lines.splitlines()) if m]
        assert modes, f"{what}: no request line in Odoo's log:\n{odoo_lines[-3000:]}"
        assert all(mode == "ro" for _path, _status, mode in modes), f"{what}: {modes}"
        assert "retrying with a read/write cursor" not in odoo_lines, odoo_lines[-3000:]
        on_standby = [
            x for x in standby_log.new().splitlines() if f" {app}@{db} " in x and "statement: " in x
        ]
        assert on_standby, f"{what}: no statement of this Odoo on the standby"
        on_primary = primary_statements(primary.new())
        assert not on_primary, f"{what}: statements on the primary: {on_primary[:5]}"
        served.append((what, len(on_standby)))
        return result

    manager, relations, service = users["manager"], users["relations"], users["service"]

    # the analyses: every pivot and graph of dealer_crm's menus, grouped by the pivot's rows
    models = [
        model
        for (model,) in standby.query(
            db,
            """
            SELECT DISTINCT a.res_model FROM ir_act_window a
              JOIN ir_model_data d ON d.model = 'ir.actions.act_window' AND d.res_id = a.id
             WHERE d.module = 'dealer_crm' AND a.view_mode ~ '(pivot|graph)' ORDER BY 1
            """,
        )
    ]
    assert "dealer.interaction.report" in models and "dealer.service.report" in models
    for model in models:
        views = from_the_standby(
            f"{model} pivot view", lambda m=model: manager.call(m, "get_views", [[False, "pivot"]])
        )
        rows = re.findall(r'<field name="(\w+)"[^>]*type="row"', views["views"]["pivot"]["arch"])
        groups = from_the_standby(
            f"{model} analysis",
            lambda m=model, r=rows: manager.call(
                m, "web_read_group", [], ["__count"], r[:1] or ["company_id"], lazy=False
            ),
        )
        assert groups["length"] >= 1, model

    # the customer 360 as each department opens it: every field of its form
    partner_id = manager.call(
        "res.partner", "search", [("dealer_vehicle_ids", "!=", False)], limit=1
    )[0]
    for login, client in users.items():
        views = from_the_standby(
            f"360 form for {login}",
            lambda c=client: c.call("res.partner", "get_views", [[False, "form"]]),
        )
        fields = views["models"]["res.partner"]["fields"]
        names = {
            n
            for n in re.findall(r'<field name="(\w+)"', views["views"]["form"]["arch"])
            if n in fields
        }
        spec = {
            n: {"fields": {"display_name": {}}}
            if fields[n]["type"] in ("many2one", "one2many", "many2many")
            else {}
            for n in names
        }
        record = from_the_standby(
            f"360 read for {login}",
            lambda c=client, s=spec: c.call(
                "res.partner", "web_read", [partner_id], specification=s
            ),
        )
        assert record[0]["id"] == partner_id and len(record[0]) > 20

    # a vehicle looked up by plate, VIN or owner, as the service desk does
    found = from_the_standby(
        "vehicle search", lambda: service.call("dealer.vehicle", "name_search", "a", limit=20)
    )
    assert found

    # the exports: a list exported to XLSX, grouped or not, and dealer_crm's XLSX reports
    customers = manager.call("res.partner", "search", [("dealer_vehicle_ids", "!=", False)])
    from_the_standby(
        "export of customers",
        lambda: manager.download(
            "/web/export/xlsx",
            data=json.dumps(
                {
                    "model": "res.partner",
                    "ids": customers,
                    "domain": [],
                    "groupby": [],
                    "context": {},
                    "import_compat": False,
                    "fields": [
                        {"name": "name", "label": "Name", "type": "char"},
                        {"name": "email", "label": "Email", "type": "char"},
                        {"name": "dealer_vehicle_ids", "label": "Vehicles", "type": "one2many"},
                    ],
                }
            ),
        ),
    )
    from_the_standby(
        "grouped export of interactions",
        lambda: manager.download(
            "/web/export/xlsx",
            data=json.dumps(
                {
                    "model": "dealer.interaction.report",
                    "ids": False,
                    "domain": [],
                    "groupby": ["channel"],
                    "context": {},
                    "import_compat": False,
                    "fields": [{"name": "partner_id", "label": "Customer", "type": "many2one"}],
                }
            ),
        ),
    )
    vehicles = service.call("dealer.vehicle", "search", [("next_service_date", "!=", False)])
    tickets = relations.call("helpdesk.ticket", "search", [])
    trend = manager.call("dealer.trend.report", "search", [], limit=1)
    for client, report, ids in (
        (relations, "customer_register", customers),
        (service, "vehicle_call_list", vehicles),
        (relations, "complaint_register", tickets),
        (manager, "trend_report_xlsx", trend),
    ):
        assert ids, report
        url = f"/report/xlsx/dealer_crm.{report}/{','.join(map(str, ids))}"
        from_the_standby(
            report,
            lambda c=client, u=url: c.download(
                "/report/download", data=json.dumps([u, "xlsx"]), context="{}"
            ),
        )

    # a write lands on the primary, then the standby has it
    subject = f"replica check {uuid.uuid4().hex}"
    odoo_log.mark(), primary.mark()
    service.call(
        "dealer.interaction",
        "create",
        [{"partner_id": partner_id, "subject": subject, "channel": "phone"}],
    )
    assert [m.group(3) for m in map(MODE.search, odoo_log.new().splitlines()) if m] == ["rw"]
    assert any('INSERT INTO "dealer_interaction"' in x for x in primary_statements(primary.new()))
    standby.wait_for(
        db,
        "SELECT count(*) FROM dealer_interaction WHERE subject = %s",
        [subject],
        what="the interaction",
    )

    # an import-compatible export creates the External IDs it lacks: it stays on the primary
    odoo_log.mark()
    manager.download(
        "/web/export/xlsx",
        data=json.dumps(
            {
                "model": "res.partner",
                "ids": customers,
                "domain": [],
                "context": {},
                "import_compat": True,
                "fields": [{"name": "id", "label": "id"}, {"name": "name", "label": "name"}],
            }
        ),
    )
    assert [m.group(3) for m in map(MODE.search, odoo_log.new().splitlines()) if m] == ["rw"]

    odoo = server["log"].read_text()
    assert "ReadOnlySqlTransaction" not in odoo and "retrying with a read/write cursor" not in odoo
    assert len(served) == 2 * len(models) + 2 * len(users) + 7
    for client in users.values():
        client.session.close()  # no keep-alive connection holds the server's shutdown
