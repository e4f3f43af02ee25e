"""make load: concurrent department users over JSON-RPC, then a check of what they wrote.

Plain Python (standard library only); scripts/dev.sh load starts Odoo (--workers=2, a cron
worker) on a throw-away copy of the load database and runs the two steps:

    load.py run   --url URL --db DB --seconds S --clients N --ledger FILE
    load.py check --db DB --base-db BASE --ledger FILE [--log SERVER_LOG]

``run``: N clients (threads) on loopback, each logged in as one of the four department demo
users (sales, service, relations, manager; the password is the login), call what the web
client calls (/web/session/authenticate, then /web/dataset/call_kw: get_views,
web_search_read, web_read with the form view's specification, name_search, web_save and
the buttons' action methods) for S seconds:

- log interactions (every department);
- record service visits with odometer readings, start and complete them (service): a
  completed visit earns its customer points;
- raise complaints and take them through the helpdesk stages (relations, manager);
- earn points by hand (manager) and redeem them (sales, service);
- search vehicles and open the customer 360 (the contact form) (every department).

Each client keeps a ledger of what it wrote: the ids it was given, the odometer values, the
stage moves, the points earned and redeemed per card. One line per operation:

    load: <operation>: <ops> ops | <requests> requests, <rate> req/s | p50 | p95 | p99 | <n> errors

``check`` (the server stopped) reads the run database with psql and compares it with the
ledger: every interaction, visit, reading and ticket once, with the ledger's values, the
stage moves tracked once each, and every card's balance moved by exactly what the clients
earned and redeemed on it (against its balance in the base database). Serialization
failures retried by Odoo are counted in the server log. Exit status 1 on any request
error or any mismatch.
"""

import argparse
import http.cookiejar
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timezone

ROLES = ("sales", "service", "relations", "manager")
#: what each department does, with weights
MIX = {
    "sales": [("log_interaction", 3), ("search_vehicles", 3), ("customer_360", 3), ("redeem", 2)],
    "service": [
        ("service_visit", 4),
        ("log_interaction", 2),
        ("search_vehicles", 2),
        ("customer_360", 1),
        ("redeem", 1),
    ],
    "relations": [("complaint", 4), ("log_interaction", 3), ("customer_360", 3)],
    "manager": [
        ("earn", 3),
        ("complaint", 1),
        ("customer_360", 2),
        ("search_vehicles", 2),
        ("log_interaction", 1),
    ],
}
#: business refusals a user can meet under concurrency (not errors): another client spent
#: the points first
REFUSALS = (re.compile(r"points: .* cannot be taken"),)
STAGES = ("New", "In Progress", "Awaiting", "Done")
#: the start of a record of Odoo's log
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")
#: the PostgreSQL errors Odoo retries
CONCURRENCY = re.compile(
    r"could not serialize access|deadlock detected|could not obtain lock|lock_not_available"
)


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name") or error.get("message") or "error"
        self.message = data.get("message") or error.get("message") or ""
        self.debug = data.get("debug") or ""
        super().__init__(f"{self.name}: {self.message}")

    @property
    def refusal(self):
        return self.name.endswith("UserError") and any(r.search(self.message) for r in REFUSALS)


