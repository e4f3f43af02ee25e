"""make bench: the timed operations on the full-scale bench database.

Run inside `odoo-bin shell` (scripts/dev.sh bench does it, after bench/build_data.py);
`env` is given by the shell. One line per operation:

    bench: <operation>: <time> | <queries> queries | peak <MiB> | <ratio>x <baseline>

Every operation goes through a public entry point (name_search, web_read with the form
view's specification, web_search_read, write, the crons, the XLSX report, read_group, the
erasure wizard), so the bench survives refactors; its baseline is measured in the same
run. Queries are counted with ``env.cr.sql_log_count``. Peak memory is the peak RSS of a
fresh `odoo-bin shell` process that runs only that operation (``resource.getrusage``
``ru_maxrss``), given where memory matters (the XLSX exports, the maintenance-plan edit),
with its growth over the loaded registry in brackets. Operations that change data are
rolled back (the nightly evaluation excepted: it is reset first, so reruns measure the
same). A failing operation prints an ERROR line and the run goes on.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
import traceback
from datetime import date

import odoo
from odoo import Command, fields
from odoo.tools import SQL

env = globals()["env"]  # provided by odoo shell
cr = env.cr
PART = os.environ.get("BENCH_PART", "")
REPEAT = int(os.environ.get("BENCH_REPEAT", "100"))
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "120"))
admin = env.ref("base.user_admin")
uenv = env(user=admin)  # the operations run as a manager would, with the record rules


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fmt_time(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def line(operation, seconds, queries, peak, base_name=None, base_seconds=None, note=""):
    ratio = (
        f"{seconds / base_seconds:.1f}x {base_name} ({fmt_time(base_seconds)})"
        if base_seconds
        else "no baseline"
    )
    note = f" | {note}" if note else ""
    print(
        f"bench: {operation}: {fmt_time(seconds)} | {queries} queries | peak {peak} | "
        f"{ratio}{note}",
        flush=True,
    )


def measure(func, repeat=1, args=None):
    """Median time and the queries of one call; the caches emptied before each call.
    ``args``: a list of arguments, one per call (cycled)."""
    times, queries, result = [], 0, None
    for i in range(repeat):
        uenv.invalidate_all()
        count = cr.sql_log_count
        start = time.perf_counter()
        result = func(args[i % len(args)]) if args else func()
        times.append(time.perf_counter() - start)
        queries = cr.sql_log_count - count
    return statistics.median(times), queries, result


def sql_time(query, params=None, repeat=1, args=None):
    def run(arg=None):
        cr.execute(query, arg if args else params)
        return cr.fetchall() if cr.description else None

    return measure(run, repeat, args)[0]


def guarded(operation):
    """Run one bench operation; on error print it and roll back, never abort the run."""

    def decorator(func):
        try:
            func()
        except Exception as error:  # noqa: BLE001 - a bench line, never a crash
            cr.rollback()
            detail = traceback.format_exception_only(error)[-1].strip()
            print(f"bench: {operation}: ERROR {detail}", flush=True)
        return func

    return decorator


def bench_partner(k):
    """The k-th bench customer (k=1 owns 50 vehicles and ~2,000 events); a k beyond the
    customers made at this BENCH_SCALE is brought into range."""
    cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%%'")
    count = cr.fetchone()[0]
    cr.execute(
        "SELECT id FROM res_partner WHERE ref LIKE 'BENCH-%%' ORDER BY id OFFSET %s LIMIT 1",
        ((k - 1) % max(count, 1),),
    )
    return uenv["res.partner"].browse(cr.fetchone()[0])


def in_subprocess(part):
    """Run one part of this script in a fresh `odoo-bin shell`, for its peak RSS."""
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    command = [sys.executable, odoo_bin, "shell", "-d", cr.dbname, "--no-http"]
    command += ["--log-level=warn"]
    if odoo.tools.config.rcfile and os.path.exists(odoo.tools.config.rcfile):
        command += ["-c", odoo.tools.config.rcfile]
    command += ["--addons-path", odoo.tools.config["addons_path"]]
    with open(os.environ["BENCH_SCRIPT"]) as script:
        done = subprocess.run(
            command,
            stdin=script,
            capture_output=True,
            text=True,
            env=dict(os.environ, BENCH_PART=part),
            check=False,
        )
    lines = [text for text in done.stdout.splitlines() if text.startswith("bench:")]
    for text in lines:
        print(text, flush=True)
    if not lines:
        print(f"bench: {part}: ERROR {done.stderr.strip().splitlines()[-1:]}", flush=True)
    return done.stdout.splitlines()


# =========================================================================== parts
def part_register():
    """The customer-register XLSX of every bench customer, alone in this process."""
    Partner = uenv["res.partner"]
    customers = Partner.search([("ref", "=like", "BENCH-%")])
    before = rss_mib()
    count = cr.sql_log_count
    start = time.perf_counter()
    content, _kind = uenv["ir.actions.report"]._render(
        "dealer_crm.customer_register", customers.ids
    )
    elapsed = time.perf_counter() - start
    peak = rss_mib()
    base = float(os.environ.get("BENCH_EXPORT_S", "0")) or None
    line(
        f"customer register XLSX, {len(customers)} customers",
        elapsed,
        cr.sql_log_count - count,
        f"{peak:.0f} MiB RSS (+{peak - before:.0f})",
        "Odoo's list export of the same columns",
        base,
        f"{len(content) / 2**20:.1f} MiB file",
    )


REGISTER_COLUMNS = [
    "name",
    "dealer_customer_type",
    "phone",
    "mobile",
    "email",
    "city",
    "dealer_rfm_segment",
    "dealer_value_tier",
    "dealer_loyalty_card_id/dealer_tier_id",
    "dealer_lifetime_spend",
    "dealer_revenue_12m",
    "dealer_satisfaction_avg",
    "dealer_churn_risk",
    "dealer_last_verified_date",
    "dealer_vehicle_count",
]


def part_export():
    """Odoo's own list export (export_data, then its XLSX writer) of the same columns."""
    from types import SimpleNamespace

    from odoo.http import _request_stack

    from odoo.addons.web.controllers.export import ExcelExport

    _request_stack.push(SimpleNamespace(env=uenv))
    Partner = uenv["res.partner"]
    customers = Partner.search([("ref", "=like", "BENCH-%")])
    before = rss_mib()
    count = cr.sql_log_count
    start = time.perf_counter()
    rows = customers.export_data(REGISTER_COLUMNS)["datas"]
    fields_info = [
        {"name": name, "label": name, "type": Partner._fields[name.split("/")[0]].type}
        for name in REGISTER_COLUMNS
    ]
    content = ExcelExport().from_data(fields_info, REGISTER_COLUMNS, rows)
    elapsed = time.perf_counter() - start
    peak = rss_mib()
    print(f"bench-export-seconds: {elapsed}")
    line(
        f"list export (export_data + XLSX), {len(customers)} customers",
        elapsed,
        cr.sql_log_count - count,
        f"{peak:.0f} MiB RSS (+{peak - before:.0f})",
        note=f"{len(content) / 2**20:.1f} MiB file; the baseline of the register",
    )


