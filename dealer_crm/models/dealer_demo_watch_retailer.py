# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo watch retailer (issue 32): Harbour Timepieces Ltd, a second demo company in
Hong Kong which sells and services watches only, with about 40 customers and two years
of their history, made on install after the demo dealership.

It is made the way the dealership is (see ``dealer.demo.dealership``): one
``random.Random(seed)`` in a fixed order, set-based, in the superuser's environment with
the context of an import of history, so it sends nothing and earns no points twice. Every
record it makes belongs to the watch retailer's company; nothing in the dealership's
company changes. The catalog (watch brands and references) is shared, as fleet's is.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, models

from ..tools.channels import CONSENT_CHANNEL_OF, INTERACTION_CHANNELS
from .dealer_demo_dealership import (
    ENGLISH,
    GIVEN,
    SURNAMES,
    _Dealership,
    _generate,
    _typed_phone,
)

#: issue 32: the same seed makes the same watch retailer
SEED = 32
CUSTOMERS = 40
#: how far back the history goes (days): two years
HISTORY_DAYS = 2 * 365

#: (brand, reference, warranty months, price in HKD, water-resistance tested yearly)
REFERENCES = (
    ("Omega", "Seamaster Diver 300M", 60, 42000, True),
    ("Omega", "Speedmaster Moonwatch Professional", 60, 56000, False),
    ("Longines", "HydroConquest", 60, 13500, True),
    ("Longines", "Master Collection", 60, 19800, False),
    ("Tudor", "Black Bay Fifty-Eight", 60, 32000, True),
    ("Tudor", "Pelagos", 60, 38500, True),
    ("Seiko", "Prospex Alpinist", 36, 6200, False),
    ("Seiko", "Presage Cocktail Time", 36, 3900, False),
    ("Tissot", "PRX Powermatic 80", 24, 5400, False),
    ("Tissot", "Seastar 1000", 24, 4800, True),
)
#: the makers whose movements are overhauled every five years; the others every four
OVERHAULED = ("Omega", "Longines", "Tudor")
ACCESSORIES = (
    ("Alligator Leather Strap", 1800, "WAT-STRAP"),
    ("Single Watch Winder", 2600, "WAT-WINDER"),
    ("Travel Watch Roll", 950, "WAT-ROLL"),
)
#: a service's amount (HKD) by kind of work: (low, high, what was done)
WORK = {
    "maintenance": (
        2800,
        6800,
        (
            "Overhaul: movement dismantled, cleaned, lubricated and "
            "regulated; gaskets replaced; case and bracelet refinished."
        ),
    ),
    "inspection": (300, 600, "Water-resistance test: pressure test passed, gaskets checked."),
    "repair": (900, 3200, "Repair: crystal replaced and crown tube refitted."),
    "warranty": (0, 0, "Warranty repair under the maker's cover: rate adjusted at no charge."),
    "other": (150, 900, "Battery replaced and bracelet adjusted; case polished."),
}
REMARKS = (
    "Gains about ten seconds a day.",
    "Condensation under the crystal after swimming.",
    "The crown is hard to screw down.",
    "The bezel no longer clicks.",
    "Please fit the spare links to the bracelet.",
)
#: (subject, outcome) per department, what each talks to customers about
TOPICS = {
    "sales": (
        ("Asked for the price of a diver's watch", "quotation"),
        ("Reserved a reference on its arrival", "appointment"),
        ("Asked about the warranty card", "information"),
        ("Quotation followed up", "quotation"),
    ),
    "service": (
        ("Booked the next overhaul", "appointment"),
        ("Watch ready for collection", "information"),
        ("Estimate for the extra repair", "quotation"),
        ("No answer: left a message", "no_answer"),
    ),
    "customer_relations": (
        ("Thank-you call after the purchase", "information"),
        ("Satisfaction check after the service", "information"),
        ("Updated contact details", "other"),
    ),
}
CHANNEL_WEIGHTS = {
    "visit": 25,
    "phone": 20,
    "email": 12,
    "whatsapp": 18,
    "sms": 5,
    "letter": 3,
    "facebook": 4,
    "twitter": 1,
    "survey": 3,
    "website": 6,
}
#: a watch's condition as the counter records it when the customer leaves it
CONDITIONS = (
    "Light scratches on the bezel; bracelet worn at the clasp.",
    "Crystal chipped at four o'clock; crown stiff.",
    "Case and bracelet in good order; runs slow.",
)
PROMISES = (
    "Call back when the strap arrives",
    "Send the overhaul estimate by email",
    "Order the spare bracelet links",
)