class Stats:
    """Latencies and outcomes per operation, shared by the clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # operation -> request latencies (s)
        self.ops = defaultdict(int)
        self.errors = defaultdict(int)
        self.refused = defaultdict(int)
        self.samples = []  # the first errors, with their traceback

    def request(self, op, seconds):
        with self.lock:
            self.latencies[op].append(seconds)

    def done(self, op, error=None):
        with self.lock:
            if error is None:
                self.ops[op] += 1
            elif isinstance(error, RpcError) and error.refusal:
                self.refused[op] += 1
            else:
                self.errors[op] += 1
                if len(self.samples) < 20:
                    self.samples.append((op, error))


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Client:
    """One browser session of a department user, with its own ledger."""

    def __init__(self, index, args, stats, shared):
        self.index = index
        self.args = args
        self.stats = stats
        self.shared = shared
        self.role = ROLES[index % len(ROLES)]
        self.rand = random.Random(args.seed * 1000 + index)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.op = "login"
        self.seq = 0
        self.context = {}
        self.specs = {}
        self.ledger = {
            "client": index,
            "login": self.role,
            "interactions": [],
            "visits": [],
            "tickets": [],
            "earned": defaultdict(float),
            "redeemed": defaultdict(float),
            "redemptions": defaultdict(int),
            "adjusted": defaultdict(float),
        }

    # JSON-RPC -------------------------------------------------------------------
    def rpc(self, path, params):
        self.seq += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": self.seq})
        req = urllib.request.Request(
            self.args.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as resp:
                payload = json.loads(resp.read())
        finally:
            self.stats.request(self.op, time.perf_counter() - start)
        if payload.get("error"):
            raise RpcError(payload["error"])
        return payload.get("result")  # None is left out of the response

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def login(self):
        info = self.rpc(
            "/web/session/authenticate",
            {"db": self.args.db, "login": self.role, "password": self.role},
        )
        self.uid = info["uid"]
        company = info["user_companies"]["current_company"]
        self.context = dict(info["user_context"], allowed_company_ids=[company])

    # The web client's reads ------------------------------------------------------
    def spec(self, model, view="form"):
        """The specification the web client reads a record with: the view's fields, a
        many2one with its display name, an x2many with the fields of its inline list."""
        if (model, view) not in self.specs:
            result = self.call(model, "get_views", [[False, view]], options={})
            fields_info = result["models"][model]
            fields_info = fields_info.get("fields", fields_info)
            arch = ET.fromstring(result["views"][view]["arch"])
            self.specs[model, view] = self._spec_of(arch, fields_info, result["models"])
        return self.specs[model, view]

    def _spec_of(self, node, fields_info, models):
        spec = {}
        for field in self._field_nodes(node):
            name = field.get("name")
            info = fields_info.get(name)
            if not info:
                continue
            if info["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif info["type"] in ("one2many", "many2many"):
                sub = next(iter(field.iter("list")), None)
                comodel = models.get(info["relation"], {})
                comodel = comodel.get("fields", comodel)
                sub_spec = self._spec_of(sub, comodel, {}) if sub is not None else {}
                sub_spec = {
                    k: v
                    for k, v in sub_spec.items()
                    if comodel.get(k, {}).get("type") != "one2many"
                }
                spec[name] = {"fields": sub_spec or {"display_name": {}}, "limit": 40}
            else:
                spec[name] = {}
        return spec

    def _field_nodes(self, node):
        """The view's own <field> nodes (not those of an x2many's subviews)."""
        for child in node:
            if child.tag == "field":
                yield child
            else:
                yield from self._field_nodes(child)

    def open_form(self, model, res_id):
        return self.call(model, "web_read", [res_id], specification=self.spec(model))[0]

    def save(self, model, res_id, vals, context=None):
        ids = [res_id] if res_id else []
        kwargs = {"specification": self.spec(model)}
        if context:
            kwargs["context"] = dict(self.context, **context)
        return self.call(model, "web_save", ids, vals, **kwargs)[0]

    def button(self, model, res_id, method):
        return self.call(model, method, [res_id])

    def tag(self, what):
        return f"load {self.args.run} c{self.index} {what} {self.seq}"

    # Operations -----------------------------------------------------------------
    def pick_partner(self):
        return self.rand.choice(self.shared["partners"])

    def log_interaction(self):
        query = self.rand.choice(self.shared["names"])
        found = self.call("res.partner", "name_search", name=query, limit=8)
        partner = found[0][0] if found else self.pick_partner()
        subject = self.tag("interaction")
        vals = {
            "partner_id": partner,
            "subject": subject,
            "channel": self.rand.choice(["phone", "email", "visit"]),
            "direction": self.rand.choice(["inbound", "outbound"]),
            "summary": "<p>Load test call</p>",
        }
        if self.rand.random() < 0.3:  # a follow-up activity for the staff member
            vals["followup_date"] = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 86400))
        record = self.save("dealer.interaction", False, vals)
        self.ledger["interactions"].append(
            {"id": record["id"], "subject": subject, "followup": "followup_date" in vals}
        )

    def search_vehicles(self):
        query = self.rand.choice(self.shared["vehicle_queries"])
        spec = self.spec("dealer.vehicle", "list")
        found = self.call(
            "dealer.vehicle",
            "web_search_read",
            [("display_name", "ilike", query)],
            specification=spec,
            limit=80,
            count_limit=10001,
        )
        if found["records"]:
            self.open_form("dealer.vehicle", self.rand.choice(found["records"])["id"])

    def customer_360(self):
        self.call(
            "res.partner",
            "web_search_read",
            [("id", "in", self.shared["partners"])],
            specification={"display_name": {}, "email": {}, "phone": {}},
            limit=40,
        )
        partner = self.pick_partner()
        self.open_form("res.partner", partner)
        if self.role in ("sales", "relations") and self.rand.random() < 0.3:
            # a note on the customer: the row a first loyalty award also takes
            self.save("res.partner", partner, {"comment": f"<p>{self.tag('note')}</p>"})

    def service_visit(self):
        vehicles = self.shared["vehicles_of"][self.index]
        if not vehicles:
            return self.log_interaction()
        vehicle = self.rand.choice(vehicles)
        odometer = vehicle["odometer"] + self.rand.randint(10, 900)
        remarks = self.tag("visit")
        service_type = self.rand.choice(["maintenance", "repair", "inspection"])
        amount = float(self.rand.randint(50, 900))
        record = self.save(
            "dealer.service.record",
            False,
            {
                "vehicle_id": vehicle["id"],
                "odometer": odometer,
                "service_type": service_type,
                "amount": amount,
                "customer_remarks": remarks,
            },
        )
        vehicle["odometer"] = odometer
        visit = {"id": record["id"], "vehicle_id": vehicle["id"], "odometer": odometer}
        self.ledger["visits"].append(visit)
        self.button("dealer.service.record", record["id"], "action_start")
        visit["state"] = "in_progress"
        if self.rand.random() < 0.3 and self._redeem(
            [("partner_id", "=", vehicle["owner_id"])], {"service_record_id": record["id"]}
        ):
            visit["discount"] = round(amount * self.shared["reward"]["discount"] / 100, 2)
        self.button("dealer.service.record", record["id"], "action_done")
        visit["state"] = "done"
        done = self.open_form("dealer.service.record", record["id"])
        # the service rule of the demo scheme: 1 point per unit of the net amount
        visit["partner_id"] = done["partner_id"] and done["partner_id"]["id"]
        visit["points"] = done["dealer_amount_net"]
        return None

    def complaint(self):
        stages = self.shared["stages"]
        partner = self.pick_partner()
        name = self.tag("complaint")
        record = self.save(
            "helpdesk.ticket",
            False,
            {
                "name": name,
                "description": "<p>Noise after the last service.</p>",
                "partner_id": partner,
                "dealer_feedback_kind": "complaint",
            },
            context=self.shared["complaint_context"],
        )
        ticket = {"id": record["id"], "name": name, "moves": [], "stage": "New"}
        self.ledger["tickets"].append(ticket)
        path = ["In Progress", "Awaiting", "In Progress"]
        if self.rand.random() < 0.7:
            path.append("Done")
        for stage in path[: self.rand.randint(1, len(path))]:
            vals = {"stage_id": stages[stage]}
            if stage == "Done":
                vals.update(
                    dealer_contact_date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
                    dealer_resolution="<p>Fixed under goodwill.</p>",
                )
            self.save("helpdesk.ticket", record["id"], vals)
            ticket["moves"].append(stage)
            ticket["stage"] = stage

    def _dealer_card(self, min_points=0, domain=()):
        cards = self.call(
            "loyalty.card",
            "web_search_read",
            [("dealer_scheme", "=", True), ("points", ">=", min_points), *domain],
            specification={"points": {}, "partner_id": {"fields": {"display_name": {}}}},
            limit=20,
        )["records"]
        return self.rand.choice(cards) if cards else None

    def earn(self):
        card = self._dealer_card()
        if not card:
            return
        points = float(self.rand.randint(1, 300))
        wizard = self.save(
            "dealer.loyalty.adjust",
            False,
            {"card_id": card["id"], "points": points, "reason": self.tag("earn")},
        )
        self.button("dealer.loyalty.adjust", wizard["id"], "action_confirm")
        self.ledger["adjusted"][str(card["id"])] += points

    def redeem(self):
        self._redeem([], {})

    def _redeem(self, domain, vals):
        """The redemption wizard on a card with enough points (``domain``), against
        ``vals`` (a visit); True when the points were spent."""
        reward = self.shared["reward"]
        card = self._dealer_card(reward["points"], domain)
        if not card:
            return False
        wizard = self.save(
            "dealer.loyalty.redeem",
            False,
            dict(vals, card_id=card["id"], reward_id=reward["id"]),
        )
        self.button("dealer.loyalty.redeem", wizard["id"], "action_confirm")
        self.ledger["redeemed"][str(card["id"])] += reward["points"]
        self.ledger["redemptions"][str(card["id"])] += 1
        return True

    # The loop -------------------------------------------------------------------
    def start(self, ready):
        """Log in, then wait for the others: the clock starts with every client ready."""
        self.op = "login"
        try:
            self.login()
            self.stats.done("login")
        except Exception as error:  # noqa: BLE001 - reported per operation
            self.stats.done("login", error)
            self.uid = None
        ready.wait()

    def run(self, ready, clock):
        self.start(ready)
        if not self.uid:
            return
        ops, weights = zip(*MIX[self.role], strict=True)
        while time.monotonic() < clock["until"]:
            self.op = self.rand.choices(ops, weights)[0]
            try:
                getattr(self, self.op)()
            except Exception as error:  # noqa: BLE001 - reported per operation
                self.stats.done(self.op, error)
            else:
                self.stats.done(self.op)


def prepare(args, stats):
    """What the clients share, read as the manager: customers, vehicles (each client
    records visits on its own vehicles, as an advisor works on one car at a time), the
    complaint stages and the scheme's reward."""
    admin = Client(len(ROLES) - 1, args, stats, {})  # the manager
    admin.login()
    vehicles = admin.call(
        "dealer.vehicle",
        "search_read",
        [("owner_id", "!=", False)],
        fields=["odometer", "license_plate", "vin", "owner_id"],
        order="id",
    )
    cards = admin.call(
        "loyalty.card", "search_read", [("dealer_scheme", "=", True)], fields=["partner_id"]
    )
    # the customers: the vehicles' owners and the scheme's members
    owners = {v["owner_id"][0] for v in vehicles} | {c["partner_id"][0] for c in cards}
    partners = admin.call("res.partner", "read", sorted(owners), fields=["name"])
    vehicles_of = [[] for _i in range(args.clients)]
    service_clients = [i for i in range(args.clients) if ROLES[i % len(ROLES)] == "service"]
    for n, vehicle in enumerate(vehicles):
        if service_clients:
            owner = service_clients[n % len(service_clients)]
            vehicles_of[owner].append(
                {
                    "id": vehicle["id"],
                    "odometer": vehicle["odometer"],
                    "owner_id": vehicle["owner_id"][0],
                }
            )
    stages = {
        s["name"]: s["id"]
        for s in admin.call("helpdesk.ticket.stage", "search_read", [], fields=["name"])
    }
    action = admin.rpc("/web/action/load", {"action_id": "dealer_crm.helpdesk_ticket_action"})
    program = admin.call(
        "loyalty.program", "search_read", [("dealer_scheme", "=", True)], fields=["reward_ids"]
    )[0]
    reward = admin.call(
        "loyalty.reward",
        "read",
        program["reward_ids"][:1],
        fields=["required_points", "discount", "discount_mode"],
    )[0]
    queries = [
        v["license_plate"] or v["vin"][:6] for v in vehicles if v["license_plate"] or v["vin"]
    ]
    return {
        "partners": [p["id"] for p in partners],
        "names": [p["name"].split()[-1][:4] for p in partners],
        "vehicle_queries": queries or ["a"],
        "vehicles_of": vehicles_of,
        "stages": {name: stages[name] for name in STAGES},
        "complaint_context": parse_context(action["context"]),
        "reward": {
            "id": reward["id"],
            "points": reward["required_points"],
            "discount": reward["discount"] if reward["discount_mode"] == "percent" else 0,
        },
    }


