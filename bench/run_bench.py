"""make bench: synthetic data at scale and the timed operations.

Run inside `odoo-bin shell` (scripts/dev.sh bench does it); `env` is given by the shell.
BENCH_N vehicles (default 20000) are created once in the bench database.
"""

import os
import random
import time
from datetime import date, timedelta

from odoo.tools import SQL

from odoo.addons.dealer_crm.models.dealer_customer_score import PARTNER_COLUMNS, PROGRESS_KEY
from odoo.addons.dealer_crm.tools.vin import vin_check_digit

N = int(os.environ.get("BENCH_N", "20000"))
env = globals()["env"]  # provided by odoo shell
rng = random.Random(42)
ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"bench: {label}: {time.perf_counter() - start:.3f} s")
    return result


def make_vin(i):
    body = "1HG" + "".join(rng.choice(ALPHABET) for _ in range(5)) + "0" + f"{i:08d}"
    return body[:8] + vin_check_digit(body) + body[9:]


Vehicle = env["dealer.vehicle"].with_context(tracking_disable=True, mail_create_nolog=True)
existing = Vehicle.search_count([("vin", "=like", "1HG%")])
if existing < N:
    model = env.ref("fleet.model_corolla_ts")
    todo = N - existing
    partners = env["res.partner"].create(
        [{"name": f"Bench Customer {i}", "phone": f"+852 9{i:07d}"} for i in range(existing, N)]
    )

    def create_all():
        for start in range(0, todo, 2000):
            batch = partners[start : start + 2000]
            Vehicle.create(
                [
                    {
                        "vin": make_vin(existing + start + k),
                        "license_plate": f"BN {existing + start + k}",
                        "model_id": model.id,
                        "owner_id": p.id,
                        "purchase_date": date(2020, 1, 1) + timedelta(days=rng.randint(0, 1500)),
                    }
                    for k, p in enumerate(batch)
                ]
            )
            env.cr.commit()

    timed(f"create {todo} vehicles with owners and ownership lines", create_all)

print(f"bench: vehicles in database: {Vehicle.search_count([])}")
timed("name_search by plate 'bn 12345'", lambda: Vehicle.name_search("bn 12345"))
timed("name_search by partial VIN", lambda: Vehicle.name_search("00012345"))
timed("name_search by owner phone", lambda: Vehicle.name_search("9 0012345"))
timed(
    "search due soon / overdue (count)",
    lambda: Vehicle.search_count([("service_due_state", "in", ("due_soon", "overdue"))]),
)
partners = env["res.partner"].search([("name", "=like", "Bench Customer %")], limit=500)
timed(
    "partner 360 counts for 500 customers",
    lambda: partners.read(
        [
            "dealer_vehicle_count",
            "dealer_service_count",
            "dealer_sales_spend",
            "dealer_interaction_count",
            "dealer_loyalty_points",
        ]
    ),
)
env.cr.rollback()
timed(
    "one service reminder batch (500 vehicles)",
    lambda: env["dealer.service.reminder"]._cron_service_reminders(batch_size=500),
)
env.cr.rollback()


def loyalty_balance_mismatches():
    """Dealer cards whose balance is not the sum of their history (must be none)."""
    env.cr.execute(
        SQL(
            """SELECT count(*) FROM loyalty_card c
                 JOIN loyalty_program p ON p.id = c.program_id AND p.dealer_scheme
            LEFT JOIN (SELECT card_id, sum(COALESCE(issued, 0) - COALESCE(used, 0)) AS net
                         FROM loyalty_history GROUP BY card_id) h ON h.card_id = c.id
                WHERE abs(c.points - COALESCE(h.net, 0)) > 0.001"""
        )
    )
    return env.cr.fetchone()[0]


mismatches = timed("loyalty balance check (every dealer card)", loyalty_balance_mismatches)
print(f"bench: dealer cards whose balance differs from their history: {mismatches}")