def part_plan():
    """Edit the default maintenance plan: every vehicle it covers is recomputed."""
    Plan = uenv["dealer.maintenance.plan"]
    plan = Plan.search([("scope", "=", "default")], limit=1) or Plan.search([], limit=1)
    months = plan.interval_months
    vehicles = uenv["dealer.vehicle"].search_count([])
    # the floor: the same dates by one set-based UPDATE (last visit or purchase + months)
    floor = sql_time(
        """UPDATE dealer_vehicle v
              SET next_service_date = COALESCE(v.last_service_date, v.purchase_date)
                                      + make_interval(months => %s)""",
        (months + 1,),
    )
    cr.rollback()
    before = rss_mib()
    elapsed, queries, _result = measure(
        lambda: (plan.write({"interval_months": months + 1}), uenv.flush_all())
    )
    peak = rss_mib()
    line(
        f"edit the default maintenance plan ({vehicles} vehicles to recompute)",
        elapsed,
        queries,
        f"{peak:.0f} MiB RSS (+{peak - before:.0f})",
        "one set-based SQL UPDATE of the due dates",
        floor,
    )

    def recompute():
        """What the edit handed over: the cron's batches until none remain (the cron
        commits each batch; here they stay in one transaction, rolled back after)."""
        done = 0
        while batch := Plan.sudo()._cron_recompute_vehicles():
            done += len(batch)
            uenv.flush_all()
        return done

    elapsed, queries, done = measure(recompute)
    peak_after = rss_mib()
    cr.rollback()
    line(
        "service-due recompute after that edit (the cron's batches, until done)",
        elapsed,
        queries,
        f"{peak_after:.0f} MiB RSS (+{peak_after - before:.0f})",
        "one set-based SQL UPDATE of the due dates",
        floor,
        f"{done} vehicles recomputed",
    )