def parse_context(text):
    """An action's context as the web client evaluates it (literals only here)."""
    if isinstance(text, dict):
        return text
    return json.loads(text.replace("'", '"').replace("True", "true").replace("False", "false"))


def cmd_run(args):
    stats = Stats()
    shared = prepare(args, stats)
    clients = [Client(i, args, stats, shared) for i in range(args.clients)]
    clock = {}

    def start_clock():
        clock["start"] = time.monotonic()
        clock["until"] = clock["start"] + args.seconds

    ready = threading.Barrier(args.clients, action=start_clock)
    threads = [threading.Thread(target=c.run, args=(ready, clock)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - clock["start"]
    report(stats, elapsed, args)
    with open(args.ledger, "w", encoding="utf-8") as out:
        json.dump({"run": args.run, "clients": [c.ledger for c in clients]}, out)
    return 1 if sum(stats.errors.values()) else 0


def report(stats, elapsed, args):
    total = []
    ops = sorted(set(stats.latencies) | set(stats.ops) | set(stats.errors))
    for op in ops:
        lat = stats.latencies.get(op, [])
        if op != "login":  # before the clock started
            total += lat
        line = (
            f"load: {op}: {stats.ops[op]} ops | {len(lat)} requests, {len(lat) / elapsed:.1f} req/s"
            f" | p50 {percentile(lat, 50) * 1000:.0f} ms | p95 {percentile(lat, 95) * 1000:.0f} ms"
            f" | p99 {percentile(lat, 99) * 1000:.0f} ms | {stats.errors[op]} errors"
        )
        if stats.refused[op]:
            line += f" | {stats.refused[op]} refused (not enough points left)"
        print(line, flush=True)
    print(
        f"load: all: {len(total)} requests in {elapsed:.1f} s by {args.clients} clients,"
        f" {len(total) / elapsed:.1f} req/s | p50 {percentile(total, 50) * 1000:.0f} ms"
        f" | p95 {percentile(total, 95) * 1000:.0f} ms | p99 {percentile(total, 99) * 1000:.0f} ms"
        f" | {sum(stats.errors.values())} errors",
        flush=True,
    )
    for op, error in stats.samples:
        print(f"load: ERROR in {op}: {error}", flush=True)
        if isinstance(error, RpcError) and error.debug:
            tail = error.debug.strip().splitlines()[-12:]
            print("\n".join("load:   " + line for line in tail), flush=True)


# The check ---------------------------------------------------------------------------
def psql(db, sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-F", "\t", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class Check:
    def __init__(self, args):
        self.args = args
        with open(args.ledger, encoding="utf-8") as src:
            data = json.load(src)
        self.run = data["run"]
        self.clients = data["clients"]
        self.problems = []
        self.jobs = []

    def expect(self, what, expected, found):
        ok = expected == found
        if not ok:
            self.problems.append(f"{what}: expected {expected}, found {found}")
        return ok

    def of(self, key):
        return [item for c in self.clients for item in c[key]]

    def interactions(self):
        mine = {i["id"]: i["subject"] for i in self.of("interactions")}
        rows = psql(
            self.args.db,
            f"SELECT id, subject FROM dealer_interaction WHERE subject LIKE 'load {self.run} %'",
        )
        found = defaultdict(list)
        for rid, subject in rows:
            found[subject].append(int(rid))
        self.expect("interactions stored", len(mine), len(rows))
        doubled = {s: ids for s, ids in found.items() if len(ids) > 1}
        self.expect("interactions doubled", {}, doubled)
        lost = [rid for rid, subject in mine.items() if found.get(subject) != [rid]]
        self.expect("interactions lost", [], lost)
        followed = {i["id"] for i in self.of("interactions") if i["followup"]}
        activities = psql(
            self.args.db,
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = 'dealer.interaction' "
            f"AND res_id IN ({','.join(map(str, mine)) or '0'}) GROUP BY res_id",
        )
        found = {int(rid): int(n) for rid, n in activities}
        self.expect(
            "follow-up activities (one per interaction with a date)",
            dict.fromkeys(sorted(followed), 1),
            dict(sorted(found.items())),
        )
        return f"{len(rows)} interactions, {len(found)} follow-ups"

    def visits(self):
        mine = {v["id"]: v for v in self.of("visits")}
        rows = psql(
            self.args.db,
            "SELECT v.id, v.vehicle_id, v.odometer, v.state, o.value, o.source, "
            "coalesce(v.dealer_loyalty_discount, 0), (SELECT count(*) FROM loyalty_history h "
            " WHERE h.order_model = 'dealer.service.record' AND h.order_id = v.id "
            " AND h.dealer_kind = 'redeem') "
            "FROM dealer_service_record v "
            "LEFT JOIN dealer_vehicle_odometer o ON o.id = v.odometer_reading_id "
            f"WHERE v.customer_remarks LIKE 'load {self.run} %'",
        )
        self.expect("visits stored", len(mine), len(rows))
        wrong = []
        for rid, vehicle, odometer, state, reading, source, discount, redeemed in rows:
            visit = mine.get(int(rid))
            got = (
                int(vehicle),
                float(odometer),
                state,
                float(reading or -1),
                source,
                float(discount),
                int(redeemed),
            )
            want = visit and (
                visit["vehicle_id"],
                float(visit["odometer"]),
                visit.get("state", "scheduled"),
                float(visit["odometer"]),
                "service",
                float(visit.get("discount", 0)),
                1 if "discount" in visit else 0,
            )
            if got != want:
                wrong.append((rid, want, got))
        self.expect("visits with other values than recorded", [], wrong)
        ids = ",".join(str(i) for i in mine) or "0"
        readings = psql(
            self.args.db,
            "SELECT count(*), count(DISTINCT o.id) FROM dealer_vehicle_odometer o "
            f"JOIN dealer_service_record v ON v.odometer_reading_id = o.id WHERE v.id IN ({ids})",
        )[0]
        self.expect(
            "odometer readings of the visits (one each)", [len(mine)] * 2, list(map(int, readings))
        )
        return f"{len(rows)} visits and their readings"

    def tickets(self):
        mine = {t["id"]: t for t in self.of("tickets")}
        rows = psql(
            self.args.db,
            "SELECT t.id, s.name->>'en_US', "
            "(SELECT count(*) FROM mail_tracking_value v "
            " JOIN mail_message m ON m.id = v.mail_message_id "
            " JOIN ir_model_fields f ON f.id = v.field_id "
            " WHERE m.model = 'helpdesk.ticket' AND m.res_id = t.id AND f.name = 'stage_id') "
            "FROM helpdesk_ticket t JOIN helpdesk_ticket_stage s ON s.id = t.stage_id "
            f"WHERE t.name LIKE 'load {self.run} %'",
        )
        self.expect("complaints stored", len(mine), len(rows))
        wrong = []
        for rid, stage, moves in rows:
            ticket = mine.get(int(rid))
            want = ticket and (ticket["stage"], len(ticket["moves"]))
            if (stage, int(moves)) != want:
                wrong.append((rid, want, (stage, int(moves))))
        self.expect("complaints whose stage or stage moves differ", [], wrong)
        return f"{len(rows)} complaints, {sum(len(t['moves']) for t in mine.values())} stage moves"

    def points(self):
        """Each card's balance moved by what the clients earned (visits, by hand) and
        redeemed on it, and the history holds each move once."""
        delta = defaultdict(float)
        redemptions = defaultdict(int)
        for client in self.clients:
            for card, points in client["adjusted"].items():
                delta[int(card)] += points
            for card, points in client["redeemed"].items():
                delta[int(card)] -= points
            for card, count in client["redemptions"].items():
                redemptions[int(card)] += count
        visits = {v["id"]: v for v in self.of("visits") if "points" in v}
        earned_by_visit = {
            int(visit): (int(card), float(issued), int(n))
            for visit, card, issued, n in psql(
                self.args.db,
                "SELECT order_id, card_id, sum(issued), count(*) FROM loyalty_history "
                "WHERE order_model = 'dealer.service.record' AND dealer_kind = 'earn' "
                f"AND order_id IN ({','.join(map(str, visits)) or '0'}) GROUP BY order_id, card_id",
            )
        }
        wrong = []
        for vid, visit in visits.items():
            got = earned_by_visit.get(vid)
            if visit["points"] <= 0:
                if got:
                    wrong.append((vid, "no points", got))
                continue
            if not got or got[2] != 1 or abs(got[1] - visit["points"]) > 0.001:
                wrong.append((vid, visit["points"], got))
                continue
            delta[got[0]] += got[1]
        self.expect("visits whose points differ from their net amount (once)", [], wrong)
        cards = {
            int(cid): (int(partner), float(points))
            for cid, partner, points in psql(
                self.args.db,
                "SELECT id, partner_id, points FROM loyalty_card WHERE dealer_scheme AND active",
            )
        }
        before = {
            int(cid): float(points)
            for cid, points in psql(
                self.args.base_db, "SELECT id, points FROM loyalty_card WHERE dealer_scheme"
            )
        }
        # what else moved points during the run (the jobs: expiry...), from the history
        base_max = int(
            psql(self.args.base_db, "SELECT coalesce(max(id), 0) FROM loyalty_history")[0][0]
        )
        visit_ids = ",".join(map(str, visits)) or "0"
        jobs = defaultdict(float)
        for cid, kind, net in psql(
            self.args.db,
            "SELECT card_id, dealer_kind, sum(coalesce(issued, 0) - coalesce(used, 0)) "
            f"FROM loyalty_history WHERE id > {base_max} "
            "AND dealer_kind NOT IN ('adjust', 'redeem') "
            f"AND NOT (order_model = 'dealer.service.record' AND order_id IN ({visit_ids}) "
            "AND dealer_kind = 'earn') GROUP BY card_id, dealer_kind",
        ):
            jobs[int(cid)] += float(net)
            self.jobs.append((int(cid), kind, float(net)))
        history = {
            int(cid): float(net)
            for cid, net in psql(
                self.args.db,
                "SELECT card_id, sum(coalesce(issued, 0) - coalesce(used, 0)) FROM loyalty_history "
                f"WHERE id > {base_max} GROUP BY card_id",
            )
        }
        mismatched = []
        unrecorded = []
        for cid, (_partner, points) in cards.items():
            want = before.get(cid, 0.0) + delta.get(cid, 0.0) + jobs.get(cid, 0.0)
            if abs(points - want) > 0.001:
                mismatched.append((cid, round(want, 2), points))
            if abs(points - before.get(cid, 0.0) - history.get(cid, 0.0)) > 0.001:
                unrecorded.append((cid, round(points - before.get(cid, 0.0), 2), history.get(cid)))
        self.expect("cards whose balance moved otherwise than their history", [], unrecorded)
        self.expect("cards whose balance differs from the ledger", [], mismatched)
        counts = {
            int(cid): int(n)
            for cid, n in psql(
                self.args.db,
                "SELECT card_id, count(*) FROM loyalty_history WHERE dealer_kind = 'redeem' "
                "GROUP BY card_id",
            )
        }
        base_counts = {
            int(cid): int(n)
            for cid, n in psql(
                self.args.base_db,
                "SELECT card_id, count(*) FROM loyalty_history WHERE dealer_kind = 'redeem' "
                "GROUP BY card_id",
            )
        }
        wrong = [
            (cid, n, counts.get(cid, 0) - base_counts.get(cid, 0))
            for cid, n in redemptions.items()
            if counts.get(cid, 0) - base_counts.get(cid, 0) != n
        ]
        self.expect("cards whose redemptions in the history differ", [], wrong)
        negative = [cid for cid, (_p, points) in cards.items() if points < -0.0001]
        self.expect("cards overspent", [], negative)
        doubled = psql(
            self.args.db,
            "SELECT partner_id, count(*) FROM loyalty_card WHERE dealer_scheme AND active "
            "GROUP BY program_id, partner_id HAVING count(*) > 1",
        )
        self.expect("customers with two cards", [], doubled)
        return (
            f"{len(cards)} cards, {sum(redemptions.values())} redemptions, "
            f"{round(sum(delta.values()), 2)} points net by the clients"
            + (f", moved by jobs: {self.jobs}" if self.jobs else "")
        )

    def server_log(self):
        """The server log read once: the jobs the cron worker ran, the concurrency
        failures Odoo retried, and the other errors (by logger and first line)."""
        jobs, retries, errors = [], defaultdict(int), defaultdict(int)
        record = []
        with open(self.args.log, encoding="utf-8", errors="replace") as log:
            for line in [*log, "2000-01-01 00:00:00,000 0 INFO - end: end\n"]:
                if not LOG_RECORD.match(line):
                    record.append(line)
                    continue
                self._log_record(record, errors)
                record = [line]
                job = re.search(r"Job '(.+)' \(\d+\) done in", line)
                if job:
                    jobs.append(job.group(1))
                retry = re.search(r"(\w+), \d+ tries left, try again", line)
                if retry:
                    retries[retry.group(1)] += 1
                elif "maximum number of tries reached" in line:
                    retries["given up"] += 1
        return jobs, dict(retries), dict(errors)

    @staticmethod
    def _log_record(record, errors):
        if not record or not re.match(r"\S+ \S+ \d+ (ERROR|CRITICAL) ", record[0]):
            return
        text = "".join(record)
        if "bad query" in record[0] and CONCURRENCY.search(text):
            return  # the failed statement of a retried transaction: counted as a retry
        head = record[0].split(" ", 5)
        errors[f"{head[3]} {head[5].strip()[:150]}"] += 1


def cmd_check(args):
    check = Check(args)
    for part in (check.interactions, check.visits, check.tickets, check.points):
        try:
            print(f"load: check {part.__name__}: {part()}", flush=True)
        except Exception as error:  # noqa: BLE001 - a failing check is a problem
            check.problems.append(f"{part.__name__}: {error!r}")
    if args.log:
        jobs, retries, errors = check.server_log()
        dealer = sorted({j.split(": ", 1)[-1] for j in jobs if j.startswith("Dealer CRM")})
        print(
            f"load: jobs run by the cron worker during the load: {len(jobs)},"
            f" {len(dealer)} of dealer_crm ({', '.join(dealer) or 'none'})",
            flush=True,
        )
        print(f"load: concurrency retries by Odoo (server log): {retries or 'none'}", flush=True)
        for error, count in sorted(errors.items(), key=lambda item: -item[1])[:15]:
            print(f"load: server log: {count} x {error}", flush=True)
        ours = [e for e in errors if "dealer" in e.lower()]
        if ours:
            check.problems.append(f"dealer_crm errors in the server log: {ours}")
    for problem in check.problems:
        print(f"load: MISMATCH {problem}", flush=True)
    print(
        "load: database check: "
        + (
            "OK, no lost or doubled writes"
            if not check.problems
            else f"{len(check.problems)} mismatches"
        ),
        flush=True,
    )
    return 1 if check.problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--url", required=True)
    run.add_argument("--db", required=True)
    run.add_argument("--seconds", type=float, default=60)
    run.add_argument("--clients", type=int, default=8)
    run.add_argument("--seed", type=int, default=27)
    run.add_argument("--ledger", required=True)
    run.add_argument("--run", default=str(int(time.time())))
    check = sub.add_parser("check")
    check.add_argument("--db", required=True)
    check.add_argument("--base-db", required=True)
    check.add_argument("--ledger", required=True)
    check.add_argument("--log")
    args = parser.parse_args(argv)
    return cmd_run(args) if args.command == "run" else cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
