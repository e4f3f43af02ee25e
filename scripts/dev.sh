#!/usr/bin/env bash
# dealer_crm developer commands: environment, PostgreSQL, run and test.
# Usage: scripts/dev.sh {check|venv|pg-start|pg-stop|run|test|test-dates|test-odoo|lint|fmt|pot|shell|bench|load|backup|restore|replica}
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo/18.0}
PY=${PYTHON:-python3}
CACHE=${DEALER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dealer_crm}
PG_LOCAL_PORT=${DEALER_PG_PORT:-54329}
PG_LOCAL_DIR=${DEALER_PG_DIR:-/var/tmp/dealer_crm-pg-$(id -u)-$PG_LOCAL_PORT}
DB=${DEALER_DB:-dealer_crm}
HTTP_PORT=${HTTP_PORT:-8069}

say() { printf 'dealer_crm: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

check_odoo() {
  if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -f "$ODOO_PATH/odoo/release.py" ] \
     || [ ! -f "$ODOO_PATH/requirements.txt" ] || [ ! -d "$ODOO_PATH/odoo/addons/base" ]; then
    die "no Odoo 18.0 found at ODOO_PATH=$ODOO_PATH.
  dealer_crm needs an Odoo 18.0 Community source tree there (odoo-bin, requirements.txt
  and the odoo package with its addons), e.g. a checkout of the 18.0 branch of Odoo
  Community. Put it at /opt/odoo/18.0 or run: make test ODOO_PATH=/path/to/odoo-18.0"
  fi
  grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
    || die "the Odoo at ODOO_PATH=$ODOO_PATH is not version 18.0."
  local ent
  ent=$(grep -lE "['\"]license['\"]: *['\"](OEEL-1|OPL-1)['\"]" "$ODOO_PATH"/odoo/addons/*/__manifest__.py "$ODOO_PATH"/addons/*/__manifest__.py 2>/dev/null | head -3 || true)
  [ -z "$ent" ] || die "the Odoo at $ODOO_PATH holds Enterprise modules ($ent); dealer_crm needs Odoo Community only."
}

# The browser tests (crawl, tours, screenshots) need Chromium: never skip them silently.
check_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1 \
    || die "no Chromium found: the browser crawl and tours of 'make test' need it.
  Install Debian's package (apt-get update && apt-get install -y chromium), as .ci/run does."
}