# =========================================================================== main run
def main():
    Vehicle = uenv["dealer.vehicle"]
    cr.execute("SELECT count(*) FROM dealer_vehicle")
    print(f"bench: database {cr.dbname}: {cr.fetchone()[0]} vehicles", flush=True)
    lookups()
    forms()
    timeline()
    due_list(Vehicle)
    evaluation()
    plan_and_reminders()
    loyalty_expiry()
    exports()
    analysis()
    erasure()
    winback_job()
    lifecycle_leads_job()
    recalls()


def sample_vehicles(n):
    """n bench vehicles spread over the table: id, plate, VIN, owner name and phone."""
    cr.execute(
        """SELECT v.id, v.license_plate, v.vin, p.name, p.phone, p.phone_sanitized
             FROM dealer_vehicle v JOIN res_partner p ON p.id = v.owner_id
            WHERE v.vin LIKE '1BN%%' AND p.phone_sanitized LIKE '+1%%'
            ORDER BY v.id LIMIT %s""",
        (n * 97,),
    )
    return cr.fetchall()[::97][:n]


def retype_phone(e164):
    """A US number typed another way than stored: (212) 555-0123."""
    national = e164[2:]
    return f"({national[:3]}) {national[3:6]}-{national[6:]}"


def lookups():
    Vehicle = uenv["dealer.vehicle"]
    rows = sample_vehicles(REPEAT)
    cases = [
        (
            "plate",
            [r[1] for r in rows],
            """SELECT id FROM dealer_vehicle WHERE plate_normalized ILIKE '%%' || %s || '%%'
               LIMIT 100""",
            lambda r: r[1].replace(" ", "").replace("-", "").upper(),
        ),
        (
            "partial VIN",
            [r[2][-8:] for r in rows],
            "SELECT id FROM dealer_vehicle WHERE vin ILIKE '%%' || %s || '%%' LIMIT 100",
            lambda r: r[2][-8:],
        ),
        (
            "owner name",
            [r[3] for r in rows],
            """SELECT v.id FROM dealer_vehicle v JOIN res_partner p ON p.id = v.owner_id
                WHERE p.complete_name ILIKE '%%' || %s || '%%' LIMIT 100""",
            lambda r: r[3],
        ),
        (
            "owner phone typed another way",
            [retype_phone(r[5]) for r in rows],
            """SELECT v.id FROM dealer_vehicle v JOIN res_partner p ON p.id = v.owner_id
                WHERE p.phone_sanitized = %s LIMIT 100""",
            lambda r: r[5],
        ),
    ]
    for label, terms, query, sql_arg in cases:

        @guarded(f"vehicle lookup by {label}")
        def _lookup(terms=terms, query=query, sql_arg=sql_arg, label=label):
            found = measure(lambda term: Vehicle.name_search(term), 1, terms)[2]
            elapsed, queries, _result = measure(
                lambda term: Vehicle.name_search(term), len(terms), terms
            )
            floor = sql_time(query, repeat=len(rows), args=[(sql_arg(r),) for r in rows])
            line(
                f"vehicle lookup by {label} (name_search, median of {len(terms)})",
                elapsed,
                queries,
                "-",
                "plain indexed SQL",
                floor,
                f"{len(found)} found for {terms[0]!r}",
            )


def form_spec(model):
    """The specification the web client sends for the model's form view (web_read)."""
    from lxml import etree

    views = model.get_views([(False, "form")])
    arch = etree.fromstring(views["views"]["form"]["arch"])
    models_fields = views["models"]

    def spec_of(node, model_name):
        spec = {}
        for field in node.iter("field"):
            # only this level: skip fields inside a sub-view of an outer field
            parent = field.getparent()
            nested = False
            while parent is not None and parent is not node:
                if parent.tag == "field":
                    nested = True
                    break
                parent = parent.getparent()
            if nested:
                continue
            name = field.get("name")
            info = models_fields.get(model_name, {}).get(name) or {}
            kind = info.get("type")
            if kind in ("one2many", "many2many"):
                sub = next(iter(field.iterchildren("list", "kanban")), None)
                sub_spec = spec_of(sub, info["relation"]) if sub is not None else {}
                sub_spec.setdefault("display_name", {})
                spec[name] = {
                    "fields": sub_spec,
                    "limit": int((sub is not None and sub.get("limit")) or 40),
                }
            elif kind == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    spec = spec_of(arch, model._name)
    spec.setdefault("display_name", {})
    return spec


