# dealer_crm: one command each. Odoo 18.0 is taken from ODOO_PATH.
ODOO_PATH ?= /opt/odoo/18.0
export ODOO_PATH

.PHONY: run test test-dates test-odoo lint pot fmt shell bench load pg-stop screenshots backup restore replica

run:            ## serve a local database 'dealer_crm' with demo data at http://localhost:8069
	@scripts/dev.sh run

test:           ## throw-away database, dealer_crm installed, lint, then every test
	@scripts/dev.sh check
	@scripts/dev.sh lint
	@scripts/dev.sh test

test-dates:     ## the whole suite with the clock at year end, new year, month end, leap day and a DST change
	@scripts/dev.sh test-dates

test-odoo:      ## dealer_crm's tests under Odoo's own runner (odoo-bin --test-enable), on a fresh database
	@scripts/dev.sh test-odoo

screenshots:    ## retake the README's screenshots (docs/screenshots) in Chromium from the demo data
	@DEALER_SCREENSHOTS=$(CURDIR)/docs/screenshots scripts/dev.sh test -k test_department_screens

lint:           ## ruff, and OCA's 18.0 pre-commit checks (oca-checks-odoo-module, oca-checks-po, pylint-odoo, prettier, ESLint...) at OCA's pins
	@scripts/dev.sh lint

pot:            ## dealer_crm/i18n/dealer_crm.pot exported by Odoo from a throw-away database (POT_DB=name: from that one), every i18n/*.po merged with it
	@scripts/dev.sh pot

shell:          ## odoo shell on the 'dealer_crm' database
	@scripts/dev.sh shell

bench:          ## timings at full scale on dealer_crm_bench, built or reused (BENCH_SCALE=0.05 quick, BENCH_INSTALL=0)
	@scripts/dev.sh bench

load:           ## 60 s of concurrent department users on 2 workers and a cron worker, then a database check (LOAD_SECONDS, LOAD_CLIENTS, LOAD_PORT)
	@scripts/dev.sh load

backup:         ## dump DEALER_DB (default dealer_crm) and its filestore into one tar (BACKUP=path, default ~/.cache/dealer_crm/backups/)
	@scripts/dev.sh backup

restore:        ## restore BACKUP=path.tar as a new database RESTORE_DB (never over one; RESTORE_FORCE=1 replaces, NEUTRALIZE=1)
	@scripts/dev.sh restore

replica:        ## a streaming hot standby of the project cluster on port 54330 (built once, reused) for db_replica_host/port
	@scripts/dev.sh replica

pg-stop:        ## stop the project-local PostgreSQL cluster (and its standby)
	@scripts/dev.sh pg-stop

fmt:            ## rewrite the files in our style: ruff format and fixes, prettier (XML, JS, Markdown), ESLint fixes, OCA's whitespace fixers
	@scripts/dev.sh fmt
