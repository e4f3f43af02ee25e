"""Fixtures for the ops tests: Odoo and PostgreSQL driven as processes (issue 27).

These tests run under plain pytest (``-p no:odoo``), never pytest-odoo. ``make test``
(scripts/dev.sh cmd_test) sets the environment below and runs them in the background;
locally, set the variables yourself against your own copy of a database:

    DEALER_OPS_CONF      an Odoo conf (addons_path with the checkout, db_*, data_dir)
    DEALER_OPS_DB        a database with dealer_crm installed with demo data at the current
                         code, exclusively ours: copy it further with ``ops.copy_db``
    DEALER_OPS_PYTHON    the venv's python
    ODOO_PATH            the Odoo 18.0 source tree
    DEALER_ROOT          the checkout (holds dealer_crm/)
    DEALER_OPS_HTTP_PORT a free base port: ``ops.port(0)`` .. ``ops.port(9)``

A missing variable or prerequisite is a failure with a clear message, never a skip.

The ``ops`` fixture (one per session) gives:
- ``ops.odoo(*args, db=, conf=)``: run odoo-bin, returns an ``OdooRun`` (returncode, log);
- ``ops.shell(db, code, conf=)``: run Python in ``odoo-bin shell``, returns its output;
- ``ops.conf(addons=None, http_port=None)``: a conf like DEALER_OPS_CONF, with the checkout
  in addons_path replaced by ``addons`` (a folder holding another dealer_crm);
- ``ops.query(db, sql, params)`` (rows) and ``ops.execute(db, sql, params)``;
- ``ops.columns(db)`` ({table: [column]}) and ``ops.fingerprint(db, columns)`` (an md5 per
  row, to show that nothing of some tables changed);
- ``ops.copy_db(template, suffix)``, ``ops.create_db(suffix)``, ``ops.drop_db(name)``: each
  database is named ``<DEALER_OPS_DB>_<suffix>`` (so the cleanup of ``make test`` finds
  leftovers) and is dropped with its filestore at the end of the session;
- ``ops.filestore(db)``, ``ops.port(i)``, ``ops.db``, ``ops.root``, ``ops.python``.
The ``ops_dbs`` fixture does the same per test: its databases are dropped when the test
ends, passed or failed.
"""

import configparser
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ENV_VARS = (
    "DEALER_OPS_CONF",
    "DEALER_OPS_DB",
    "DEALER_OPS_PYTHON",
    "ODOO_PATH",
    "DEALER_ROOT",
    "DEALER_OPS_HTTP_PORT",
)
#: an odoo-bin run longer than this is stuck
ODOO_TIMEOUT = 1800
ERROR_LINE = re.compile(r" (ERROR|CRITICAL) ")


class OdooRun:
    """The result of one odoo-bin process: its return code and its whole log."""

    def __init__(self, args, returncode, log):
        self.args, self.returncode, self.log = args, returncode, log

    def lines(self, level, logger=""):
        """Log lines at ``level`` (WARNING, ERROR...) whose logger starts with ``logger``."""
        pattern = re.compile(rf" {level} \S+ {re.escape(logger)}")
        return [line for line in self.log.splitlines() if pattern.search(line)]

    def errors(self):
        return [line for line in self.log.splitlines() if ERROR_LINE.search(line)]

    def check(self):
        """Fail the test, with the log, unless the run ended well and logged no error."""
        if self.returncode or self.errors():
            tail = "\n".join(self.log.splitlines()[-80:])
            pytest.fail(
                f"odoo-bin {' '.join(self.args)} ended with {self.returncode}, errors:\n"
                + "\n".join(self.errors()[:20])
                + f"\n--- last lines of the log ---\n{tail}"
            )
        return self