# --------------------------------------------------------------------------- evaluation
# Customer evaluation at scale (issue: evaluation, rating and satisfaction). The targets:
# the nightly job within 3 x a single SQL aggregate of the same figures, and at least
# 20 x faster than a per-customer ORM loop (measured on a sample, extrapolated).
EVAL_N = int(os.environ.get("BENCH_EVAL_N", "100000"))
Score = env["dealer.customer.score"]
env.cr.execute(SQL("SELECT count(*) FROM res_partner WHERE name LIKE %s", "Eval Customer %"))
have = env.cr.fetchone()[0]
if have < EVAL_N:

    def create_eval_data():
        company = env.company
        vehicle_id = Vehicle.search([], limit=1, order="id").id
        service_type = env["dealer.service.record"]._fields["service_type"].selection[0][0]
        env.cr.execute(
            SQL(
                """
                WITH new AS (
                    INSERT INTO res_partner (name, complete_name, autopost_bills, active, type,
                                             is_company, customer_rank, company_id, create_date,
                                             write_date, create_uid, write_uid)
                    SELECT 'Eval Customer ' || g, 'Eval Customer ' || g, 'ask', TRUE, 'contact',
                           FALSE, 1, NULL, now(), now(), 1, 1
                      FROM generate_series(%(start)s, %(stop)s) g
                    RETURNING id
                )
                INSERT INTO dealer_service_record (name, vehicle_id, partner_id, currency_id,
                        company_id, service_type, state, date, amount, create_date, write_date,
                        create_uid, write_uid)
                SELECT 'EVAL/' || new.id || '/' || k, %(vehicle)s, new.id, %(currency)s,
                       %(company)s, %(type)s, 'done',
                       current_date - (mod(new.id * 7919 + k * 104729, 1500))::int,
                       50 + mod(new.id * 31 + k * 17, 5000), now(), now(), 1, 1
                  FROM new, generate_series(1, 1 + mod(new.id, 5)) k
                """,
                start=have,
                stop=EVAL_N - 1,
                vehicle=vehicle_id,
                currency=company.currency_id.id,
                company=company.id,
                type=service_type,
            )
        )
        env.cr.execute(
            SQL(
                """
                INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                        date_order, company_id, state, amount_untaxed, amount_total, currency_id,
                        create_date, write_date, create_uid, write_uid)
                SELECT 'EVALSO/' || p.id, p.id, p.id, p.id,
                       now() - mod(p.id * 613, 1000) * interval '1 day', %(company)s, 'sale',
                       20000 + mod(p.id, 30000), 20000 + mod(p.id, 30000), %(currency)s,
                       now(), now(), 1, 1
                  FROM res_partner p
                 WHERE p.name LIKE %(pattern)s AND mod(p.id, 5) = 0
                   AND NOT EXISTS (SELECT 1 FROM sale_order s WHERE s.name = 'EVALSO/' || p.id)
                """,
                company=company.id,
                currency=company.currency_id.id,
                pattern="Eval Customer %",
            )
        )
        env.cr.commit()

    timed(f"create {EVAL_N - have} customers with visits and orders (SQL)", create_eval_data)


def reset_evaluation():
    """Start from customers never evaluated, so every bench run measures the same."""
    columns = SQL(", ").join(
        SQL("%s = NULL", SQL.identifier(name))
        for name, _type in PARTNER_COLUMNS + (("dealer_eval_currency_id", "int4"),)
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET %s WHERE dealer_rfm_segment IS NOT NULL "
            "OR dealer_last_activity_date IS NOT NULL",
            columns,
        )
    )
    env.cr.execute(SQL("DELETE FROM dealer_customer_score"))
    env["ir.config_parameter"].set_param(PROGRESS_KEY, False)
    env.cr.commit()


reset_evaluation()
today = date.today()
queries = Score._figure_queries(None, today, 24)


def single_aggregate():
    for name in ("revenue", "transactions", "feedback", "vehicles"):
        env.cr.execute(queries[name])
        env.cr.fetchall()


timed("single SQL aggregate of the evaluation figures (all customers)", single_aggregate)
start = time.perf_counter()
single_aggregate()
aggregate_s = time.perf_counter() - start


def nightly_job():
    evaluated = 0
    while done := Score._cron_evaluate():
        evaluated += done
        env.cr.commit()
    return evaluated


start = time.perf_counter()
evaluated = nightly_job()
first_s = time.perf_counter() - start
print(
    f"bench: first evaluation (every customer and snapshot written): {first_s:.3f} s "
    f"for {evaluated} customers"
)
env["ir.config_parameter"].set_param(PROGRESS_KEY, False)  # the next night
env.cr.commit()
start = time.perf_counter()
nightly_job()
job_s = time.perf_counter() - start
print(f"bench: nightly evaluation job: {job_s:.3f} s for {evaluated} customers")


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
        partner.write(
            {
                "dealer_last_activity_date": max(days) if days else False,
                "dealer_frequency": len(days),
                "dealer_lifetime_spend": revenue,
                "dealer_complaint_count": len(tickets),
                "dealer_churn_risk": bool(owned) and not visits,
            }
        )
        Score.create({"partner_id": partner.id, "month": date(2000, 1, 1)})
    env.flush_all()


sample = env["res.partner"].search([("name", "=like", "Eval Customer %")], limit=1000)
start = time.perf_counter()
orm_loop(sample)
loop_s = (time.perf_counter() - start) * evaluated / len(sample)
env.cr.rollback()
print(f"bench: per-customer ORM loop, extrapolated to {evaluated} customers: {loop_s:.1f} s")
print(
    f"bench: nightly job / single aggregate: {job_s / aggregate_s:.2f} (target <= 3); "
    f"ORM loop / job: {loop_s / job_s:.1f} (target >= 20)"
)


# --------------------------------------------------------------------------- XLSX export
# The customer register of every evaluated customer: time and the Python memory peak
# (xlsxwriter's constant_memory mode and chunked reads keep it flat as rows grow).
def export_register(limit):
    import tracemalloc

    customers = env["res.partner"].search([("name", "=like", "Eval Customer %")], limit=limit)
    tracemalloc.start()
    start = time.perf_counter()
    content, _kind = env["ir.actions.report"]._render("dealer_crm.customer_register", customers.ids)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    env.invalidate_all()
    print(
        f"bench: customer register XLSX, {len(customers)} rows: {elapsed:.2f} s, "
        f"{len(content) / 2**20:.1f} MiB file, Python memory peak {peak:.0f} MiB"
    )


export_register(10000)
export_register(EVAL_N)