# A virtualenv cached per set of requirements, so a fresh clone reuses it.
venv() {
  local key
  key=$( (cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt"; echo "$PY") | sha1sum | cut -c1-12)
  VENV=${VENV:-$CACHE/venv-$key}
  if [ ! -f "$VENV/.complete" ]; then
    say "creating the virtualenv $VENV (Odoo's requirements and ours)"
    rm -rf "$VENV"; mkdir -p "$CACHE"
    "$PY" -m venv "$VENV"
    local tmp; tmp=$(mktemp -d)
    # python-ldap (auth_ldap only) needs system headers: leave it out.
    grep -viE '^python-ldap' "$ODOO_PATH/requirements.txt" > "$tmp/odoo-req.txt"
    # A few of Odoo's pinned sdists do not build with setuptools>=70.
    echo 'setuptools<70' > "$tmp/build-constraints.txt"
    PIP_CONSTRAINT="$tmp/build-constraints.txt" "$VENV/bin/pip" install -q --disable-pip-version-check \
      -r "$tmp/odoo-req.txt" -r "$ROOT/requirements.txt" 2> >(grep -v '^WARNING: Location' >&2)
    # OCA wheels declare a dependency on an 'odoo' distribution; Odoo comes from ODOO_PATH.
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$ROOT/requirements-oca.txt" \
      2> >(grep -v '^WARNING: Location' >&2)
    rm -rf "$tmp"
    touch "$VENV/.complete"
  fi
  # The OCA set may grow after the virtualenv was made: install it again when it changed.
  local oca_key; oca_key=$(sha1sum < "$ROOT/requirements-oca.txt" | cut -c1-12)
  if [ ! -f "$VENV/.oca-$oca_key" ]; then
    say "installing the OCA addons of requirements-oca.txt into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$ROOT/requirements-oca.txt" \
      2> >(grep -v '^WARNING: Location' >&2)
    touch "$VENV/.oca-$oca_key"
  fi
  OCA_ADDONS=$("$VENV/bin/python" -c 'import os, odoo.addons.helpdesk_mgmt as m; print(os.path.dirname(os.path.dirname(m.__file__)))' 2>/dev/null \
    || PYTHONPATH="$ODOO_PATH" "$VENV/bin/python" -c 'import os, odoo.addons.helpdesk_mgmt as m; print(os.path.dirname(os.path.dirname(m.__file__)))')
  ADDONS_PATH="$ODOO_PATH/odoo/addons,$OCA_ADDONS,$ROOT"
  [ -d "$ODOO_PATH/addons" ] && ADDONS_PATH="$ODOO_PATH/addons,$ADDONS_PATH"
  export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
}

# PostgreSQL: the server at PGHOST/PGPORT when it answers, else a local cluster.
PG_STARTED=0
pg_start() {
  if [ -n "${PGHOST:-}${PGPORT:-}" ] && pg_isready -q -h "${PGHOST:-localhost}" -p "${PGPORT:-5432}" 2>/dev/null; then
    DB_HOST=${PGHOST:-localhost}; DB_PORT=${PGPORT:-5432}
    DB_USER=${PGUSER:-$(id -un)}; DB_PASSWORD=${PGPASSWORD:-}
    return
  fi
  local bindir; bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bindir" ] || bindir=$(dirname "$(command -v pg_ctl || die 'no PostgreSQL server binaries (pg_ctl) found: install PostgreSQL 14 or newer')")
  DB_HOST="$PG_LOCAL_DIR/run"; DB_PORT=$PG_LOCAL_PORT; DB_USER=odoo; DB_PASSWORD=
  local as=()
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: run the cluster as the 'postgres' system user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as=(runuser -u postgres --)
  fi
  if [ ! -f "$PG_LOCAL_DIR/data/PG_VERSION" ]; then
    say "creating a local PostgreSQL cluster in $PG_LOCAL_DIR"
    mkdir -p "$PG_LOCAL_DIR/run"; chmod 755 "$PG_LOCAL_DIR"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PG_LOCAL_DIR"
    "${as[@]}" "$bindir/initdb" -D "$PG_LOCAL_DIR/data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "$bindir/pg_isready" -q -h "$DB_HOST" -p "$DB_PORT"; then
    "${as[@]}" "$bindir/pg_ctl" -D "$PG_LOCAL_DIR/data" -l "$PG_LOCAL_DIR/server.log" -w start \
      -o "-k $PG_LOCAL_DIR/run -p $DB_PORT -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" >/dev/null
    PG_STARTED=1
  fi
}
pg_stop() {
  replica_stop  # the standby first: it would only retry its primary
  local bindir; bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -f "$PG_LOCAL_DIR/data/postmaster.pid" ] || return 0
  local as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_LOCAL_DIR/data" -m fast -w stop >/dev/null || true
}

write_conf() {  # $1 = path
  cat > "$1" <<CONF
[options]
addons_path = $ADDONS_PATH
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
admin_passwd = admin
http_port = $HTTP_PORT
data_dir = $CACHE/filestore
without_demo = False
max_cron_threads = ${MAX_CRON_THREADS:-1}
CONF
}

odoo_bin() { "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "$@"; }

pg_client() {  # run a PostgreSQL client command against the chosen server
  PGPASSWORD="${DB_PASSWORD:-}" "$@" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER"
}
db_exists() { pg_client psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

cmd_run() {
  check_odoo; venv; pg_start
  local conf="$CACHE/odoo-run.conf"; write_conf "$conf"
  if ! db_exists "$DB"; then
    say "creating the database $DB with demo data (a few minutes)"
    odoo_bin -c "$conf" -d "$DB" -i dealer_crm --stop-after-init --log-level=warn
  fi
  say "serving http://localhost:$HTTP_PORT (admin/admin; demo users: sales, service, relations, manager; password = login)"
  exec "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$conf" -d "$DB" --db-filter="^$DB\$" "$@"
}

# Odoo and OCA modules whose models or forms dealer_crm extends: their own tests must
# still pass with dealer_crm installed.
PEER_MODULES=(crm sale sale_loyalty loyalty fleet survey event helpdesk_mgmt mass_mailing resource_booking
  helpdesk_mgmt_sla helpdesk_mgmt_rating privacy_partner_to_be_forgotten auto_backup
  privacy_consent fleet_vehicle_ownership)
# OCA modules dealers run beside dealer_crm that it does not depend on: make test installs
# them with it, so every suite runs on the two together (the co-install set, issue 31).
COINSTALL_MODULES=(helpdesk_mgmt_sla helpdesk_mgmt_rating privacy_partner_to_be_forgotten auto_backup
  privacy_consent fleet_vehicle_ownership)

# tests/ops (Odoo and PostgreSQL driven as processes: install, upgrade, uninstall, backup,
# replica) run in the background beside the main suite, on ${TDB}_ops, a copy of the
# freshly installed test database, and on databases named ${TDB}_ops* that they make.
test_ops_start() {  # $1 = the test database, $2 = the work folder
  local tdb=$1 work=$2 port=${DEALER_OPS_HTTP_PORT:-$((HTTP_PORT + 100))}
  pg_client createdb -T "$tdb" "${tdb}_ops"
  if [ -d "$CACHE/filestore/filestore/$tdb" ]; then
    cp -r "$CACHE/filestore/filestore/$tdb" "$CACHE/filestore/filestore/${tdb}_ops"
  fi
  HTTP_PORT=$port write_conf "$work/odoo-ops.conf"
  say "running tests/ops in the background on ${tdb}_ops (log: $work/ops.log)"
  (cd "$ROOT" && DEALER_OPS_CONF="$work/odoo-ops.conf" DEALER_OPS_DB="${tdb}_ops" \
    DEALER_OPS_PYTHON="$VENV/bin/python" ODOO_PATH="$ODOO_PATH" DEALER_ROOT="$ROOT" \
    DEALER_OPS_HTTP_PORT="$port" exec setsid "$VENV/bin/python" -m pytest -p no:odoo \
    -p no:cacheprovider -rfE --durations=0 tests/ops >"$work/ops.log" 2>&1) &
  OPS_PID=$!
}
test_ops_wait() {  # $1 = the work folder; fails when tests/ops failed
  local work=$1 rc=0
  say "waiting for tests/ops"
  wait "$OPS_PID" || rc=$?
  OPS_PID=
  if [ "$rc" != 0 ]; then
    sed -n '/^=* FAILURES =*$/,$p' "$work/ops.log" | head -300 >&2
    grep -qE '^=* FAILURES =*$' "$work/ops.log" || tail -60 "$work/ops.log" >&2
  fi
  echo "tests/ops: $(grep -E '^=* ?[0-9]+ (passed|failed|error).* in [0-9.]+s' "$work/ops.log" | tail -1 || echo "no summary, exit $rc")"
  return "$rc"
}
test_ops_drop_dbs() {  # $1 = the test database: drops ${1}_ops* and their filestores
  local name
  for name in $(pg_client psql -d postgres -tAc \
      "SELECT datname FROM pg_database WHERE left(datname, length('${1}_ops')) = '${1}_ops'" 2>/dev/null); do
    pg_client dropdb --if-exists --force "$name" >/dev/null 2>&1 || true
    rm -rf "${CACHE:?}/filestore/filestore/$name"
  done
  rm -rf "${CACHE:?}/filestore/filestore/${1}_ops"*
}

cmd_test() {
  check_odoo; check_chromium; venv; pg_start
  # globals, for the EXIT trap
  TDB="dealer_crm_test_$$"; WORK=$(mktemp -d); TCONF="$WORK/odoo-test.conf"; write_conf "$TCONF"
  local tdb=$TDB work=$WORK conf=$TCONF
  OPS_PID=
  cleanup() {
    if [ -n "$OPS_PID" ]; then kill -- "-$OPS_PID" 2>/dev/null || true; wait "$OPS_PID" 2>/dev/null || true; fi
    pg_client dropdb --if-exists "$TDB" >/dev/null 2>&1 || true
    test_ops_drop_dbs "$TDB"
    # and the backups auto_backup's own tests leave in its default folder (issue 31)
    rm -rf "$CACHE/filestore/filestore/$TDB" "$CACHE/filestore/backups/$TDB" "$WORK"
    if [ "$PG_STARTED" = 1 ]; then pg_stop; fi
  }
  trap cleanup EXIT
  local modules; modules=$(IFS=,; echo "dealer_crm,${COINSTALL_MODULES[*]}")
  say "installing $modules with demo data into the throw-away database $tdb"
  if ! odoo_bin -c "$conf" -d "$tdb" -i "$modules" --stop-after-init --log-level=warn > "$work/install.log" 2>&1 \
     || grep -qE " (ERROR|CRITICAL) |demo data failed" "$work/install.log"; then
    first=$(grep -nE " (ERROR|CRITICAL) |demo data failed" "$work/install.log" | head -1 | cut -d: -f1)
    if [ -n "$first" ]; then tail -n "+$first" "$work/install.log" | head -120 >&2; else tail -60 "$work/install.log" >&2; fi
    die "installing dealer_crm failed"
  fi
  grep -E " WARNING " "$work/install.log" | grep dealer_crm | head -20 >&2 || true
  # The ops tests (tests/ops) on a copy made before anything connects to $tdb, in parallel.
  if [ $# -eq 0 ] && [ "${DEALER_OPS:-1}" != 0 ]; then test_ops_start "$tdb" "$work"; fi
  say "running the tests"
  cd "$ROOT"
  local status=0
  "$VENV/bin/python" -m pytest -p no:cacheprovider --odoo-config="$conf" --odoo-database="$tdb" --odoo-http \
    "$@" dealer_crm/tests tests || status=$?
  # The suites of the modules dealer_crm extends, on the same database, selected by their
  # tags as Odoo's runner selects them. Only for the whole run, not for a chosen subset.
  if [ $# -eq 0 ] && [ "${DEALER_PEERS:-1}" != 0 ]; then
    local dirs=() m
    for m in "${PEER_MODULES[@]}"; do
      if [ -d "$ODOO_PATH/odoo/addons/$m/tests" ]; then dirs+=("$ODOO_PATH/odoo/addons/$m/tests")
      elif [ -d "$OCA_ADDONS/$m/tests" ]; then dirs+=("$OCA_ADDONS/$m/tests")
      else say "no tests found for $m"; status=1; fi
    done
    # auto_backup's tests count what its default folder <data_dir>/backups/<db> holds:
    # the backups dealer_crm's suite ran (its shipped schedule writes into 'scheduled'
    # there) would be counted as theirs
    rm -rf "$CACHE/filestore/backups/$tdb"
    say "running the suites of the modules dealer_crm extends: ${PEER_MODULES[*]}"
    PYTHONPATH="$ROOT/tests:$PYTHONPATH" "$VENV/bin/python" -m pytest -p no:cacheprovider \
      -p dealer_pytest_tags --odoo-config="$conf" --odoo-database="$tdb" --odoo-http \
      --rootdir="$ROOT" --odoo-known-failures="$ROOT/tests/peer_known_failures.txt" \
      "${dirs[@]}" || status=$?
  fi
  if [ -n "$OPS_PID" ]; then test_ops_wait "$work" || status=1; fi
  return $status
}

# The whole suite (install included) on other days: only the Python processes see the
# faked clock (libfaketime with an offset, so it keeps ticking); PostgreSQL and Chromium
# keep the real one. Each line: the date, the user time zone, and pytest's summary.
TEST_DATES=(
  "2026-12-31 23:30:00|"
  "2027-01-01 00:30:00|"
  "2027-02-28 23:30:00|"
  "2028-02-29 12:00:00|"
  "2027-03-28 01:30:00|Europe/London"   # the hour after the clocks go forward: a 23-hour day
)
cmd_test_dates() {
  check_odoo; check_chromium; venv
  command -v faketime >/dev/null 2>&1 || die "no faketime found: apt-get install -y faketime"
  pg_start  # before faketime, so the server keeps the real clock
  # Chromium under libfaketime crashes: the tests find this wrapper first, which starts
  # the real browser without the library (the browser keeps the real clock).
  local bin; bin=$(mktemp -d)
  local chrome; chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
  printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %s "$@"\n' "$chrome" > "$bin/google-chrome"
  chmod +x "$bin/google-chrome"
  local entry when tz off status=0 log summary
  local results=()
  for entry in "${TEST_DATES[@]}"; do
    when=${entry%%|*}; tz=${entry#*|}
    off=$(( $(date -u -d "$when" +%s) - $(date -u +%s) ))
    log=$(mktemp)
    say "the whole suite at $when UTC${tz:+, users in $tz} (clock offset ${off}s)"
    if PATH="$bin:$PATH" DEALER_TEST_TZ=$tz DEALER_PEERS=0 faketime -f "+${off}s" \
        "$ROOT/scripts/dev.sh" test -rfEs "$@" >"$log" 2>&1; then :; else status=1; fi
    summary=$(grep -E "^=* ?[0-9]+ (passed|failed).* in [0-9.]+s" "$log" | tail -1 || true)
    [ -n "$summary" ] || { summary="no summary (see $log)"; status=1; }
    grep -E "^(FAILED|ERROR|SKIPPED) " "$log" | head -20 >&2 || true
    results+=("$when UTC${tz:+ ($tz)}: $summary")
  done
  rm -rf "$bin"
  if [ "$PG_STARTED" = 1 ]; then pg_stop; fi
  printf '%s\n' "${results[@]}"
  return $status
}

# dealer_crm's suite under Odoo's own runner (what OCA's CI and integrators run): a fresh
# database, dealer_crm installed with --test-enable, only dealer_crm's tests selected.
cmd_test_odoo() {
  check_odoo; check_chromium; venv; pg_start
  local db="dealer_crm_odoo_$$" work; work=$(mktemp -d)
  write_conf "$work/odoo.conf"
  trap 'pg_client dropdb --if-exists "'"$db"'" >/dev/null 2>&1 || true; rm -rf "'"$work"'"; [ "$PG_STARTED" = 1 ] && pg_stop' EXIT
  local status=0
  odoo_bin -c "$work/odoo.conf" -d "$db" -i dealer_crm --test-enable --test-tags /dealer_crm \
    --stop-after-init --log-level=test --http-port="${TEST_HTTP_PORT:-8071}" >"$work/odoo.log" 2>&1 || status=$?
  grep -E " (ERROR|CRITICAL) | FAIL: " "$work/odoo.log" | head -40 >&2 || true
  grep -E "when loading database" "$work/odoo.log" | tail -1
  grep -qE " (ERROR|CRITICAL) " "$work/odoo.log" && status=1
  return $status
}

# make lint: our ruff, then the checks of OCA's 18.0 pre-commit set (oca-addons-repo-template,
# src/.pre-commit-config.yaml.jinja rendered for 18.0) with the tools at OCA's 18.0 pins, from
# PyPI and npm into caches keyed by the pins: ~/.cache/dealer_crm/lint-venv-<key> and
# node-<key>. ruff stays ours (requirements.txt, pyproject.toml): OCA pins ruff 0.6.8 and
# 88 columns. Every check runs; the summary names those that failed.
LINT_PY_PINS=(oca-odoo-pre-commit-hooks==0.0.33 pylint-odoo==9.1.3 pre-commit-hooks==4.6.0)
LINT_NPM_PINS=(prettier@3.3.3 @prettier/plugin-xml@3.4.1 eslint@9.12.0 eslint-plugin-jsdoc@50.3.1 globals@16.0.0)
# OCA's global exclude, and the files of each hook (their 'files'/'types' in the set).
LINT_EXCLUDE='^setup/|/static/description/index\.html$|\.svg$|/tests/([^/]+/)?cassettes/|^\.copier-answers\.yml$|^\.github/|^eslint\.config\.cjs|^prettier\.config\.cjs|^README\.md$|/static/(src/)?lib/|^docs/_templates/.*\.html$|readme/.*\.(rst|md)$|/build/|/dist/|/tests/samples/.*|(LICENSE.*|COPYING.*)'
LINT_PRETTIER_FILES='\.(css|htm|html|js|json|jsx|less|md|scss|toml|ts|xml|yaml|yml)$'

lint_tools() {  # sets LINT_VENV and LINT_NODE; installs them once per set of pins
  local key
  key=$( (printf '%s\n' "${LINT_PY_PINS[@]}"; "$PY" -c 'import sys; print(sys.version)') | sha1sum | cut -c1-12)
  LINT_VENV=$CACHE/lint-venv-$key
  if [ ! -f "$LINT_VENV/.complete" ]; then
    say "installing OCA's 18.0 lint tools into $LINT_VENV: ${LINT_PY_PINS[*]}"
    rm -rf "$LINT_VENV"; mkdir -p "$CACHE"
    "$PY" -m venv "$LINT_VENV" || die "could not create the virtualenv $LINT_VENV"
    "$LINT_VENV/bin/pip" install -q --disable-pip-version-check "${LINT_PY_PINS[@]}" \
      2> >(grep -v '^WARNING: Location' >&2) \
      || { rm -rf "$LINT_VENV"; die "could not install ${LINT_PY_PINS[*]} from PyPI: make lint needs them"; }
    touch "$LINT_VENV/.complete"
  fi
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || die "no Node.js/npm found: make lint runs OCA's prettier and ESLint (apt-get install -y nodejs npm)"
  key=$( (printf '%s\n' "${LINT_NPM_PINS[@]}"; node --version) | sha1sum | cut -c1-12)
  LINT_NODE=$CACHE/node-$key
  if [ ! -f "$LINT_NODE/.complete" ]; then
    say "installing OCA's 18.0 npm lint tools into $LINT_NODE: ${LINT_NPM_PINS[*]}"
    rm -rf "$LINT_NODE"; mkdir -p "$LINT_NODE"
    npm install --prefix "$LINT_NODE" --no-audit --no-fund --save-exact --loglevel=error "${LINT_NPM_PINS[@]}" >&2 \
      || { rm -rf "$LINT_NODE"; die "could not install ${LINT_NPM_PINS[*]} from npm: make lint needs them"; }
    touch "$LINT_NODE/.complete"
  fi
  # The configurations at the root require their plugins (@prettier/plugin-xml, globals,
  # eslint-plugin-jsdoc): Node finds them in the cache through NODE_PATH.
  export NODE_PATH="$LINT_NODE/node_modules"
}
lint_files() {  # the repository's files that OCA's pre-commit would see, matching $1 (ERE)
  git -C "$ROOT" ls-files --cached --others --exclude-standard | grep -vE "$LINT_EXCLUDE" | grep -E "${1:-.}" \
    | while IFS= read -r f; do [ -f "$ROOT/$f" ] && printf '%s\n' "$f"; done
  return 0
}
prettier() { node "$LINT_NODE/node_modules/prettier/bin/prettier.cjs" "$@"; }
eslint() { node "$LINT_NODE/node_modules/eslint/bin/eslint.js" "$@"; }

cmd_lint() {
  check_odoo; venv; lint_tools
  cd "$ROOT"
  local failed=() f py=() text=() xml=() js=() po=() addon=() pretty=()
  mapfile -t py < <(lint_files '\.py$')
  mapfile -t text < <(lint_files . | while IFS= read -r f; do grep -Iq . "$f" 2>/dev/null && printf '%s\n' "$f"; done)
  mapfile -t xml < <(lint_files '\.xml$')
  mapfile -t js < <(lint_files '\.(js|mjs|cjs)$')
  mapfile -t po < <(lint_files '\.pot?$')
  mapfile -t addon < <(lint_files '^dealer_crm/.*\.(csv|md|po|pot|py|rst|xml)$')
  mapfile -t pretty < <(lint_files "$LINT_PRETTIER_FILES")
  check() {  # $1 = the name in the summary, then the command
    local name=$1; shift
    say "lint: $name"
    "$@" || failed+=("$name")
  }
  # Ours: ruff with pyproject.toml's rules (OCA's, at 100 columns).
  check "ruff" "$VENV/bin/ruff" check dealer_crm tests bench
  check "ruff format" "$VENV/bin/ruff" format --check dealer_crm tests bench
  # OCA's local hooks: no rejected merge junk, no en.po, no obsolete dotfiles.
  check "forbidden files" lint_none "found forbidden files (.rej); remove them" '\.rej$'
  check "en.po files" lint_none "found an en.po file" '[a-zA-Z0-9_]*/i18n/en\.po$'
  check "obsolete dotfiles" lint_none "found obsolete files; remove them" \
    '^(\.travis\.yml|\.t2d\.yml|CONTRIBUTING\.md|\.prettierrc\.yml|\.eslintrc\.yml)$'
  # OCA's odoo-pre-commit-hooks: the module's XML, CSV, manifest and PO checks.
  check "oca-checks-odoo-module" "$LINT_VENV/bin/oca-checks-odoo-module" "${addon[@]}"
  check "oca-checks-po" "$LINT_VENV/bin/oca-checks-po" --disable=po-pretty-format "${po[@]}"
  # pre-commit-hooks: the fixers are checked on a copy (make fmt applies them).
  check "pre-commit-hooks fixers" lint_fixers "${text[@]}"
  check "debug-statements" "$LINT_VENV/bin/debug-statement-hook" "${py[@]}"
  check "check-case-conflict" "$LINT_VENV/bin/check-case-conflict" $(lint_files .)
  check "check-docstring-first" "$LINT_VENV/bin/check-docstring-first" "${py[@]}"
  check "check-executables-have-shebangs" lint_shebangs "${text[@]}"
  check "check-merge-conflict" "$LINT_VENV/bin/check-merge-conflict" \
    $(printf '%s\n' "${text[@]}" | grep -vE '/README\.rst$|^docs/.*\.rst$')
  check "check-symlinks" "$LINT_VENV/bin/check-symlinks" $(git ls-files -s | awk '$1 == "120000" {print $4}')
  check "check-xml" "$LINT_VENV/bin/check-xml" "${xml[@]}"
  check "mixed-line-ending" "$LINT_VENV/bin/mixed-line-ending" --fix=no "${text[@]}"
  # prettier (with its XML plugin) and ESLint, OCA's configurations at the root.
  check "prettier (make fmt rewrites)" prettier --list-different --ignore-unknown "${pretty[@]}"
  check "eslint" eslint --color "${js[@]}"
  # pylint-odoo at OCA's 18.0 pin, OCA's mandatory checks, on the addon (the Python of
  # tests/, bench/ and scripts/ are developer tools, not addon code).
  check "pylint-odoo (.pylintrc-mandatory)" "$LINT_VENV/bin/pylint" --rcfile=.pylintrc-mandatory dealer_crm
  if [ "${LINT_OPTIONAL:-0}" = 1 ]; then
    check "pylint-odoo (.pylintrc, optional)" "$LINT_VENV/bin/pylint" --rcfile=.pylintrc --exit-zero dealer_crm
  fi
  if [ ${#failed[@]} -gt 0 ]; then
    die "lint failed: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')"
  fi
  say "lint: all checks passed"
}
lint_none() {  # $1 = the message, $2 = the files that must not exist (ERE)
  local found; found=$(lint_files "$2")
  [ -z "$found" ] || { printf '%s\n' "$found" >&2; say "$1"; return 1; }
}
lint_fixers() {  # trailing-whitespace, end-of-file-fixer, fix-encoding-pragma, on a copy
  local tmp rc=0 f; tmp=$(mktemp -d)
  cp --parents -t "$tmp" "$@"
  (cd "$tmp" && lint_run_fixers "$@") >/dev/null 2>&1 || true
  for f in "$@"; do cmp -s "$f" "$tmp/$f" || { echo "$f: would be rewritten by make fmt" >&2; rc=1; }; done
  rm -rf "$tmp"
  return $rc
}
lint_run_fixers() {  # in place, on the given text files
  local ws=() f
  for f in "$@"; do [[ "$f" =~ /README\.rst$|\.pot?$ ]] || ws+=("$f"); done
  "$LINT_VENV/bin/trailing-whitespace-fixer" "${ws[@]}" || true
  "$LINT_VENV/bin/end-of-file-fixer" "${ws[@]}" || true
  "$LINT_VENV/bin/mixed-line-ending" --fix=lf "$@" || true
  "$LINT_VENV/bin/fix-encoding-pragma" --remove $(printf '%s\n' "$@" | grep '\.py$') 2>/dev/null || true
}
lint_shebangs() {  # check-executables-have-shebangs on the executable text files
  local exe=() f
  for f in "$@"; do [ -x "$f" ] && exe+=("$f"); done
  [ ${#exe[@]} -eq 0 ] || "$LINT_VENV/bin/check-executables-have-shebangs" "${exe[@]}"
}

# make fmt: ruff's format and fixes, then OCA's fixers: prettier, ESLint's fixes and the
# pre-commit-hooks fixers (trailing whitespace, end of file, line endings).
cmd_fmt() {
  check_odoo; venv; lint_tools
  cd "$ROOT"
  local text=() js=() pretty=()
  mapfile -t text < <(lint_files . | while IFS= read -r f; do grep -Iq . "$f" 2>/dev/null && printf '%s\n' "$f"; done)
  mapfile -t js < <(lint_files '\.(js|mjs|cjs)$')
  mapfile -t pretty < <(lint_files "$LINT_PRETTIER_FILES")
  "$VENV/bin/ruff" format dealer_crm tests bench
  "$VENV/bin/ruff" check --fix dealer_crm tests bench || true
  lint_run_fixers "${text[@]}" >/dev/null
  prettier --write --list-different --ignore-unknown "${pretty[@]}" || true
  eslint --fix "${js[@]}" || true
  say "fmt: done; 'git diff --stat' shows what changed, make lint what is left"
}

# make bench: the full-scale bench database (reused, topped up), the timed operations, then
# installing and upgrading dealer_crm on a copy of a 1,000,000-customer template.
# BENCH_SCALE=0.05 shrinks the volumes for a quick run; BENCH_INSTALL=0 skips the install.
bench_install() {  # $1 = conf
  local conf=$1 tpl=dealer_crm_bench_tpl copy=dealer_crm_bench_install deps partners orders
  partners=$(awk -v s="${BENCH_SCALE:-1}" 'BEGIN { printf "%d", 1000000 * s }')
  orders=$(awk -v s="${BENCH_SCALE:-1}" 'BEGIN { printf "%d", 2000000 * s }')
  if ! db_exists "$tpl"; then
    deps=$("$VENV/bin/python" -c "import ast; print(','.join(ast.literal_eval(open('$ROOT/dealer_crm/__manifest__.py').read())['depends']))")
    say "creating the install template $tpl (dealer_crm's dependencies, no demo data)"
    pg_client createdb "$tpl"
    nice -n 5 "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$conf" -d "$tpl" -i "$deps" \
      --without-demo=all --stop-after-init --log-level=warn
  fi
  nice -n 5 env PGPASSWORD="${DB_PASSWORD:-}" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
    -d "$tpl" -q -v partners="$partners" -v orders="$orders" -f "$ROOT/bench/install_data.sql" >/dev/null
  pg_client dropdb --if-exists "$copy"
  pg_client createdb -T "$tpl" "$copy"
  local t0 t1 t2 t3
  t0=$(date +%s.%N)
  odoo_bin -c "$conf" -d "$copy" --stop-after-init --log-level=warn --no-http
  t1=$(date +%s.%N)
  odoo_bin -c "$conf" -d "$copy" -i dealer_crm --without-demo=all --stop-after-init --log-level=warn --no-http
  t2=$(date +%s.%N)
  odoo_bin -c "$conf" -d "$copy" -u dealer_crm --stop-after-init --log-level=warn --no-http
  t3=$(date +%s.%N)
  pg_client dropdb "$copy"
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v p="$partners" -v o="$orders" 'BEGIN {
    printf "bench: install dealer_crm on %d partners and %d orders (-i): %.1f s | - queries | peak - | %.1fx starting Odoo on the same database (%.1f s) | target under 120 s\n", p, o, c - b, (c - b) / (b - a), b - a
    printf "bench: upgrade dealer_crm on %d partners and %d orders (-u): %.1f s | - queries | peak - | %.1fx starting Odoo on the same database (%.1f s) | target under 120 s\n", p, o, d - c, (d - c) / (b - a), b - a }'
}

cmd_bench() {
  check_odoo; venv; pg_start
  local conf="$CACHE/odoo-bench.conf" db=dealer_crm_bench; write_conf "$conf"
  if ! db_exists "$db"; then
    say "creating the bench database $db (dealer_crm without demo data)"
    odoo_bin -c "$conf" -d "$db" -i dealer_crm --without-demo=all --stop-after-init --log-level=warn
  else
    odoo_bin -c "$conf" -d "$db" -u dealer_crm --stop-after-init --log-level=warn
  fi
  say "building or topping up the bench data (BENCH_SCALE=${BENCH_SCALE:-1})"
  nice -n 5 "$VENV/bin/python" "$ODOO_PATH/odoo-bin" shell -c "$conf" -d "$db" --log-level=warn \
    --no-http < "$ROOT/bench/build_data.py" 2>&1 | grep --line-buffered '^bench:'
  BENCH_SCRIPT="$ROOT/bench/run_bench.py" odoo_bin shell -c "$conf" -d "$db" --log-level=warn \
    --no-http < "$ROOT/bench/run_bench.py" 2>&1 | grep --line-buffered '^bench:'
  if [ "${BENCH_INSTALL:-1}" != 0 ]; then bench_install "$conf"; fi
}

# gevent (Odoo's websocket worker) loads its plugins through pkg_resources, which finds
# zope.interface and zope.event only by their dotted names: installed from wheels that name
# their metadata zope_interface-*.dist-info, they are not found, and the worker dies at
# start and is spawned again every second. The load server sees them under both names.
load_gevent_names() {
  "$VENV/bin/python" -W ignore -c "import pkg_resources; pkg_resources.require('gevent')" 2>/dev/null && return
  local site dist base
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  for dist in "$site"/zope_*.dist-info; do
    [ -d "$dist" ] || continue
    base=$(basename "$dist" .dist-info)
    mkdir -p "$LOAD_WORK/names/${base/zope_/zope.}.egg-info"
    printf 'Metadata-Version: 1.1\nName: %s\nVersion: %s\n' "$(echo "${base%-*}" | tr _ .)" "${base##*-}" \
      > "$LOAD_WORK/names/${base/zope_/zope.}.egg-info/PKG-INFO"
  done
  export PYTHONPATH="$LOAD_WORK/names:$PYTHONPATH"
}

# make load: Odoo with 2 workers and a cron worker on a throw-away copy of the load database
# (dealer_crm with demo data, installed or upgraded), LOAD_CLIENTS department users on
# loopback for LOAD_SECONDS over JSON-RPC (bench/load.py run), then, the server stopped,
# the database checked against what the clients did (bench/load.py check).
cmd_load() {
  check_odoo; venv; pg_start
  local base=${LOAD_DB:-dealer_crm_load} port=${LOAD_PORT:-8079}
  local gport=${LOAD_GEVENT_PORT:-$((port + 100))} conf="$CACHE/odoo-load.conf"
  HTTP_PORT=$port write_conf "$conf"
  if ! db_exists "$base"; then
    say "creating the load database $base (dealer_crm with demo data)"
    odoo_bin -c "$conf" -d "$base" -i dealer_crm --stop-after-init --log-level=warn --no-http
  else
    odoo_bin -c "$conf" -d "$base" -u dealer_crm --stop-after-init --log-level=warn --no-http
  fi
  # globals, for the EXIT trap
  LOAD_RUN="${base}_run_$$"; LOAD_WORK=$(mktemp -d); LOAD_PID=
  load_cleanup() {
    if [ -n "$LOAD_PID" ]; then kill "$LOAD_PID" 2>/dev/null || true; wait "$LOAD_PID" 2>/dev/null || true; fi
    pg_client dropdb --if-exists "$LOAD_RUN" >/dev/null 2>&1 || true
    rm -rf "$CACHE/filestore/filestore/$LOAD_RUN" "$LOAD_WORK"
    if [ "$PG_STARTED" = 1 ]; then pg_stop; fi
  }
  trap load_cleanup EXIT
  pg_client createdb -T "$base" "$LOAD_RUN"
  if [ -d "$CACHE/filestore/filestore/$base" ]; then
    cp -r "$CACHE/filestore/filestore/$base" "$CACHE/filestore/filestore/$LOAD_RUN"
  fi
  # the cron worker runs dealer_crm's jobs during the load, beside the users
  pg_client psql -q -d "$LOAD_RUN" -c "UPDATE ir_cron SET nextcall = now() at time zone 'UTC'
    WHERE active AND id IN (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND module = 'dealer_crm')"
  load_gevent_names
  say "serving $LOAD_RUN on http://127.0.0.1:$port (--workers=2, a cron worker; log $LOAD_WORK/server.log)"
  "$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$conf" -d "$LOAD_RUN" --db-filter="^$LOAD_RUN\$" \
    --workers=2 --max-cron-threads=1 --http-interface=127.0.0.1 --http-port="$port" \
    --gevent-port="$gport" --log-level=info --logfile="$LOAD_WORK/server.log" &
  LOAD_PID=$!
  local i
  for i in $(seq 1 180); do
    "$VENV/bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/web/health', timeout=2)" \
      2>/dev/null && break
    kill -0 "$LOAD_PID" 2>/dev/null || { tail -40 "$LOAD_WORK/server.log" >&2; die "Odoo did not start"; }
    [ "$i" -lt 180 ] || die "Odoo did not answer on port $port"
    sleep 1
  done
  say "${LOAD_CLIENTS:-8} clients for ${LOAD_SECONDS:-60} s"
  # wake the cron worker (it sleeps a minute between rounds) 5 s into the load
  (sleep 5; pg_client psql -q -d postgres -c "NOTIFY cron_trigger, '$LOAD_RUN'" >/dev/null 2>&1) &
  local status=0
  PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=${DB_PASSWORD:-} \
    "$VENV/bin/python" "$ROOT/bench/load.py" run --url "http://127.0.0.1:$port" --db "$LOAD_RUN" \
    --seconds "${LOAD_SECONDS:-60}" --clients "${LOAD_CLIENTS:-8}" --ledger "$LOAD_WORK/ledger.json" \
    || status=$?
  kill "$LOAD_PID"; wait "$LOAD_PID" 2>/dev/null || true; LOAD_PID=
  if [ -f "$LOAD_WORK/ledger.json" ]; then
    PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=${DB_PASSWORD:-} \
      "$VENV/bin/python" "$ROOT/bench/load.py" check --db "$LOAD_RUN" --base-db "$base" \
      --ledger "$LOAD_WORK/ledger.json" --log "$LOAD_WORK/server.log" || status=1
  else
    status=1
  fi
  if [ -n "${LOAD_KEEP_LOG:-}" ]; then cp "$LOAD_WORK/server.log" "$LOAD_KEEP_LOG"; fi
  return $status
}

# make backup / make restore: the database (pg_dump's custom format) and its filestore in
# one tar, with a manifest; restored under a new name, never over an existing database.
DATA_DIR=${DEALER_DATA_DIR:-$CACHE/filestore}
backup_counts_sql() {  # rows per dealer_crm table, attachments, as one JSON object
  cat <<'SQL'
SELECT json_build_object(
  'tables', (SELECT json_object_agg(relname, (xpath('/row/c/text()',
               query_to_xml(format('SELECT count(*) AS c FROM %I', relname), false, true, '')))[1]::text::bigint
               ORDER BY relname)
             FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
              AND (relname LIKE 'dealer\_%' OR relname IN ('res_partner', 'sale_order', 'crm_lead',
                   'helpdesk_ticket', 'loyalty_card', 'ir_attachment'))),
  'attachments_in_filestore', (SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL))
SQL
}
cmd_backup() {
  pg_start
  local db=$DB stamp out work filestore version
  db_exists "$db" || die "no database $db to back up (DEALER_DB=...)"
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  out=${BACKUP:-$CACHE/backups/$db-$stamp.tar}
  [ ! -e "$out" ] || die "$out exists already: choose another BACKUP=..."
  mkdir -p "$(dirname "$out")"
  work=$(mktemp -d); trap 'rm -rf "'"$work"'"' EXIT
  filestore="$DATA_DIR/filestore/$db"
  say "dumping $db (pg_dump, custom format)"
  pg_client pg_dump -Fc --no-owner -f "$work/db.dump" "$db"
  # The filestore after the dump: its files are named by their checksum and never
  # rewritten, so every file the dump refers to is in the copy.
  mkdir -p "$work/filestore"
  if [ -d "$filestore" ]; then cp -a "$filestore/." "$work/filestore/"
  else say "no filestore at $filestore: the backup holds the database only"; fi
  version=$(sed -nE "s/^version_info = \(([0-9]+), ([0-9]+).*/\1.\2/p" "$ODOO_PATH/odoo/release.py" 2>/dev/null || true)
  pg_client psql -d "$db" -tAXq -v ON_ERROR_STOP=1 \
    -v db="$db" -v stamp="$stamp" -v odoo="${version:-unknown}" \
    -v files="$(find "$work/filestore" -type f | wc -l)" <<'SQL' > "$work/manifest-head.json"
SELECT json_build_object(
  'database', :'db', 'date', :'stamp', 'odoo', :'odoo',
  'dealer_crm', (SELECT latest_version FROM ir_module_module WHERE name = 'dealer_crm' AND state = 'installed'),
  'postgresql', current_setting('server_version'),
  'filestore_files', :'files'::int)
SQL
  pg_client psql -d "$db" -tAXq -v ON_ERROR_STOP=1 -c "$(backup_counts_sql)" > "$work/counts.json"
  "$PY" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
manifest = json.load(open(f"{work}/manifest-head.json"))
manifest["counts"] = json.load(open(f"{work}/counts.json"))
json.dump(manifest, open(f"{work}/manifest.json", "w"), indent=1, sort_keys=True)
PY
  tar -C "$work" -cf "$out.part" manifest.json db.dump filestore
  mv "$out.part" "$out"
  say "backed up $db to $out ($(du -h "$out" | cut -f1))"
  echo "$out"
}

cmd_restore() {
  pg_start
  local in=${BACKUP:-} work src new filestore
  [ -n "$in" ] || die "which backup? make restore BACKUP=path/to/backup.tar RESTORE_DB=name"
  [ -f "$in" ] || die "no backup at $in"
  work=$(mktemp -d); trap 'rm -rf "'"$work"'"' EXIT
  tar -C "$work" -xf "$in" manifest.json db.dump filestore || die "$in is not a dealer_crm backup (manifest.json, db.dump, filestore)"
  src=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["database"])' "$work/manifest.json")
  new=${RESTORE_DB:-${src}_restored}
  filestore="$DATA_DIR/filestore/$new"
  if db_exists "$new" || [ -e "$filestore" ]; then
    [ "${RESTORE_FORCE:-0}" = 1 ] || die "the database $new or its filestore $filestore exists already: choose another RESTORE_DB=..., or RESTORE_FORCE=1 to drop and replace it"
    say "RESTORE_FORCE=1: dropping the database $new and its filestore"
    pg_client dropdb --if-exists "$new"; rm -rf "$filestore"
  fi
  say "restoring $src (backed up $(sed -nE 's/.*"date": "([^"]+)".*/\1/p' "$work/manifest.json")) as $new"
  pg_client createdb -T template0 "$new"
  if ! pg_client pg_restore --no-owner --exit-on-error -d "$new" "$work/db.dump"; then
    pg_client dropdb --if-exists "$new"; die "pg_restore failed: nothing was kept"
  fi
  mkdir -p "$(dirname "$filestore")"
  if ! cp -a "$work/filestore" "$filestore"; then
    pg_client dropdb --if-exists "$new"; rm -rf "$filestore"; die "copying the filestore failed: nothing was kept"
  fi
  say "restored $new: $(find "$filestore" -type f | wc -l) filestore files in $filestore"
  if [ "${NEUTRALIZE:-0}" = 1 ]; then
    check_odoo; venv
    local conf="$work/odoo.conf"; write_conf "$conf"
    odoo_bin neutralize -c "$conf" -d "$new" --log-level=warn
    say "neutralised $new (Odoo's neutralize: scheduled jobs and outgoing mail servers off, a ribbon on the screens)"
  else
    say "not neutralised: $new keeps the scheduled jobs, outgoing mail servers and database uuid of $src; if both run, both send. NEUTRALIZE=1 turns them off"
  fi
  echo "$new"
}

# make replica: a streaming hot standby of the project's cluster, socket-only like the
# primary, for Odoo's db_replica_host/db_replica_port. Built once by pg_basebackup and
# reused; rebuilt when it cannot catch up (no replication slot, so a stopped standby
# never makes the primary keep WAL for it).
REPLICA_PORT=${DEALER_REPLICA_PORT:-54330}
REPLICA_DIR=${DEALER_REPLICA_DIR:-/var/tmp/dealer_crm-pg-$(id -u)-$REPLICA_PORT}
replica_tools() {
  R_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$R_BIN" ] || R_BIN=$(dirname "$(command -v pg_ctl || die 'no PostgreSQL server binaries (pg_ctl) found')")
  R_AS=(); [ "$(id -u)" = 0 ] && R_AS=(runuser -u postgres --)
  return 0
}
replica_sql() { psql -h "$REPLICA_DIR/run" -p "$REPLICA_PORT" -U "${DB_USER:-odoo}" -d postgres -tAXqc "$1" 2>/dev/null; }
replica_stop() {
  replica_tools
  [ -f "$REPLICA_DIR/data/postmaster.pid" ] || return 0
  "${R_AS[@]}" "$R_BIN/pg_ctl" -D "$REPLICA_DIR/data" -m fast -w stop >/dev/null || true
}
replica_start() {
  "$R_BIN/pg_isready" -q -h "$REPLICA_DIR/run" -p "$REPLICA_PORT" -d postgres && return 0
  "${R_AS[@]}" "$R_BIN/pg_ctl" -D "$REPLICA_DIR/data" -l "$REPLICA_DIR/server.log" -w -t 300 start \
    -o "-k $REPLICA_DIR/run -p $REPLICA_PORT -c listen_addresses='' -c hot_standby=on -c hot_standby_feedback=on -c fsync=off -c log_line_prefix='%m [%p] %a@%d '" >/dev/null
}
replica_caught_up() {  # why not, on stdout; nothing when it streams and has replayed the primary's WAL
  local sysid lsn i
  [ "$(replica_sql 'SELECT pg_is_in_recovery()')" = t ] || { echo "it is not a standby (or does not answer)"; return 1; }
  sysid=$(pg_client psql -d postgres -tAXqc "SELECT system_identifier FROM pg_control_system()")
  [ "$(replica_sql 'SELECT system_identifier FROM pg_control_system()')" = "$sysid" ] \
    || { echo "it is a copy of another cluster"; return 1; }
  for i in $(seq "${REPLICA_STREAM_WAIT:-30}"); do
    [ "$(replica_sql "SELECT status FROM pg_stat_wal_receiver")" = streaming ] && break
    sleep 1
  done
  [ "$(replica_sql "SELECT status FROM pg_stat_wal_receiver")" = streaming ] \
    || { echo "it does not stream from the primary$(grep -o 'requested WAL segment [^ ]* has already been removed' "$REPLICA_DIR/server.log" | tail -1 | sed 's/^/: /')"; return 1; }
  lsn=$(pg_client psql -d postgres -tAXqc "SELECT pg_current_wal_lsn()")
  for i in $(seq "${REPLICA_CATCHUP_WAIT:-600}"); do
    [ "$(replica_sql "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
    sleep 1
  done
  echo "it has not replayed the primary's WAL up to $lsn"; return 1
}
cmd_replica() {
  pg_start; replica_tools
  local why how
  if [ -f "$REPLICA_DIR/data/PG_VERSION" ]; then
    if "$R_BIN/pg_isready" -q -h "$REPLICA_DIR/run" -p "$REPLICA_PORT" -d postgres; then how=reused
    else how="started again from $REPLICA_DIR"; replica_start || true; fi
    if why=$(replica_caught_up); then
      say "standby $how: host=$REPLICA_DIR/run port=$REPLICA_PORT (streaming from port $DB_PORT)"
      echo "db_replica_host = $REPLICA_DIR/run"; echo "db_replica_port = $REPLICA_PORT"; return 0
    fi
    say "the standby in $REPLICA_DIR cannot be used ($why): rebuilding it"
    replica_stop; rm -rf "$REPLICA_DIR/data"
  fi
  say "building the standby in $REPLICA_DIR (pg_basebackup of the cluster at $DB_HOST port $DB_PORT, $(pg_client psql -d postgres -tAXqc "SELECT pg_size_pretty(sum(pg_database_size(datname))) FROM pg_database"))"
  mkdir -p "$REPLICA_DIR/run"; chmod 755 "$REPLICA_DIR"
  [ "$(id -u)" = 0 ] && chown -R postgres "$REPLICA_DIR"
  "${R_AS[@]}" "$R_BIN/pg_basebackup" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -D "$REPLICA_DIR/data" \
    -R -X stream -c fast --no-sync
  replica_start
  why=$(replica_caught_up) || die "the new standby does not follow the primary: $why (see $REPLICA_DIR/server.log)"
  say "standby ready: host=$REPLICA_DIR/run port=$REPLICA_PORT (streaming from port $DB_PORT)"
  echo "db_replica_host = $REPLICA_DIR/run"; echo "db_replica_port = $REPLICA_PORT"
}

# make pot: dealer_crm's terms exported by Odoo (the Python _() and _lt() calls, field
# labels and selections, views, mail and SMS templates, data) into
# dealer_crm/i18n/dealer_crm.pot, from a throw-away database where dealer_crm is installed
# with demo data (named POT_SCRATCH_DB if given; POT_DB=name exports from that existing
# database instead: upgrade it first);
# then every dealer_crm/i18n/*.po merged with it (scripts/i18n.py).
cmd_pot() {
  check_odoo; venv; pg_start
  local db=${POT_DB:-} work out="$ROOT/dealer_crm/i18n/dealer_crm.pot" po
  work=$(mktemp -d)
  write_conf "$work/odoo.conf"
  POT_WORK=$work POT_TMP_DB=
  if [ -z "$db" ]; then
    db=${POT_SCRATCH_DB:-dealer_crm_pot_$$}; POT_TMP_DB=$db
    ! db_exists "$db" || die "the database $db exists already: choose another POT_SCRATCH_DB"
  fi
  trap 'if [ -n "$POT_TMP_DB" ]; then pg_client dropdb --if-exists "$POT_TMP_DB" >/dev/null 2>&1 || true; rm -rf "$CACHE/filestore/filestore/$POT_TMP_DB"; fi; rm -rf "$POT_WORK"; if [ "$PG_STARTED" = 1 ]; then pg_stop; fi' EXIT
  if [ -n "$POT_TMP_DB" ]; then
    say "installing dealer_crm with demo data into the throw-away database $db"
    odoo_bin -c "$work/odoo.conf" -d "$db" -i dealer_crm --stop-after-init --log-level=warn \
      --no-http > "$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; die "installing dealer_crm failed"; }
  fi
  say "exporting dealer_crm's terms from $db"
  odoo_bin -c "$work/odoo.conf" -d "$db" --i18n-export="$work/dealer_crm.pot" --modules=dealer_crm \
    --log-level=warn --no-http
  mkdir -p "$(dirname "$out")"
  "$VENV/bin/python" "$ROOT/scripts/i18n.py" pot "$work/dealer_crm.pot" "$out"
  for po in "$ROOT"/dealer_crm/i18n/*.po; do
    [ -f "$po" ] && "$VENV/bin/python" "$ROOT/scripts/i18n.py" merge "$out" "$po"
  done
  return 0
}

cmd_shell() { check_odoo; venv; pg_start; local conf="$CACHE/odoo-run.conf"; write_conf "$conf"; odoo_bin shell -c "$conf" -d "$DB" "$@"; }

case "${1:-}" in
  check) check_odoo; check_chromium ;;
  venv) check_odoo; venv; echo "$VENV" ;;
  pg-start) pg_start; echo "host=$DB_HOST port=$DB_PORT user=$DB_USER" ;;
  pg-stop) pg_stop ;;
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  lint) shift; cmd_lint "$@" ;;
  fmt) shift; cmd_fmt "$@" ;;
  pot) shift; cmd_pot "$@" ;;
  shell) shift; cmd_shell "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  load) shift; cmd_load "$@" ;;
  test-dates) shift; cmd_test_dates "$@" ;;
  test-odoo) shift; cmd_test_odoo "$@" ;;
  backup) shift; cmd_backup "$@" ;;
  restore) shift; cmd_restore "$@" ;;
  replica) shift; cmd_replica "$@" ;;
  *) die "usage: scripts/dev.sh {check|venv|pg-start|pg-stop|run|test|test-dates|test-odoo|lint|fmt|pot|shell|bench|load|backup|restore|replica}" ;;
esac