def same_rows_by_id(model_name, record_id, spec, result):
    """The baseline of a form: its record and the rows of its tabs, read by id in SQL."""
    Model = uenv[model_name]
    tables = [(Model._table, [record_id])]
    for name, sub in spec.items():
        field = Model._fields.get(name)
        if sub.get("fields") and field and field.type in ("one2many", "many2many"):
            comodel = uenv[field.comodel_name]
            ids = [r["id"] if isinstance(r, dict) else r for r in result.get(name) or []]
            if ids and not comodel._abstract and comodel._table_query is None:
                tables.append((comodel._table, ids))

    def read():
        for table, ids in tables:
            cr.execute(SQL("SELECT * FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids))
            cr.fetchall()

    return measure(read, 20)[0]


def forms():
    spec = form_spec(uenv["res.partner"])
    for label, k in (("a typical customer", 5000), ("the customer with 50 vehicles", 1)):

        @guarded(f"customer form, {label}")
        def _form(label=label, k=k):
            partner = bench_partner(k)
            first, first_queries, _result = measure(lambda: partner.web_read(spec))
            elapsed, queries, result = measure(lambda: partner.web_read(spec), 20)
            floor = same_rows_by_id("res.partner", partner.id, spec, result[0])
            line(
                f"customer form, {label} (web_read of the form view, median of 20)",
                elapsed,
                queries,
                "-",
                "the same rows read by id",
                floor,
                f"first open {fmt_time(first)}, {first_queries} queries; {len(spec)} fields",
            )

    @guarded("vehicle form")
    def _vehicle_form():
        vspec = form_spec(uenv["dealer.vehicle"])
        vehicle = uenv["dealer.vehicle"].browse(sample_vehicles(1)[0][0])
        elapsed, queries, result = measure(lambda: vehicle.web_read(vspec), 20)
        floor = same_rows_by_id("dealer.vehicle", vehicle.id, vspec, result[0])
        line(
            "vehicle form (web_read of the form view, median of 20)",
            elapsed,
            queries,
            "-",
            "the same rows read by id",
            floor,
        )


def timeline():
    Timeline = uenv["dealer.customer.timeline"]
    views = Timeline.get_views([(False, "list")])
    from lxml import etree

    arch = etree.fromstring(views["views"]["list"]["arch"])
    spec = {f.get("name"): {} for f in arch.iter("field")}
    spec.update(res_model={}, res_id={})
    for name in list(spec):
        if Timeline._fields[name].type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
    for label, k in (("a typical customer", 5000), ("the customer with 2,000 events", 1)):

        @guarded(f"timeline, {label}")
        def _timeline(label=label, k=k):
            partner = bench_partner(k)

            def first_page():
                return Timeline.web_search_read([("partner_id", "=", partner.id)], spec, limit=80)

            elapsed, queries, result = measure(first_page, 20)
            by_model = {}
            for row in result["records"]:
                by_model.setdefault(row["res_model"], []).append(row["res_id"])

            def same_rows():
                for model_name, ids in by_model.items():
                    table = uenv[model_name]._table
                    cr.execute(
                        SQL("SELECT * FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids)
                    )
                    cr.fetchall()

            floor = measure(same_rows, 20)[0]
            line(
                f"timeline first 80 rows, {label} (web_search_read, median of 20)",
                elapsed,
                queries,
                "-",
                "the same rows read by index from the source tables",
                floor,
                f"{result['length']} events",
            )


def due_list(Vehicle):
    @guarded("due-for-service list")
    def _due():
        domain = [("service_due_state", "in", ("due_soon", "overdue"))]
        elapsed, queries, _result = measure(
            lambda: Vehicle.web_search_read(
                domain, {"display_name": {}, "next_service_date": {}}, limit=80
            ),
            20,
        )
        floor = sql_time(
            """SELECT id, next_service_date FROM dealer_vehicle
                WHERE active AND next_service_date <= current_date + 30
                ORDER BY id LIMIT 80""",
            repeat=20,
        )
        line(
            "due-for-service list, first 80 (web_search_read, median of 20)",
            elapsed,
            queries,
            "-",
            "plain SQL on next_service_date",
            floor,
            f"{Vehicle.search_count(domain)} vehicles due",
        )


def evaluation():
    Score = env["dealer.customer.score"]
    company = env.company

    def reset():
        """Start from customers never evaluated (no snapshot, no progress), so every
        bench run measures the same."""
        from odoo.addons.dealer_crm.models.dealer_customer_score import PROGRESS_KEY

        cr.execute("DELETE FROM dealer_customer_score")
        env["ir.config_parameter"].set_param(PROGRESS_KEY, False)
        cr.commit()
        return PROGRESS_KEY

    def nightly_job():
        evaluated = 0
        while done := Score._cron_evaluate():
            evaluated += len(done) if hasattr(done, "_name") else done
            cr.commit()
        return evaluated

    def orm_loop(partners):
        """The naive way: one customer at a time through the ORM."""
        Service = env["dealer.service.record"]
        Order = env["sale.order"]
        Ticket = env["helpdesk.ticket"]
        Ownership = env["dealer.vehicle.ownership"]
        for partner in partners:
            visits = Service.search([("partner_id", "=", partner.id), ("state", "=", "done")])
            orders = Order.search([("partner_id", "=", partner.id), ("state", "=", "sale")])
            tickets = Ticket.search([("partner_id", "=", partner.id)])
            owned = Ownership.search([("partner_id", "=", partner.id), ("date_end", "=", False)])
            days = visits.mapped("date") + [o.date_order.date() for o in orders]
            revenue = sum(visits.mapped("amount")) + sum(orders.mapped("amount_untaxed"))
            Score.create(
                {
                    "partner_id": partner.id,
                    "company_id": env.company.id,
                    "month": date(2000, 1, 1),
                    "last_activity_date": max(days) if days else False,
                    "frequency": len(days),
                    "lifetime_spend": revenue,
                    "complaint_count": len(tickets),
                    "churn_risk": bool(owned) and not visits,
                }
            )
        env.flush_all()

    @guarded("nightly evaluation")
    def _evaluation():
        progress_key = reset()
        queries = Score._figure_queries(None, date.today(), 24, company)

        def aggregate():
            for query in queries.values():
                cr.execute(query)
                cr.fetchall()

        floor = measure(aggregate)[0]
        first, first_queries, evaluated = measure(nightly_job)
        env["ir.config_parameter"].set_param(progress_key, False)  # the next night
        cr.commit()
        elapsed, queries_count, _evaluated = measure(nightly_job)
        line(
            f"nightly evaluation of {evaluated} customers (_cron_evaluate until done)",
            elapsed,
            queries_count,
            "-",
            "its single SQL aggregate",
            floor,
            f"first evaluation {fmt_time(first)}, {first_queries} queries",
        )
        sample = env["res.partner"].search([("ref", "=like", "BENCH-%")], limit=300)
        loop, loop_queries, _result = measure(lambda: orm_loop(sample))
        cr.rollback()
        loop_all = loop * evaluated / len(sample)
        line(
            f"per-customer ORM loop, extrapolated from {len(sample)} to {evaluated} customers",
            loop_all,
            loop_queries,
            "-",
            "the nightly evaluation",
            elapsed,
        )


def plan_and_reminders():
    in_subprocess("plan")

    @guarded("one reminder batch")
    def _reminders():
        Reminder = uenv["dealer.service.reminder"].sudo()
        floor = sql_time(
            """SELECT v.id FROM dealer_vehicle v
                WHERE v.active AND v.next_service_date <= current_date + 30
                  AND (v.service_reminder_date IS NULL
                       OR v.service_reminder_date < current_date - 30)
                ORDER BY v.next_service_date, v.id LIMIT 500"""
        )
        reminded_sql = "SELECT count(*) FROM res_partner WHERE dealer_last_reminder_date = %s"
        today = fields.Date.context_today(Reminder)
        cr.execute(reminded_sql, (today,))
        reminded_before = cr.fetchone()[0]
        elapsed, queries, vehicles = measure(
            lambda: Reminder._cron_service_reminders(batch_size=500)
        )
        uenv.flush_all()
        cr.execute(reminded_sql, (today,))
        sends = cr.fetchone()[0] - reminded_before
        cr.rollback()
        line(
            "one service reminder batch of 500 (_cron_service_reminders)",
            elapsed,
            queries,
            "-",
            "selecting the batch in SQL",
            floor,
            f"{len(vehicles)} vehicles, {sends} owners reminded (an email or SMS each, "
            "rendered by Odoo's mail)",
        )
        # the same batch when every owner was reminded lately: no send, only the notes,
        # activities and stamps: the part of the batch that is ours
        cr.execute("UPDATE res_partner SET dealer_last_reminder_date = %s", (today,))
        elapsed, queries, vehicles = measure(
            lambda: Reminder._cron_service_reminders(batch_size=500)
        )
        cr.rollback()
        line(
            "one service reminder batch of 500, every owner reminded lately (no send)",
            elapsed,
            queries,
            "-",
            "selecting the batch in SQL",
            floor,
            f"{len(vehicles)} vehicles",
        )


def loyalty_expiry():
    @guarded("loyalty expiry job")
    def _expiry():
        Card = uenv["loyalty.card"].sudo()
        cr.execute(
            """SELECT count(*) FROM loyalty_history
                WHERE dealer_remaining > 0 AND dealer_expiry_date < current_date"""
        )
        due = cr.fetchone()[0]
        elapsed, queries, earnings = measure(lambda: Card._cron_dealer_expire_points())
        cr.rollback()
        floor = sql_time(
            """WITH batch AS (
                   SELECT id, card_id, dealer_remaining FROM loyalty_history
                    WHERE dealer_remaining > 0 AND dealer_expiry_date < current_date
                    ORDER BY dealer_expiry_date, id LIMIT 1000 FOR UPDATE),
               done AS (UPDATE loyalty_history h SET dealer_remaining = 0 FROM batch
                         WHERE h.id = batch.id RETURNING batch.card_id, batch.dealer_remaining),
               per_card AS (SELECT card_id, sum(dealer_remaining) AS points FROM done
                             GROUP BY card_id),
               hist AS (INSERT INTO loyalty_history (card_id, description, dealer_kind, used)
                        SELECT card_id, points || ' points expired', 'expire', points
                          FROM per_card RETURNING card_id)
               UPDATE loyalty_card c SET points = greatest(c.points - per_card.points, 0)
                 FROM per_card WHERE c.id = per_card.card_id"""
        )
        cr.rollback()
        cr.execute(
            """SELECT count(*) FROM loyalty_card c
                 JOIN loyalty_program p ON p.id = c.program_id AND p.dealer_scheme
            LEFT JOIN (SELECT card_id, sum(COALESCE(issued, 0) - COALESCE(used, 0)) AS net
                         FROM loyalty_history GROUP BY card_id) h ON h.card_id = c.id
                WHERE abs(c.points - COALESCE(h.net, 0)) > 0.001"""
        )
        print(
            f"bench: dealer cards whose balance differs from their history: {cr.fetchone()[0]}",
            flush=True,
        )
        line(
            "loyalty expiry, one batch of 1,000 earnings (_cron_dealer_expire_points)",
            elapsed,
            queries,
            "-",
            "the same batch set-based in SQL",
            floor,
            f"{len(earnings)} earnings expired, {due} due in all",
        )


def exports():
    """The register and the list export, each in its own process for its peak RSS."""
    for text in in_subprocess("export"):
        if text.startswith("bench-export-seconds:"):
            os.environ["BENCH_EXPORT_S"] = text.split(":")[1].strip()
    in_subprocess("register")


def analysis():
    for name in sorted(env.registry):
        Model = uenv[name]
        if Model._abstract or "dealer.analysis.mixin" not in (Model._inherit or []):
            continue
        date_field = next(
            (f for f in ("date", "sale_date", "create_date") if f in Model._fields), None
        )
        if not date_field:
            continue

        @guarded(f"{name} by month")
        def _group(Model=Model, date_field=date_field, name=name):
            # a view that does not scale must not stall the run: cut at BENCH_TIMEOUT s
            cr.execute("SET statement_timeout = %s", (f"{TIMEOUT}s",))
            elapsed, queries, groups = measure(
                lambda: Model.read_group([], ["__count"], [f"{date_field}:month"], lazy=False)
            )
            source = (
                SQL("(%s)", Model._table_query)
                if Model._table_query is not None
                else SQL.identifier(Model._table)
            )
            query = SQL(
                "SELECT date_trunc('month', t.%s), count(*) FROM %s t GROUP BY 1",
                SQL.identifier(date_field),
                source,
            )
            floor = measure(lambda: (cr.execute(query), cr.fetchall()))[0]
            line(
                f"{name} grouped by month (read_group)",
                elapsed,
                queries,
                "-",
                "its plain SQL GROUP BY",
                floor,
                f"{len(groups)} months",
            )


def erasure():
    cr.execute("SET statement_timeout = 0")

    @guarded("one customer's erasure")
    def _erase():
        partner = bench_partner(777)
        manager = env.ref("dealer_crm.group_manager")
        user = admin if manager in admin.groups_id else env.ref("base.user_root")
        wizard = env(user=user)["dealer.partner.anonymize"].create(
            {"partner_id": partner.id, "confirmation": partner.name}
        )
        elapsed, queries, _result = measure(lambda: (wizard.action_anonymize(), env.flush_all()))
        cr.rollback()
        floor = sql_time(
            """SELECT id FROM mail_message WHERE author_id = %s
                UNION SELECT id FROM mail_message WHERE model = 'res.partner' AND res_id = %s""",
            (partner.id, partner.id),
        )
        line(
            "one customer's erasure (the anonymise wizard)",
            elapsed,
            queries,
            "-",
            "finding their messages by index",
            floor,
        )


def winback_job():
    """The win-back job after the nightly evaluation, at the scale of the bench: every
    customer the evaluation finds at risk, lost or flagged for churn is made to have
    moved there (a snapshot a month before, healthy, made in SQL for who has none). The
    job runs until done, then again (it opens nothing), and everything is rolled back."""

    @guarded("win-back job")
    def _winback():
        Winback = env["dealer.winback"]
        cr.execute(
            """INSERT INTO dealer_customer_score (partner_id, company_id, month, segment,
                      churn_risk, latest, create_uid, create_date, write_uid, write_date)
               SELECT s.partner_id, s.company_id, (s.month - interval '1 month')::date,
                      'loyal', FALSE, FALSE, 1, now(), 1, now()
                 FROM dealer_customer_score s
                WHERE s.latest AND NOT EXISTS (
                      SELECT 1 FROM dealer_customer_score b
                       WHERE b.partner_id = s.partner_id AND b.company_id = s.company_id
                         AND b.month < s.month)"""
        )
        floor = sql_time(Winback._candidates_sql())

        def until_done():
            opened = Winback.browse()
            while batch := Winback._cron_create_winbacks():
                opened |= batch
            return opened

        elapsed, queries, opened = measure(until_done)
        again, again_queries, reopened = measure(until_done)
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'dealer.winback'"
            " AND res_id = ANY(%s)",
            [opened.ids],
        )
        activities = cr.fetchone()[0]
        cr.rollback()
        line(
            f"win-back job opening {len(opened)} win-backs (_cron_create_winbacks until done)",
            elapsed,
            queries,
            "-",
            "its candidate query",
            floor,
            f"{activities} activities; second run {fmt_time(again)}, {again_queries} queries, "
            f"{len(reopened)} opened",
        )


def lifecycle_leads_job():
    """One batch of the nightly lifecycle lead job (issue 28): the vehicles whose warranty
    ends soon or that reach the replacement age or distance, each opening its lead."""

    @guarded("lifecycle leads job")
    def _lifecycle():
        Job = uenv["dealer.lifecycle.lead"].sudo()
        domains = Job._vehicle_domains()
        due = sum(uenv["dealer.vehicle"].sudo().search_count(d) for d in domains.values())
        elapsed, queries, leads = measure(lambda: Job._cron_lifecycle_leads(batch_size=500))
        cr.rollback()
        floor = sql_time(
            """SELECT v.id FROM dealer_vehicle v
                 JOIN res_partner p ON p.id = v.owner_id AND p.active
                  AND NOT COALESCE(p.dealer_anonymized, false)
                WHERE v.active
                  AND (v.model_year BETWEEN 1 AND %s OR v.odometer >= 160000)
                  AND NOT EXISTS (SELECT 1 FROM crm_lead l
                                   WHERE l.dealer_lifecycle_vehicle_id = v.id
                                     AND l.dealer_lifecycle_reason = 'replacement')
                ORDER BY v.id LIMIT 500""",
            (date.today().year - 8,),
        )
        line(
            "lifecycle leads, one batch of 500 vehicles (_cron_lifecycle_leads)",
            elapsed,
            queries,
            "-",
            "selecting the batch in SQL",
            floor,
            f"{len(leads)} leads opened, {due} vehicles due in all",
        )


def recalls():
    """A recall campaign matched against every bench vehicle (issue 28): by model and
    model years, and by the manufacturer's VIN list; then one notice batch. Rolled back."""
    company = env.company.id
    cr.execute("SELECT count(*) FROM dealer_vehicle WHERE active AND company_id = %s", (company,))
    vehicles = cr.fetchone()[0]
    cr.execute(
        "SELECT array_agg(DISTINCT model_id), min(model_year) FILTER (WHERE model_year > 0),"
        " max(model_year) FROM dealer_vehicle WHERE active AND company_id = %s",
        (company,),
    )
    model_ids, year_from, year_to = cr.fetchone()
    Campaign = uenv["dealer.recall.campaign"]

    def campaign(name, **vals):
        record = Campaign.create({"name": name, "title": "Bench recall", **vals})
        record.action_open()
        uenv.flush_all()
        return record

    floor = sql_time(
        """SELECT v.id, v.owner_id, v.company_id FROM dealer_vehicle v
            WHERE v.active AND v.company_id = %s AND v.model_id = ANY(%s)
              AND v.model_year BETWEEN %s AND %s""",
        (company, model_ids, year_from or 0, year_to or 9999),
    )

    @guarded("recall matching by model and years")
    def _by_model():
        record = campaign(
            "BENCH-MODELS",
            model_ids=[Command.set(model_ids)],
            year_from=year_from,
            year_to=year_to,
        )
        elapsed, queries, added = measure(lambda: record._match_models())
        rerun, rerun_queries, again = measure(lambda: record._match_models())
        cr.rollback()
        line(
            "recall matching by model and model years, every bench vehicle (_match_models)",
            elapsed,
            queries,
            "-",
            "selecting the same vehicles in SQL",
            floor,
            f"{added} of {vehicles} vehicles matched; a rerun adds {again} "
            f"in {fmt_time(rerun)} ({rerun_queries} queries)",
        )

    @guarded("recall matching by VIN list")
    def _by_vins():
        cr.execute(
            "SELECT vin FROM dealer_vehicle WHERE active AND company_id = %s ORDER BY id",
            (company,),
        )
        vins = [vin for (vin,) in cr.fetchall()]
        text = "\n".join(vins + ["WVWZZZ1KZ99999999", "NOT-A-VIN"])
        record = campaign("BENCH-VINS")
        elapsed, queries, (added, problems) = measure(lambda: record._match_vins(text))
        cr.rollback()
        line(
            f"recall matching by a VIN list of {len(vins) + 2} VINs (_match_vins)",
            elapsed,
            queries,
            "-",
            "selecting the same vehicles in SQL",
            floor,
            f"{added} vehicles matched, {len(problems)} VINs reported back",
        )

    @guarded("one recall notice batch")
    def _notify():
        record = campaign("BENCH-NOTIFY", model_ids=[Command.set(model_ids)])
        record._match_models()
        elapsed, queries, lines = measure(lambda: Campaign.sudo()._cron_recalls(batch_size=500))
        states = {}
        for state in lines.mapped("state"):
            states[state] = states.get(state, 0) + 1
        cr.rollback()
        line(
            "one recall notice batch of 500 (_cron_recalls)",
            elapsed,
            queries,
            "-",
            note=", ".join(f"{count} {state}" for state, count in sorted(states.items())),
        )


if PART == "winback":
    winback_job()
elif PART == "lifecycle":
    lifecycle_leads_job()
elif PART == "recalls":
    recalls()
elif PART == "register":
    part_register()
elif PART == "export":
    part_export()
elif PART == "plan":
    part_plan()
else:
    main()
cr.rollback()