class DealerDemoWatchRetailer(models.AbstractModel):
    _name = "dealer.demo.watch.retailer"
    _description = "Demo Watch Retailer"
    _dealer_partner_fields = ()

    @api.model
    def _generate_demo_watch_retailer(self, seed=SEED, customers=CUSTOMERS):
        """Make the demo watch retailer: ``customers`` customers with their history up
        to today, in the company ``dealer_crm.company_watch_demo``. Returns {model:
        records made}."""
        company = self.env.ref("dealer_crm.company_watch_demo")
        return _generate(
            self.sudo().with_company(company),
            _WatchRetailer,
            seed,
            customers,
            "Demo watch retailer",
        )


class _WatchRetailer(_Dealership):
    """One run of the generator; the dealership's helpers (dates, numbers, addresses,
    creation times, the loyalty ledger, consents) serve it as they are."""

    USERS = {
        "sales": "dealer_crm.user_watch_sales_demo",
        "service": "dealer_crm.user_watch_service_demo",
        "relations": "dealer_crm.user_watch_relations_demo",
        "manager": "dealer_crm.user_watch_manager_demo",
    }

    def __init__(self, env, rng, today, now, customers):  # pylint: disable=super-init-not-called
        self.start(env, rng, today, now, customers)
        self.company = env.ref("dealer_crm.company_watch_demo")
        self.currency = self.company.currency_id
        self.usd = self.currency  # the helpers' name for the company's currency
        self.hk = env.ref("base.hk")
        self.today_partners = env["res.partner"]

    def run(self):
        self.catalog()
        self.plans()
        self.customers()
        self.orders()
        self.watches()
        self.visits()
        self.scheme()
        self.loyalty()
        self.confirm_orders()
        self.transfer()
        self.consents()
        self.tickets()
        self.interactions()
        self.promises()
        self.counter()
        self.env.flush_all()

    # the catalog ----------------------------------------------------------------------
    def catalog(self):
        """The watch brands and references, and the watches and accessories for sale."""
        Brand = self.env["fleet.vehicle.model.brand"]
        names = list(dict.fromkeys(brand for brand, *_rest in REFERENCES))
        have = {b.name: b for b in Brand.search([("name", "in", names)])}
        new = Brand.create([{"name": name} for name in names if name not in have])
        self.keep(new)
        brands = {**have, **{b.name: b for b in new}}
        models_made = self.env["fleet.vehicle.model"].create(
            [
                {
                    "name": reference,
                    "brand_id": brands[brand].id,
                    "vehicle_type": "watch",
                    "dealer_warranty_months": months,
                }
                for brand, reference, months, _price, _diver in REFERENCES
            ]
        )
        self.keep(models_made)
        self.brands = brands
        self.references = list(zip(models_made, REFERENCES, strict=True))
        Product = self.env["product.product"]
        products = Product.create(
            [
                {
                    "name": f"{brand} {reference}",
                    "type": "consu",
                    "list_price": price,
                    "default_code": f"WAT-{index + 1:03d}",
                    "company_id": self.company.id,
                }
                for index, (brand, reference, _months, price, _diver) in enumerate(REFERENCES)
            ]
        )
        accessories = Product.create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "list_price": price,
                    "default_code": code,
                    "company_id": self.company.id,
                }
                for name, price, code in ACCESSORIES
            ]
        )
        self.keep(products | accessories)
        self.product_of = dict(zip(models_made, products, strict=True))
        self.accessories = list(accessories)

    def plans(self):
        """Service plans by time: an overhaul every five years (four for the others'
        makers) and a yearly water-resistance test of the divers' watches. Scoped to
        the watch makers and references, so no vehicle is touched."""
        Plan = self.env["dealer.maintenance.plan"]
        vals_list = [
            {
                "name": "Overhaul" if name in OVERHAULED else "Watch Service",
                "brand_id": brand.id,
                "interval_months": 60 if name in OVERHAULED else 48,
                "company_id": self.company.id,
            }
            for name, brand in self.brands.items()
        ] + [
            {
                "name": "Water-resistance test",
                "model_id": model.id,
                "interval_months": 12,
                "company_id": self.company.id,
            }
            for model, (*_rest, diver) in self.references
            if diver
        ]
        for vals in vals_list:
            vals["item_kind"] = "watch"
        self.keep(Plan.create(vals_list))

    # customers -------------------------------------------------------------------------
    def customers(self):
        rng = self.rng
        names, people = set(), []
        for index in range(self.size):
            while True:
                surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
                english = rng.choice(ENGLISH) if rng.random() < 0.5 else None
                name = f"{english} {surname}" if english else f"{surname} {given}"
                if name not in names:
                    names.add(name)
                    break
            login = f"{(english or given.replace(' ', '')).lower()}.{surname.lower()}"
            prospect = index < max(2, self.size // 10)
            people.append(
                {
                    "name": name,
                    "company_type": "person",
                    "company_id": self.company.id,
                    "email": f"{login}{rng.randrange(10, 99)}@example.com",
                    "mobile": _typed_phone(rng, self.number("569")),
                    "user_id": self.sales.id,
                    "customer_rank": 0 if prospect else 1,
                    "lang": "en_US",
                    "dealer_customer_type": "prospect" if prospect else "regular",
                    "dealer_preferred_channel": self.pick(
                        {"whatsapp": 5, "phone": 3, "email": 3, "visit": 2}
                    ),
                    "dealer_preferred_time": rng.choice(("morning", "afternoon", "evening")),
                    **self.address(),
                }
            )
        partners = self.env["res.partner"].create(people)
        self.keep(partners)
        self.profiles = {}
        for index, partner in enumerate(partners):
            prospect = partner.customer_rank == 0
            since = self.day(rng.randrange(0, 120) if prospect else rng.randrange(30, HISTORY_DAYS))
            self.profiles[partner] = {"since": since, "last": self.today}
            # the first buyer came two years ago: the history spans both years
            if index == len(partners) - 1:
                self.profiles[partner]["since"] = self.day(HISTORY_DAYS)
        self.backdate(partners, [self.at(self.profiles[p]["since"]) for p in partners])
        self.partners = partners
        self.buyers = partners.filtered("customer_rank")
        self.prospects = partners - self.buyers

    # sales and watches ---------------------------------------------------------------------
    def orders(self):
        """A confirmed order for each watch sold, some with an accessory; two
        quotations still open."""
        rng = self.rng
        self.stories, vals_list, self.order_stories = [], [], []
        for partner in self.buyers:
            since = self.profiles[partner]["since"]
            for index in range(1 if rng.random() < 0.75 else 2):
                bought = (
                    since
                    if not index
                    else since + timedelta(days=rng.randint(0, (self.today - since).days))
                )
                bought = min(bought, self.day(1))
                model, spec = rng.choice(self.references)
                story = {"owner": partner, "model": model, "bought": bought, "spec": spec}
                self.stories.append(story)
                if rng.random() < 0.12:
                    story["origin"] = "register"  # bought elsewhere, serviced here
                    continue
                story["origin"] = "sale"
                lines = [Command.create({"product_id": self.product_of[model].id})]
                if rng.random() < 0.3:
                    lines.append(Command.create({"product_id": rng.choice(self.accessories).id}))
                vals_list.append(self.order_vals(partner, bought, lines))
                self.order_stories.append(story)
        quotes = [
            self.order_vals(
                partner,
                self.day(rng.randrange(0, 20)),
                [
                    Command.create(
                        {"product_id": self.product_of[rng.choice(self.references)[0]].id}
                    )
                ],
            )
            for partner in self.prospects[:2]
        ]
        Order = self.env["sale.order"]
        orders = Order.create(vals_list + quotes)
        self.to_confirm = self.vehicle_orders = orders[: len(vals_list)]
        orders[len(vals_list) :][1:].write({"state": "sent"})
        self.keep(orders)
        self.backdate(orders, [v["date_order"] for v in vals_list + quotes])

    def order_vals(self, partner, date, lines):
        return {
            "partner_id": partner.id,
            "user_id": self.sales.id,
            "company_id": self.company.id,
            "date_order": self.at(date),
            "order_line": lines,
        }

    def watches(self):
        """The register: each watch with its serial number and warranty card, owned
        since its purchase."""
        rng = self.rng
        serials = set()
        order_of = dict(zip([id(s) for s in self.order_stories], self.vehicle_orders, strict=True))
        by_origin = {}
        for story in self.stories:
            while True:
                serial = f"{rng.randrange(10000000, 99999999)}"
                if serial not in serials:
                    serials.add(serial)
                    break
            vals = {
                "item_kind": "watch",
                "serial_number": serial,
                "model_id": story["model"].id,
                "model_year": story["bought"].year,
                "owner_id": story["owner"].id,
                "purchase_date": story["bought"],
                "company_id": self.company.id,
            }
            order = order_of.get(id(story))
            if order:
                vals.update(
                    warranty_card=f"WC-{story['bought'].year}-{rng.randrange(100000, 999999)}",
                    seller_id=order.user_id.id,
                    sale_order_id=order.id,
                )
            by_origin.setdefault(story["origin"], []).append((story, vals))
        Watch = self.env["dealer.vehicle"]
        for origin, pairs in by_origin.items():
            made = Watch.with_context(dealer_ownership_origin=origin).create(
                [vals for _story, vals in pairs]
            )
            for (story, _vals), watch in zip(pairs, made, strict=True):
                story["watch"] = watch
            self.keep(made)
        for story in self.order_stories:
            order = order_of[id(story)]
            product = self.product_of[story["model"]]
            line = order.order_line.filtered(lambda line, p=product: line.product_id == p)[:1]
            line.dealer_vehicle_id = story["watch"]

    # service -------------------------------------------------------------------------------
    def visits(self):
        """Each watch's services since its purchase: a water-resistance test every year
        or so, repairs, battery and strap work, an overhaul for the older ones; some
        booked ahead, some at the bench today."""
        rng = self.rng
        vals_list, stamps = [], []
        for story in self.stories:
            date = story["bought"] + timedelta(days=rng.randint(90, 300))
            while date < self.today:
                kind = self.pick({"inspection": 40, "other": 30, "repair": 15, "maintenance": 15})
                if (
                    date < story["bought"] + timedelta(days=30 * story["spec"][2])
                    and rng.random() < 0.1
                ):
                    kind = "warranty"
                vals_list.append(self.visit_vals(story, date, kind, "done"))
                stamps.append(self.at(date - timedelta(days=rng.randint(0, 5))))
                date += timedelta(days=rng.randint(150, 330))
        # booked for the coming weeks, and at the bench now
        ahead = self.stories[::7]
        for index, story in enumerate(ahead):
            state = "in_progress" if index % 2 else "scheduled"
            date = (
                self.today
                if state == "in_progress"
                else self.today + timedelta(days=rng.randint(2, 20))
            )
            vals_list.append(self.visit_vals(story, date, "maintenance", state))
            stamps.append(self.at(self.day(rng.randrange(0, 6))))
        Visit = self.env["dealer.service.record"].with_user(self.service).sudo()
        visits = Visit.create(vals_list)
        self.backdate(visits, stamps)
        self.keep(visits)
        self.done_visits = visits.filtered(lambda v: v.state == "done")

    def visit_vals(self, story, date, kind, state):
        low, high, work = WORK[kind]
        vals = {
            "vehicle_id": story["watch"].id,
            "date": date,
            "service_type": kind,
            "advisor_id": self.service.id,
            "amount": round(self.rng.uniform(low, high), -1),
            "work_done": Markup("<p>%s</p>") % work if state == "done" else False,
            "currency_id": self.currency.id,
            "state": state,
            "company_id": self.company.id,
        }
        if self.rng.random() < 0.3:
            vals["customer_remarks"] = self.rng.choice(REMARKS)
        return vals

    # loyalty -------------------------------------------------------------------------------
    def scheme(self):
        """The retailer's own points scheme, in Hong Kong dollars: points on purchases
        and services, expiring after a year, with tiers."""
        self.program = self.env["loyalty.program"].create(
            {
                "name": "Timepieces Circle",
                "program_type": "loyalty",
                "trigger": "auto",
                "applies_on": "both",
                "company_id": self.company.id,
                "currency_id": self.currency.id,
                "dealer_scheme": True,
                "dealer_expiry_months": 12,
                "rule_ids": [Command.clear()],
                "reward_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 500,
                            "description": "10% off a service",
                        }
                    ),
                ],
                "dealer_rule_ids": [
                    Command.create({"source": "vehicle_sale", "points_per_unit": 0.03}),
                    Command.create({"source": "service", "points_per_unit": 0.2}),
                ],
                "dealer_tier_ids": [
                    Command.create({"name": "Silver", "threshold_points": 300}),
                    Command.create(
                        {"name": "Gold", "threshold_points": 1000, "service_discount": 5}
                    ),
                    Command.create(
                        {
                            "name": "Platinum",
                            "threshold_points": 2000,
                            "service_discount": 10,
                            "priority_booking": True,
                        }
                    ),
                ],
            }
        )
        self.keep(self.program)

    def transfer(self):
        """A watch given to a relative: its ownership moves on, its history stays."""
        stories = [s for s in self.order_stories if s["bought"] < self.day(60)]
        story = stories[0]
        partner = (self.buyers - story["owner"])[0]
        date = self.day(self.rng.randrange(5, 40))
        story["watch"].with_user(self.sales).sudo()._transfer_owner(
            partner, date, "transfer", "A gift to a relative."
        )
        self.transferred = story["watch"]

    # feedback and contact ------------------------------------------------------------------
    def tickets(self):
        """A complaint about a watch serviced here, still in progress, and a compliment
        resolved: both received this morning (tickets are numbered in the order
        received, after the dealership's)."""
        ref = self.env.ref
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Customer Care", "company_id": self.company.id}
        )
        self.keep(team)
        visit = self.done_visits.sorted(lambda v: (v.date, v.id))[-1]
        other = self.done_visits.filtered(lambda v: v.partner_id != visit.partner_id)[:1]
        # after every ticket of the dealership, made before it (its stamps are before
        # its own now)
        received = answered = self.now
        common = {
            "team_id": team.id,
            "user_id": self.relations.id,
            "company_id": self.company.id,
            "assigned_date": received,
            "dealer_contact_date": answered,
            "dealer_first_response_date": answered,
        }
        tickets = (
            self.env["helpdesk.ticket"]
            .with_user(self.relations)
            .sudo()
            .create(
                [
                    {
                        **common,
                        "name": "Watch losing time after the service",
                        "description": Markup("<p>%s</p>")
                        % "Loses a minute a day since it was collected last week.",
                        "partner_id": visit.partner_id.id,
                        "stage_id": ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress").id,
                        "dealer_feedback_kind": "complaint",
                        "dealer_severity_id": ref("dealer_crm.severity_medium").id,
                        "dealer_root_cause_id": ref("dealer_crm.root_cause_workmanship").id,
                        "priority": "1",
                        "dealer_vehicle_id": visit.vehicle_id.id,
                        "dealer_service_record_id": visit.id,
                    },
                    {
                        **common,
                        "name": "Thank you for the quick strap change",
                        "description": Markup("<p>%s</p>") % "Done while the customer waited.",
                        "partner_id": other.partner_id.id,
                        "stage_id": ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                        "dealer_feedback_kind": "compliment",
                        "priority": "0",
                        "dealer_vehicle_id": other.vehicle_id.id,
                        "closed_date": self.now,
                        "dealer_resolution": Markup("<p>%s</p>")
                        % "Passed the feedback to the team and thanked the customer.",
                        "dealer_customer_confirmed": True,
                        "dealer_satisfaction": "5",
                    },
                ]
            )
        )
        self.backdate(tickets, [received, received])
        self.keep(tickets)
        self.tickets_made = tickets

    def interactions(self):
        """Contacts on every channel, in and out, by each department."""
        rng = self.rng
        channels = [key for key, _label in INTERACTION_CHANNELS]
        watches_of = {}
        for story in self.stories:
            watches_of.setdefault(story["owner"], []).append(story["watch"])
        vals_list = []
        for partner in self.partners:
            first = self.profiles[partner]["since"]
            span = max((self.today - first).days, 0)
            for index in range(rng.randint(2, 5)):
                channel = (
                    channels[len(vals_list) % len(channels)]
                    if index == 0
                    else self.pick(CHANNEL_WEIGHTS)
                )
                department = (
                    "customer_relations" if channel == "survey" else rng.choice(list(TOPICS))
                )
                subject, outcome = rng.choice(TOPICS[department])
                watches = watches_of.get(partner)
                vals = {
                    "partner_id": partner.id,
                    "channel": channel,
                    "direction": "inbound"
                    if channel in ("website", "survey") or rng.random() < 0.5
                    else "outbound",
                    "date": self.at(first + timedelta(days=rng.randint(0, span))),
                    "user_id": self.staff[department].id,
                    "department": department,
                    "subject": subject,
                    "outcome": outcome,
                    "vehicle_id": rng.choice(watches).id
                    if watches and rng.random() < 0.6
                    else False,
                    "company_id": self.company.id,
                }
                if CONSENT_CHANNEL_OF.get(channel) in ("phone", "sms"):
                    vals["phone_number"] = partner.mobile
                vals_list.append(vals)
        for ticket in self.tickets_made:
            vals_list.append(
                {
                    "partner_id": ticket.partner_id.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "date": ticket.dealer_contact_date,
                    "user_id": self.relations.id,
                    "department": "customer_relations",
                    "subject": f"Feedback clarified: {ticket.name}",
                    "outcome": "complaint"
                    if ticket.dealer_feedback_kind == "complaint"
                    else "information",
                    "ticket_id": ticket.id,
                    "company_id": self.company.id,
                }
            )
        self.interactions_made = self.keep(self.env["dealer.interaction"].create(vals_list))

    def promises(self):
        """Promises made during contacts: one kept, one broken, one open."""
        past = self.interactions_made.filtered(lambda i: i.date.date() < self.day(20))
        vals_list = []
        for index, interaction in enumerate(past[:: max(1, len(past) // 3)][:3]):
            date = interaction.date.date()
            vals = {
                "name": PROMISES[index],
                "partner_id": interaction.partner_id.id,
                "user_id": interaction.user_id.id,
                "date_due": date + timedelta(days=7)
                if index < 2
                else self.today + timedelta(days=5),
                "interaction_id": interaction.id,
                "company_id": self.company.id,
            }
            if index == 0:
                vals.update(state="kept", date_kept=date + timedelta(days=5))
            elif index == 1:
                vals["state"] = "broken"
            vals_list.append(vals)
        self.keep(self.env["dealer.promise"].create(vals_list))

    # the counter: estimates and collection ----------------------------------------------
    def counter(self):
        """Watches left at the counter at each stage of their estimate and collection,
        where the visit has that workflow: an estimate waiting for the customer's
        approval, one approved and one refused (the watch goes back unrepaired), one
        ready for collection today, one collected today and one earlier, one not
        collected for weeks. Today's steps go through the visit's own methods, for
        customers who gave no consent to be contacted, so nothing is sent (the advisor
        gets a call to make instead); the past is written as evidence."""
        Visit = self.env["dealer.service.record"].with_user(self.service).sudo()
        rng = self.rng
        granted = self.made["dealer.consent"].filtered(lambda c: c.state == "granted").partner_id
        quiet = [s for s in self.stories if s["watch"].owner_id not in granted]
        if not quiet:
            return
        stages = (
            "waiting",
            "approved",
            "refused",
            "ready",
            "collected_today",
            "collected",
            "uncollected",
        )
        past = {
            "collected_today": (6, 3, None),
            "collected": (40, 36, 33),
            "uncollected": (45, 35, None),
        }
        vals_list = []
        for index, stage in enumerate(stages):
            story = quiet[index % len(quiet)]
            state = "in_progress" if stage == "ready" else "scheduled"
            date = self.today
            if stage in past:
                state, date = "done", self.day(past[stage][0])
            vals = self.visit_vals(story, date, rng.choice(("repair", "maintenance")), state)
            vals["dealer_condition"] = rng.choice(CONDITIONS)
            if stage in ("waiting", "approved", "refused"):
                # no price before the estimate: the approved one is the visit's price
                vals["amount"] = 0.0
            if stage == "ready":
                vals["work_done"] = Markup("<p>%s</p>") % WORK[vals["service_type"]][2]
            if stage in past:
                _left, ready, collected = past[stage]
                vals["dealer_ready_date"] = self.day(ready)
                if collected:
                    vals["dealer_collected_date"] = self.day(collected)
            vals_list.append(vals)
        visits = Visit.create(vals_list)
        self.backdate(visits, [self.at(v["date"]) for v in vals_list])
        self.keep(visits)
        by_stage = dict(zip(stages, visits, strict=True))
        # the estimates: a quotation each, with the work to do
        product = self.env["product.product"].create(
            {
                "name": "Movement Repair",
                "type": "service",
                "list_price": 2400,
                "default_code": "WAT-SRV-REPAIR",
                "company_id": self.company.id,
            }
        )
        self.keep(product)
        for stage in ("waiting", "approved", "refused"):
            visit = by_stage[stage]
            visit.action_create_estimate()
            order = visit.dealer_estimate_order_id
            order.order_line = [Command.create({"product_id": product.id})]
            self.keep(order)
        by_stage["approved"]._dealer_estimate_decide("approved", "portal")
        by_stage["refused"]._dealer_estimate_decide("refused", "portal")
        by_stage["ready"].action_done()
        by_stage["collected_today"].action_collected()
