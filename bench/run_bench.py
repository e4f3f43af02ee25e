"""make bench: synthetic data at scale and the timed operations.

Run inside `odoo-bin shell` (scripts/dev.sh bench does it); `env` is given by the shell.
BENCH_N vehicles (default 20000) are created once in the bench database.
"""

import os
import random
import time
from datetime import date, timedelta

from odoo.tools import SQL

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
            "vehicle_count",
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
    lambda: Vehicle._cron_service_reminders(batch_size=500),
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
