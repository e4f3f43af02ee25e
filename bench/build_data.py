"""make bench: build, or top up, the full-scale bench database, set-based.

Run inside `odoo-bin shell` (scripts/dev.sh bench does it); `env` is given by the shell.
Every volume is the issue's figure times BENCH_SCALE (default 1; 0.05 for a quick run).
Rows are made by INSERT ... SELECT over generate_series (or over arrays computed in
Python where the code's own normalisation must be applied: VIN check digits, plates),
then ANALYZE. Each kind of row carries a marker (a `BENCH` prefix or a `bench` note), so
a second run counts what is there and only inserts what is missing.
"""

import os
import time
from datetime import date

from odoo.addons.dealer_crm.tools.vin import VIN_ALPHABET, normalize_plate, vin_check_digit

env = globals()["env"]  # provided by odoo shell
cr = env.cr
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
FULL = {
    "customers": 100_000,
    "orders": 200_000,
    "vehicles": 150_000,
    "odometer readings": 600_000,
    "visits": 300_000,
    "interactions": 200_000,
    "tickets": 50_000,
    "loyalty cards": 50_000,
}
N = {name: max(60, int(count * SCALE)) for name, count in FULL.items()}
HEAVY_VEHICLES = 50  # the first bench customer owns 50 vehicles ...
HEAVY_INTERACTIONS = 1500  # ... and about 2,000 events in all
ALPHA = sorted(VIN_ALPHABET - set("0123456789"))
SURNAMES = [
    "Chan",
    "Wong",
    "Lee",
    "Cheung",
    "Lau",
    "Ng",
    "Ho",
    "Leung",
    "Lam",
    "Tang",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
]
GIVEN = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Paul",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Dorothy",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
]


def P(query, **params):
    """A query and its named parameters, for cr.execute (psycopg2 formats them)."""
    return query, params


def say(text):
    print(f"bench: data: {text}", flush=True)


def scalar(query):
    cr.execute(query)
    return cr.fetchone()[0]


def values(model, field):
    """The selection values of a field, as the code defines them."""
    return [value for value, _label in env[model]._fields[field]._description_selection(env)]


def top_up(label, count_query, target, insert):
    """Insert the rows missing for ``label``: ``insert(start, stop)`` makes rows start..stop."""
    have = scalar(count_query)
    if have >= target:
        return
    start = time.perf_counter()
    insert(have + 1, target)
    cr.commit()
    say(f"{label}: {target - have} rows inserted in {time.perf_counter() - start:.1f} s")