class Ops:
    """Odoo and PostgreSQL, as processes, for one test session."""

    def __init__(self, env, workdir):
        self.conf_path = Path(env["DEALER_OPS_CONF"])
        self.db = env["DEALER_OPS_DB"]
        self.python = env["DEALER_OPS_PYTHON"]
        self.odoo_path = Path(env["ODOO_PATH"])
        self.root = Path(env["DEALER_ROOT"])
        self.base_port = int(env["DEALER_OPS_HTTP_PORT"])
        self.workdir = Path(workdir)
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.conf_path)
        self.options = dict(parser["options"])
        self.pg = {
            "host": self._option("db_host"),
            "port": self._option("db_port"),
            "user": self._option("db_user"),
            "password": self._option("db_password"),
        }
        self.data_dir = Path(self._option("data_dir") or Path.home() / ".local/share/Odoo")
        self.created = []

    def _option(self, name):
        value = self.options.get(name)
        return None if value in (None, "", "False") else value

    # -- ports and confs -------------------------------------------------------------
    def port(self, index=0):
        """The ``index``-th port of ours (0..9)."""
        assert 0 <= index <= 9, "the ops tests own DEALER_OPS_HTTP_PORT .. +9"
        return self.base_port + index

    def conf(self, addons=None, http_port=None, **options):
        """A conf like DEALER_OPS_CONF; ``addons`` replaces the checkout in addons_path."""
        values = dict(self.options, **{k: str(v) for k, v in options.items()})
        if addons is not None:
            root = os.path.realpath(self.root)
            paths = [p.strip() for p in values["addons_path"].split(",")]
            kept = [p for p in paths if os.path.realpath(p) != root]
            if len(kept) == len(paths):
                pytest.fail(f"the checkout {self.root} is not in addons_path of {self.conf_path}")
            values["addons_path"] = ",".join([*kept, str(addons)])
        values["http_port"] = str(http_port if http_port is not None else self.port(0))
        path = Path(tempfile.mkstemp(suffix=".conf", dir=self.workdir)[1])
        parser = configparser.ConfigParser(interpolation=None)
        parser["options"] = values
        with path.open("w") as handle:
            parser.write(handle)
        return path

    # -- odoo-bin --------------------------------------------------------------------
    def _odoo_env(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.odoo_path), env.get("PYTHONPATH")) if p
        )
        return env

    def odoo(self, *args, db=None, conf=None, stdin=None, timeout=ODOO_TIMEOUT):
        """Run odoo-bin (``--stop-after-init`` is up to the caller); returns an OdooRun."""
        command = [self.python, str(self.odoo_path / "odoo-bin")]
        if args and args[0] == "shell":
            command.append(args[0])
            args = args[1:]
        command += ["-c", str(conf or self.conf_path)]
        if db:
            command += ["-d", db, f"--db-filter=^{re.escape(db)}$"]
        command += list(args)
        proc = subprocess.run(
            command,
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self._odoo_env(),
            cwd=self.root,
            timeout=timeout,
            check=False,
        )
        return OdooRun(command[2:], proc.returncode, proc.stdout)

    def shell(self, db, code, conf=None):
        """Run ``code`` in ``odoo-bin shell`` (``env`` is there; commit yourself); its output.

        The code runs to its end or the test fails with the traceback."""
        marker = "== ops shell done =="
        run = self.odoo(
            "shell",
            "--no-http",
            "--log-level=warn",
            db=db,
            conf=conf,
            stdin=f"{code}\nprint({marker!r})\n",
        )
        if run.returncode or marker not in run.log or "Traceback" in run.log:
            pytest.fail(f"odoo-bin shell on {db} failed:\n{run.log[-6000:]}")
        return run.log.split(marker)[0]

    # -- PostgreSQL --------------------------------------------------------------------
    def connect(self, db):
        import psycopg2  # the venv's, as Odoo's

        params = {k: v for k, v in self.pg.items() if v}
        conn = psycopg2.connect(dbname=db, **params)
        conn.autocommit = True
        return conn

    def query(self, db, sql, params=None):
        """Rows of one query, on a connection opened and closed for it."""
        conn = self.connect(db)
        try:
            with conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else []
        finally:
            conn.close()

    def execute(self, db, sql, params=None):
        self.query(db, sql, params)

    def columns(self, db):
        """{table: [column, ...]} of every table (not view) of the public schema."""
        out = {}
        for table, column in self.query(
            db,
            """
            SELECT c.table_name, c.column_name
              FROM information_schema.columns c
              JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position
            """,
        ):
            out.setdefault(table, []).append(column)
        return out

    def fingerprint(self, db, columns=None):
        """{table: {key: digest}} of the rows of ``columns`` ({table: [column]}, by default
        every column of every table): the key is the row's id and the digest the md5 of
        those columns, or for a table without id the md5 of the row and the digest its
        number of copies. Tables and columns no longer there are left out: compare the
        tables and columns themselves with ``columns()``."""
        from psycopg2 import sql

        present = self.columns(db)
        out = {}
        conn = self.connect(db)
        try:
            with conn.cursor() as cr:
                for table, wanted in (columns or present).items():
                    cols = [c for c in wanted if c in present.get(table, ())]
                    if not cols:
                        continue
                    row = sql.SQL("md5(ROW({})::text)").format(
                        sql.SQL(", ").join(map(sql.Identifier, cols))
                    )
                    if "id" in cols:
                        query = sql.SQL("SELECT id, {} FROM {}")
                    else:
                        query = sql.SQL("SELECT {0}, count(*) FROM {1} GROUP BY 1")
                    cr.execute(query.format(row, sql.Identifier(table)))
                    out[table] = dict(cr.fetchall())
        finally:
            conn.close()
        return out

    def exists(self, name):
        return bool(self.query("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def filestore(self, db):
        return self.data_dir / "filestore" / db

    def name(self, suffix):
        return f"{self.db}_{suffix}"

    def create_db(self, suffix, template=None, filestore=True):
        """A new database ``<DEALER_OPS_DB>_<suffix>`` (empty, or a copy of ``template``
        with its filestore), dropped at the end of the session."""
        from psycopg2 import sql

        name = self.name(suffix)
        self.drop_db(name)
        self.created.append(name)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        self.execute("postgres", statement)
        if template and filestore and self.filestore(template).is_dir():
            shutil.copytree(self.filestore(template), self.filestore(name))
        return name

    def copy_db(self, template, suffix, filestore=True):
        return self.create_db(suffix, template=template, filestore=filestore)

    def drop_db(self, name):
        """Drop a database (even with sessions still on it) and its filestore."""
        from psycopg2 import sql

        self.execute(
            "postgres",
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )
        shutil.rmtree(self.filestore(name), ignore_errors=True)

    def cleanup(self, names=None):
        for name in reversed(names if names is not None else self.created):
            self.drop_db(name)


def _check_environment():
    missing = [name for name in ENV_VARS if not os.environ.get(name)]
    if missing:
        pytest.fail(
            f"the ops tests need the environment variables {', '.join(missing)}: "
            "`make test` sets them; to run tests/ops alone see tests/ops/conftest.py",
            pytrace=False,
        )
    env = {name: os.environ[name] for name in ENV_VARS}
    problems = []
    if not Path(env["DEALER_OPS_CONF"]).is_file():
        problems.append(f"DEALER_OPS_CONF={env['DEALER_OPS_CONF']} is not a file")
    if not Path(env["DEALER_OPS_PYTHON"]).is_file():
        problems.append(f"DEALER_OPS_PYTHON={env['DEALER_OPS_PYTHON']} is not a file")
    if not (Path(env["ODOO_PATH"]) / "odoo-bin").is_file():
        problems.append(f"ODOO_PATH={env['ODOO_PATH']} holds no odoo-bin")
    if not (Path(env["DEALER_ROOT"]) / "dealer_crm" / "__manifest__.py").is_file():
        problems.append(f"DEALER_ROOT={env['DEALER_ROOT']} holds no dealer_crm")
    if not env["DEALER_OPS_HTTP_PORT"].isdigit():
        problems.append(f"DEALER_OPS_HTTP_PORT={env['DEALER_OPS_HTTP_PORT']} is not a port")
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)
    return env


@pytest.fixture(scope="session")
def ops(tmp_path_factory):
    env = _check_environment()
    instance = Ops(env, tmp_path_factory.mktemp("ops"))
    try:
        instance.query(instance.db, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any reason is reported as the failure
        pytest.fail(f"cannot connect to DEALER_OPS_DB={instance.db}: {exc}", pytrace=False)
    yield instance
    instance.cleanup()


@pytest.fixture
def ops_dbs(ops):
    """``ops_dbs.copy_db(...)``/``create_db(...)`` for one test: dropped when it ends."""

    class _PerTest:
        def __init__(self):
            self.names = []

        def create_db(self, suffix, template=None, filestore=True):
            name = ops.create_db(suffix, template=template, filestore=filestore)
            self.names.append(name)
            return name

        def copy_db(self, template, suffix, filestore=True):
            return self.create_db(suffix, template=template, filestore=filestore)

    per_test = _PerTest()
    yield per_test
    ops.cleanup(per_test.names)