def refresh_keys():
    """Bench customers and vehicles numbered 1..n in creation order (k), for the joins."""
    cr.execute("DROP TABLE IF EXISTS bench_p; DROP TABLE IF EXISTS bench_v")
    cr.execute(
        """CREATE TEMP TABLE bench_p AS
           SELECT row_number() OVER (ORDER BY id) AS k, id, email
             FROM res_partner WHERE ref LIKE 'BENCH-%'"""
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_p (k)")
    cr.execute(
        """CREATE TEMP TABLE bench_v AS
           SELECT row_number() OVER (ORDER BY id) AS k, id, owner_id, purchase_date, company_id
             FROM dealer_vehicle WHERE vin LIKE '1BN%'"""
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_v (k)")
    cr.execute("ANALYZE bench_p; ANALYZE bench_v")
    return scalar("SELECT count(*) FROM bench_p"), scalar("SELECT count(*) FROM bench_v")


company = env.ref("base.main_company")
CTX = {
    "company": company.id,
    "currency": company.currency_id.id,
    "user": env.ref("base.user_admin").id,
    "admin_partner": env.ref("base.user_admin").partner_id.id,
}
build_start = time.perf_counter()

# ------------------------------------------------------------------ reference data
# A database without demo data has no vehicle models and no loyalty scheme of the addon.
if not env["fleet.vehicle.model"].search_count([]):
    brands = env["fleet.vehicle.model.brand"].search([], limit=8, order="id")
    env["fleet.vehicle.model"].create(
        [{"name": f"Bench {brand.name}", "brand_id": brand.id} for brand in brands]
    )
PROGRAM_DOMAIN = [("dealer_scheme", "=", True), ("company_id", "in", (False, company.id))]
if not env["loyalty.program"].search_count(PROGRAM_DOMAIN):
    env["loyalty.program"].create(
        {"name": "Bench Rewards", "program_type": "loyalty", "dealer_scheme": True}
    )
cr.commit()

# ------------------------------------------------------------------ customers
# Phones in mixed formats: US numbers (the company's country) typed four ways, and one
# customer in five with a Hong Kong mobile typed with its country; phone_sanitized is the
# E.164 form Odoo's phone_validation keeps.
PHONE = """
    CASE WHEN g %% 5 = 0 THEN
        CASE WHEN g %% 2 = 0 THEN '+852 9' || lpad((g %% 1000)::text, 3, '0') || ' '
                                   || lpad((g / 1000 %% 10000)::text, 4, '0')
             ELSE '00852 9' || lpad((g %% 1000)::text, 3, '0')
                  || lpad((g / 1000 %% 10000)::text, 4, '0') END
    ELSE
        CASE g %% 4 WHEN 0 THEN '+1 ' || a || '-' || e || '-' || l
                    WHEN 1 THEN '(' || a || ') ' || e || '-' || l
                    WHEN 2 THEN a || '.' || e || '.' || l
                    ELSE '1' || a || e || l END
    END"""
SANITIZED = """
    CASE WHEN g %% 5 = 0 THEN '+8529' || lpad((g %% 1000)::text, 3, '0')
                              || lpad((g / 1000 %% 10000)::text, 4, '0')
         ELSE '+1' || a || e || l END"""


def insert_customers(start, stop):
    last_partner = scalar("SELECT COALESCE(max(id), 0) FROM res_partner")
    customer_type = env["res.partner"].default_get(["dealer_customer_type"])
    cr.execute(
        *P(
            f"""
            INSERT INTO res_partner (name, complete_name, ref, email, email_normalized, phone,
                   phone_sanitized, city, lang, autopost_bills, active, type, is_company,
                   customer_rank, supplier_rank, partner_share, dealer_customer_type,
                   create_date, write_date, create_uid, write_uid)
            SELECT n.name, n.name, 'BENCH-' || g, n.email, n.email, {PHONE}, {SANITIZED},
                   (ARRAY['Springfield', 'Riverside', 'Hong Kong', 'Kowloon'])[1 + g %% 4],
                   'en_US', 'ask', TRUE, 'contact', FALSE, 1, 0, TRUE, %(ctype)s,
                   now() - (g %% 1461) * interval '1 day', now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
             CROSS JOIN LATERAL (
                    SELECT (ARRAY['212', '415', '646', '718', '305'])[1 + g %% 5] AS a,
                           (201 + (g / 10000) %% 798)::text AS e,
                           lpad((g %% 10000)::text, 4, '0') AS l,
                           (%(given)s::text[])[1 + (g / 40) %% 50] || ' '
                           || (%(given)s::text[])[1 + (g / 2000) %% 50] || ' '
                           || (%(surnames)s::text[])[1 + g %% 40] AS name,
                           'customer' || g || '@bench.example.com' AS email
             ) n
            """,
            start=start,
            stop=stop,
            ctype=customer_type.get("dealer_customer_type"),
            given=GIVEN,
            surnames=SURNAMES,
            **CTX,
        )
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE ref LIKE 'BENCH-%' AND commercial_partner_id IS NULL"
    )
    # half of them agree to service reminders and loyalty messages by email
    cr.execute(
        *P(
            """
            INSERT INTO dealer_consent (partner_id, user_id, company_id, purpose, channel,
                   state, source, date, note, create_date, write_date, create_uid, write_uid)
            SELECT p.id, %(user)s, %(company)s, purpose, 'email', 'granted', 'form',
                   current_date - 400, 'bench', now(), now(), %(user)s, %(user)s
              FROM res_partner p, unnest(ARRAY['service_reminder', 'loyalty']) purpose
             WHERE p.ref LIKE 'BENCH-%%' AND p.id %% 2 = 0 AND p.id > %(last_partner)s
            """,
            last_partner=last_partner,
            **CTX,
        )
    )


top_up(
    "customers",
    "SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%'",
    N["customers"],
    insert_customers,
)
n_partners, n_vehicles = refresh_keys()


# ------------------------------------------------------------------ orders
def insert_orders(start, stop):
    cr.execute(
        *P(
            """
            INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                   date_order, company_id, state, amount_untaxed, amount_tax, amount_total,
                   currency_id, currency_rate, user_id, invoice_status, locked,
                   require_signature, require_payment, create_date, write_date, create_uid,
                   write_uid)
            SELECT 'BSO' || lpad(g::text, 7, '0'), p.id, p.id, p.id,
                   now() - (g * 613 %% 1461) * interval '1 day' - (g %% 600) * interval '1 minute',
                   %(company)s, 'sale', 200 + (g * 37 %% 40000), 0, 200 + (g * 37 %% 40000),
                   %(currency)s, 1, %(user)s, 'no', FALSE, FALSE, FALSE,
                   now() - (g * 613 %% 1461) * interval '1 day', now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_p p ON p.k = 1 + (g - 1) %% %(np)s
            """,
            start=start,
            stop=stop,
            np=n_partners,
            **CTX,
        )
    )


top_up(
    "confirmed sale orders",
    "SELECT count(*) FROM sale_order WHERE name LIKE 'BSO%'",
    N["orders"],
    insert_orders,
)


# ------------------------------------------------------------------ vehicles
def vin(g):
    body = "1BN" + ALPHA[g % 23] + ALPHA[g // 23 % 23] + "CM5" + "0" + "MB" + f"{g:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


def plate(g):
    letters = ALPHA[g % 23] + ALPHA[g // 23 % 23]
    number = g % 10000
    return (f"{letters} {number}", f"{letters.lower()}-{number}", f"{letters}{number:04d}")[g % 3]


def insert_vehicles(start, stop):
    last_vehicle = scalar("SELECT COALESCE(max(id), 0) FROM dealer_vehicle")
    gs = list(range(start, stop + 1))
    plates = [plate(g) for g in gs]
    cr.execute(
        *P(
            """
            INSERT INTO dealer_vehicle (vin, license_plate, plate_normalized, model_id,
                   brand_id, model_year, fuel_type, owner_id, purchase_date, odometer_unit,
                   odometer_over_limit, active, company_id, create_date, write_date,
                   create_uid, write_uid)
            SELECT t.vin, t.plate, t.norm, m.id, m.brand_id,
                   extract(year FROM current_date)::int - (t.g %% 8), m.default_fuel_type,
                   p.id, current_date - 60 - (t.g * 7919 %% 1400), 'kilometers', FALSE, TRUE,
                   %(company)s, now(), now(), %(user)s, %(user)s
              FROM unnest(%(gs)s::int[], %(vins)s::text[], %(plates)s::text[],
                          %(norms)s::text[]) AS t(g, vin, plate, norm)
              JOIN bench_p p ON p.k = CASE WHEN t.g <= %(heavy)s THEN 1
                                           ELSE 1 + (t.g - 1) %% %(np)s END
              JOIN LATERAL (SELECT id, brand_id, default_fuel_type FROM fleet_vehicle_model
                             ORDER BY id OFFSET t.g %% %(nm)s LIMIT 1) m ON TRUE
            """,
            gs=gs,
            vins=[vin(g) for g in gs],
            plates=plates,
            norms=[normalize_plate(p) for p in plates],
            heavy=HEAVY_VEHICLES,
            np=n_partners,
            nm=scalar("SELECT count(*) FROM fleet_vehicle_model"),
            **CTX,
        )
    )
    cr.execute(
        *P(
            """
            INSERT INTO dealer_vehicle_ownership (vehicle_id, partner_id, company_id, origin,
                   date_start, is_current, create_date, write_date, create_uid, write_uid)
            SELECT v.id, v.owner_id, v.company_id, 'sale', v.purchase_date, TRUE, now(), now(),
                   %(user)s, %(user)s
              FROM dealer_vehicle v
             WHERE v.vin LIKE '1BN%%' AND v.id > %(last_vehicle)s
            """,
            last_vehicle=last_vehicle,
            **CTX,
        )
    )


top_up(
    "vehicles (with ownership lines)",
    "SELECT count(*) FROM dealer_vehicle WHERE vin LIKE '1BN%'",
    N["vehicles"],
    insert_vehicles,
)
n_partners, n_vehicles = refresh_keys()


# ------------------------------------------------------------------ odometer, visits
def insert_readings(start, stop):
    cr.execute(
        *P(
            """
            INSERT INTO dealer_vehicle_odometer (vehicle_id, user_id, company_id, source, note,
                   date, value, create_date, write_date, create_uid, write_uid)
            SELECT v.id, %(user)s, v.company_id,
                   (ARRAY['customer', 'service', 'sale'])[1 + g %% 3], 'bench',
                   x.d, 5 + 42 * (x.d - v.purchase_date - 20), now(), now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_v v ON v.k = 1 + (g - 1) %% %(nv)s
             CROSS JOIN LATERAL (  -- reading r (0-3), 42 km a day from purchase
                    SELECT LEAST(current_date, v.purchase_date + 20 + (g - 1) / %(nv)s * 330) AS d
             ) x
            """,
            start=start,
            stop=stop,
            nv=n_vehicles,
            **CTX,
        )
    )


top_up(
    "odometer readings",
    "SELECT count(*) FROM dealer_vehicle_odometer WHERE note = 'bench'",
    N["odometer readings"],
    insert_readings,
)


def insert_visits(start, stop):
    types = values("dealer.service.record", "service_type")
    cr.execute(
        *P(
            """
            INSERT INTO dealer_service_record (name, vehicle_id, partner_id, advisor_id,
                   currency_id, company_id, service_type, state, date, odometer, amount,
                   dealer_amount_before_discount, dealer_tier_discount,
                   dealer_loyalty_discount, dealer_tier_discount_amount, dealer_amount_net,
                   work_done, create_date, write_date, create_uid, write_uid)
            SELECT 'BSV/' || g, v.id, v.owner_id, %(user)s, %(currency)s, v.company_id,
                   (%(types)s::text[])[1 + g %% cardinality(%(types)s::text[])],
                   CASE WHEN g %% 40 = 0 THEN 'scheduled' ELSE 'done' END,
                   x.d, 5 + 42 * GREATEST(x.d - v.purchase_date - 20, 0), a, a, 0, 0, 0, a,
                   'Bench service', now(), now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_v v ON v.k = 1 + (g - 1) %% %(nv)s
             CROSS JOIN LATERAL (SELECT (80 + g * 37 %% 2500)::numeric AS a,
                    -- the latest visit within the year, one a year before: the odometer
                    -- as the readings (42 a day from purchase) show it that day
                    GREATEST(v.purchase_date + 30,
                             current_date - 30 - (g - 1) / %(nv)s * 365 - g * 13 %% 330) AS d
             ) x
            """,
            start=start,
            stop=stop,
            nv=n_vehicles,
            types=types,
            **CTX,
        )
    )


top_up(
    "service visits",
    "SELECT count(*) FROM dealer_service_record WHERE name LIKE 'BSV/%'",
    N["visits"],
    insert_visits,
)


# ------------------------------------------------------------------ interactions
def insert_interactions(start, stop):
    cr.execute(
        *P(
            """
            INSERT INTO dealer_interaction (partner_id, user_id, company_id, channel,
                   direction, department, subject, summary, date, create_date, write_date,
                   create_uid, write_uid)
            SELECT p.id, %(user)s, %(company)s,
                   (%(channels)s::text[])[1 + g %% cardinality(%(channels)s::text[])],
                   (%(directions)s::text[])[1 + g %% cardinality(%(directions)s::text[])],
                   (%(departments)s::text[])[1 + g %% cardinality(%(departments)s::text[])],
                   'Bench interaction ' || g, 'bench',
                   now() - (g * 389 %% 1461) * interval '1 day' - (g %% 900) * interval '1 minute',
                   now(), now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_p p ON p.k = CASE WHEN g <= %(heavy)s THEN 1
                                           ELSE 1 + (g - 1) %% %(np)s END
            """,
            start=start,
            stop=stop,
            np=n_partners,
            heavy=HEAVY_INTERACTIONS,
            channels=values("dealer.interaction", "channel"),
            directions=values("dealer.interaction", "direction"),
            departments=values("dealer.interaction", "department"),
            **CTX,
        )
    )


top_up(
    "interactions",
    "SELECT count(*) FROM dealer_interaction WHERE subject LIKE 'Bench interaction %'",
    N["interactions"],
    insert_interactions,
)


# ------------------------------------------------------------------ tickets
def insert_tickets(start, stop):
    cr.execute("SELECT id, closed FROM helpdesk_ticket_stage WHERE active ORDER BY sequence, id")
    stages = cr.fetchall()
    cr.execute(
        *P(
            """
            INSERT INTO helpdesk_ticket (number, name, description, partner_id,
                   commercial_partner_id, partner_name, partner_email, stage_id, team_id,
                   user_id, company_id, priority, active, unattended, dealer_feedback_kind,
                   last_stage_update, closed_date, create_date, write_date, create_uid,
                   write_uid)
            SELECT 'BT' || lpad(g::text, 7, '0'), 'Bench ticket ' || g,
                   '<p>Customer ' || p.email || ' reports a noise.</p>', p.id, p.id,
                   'Bench customer', p.email, s.id,
                   (SELECT id FROM helpdesk_ticket_team ORDER BY id LIMIT 1), %(user)s,
                   %(company)s, (g %% 3)::text, TRUE, FALSE,
                   (%(kinds)s::text[])[1 + g %% cardinality(%(kinds)s::text[])],
                   c.at, CASE WHEN s.closed THEN c.at + (g %% 20) * interval '1 day' END,
                   c.at, now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_p p ON p.k = 1 + (g * 7 - 1) %% %(np)s
             CROSS JOIN LATERAL (SELECT now() - (g * 211 %% 1461) * interval '1 day' AS at) c
              JOIN (SELECT row_number() OVER () - 1 AS n, id, closed
                      FROM unnest(%(stage_ids)s::int[], %(stage_closed)s::bool[]) u(id, closed)
                   ) s ON s.n = g %% %(ns)s
            """,
            start=start,
            stop=stop,
            np=n_partners,
            kinds=values("helpdesk.ticket", "dealer_feedback_kind"),
            stage_ids=[s[0] for s in stages],
            stage_closed=[s[1] for s in stages],
            ns=len(stages),
            **CTX,
        )
    )


top_up(
    "helpdesk tickets",
    "SELECT count(*) FROM helpdesk_ticket WHERE number LIKE 'BT%'",
    N["tickets"],
    insert_tickets,
)


# ------------------------------------------------------------------ loyalty
def insert_cards(start, stop):
    last_card = scalar("SELECT COALESCE(max(id), 0) FROM loyalty_card")
    program = env["loyalty.program"].search(PROGRAM_DOMAIN, order="id", limit=1)
    cr.execute(
        *P(
            """
            INSERT INTO loyalty_card (program_id, company_id, partner_id, code, points,
                   active, dealer_scheme, dealer_points_12m, create_date, write_date,
                   create_uid, write_uid)
            SELECT %(program)s, %(company)s, p.id, 'BENCH' || g, 600, TRUE, TRUE, 300,
                   now() - interval '3 years', now(), %(user)s, %(user)s
              FROM generate_series(%(start)s, %(stop)s) g
              JOIN bench_p p ON p.k = 1 + (g * 2 - 1) %% %(np)s
            """,
            program=program.id,
            start=start,
            stop=stop,
            np=n_partners,
            **CTX,
        )
    )
    # an old earning (half of them past their expiry date: the expiry job's work), a
    # recent one, and a redemption taken from the old one: balance 600 = the history
    cr.execute(
        *P(
            """
            INSERT INTO loyalty_history (card_id, description, issued, used, dealer_kind,
                   dealer_expiry_date, dealer_remaining, dealer_warned, create_date,
                   write_date, create_uid, write_uid)
            SELECT c.id, h.description, h.issued, h.used, h.kind, h.expiry, h.remaining,
                   FALSE, h.at, now(), %(user)s, %(user)s
              FROM loyalty_card c
             CROSS JOIN LATERAL (VALUES
                    ('Bench earning', 500.0, 0.0, 'earn', current_date - 30 + c.id %% 60,
                     300.0, now() - interval '3 years'),
                    ('Bench earning', 300.0, 0.0, 'earn', current_date + 700 + c.id %% 60,
                     300.0, now() - interval '2 months'),
                    ('Bench redemption', 0.0, 200.0, 'redeem', NULL::date, NULL::float,
                     now() - interval '1 year')
             ) h(description, issued, used, kind, expiry, remaining, at)
             WHERE c.code LIKE 'BENCH%%' AND c.id > %(last_card)s
            """,
            last_card=last_card,
            **CTX,
        )
    )


top_up(
    "loyalty cards (3 history rows each)",
    "SELECT count(*) FROM loyalty_card WHERE code LIKE 'BENCH%'",
    N["loyalty cards"],
    insert_cards,
)


# ------------------------------------------------------------------ mail messages
def insert_messages(_start, _stop):
    subtype = env.ref("mail.mt_comment").id
    for model, table, where, name in (
        ("helpdesk.ticket", "helpdesk_ticket", "number LIKE 'BT%%'", "name"),
        ("sale.order", "sale_order", "name LIKE 'BSO%%'", "name"),
    ):
        cr.execute(
            *P(
                f"""
                INSERT INTO mail_message (model, res_id, record_name, record_company_id,
                       message_type, subtype_id, author_id, email_from, subject, body,
                       message_id, date, is_internal, create_date, write_date, create_uid,
                       write_uid)
                SELECT %(model)s, r.id, r.{name}, r.company_id, 'comment', %(subtype)s,
                       r.partner_id, p.email, 'About ' || r.{name},
                       '<p>Dear customer, we wrote to ' || p.email || '.</p>',
                       '<bench-' || %(model)s || '-' || r.id || '@bench>', r.create_date,
                       FALSE, r.create_date, now(), %(user)s, %(user)s
                  FROM {table} r JOIN res_partner p ON p.id = r.partner_id
                 WHERE r.{where}
                   AND r.id > (SELECT COALESCE(max(res_id), 0) FROM mail_message
                                WHERE model = %(model)s AND message_id LIKE '<bench-%%')
                """,
                model=model,
                subtype=subtype,
                **CTX,
            )
        )


top_up(
    "mail messages (one per ticket and per order)",
    "SELECT count(*) FROM mail_message WHERE message_id LIKE '<bench-%'",
    N["tickets"] + N["orders"],
    insert_messages,
)


# ------------------------------------------------------------------ stored fields
def recompute_vehicles():
    """The latest reading by SQL; next service by the code itself, in batches."""
    cr.execute(
        """
        UPDATE dealer_vehicle v SET odometer = o.value, odometer_date = o.date
          FROM (SELECT DISTINCT ON (vehicle_id) vehicle_id, value, date
                  FROM dealer_vehicle_odometer ORDER BY vehicle_id, date DESC, id DESC) o
         WHERE o.vehicle_id = v.id AND v.vin LIKE '1BN%' AND v.odometer_date IS NULL
        """
    )
    cr.execute(
        "SELECT id FROM dealer_vehicle WHERE vin LIKE '1BN%' AND next_service_date IS NULL "
        "AND last_service_date IS NULL ORDER BY id"
    )
    ids = [row[0] for row in cr.fetchall()]
    Vehicle = env["dealer.vehicle"].with_context(tracking_disable=True)
    for start in range(0, len(ids), 5000):
        Vehicle.browse(ids[start : start + 5000])._recompute_next_service()
        env.flush_all()
        env.invalidate_all()
        cr.commit()
    return len(ids)


start = time.perf_counter()
done = recompute_vehicles()
if done:
    say(f"next service of {done} vehicles computed in {time.perf_counter() - start:.1f} s")
cr.execute(
    "ANALYZE res_partner; ANALYZE sale_order; ANALYZE dealer_vehicle; "
    "ANALYZE dealer_vehicle_ownership; ANALYZE dealer_vehicle_odometer; "
    "ANALYZE dealer_service_record; ANALYZE dealer_interaction; ANALYZE helpdesk_ticket; "
    "ANALYZE loyalty_card; ANALYZE loyalty_history; ANALYZE mail_message; "
    "ANALYZE dealer_consent"
)
cr.commit()
counts = {
    "customers": "SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%'",
    "orders": "SELECT count(*) FROM sale_order WHERE state = 'sale'",
    "vehicles": "SELECT count(*) FROM dealer_vehicle",
    "odometer readings": "SELECT count(*) FROM dealer_vehicle_odometer",
    "visits": "SELECT count(*) FROM dealer_service_record",
    "interactions": "SELECT count(*) FROM dealer_interaction",
    "tickets": "SELECT count(*) FROM helpdesk_ticket",
    "loyalty cards": "SELECT count(*) FROM loyalty_card",
    "mail messages": "SELECT count(*) FROM mail_message",
}
say(
    f"scale {SCALE:g} ready in {time.perf_counter() - build_start:.1f} s ("
    + ", ".join(f"{scalar(query)} {name}" for name, query in counts.items())
    + f"; dates up to {date.today()})"
)
