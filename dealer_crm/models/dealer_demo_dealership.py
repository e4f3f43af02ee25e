# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo dealership (issue 30): a Toyota and Lexus dealer in Hong Kong with a used-car
corner, about 150 customers and three years of their history, made on install.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the same seed
on the same day makes the same dealership; dates are counted back from the install day.
Records are made set-based (one ``create`` per model and step) in the superuser's
environment, with the context of an import of a dealer's history (``import_file``, see
``dealer.import.mixin``): what is dated before today is history, not work done again. It
sends no email, SMS or survey, earns no points twice and starts no follow-up for old
facts. Evidence (states, scores, ledger lines, first responses) is written the way the
workflows record it, as superuser; the few things dated today go through the workflows
themselves (a visit completed, an order confirmed). ``create_date`` is what the analyses
date some facts by (a ticket received, a points movement, a survey answer, a new
customer): the ORM keeps it to the moment of creation, so it is set afterwards with one
SQL statement per table.
"""

import logging
import random
from datetime import datetime, time, timedelta
from time import perf_counter as time_counter

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..tools.channels import CONSENT_CHANNEL_OF, CONSENT_CHANNELS, INTERACTION_CHANNELS
from ..tools.distance import KILOMETERS, MILES
from ..tools.vin import VIN_ALPHABET, vin_check_digit

_logger = logging.getLogger(__name__)

#: issue 30: the same seed makes the same dealership
SEED = 30
CUSTOMERS = 150
#: how far back the history goes (days): three years
HISTORY_DAYS = 3 * 365

#: history is imported, not done again: the import's own key (dealer.import.mixin), and
#: no tracking, followers or notifications for the records made
HISTORY_CONTEXT = {
    "import_file": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_activity_quick_update": True,
    "no_reset_password": True,
    "tz": "UTC",
}

SURNAMES = (
    "Au",
    "Chan",
    "Cheung",
    "Choi",
    "Chow",
    "Chu",
    "Chung",
    "Fung",
    "Ho",
    "Hui",
    "Ip",
    "Kong",
    "Kwan",
    "Kwok",
    "Lai",
    "Lam",
    "Lau",
    "Law",
    "Lee",
    "Leung",
    "Liu",
    "Lo",
    "Luk",
    "Ma",
    "Mak",
    "Ng",
    "Poon",
    "Shum",
    "Siu",
    "Tam",
    "Tang",
    "Tsang",
    "Tse",
    "Wan",
    "Wong",
    "Yeung",
    "Yip",
    "Yuen",
)
GIVEN = [
    "Ka Ming",
    "Wai Man",
    "Siu Fong",
    "Mei Yee",
    "Chi Keung",
    "Kwok Wing",
    "Hoi Yan",
    "Ching Yee",
    "Tsz Kin",
    "Wing Sze",
    "Ka Yan",
    "Chun Kit",
    "Man Yi",
    "Wai Kit",
    "Pui Shan",
    "Ho Yin",
    "Suet Ying",
    "Kin Fai",
    "Yuk Lan",
    "Tak Wah",
    "Sze Wai",
    "Hon Ming",
    "Lok Yi",
    "Shing Fung",
    "Mei Kuen",
    "Yiu Cheong",
    "Hiu Tung",
    "Kai Lok",
    "Wing Yan",
    "Chi Ho",
]
ENGLISH = [
    "Jason",
    "Kelvin",
    "Angela",
    "Karen",
    "Raymond",
    "Winnie",
    "Eric",
    "Vivian",
    "Alan",
    "Cecilia",
    "Dickson",
    "Fiona",
    "Gary",
    "Helen",
    "Ivan",
    "Joyce",
    "Kenneth",
    "Lily",
    "Michael",
    "Natalie",
    "Patrick",
    "Queenie",
    "Stanley",
    "Tiffany",
    "Vincent",
    "Wilson",
    "Yvonne",
    "Edmund",
    "Gloria",
    "Terence",
]
#: (street, district): district is the contact's city, as Hong Kong addresses go
STREETS = (
    ("Nathan Road", "Mong Kok"),
    ("Canton Road", "Tsim Sha Tsui"),
    ("Waterloo Road", "Kowloon Tong"),
    ("Sha Tin Centre Street", "Sha Tin"),
    ("Kwong Fuk Road", "Tai Po"),
    ("Castle Peak Road", "Tsuen Wan"),
    ("Tuen Mun Heung Sze Wui Road", "Tuen Mun"),
    ("Castle Peak Road Yuen Long", "Yuen Long"),
    ("Hennessy Road", "Causeway Bay"),
    ("Lockhart Road", "Wan Chai"),
    ("Queen's Road Central", "Central"),
    ("Aberdeen Main Road", "Aberdeen"),
    ("King's Road", "North Point"),
    ("Hoi Wan Street", "Quarry Bay"),
    ("Po Tung Road", "Sai Kung"),
    ("Tong Ming Street", "Tseung Kwan O"),
    ("Hoi Yuen Road", "Kwun Tong"),
    ("Discovery Bay Road", "Discovery Bay"),
    ("Tat Tung Road", "Tung Chung"),
    ("Repulse Bay Road", "Repulse Bay"),
)
BUILDINGS = (
    "Harbour View Mansion",
    "Grand Garden",
    "Lok Fu Court",
    "Ocean Heights",
    "Jade Terrace",
    "Sunshine Villa",
    "Park Tower",
    "Golden Bay Building",
    "Hillcrest Court",
    "Lucky Plaza",
)
COMPANIES = (
    ("Kowloon Express Couriers Ltd", "fleet"),
    ("Pearl Delta Trading Co Ltd", "business"),
    ("Peak View Property Management Ltd", "fleet"),
    ("Lantau Island Tours Ltd", "fleet"),
    ("Golden Lotus Catering Group", "business"),
    ("Tai Po Engineering Co Ltd", "fleet"),
    ("Sai Kung Marine Services Ltd", "business"),
    ("Jade Garden Dental Clinic", "business"),
    ("Harbourfront Hotel Management Ltd", "fleet"),
    ("Silvermine Bay Construction Ltd", "fleet"),
    ("Lion Rock Architects Ltd", "business"),
    ("Causeway Securities Ltd", "business"),
    ("New Territories Florists Co", "business"),
    ("Tsing Yi Logistics Ltd", "fleet"),
    ("Victoria Harbour Law Firm", "business"),
    ("Morning Star Education Centre", "business"),
)
COLOURS = (
    "White",
    "Pearl White",
    "Black",
    "Silver",
    "Grey",
    "Dark Blue",
    "Red",
    "Champagne",
)
SPECIAL_REQUESTS = (
    "Prefers to be served in Cantonese.",
    "Call after 7 pm only: works shifts.",
    "Needs a courtesy car during service.",
    "Wheelchair user: keep the bay next to the lift free.",
    "Prefers WhatsApp for updates on the car.",
    "Collect and deliver the car at the office in Central.",
)
#: interaction channels, weighted as a dealer in Hong Kong hears from its customers
CHANNEL_WEIGHTS = {
    "visit": 20,
    "phone": 24,
    "email": 12,
    "letter": 4,
    "sms": 7,
    "whatsapp": 16,
    "facebook": 5,
    "twitter": 2,
    "survey": 4,
    "website": 6,
}
#: (subject, outcome) per department, what each talks to customers about
TOPICS = {
    "sales": (
        ("Asked for the price of a hybrid", "quotation"),
        ("Brochure and test drive for the new model", "appointment"),
        ("Trade-in value of the current car", "information"),
        ("Delivery date of the new car", "information"),
        ("Financing options", "information"),
        ("Quotation followed up", "quotation"),
    ),
    "service": (
        ("Booked the next maintenance", "appointment"),
        ("Car ready for collection", "information"),
        ("Estimate for the extra repair", "quotation"),
        ("Asked about the warranty cover", "information"),
        ("Noise from the brakes", "appointment"),
        ("No answer: left a message", "no_answer"),
    ),
    "customer_relations": (
        ("Thank-you call after the purchase", "information"),
        ("Satisfaction check after the service", "information"),
        ("Complaint taken by phone", "complaint"),
        ("Updated contact details", "other"),
        ("Birthday greeting and club news", "information"),
        ("Consent to reminders confirmed", "other"),
    ),
}
WORK_DONE = {
    "maintenance": "Periodic maintenance: engine oil and filter, cabin filter, brake fluid check, "
    "tyre rotation, hybrid system check.",
    "repair": "Repair: diagnosed and replaced the faulty part, road test passed.",
    "warranty": "Warranty repair under the manufacturer's cover: part replaced at no charge.",
    "recall": "Recall remedy carried out as the manufacturer instructs.",
    "inspection": "Annual roadworthiness inspection before the licence renewal.",
    "bodywork": "Bodywork: panel repaired and resprayed, paint matched.",
    "other": "Car wash, interior cleaning and wheel alignment.",
}
REMARKS = (
    "Rattle from the dashboard over bumps.",
    "Air conditioning not cold enough.",
    "Warning light on the dashboard.",
    "Squeal from the front brakes.",
    "Please check the tyre pressure sensor.",
    "Small dent on the rear bumper.",
)
#: direct marketing (Hong Kong PDPO Part 6A): the topics that are, and the consent
#: purposes one of which a customer granted on the channel before we contact them
DIRECT_MARKETING = {
    "Brochure and test drive for the new model": ("marketing",),
    "Birthday greeting and club news": ("marketing", "loyalty"),
}
#: a direct-marketing topic the customer brought up (inbound): the customer's own words
ASKED_FOR = {
    "Brochure and test drive for the new model": "Asked for a brochure and a test drive",
    "Birthday greeting and club news": "Asked about the club's news",
}
#: complaints and feedback: (kind, root cause xml id, subject, description)
FEEDBACK = (
    (
        "complaint",
        "root_cause_waiting",
        "Car not ready at the time promised",
        "Waited an hour at the counter past the promised time.",
    ),
    (
        "complaint",
        "root_cause_workmanship",
        "Same noise back after the repair",
        "The rattle fixed last week came back after two days.",
    ),
    (
        "complaint",
        "root_cause_communication",
        "Nobody called with the repair estimate",
        "The customer expected a call before extra work and got none.",
    ),
    (
        "complaint",
        "root_cause_price",
        "Invoice higher than the estimate",
        "The invoice is 15% above the estimate given at the counter.",
    ),
    (
        "complaint",
        "root_cause_parts",
        "Part on back order for two weeks",
        "The car waits for a part the workshop did not have.",
    ),
    (
        "complaint",
        "root_cause_product",
        "Infotainment screen freezes",
        "The screen freezes on start-up since the software update.",
    ),
    (
        "complaint",
        "root_cause_staff",
        "Unfriendly reception at the service counter",
        "The customer felt rushed and not listened to.",
    ),
    ("enquiry", None, "Question about the extended warranty", "What does the extension cover?"),
    ("enquiry", None, "Can the car be collected from home?", "Asks for pick-up in Sai Kung."),
    ("compliment", None, "Thank you to the service advisor", "Clear explanation of the work."),
    ("compliment", None, "Smooth handover of the new car", "Thanks the sales consultant."),
    ("suggestion", None, "Longer opening hours on Saturday", "Would like service until 6 pm."),
    ("suggestion", None, "Text when the car is ready", "Prefers an SMS to a call."),
)
RESOLUTIONS = (
    "Apologised, explained the cause and agreed the next steps with the customer.",
    "Repaired again free of charge and road-tested with the customer.",
    "Refunded the difference and corrected the estimate process.",
    "Lent a courtesy car until the part arrived.",
    "Passed the feedback to the team and thanked the customer.",
)
PROMISES = (
    "Call back with the insurance quote",
    "Order the roof box and fit it at the next visit",
    "Send a copy of the service invoice",
    "Check whether the recall applies to the car",
    "Have a courtesy car ready for the next visit",
    "Confirm the delivery date of the new car",
    "Refund the taxi fare",
    "Email the trade-in valuation",
)
NEED_NOTES = {
    "dealer_crm.need_tag_ev": "Asked about home charging in a village house.",
    "dealer_crm.need_tag_child_seat": "Baby due in spring.",
    "dealer_crm.need_tag_wheelchair": "Parent uses a wheelchair.",
    "dealer_crm.need_tag_courtesy_car": "Drives to work every day.",
    "dealer_crm.need_tag_towing": "Tows a small boat to Sai Kung.",
}
#: brand xml id -> world manufacturer identifier (first three characters of the VIN)
WMI = {
    "fleet.brand_toyota": "JTD",
    "fleet.brand_lexus": "JTH",
    "fleet.brand_volkswagen": "WVW",
    "fleet.brand_nissan": "SJN",
    "fleet.brand_ford": "WF0",
    "fleet.brand_renault": "VF1",
    "fleet.brand_honda": "JHM",
    "fleet.brand_mercedes": "WDD",
    "fleet.brand_tesla_motors": "LRW",
    "fleet.brand_mazda": "JMZ",
}
#: the franchises' models (code -> the year the current model came to Hong Kong): none
#: is sold new, nor registered, before it came
FRANCHISE = {
    "yaris_cross": 2020,
    "chr": 2017,
    "rav4": 2019,
    "camry": 2018,
    "noah": 2022,
    "alphard": 2023,
    "bz4x": 2022,
    "lexus_ux": 2019,
    "lexus_nx": 2021,
    "lexus_rx": 2022,
    "lexus_es": 2018,
    "lexus_lm": 2020,
}
#: not the Corolla TS: the demo's recall campaign of it (dealer_recall_campaign_demo.xml)
#: notifies every owner of one, and the dealership's customers are told nothing
#: (xml id -> the first model year a used one can be)
USED_MODELS = {
    "fleet.model_golf_8": 2020,
    "fleet.model_micra": 2011,
    "fleet.model_focus": 2011,
    "fleet.model_clio": 2012,
    "dealer_crm.fleet_model_honda_jazz_demo": 2014,
    "dealer_crm.fleet_model_mercedes_c200_demo": 2014,
    "dealer_crm.fleet_model_tesla_model3_demo": 2019,
    "dealer_crm.fleet_model_mazda_cx5_demo": 2012,
}
#: the highest odometer a car of the demo reaches today (kilometres)
TOP_KILOMETERS = 240000
ACCESSORIES = (
    "dealer_crm.product_dash_camera_demo",
    "dealer_crm.product_window_tint_demo",
    "dealer_crm.product_paint_protection_demo",
    "dealer_crm.product_floor_mats_demo",
    "dealer_crm.product_roof_rack_demo",
)
#: a visit's amount (company currency) by kind of work: (low, high)
AMOUNTS = {
    "maintenance": (180, 650),
    "repair": (300, 2400),
    "warranty": (0, 0),
    "recall": (0, 0),
    "inspection": (90, 220),
    "bodywork": (500, 3800),
    "other": (60, 180),
}


def _typed_phone(rng, digits, landline=False):
    """A Hong Kong number as customers type it: with or without +852, spaces or dashes."""
    head, tail = digits[:4], digits[4:]
    forms = [
        f"+852 {head} {tail}",
        f"{head} {tail}",
        digits,
        f"(852) {head}-{tail}",
        f"852-{head} {tail}",
        f"{head}-{tail}",
    ]
    return forms[0] if landline else rng.choice(forms)


def _vin(rng, wmi):
    """A VIN of the maker ``wmi`` with its check digit (valid in every region)."""
    alphabet = sorted(VIN_ALPHABET)
    body = "".join(rng.choice(alphabet) for _i in range(13))
    vin = wmi + body[:5] + "0" + body[5:]
    return vin[:8] + vin_check_digit(vin) + vin[9:]


class DealerDemoDealership(models.AbstractModel):
    _name = "dealer.demo.dealership"
    _description = "Demo Dealership"
    _dealer_partner_fields = ()

    @api.model
    def _generate_demo_dealership(self, seed=SEED, customers=CUSTOMERS):
        """Make the demo dealership: ``customers`` customers with their history up to
        today. Returns {model: records made}."""
        return _generate(self.sudo(), _Dealership, seed, customers, "Demo dealership")


def _generate(model, runner, seed, customers, label):
    """Run the generator ``runner`` in the environment of ``model`` (its company) with
    the context of an import of history; log what it made and how long it took."""
    started = time_counter()
    env = model.with_context(**HISTORY_CONTEXT).env
    today = fields.Date.context_today(env[model._name])
    demo = runner(env, random.Random(seed), today, fields.Datetime.now(), customers)
    demo.run()
    _logger.info(
        "%s: %s customers, %s records, made in %.1f s",
        label,
        len(demo.partners),
        sum(len(records) for records in demo.made.values()),
        time_counter() - started,
    )
    return demo.made


class _Dealership:
    """One run of the generator: its random source, its day and what it made."""

    #: the demo user of each department (attribute -> xml id)
    USERS = {
        "sales": "dealer_crm.user_sales_demo",
        "service": "dealer_crm.user_service_demo",
        "relations": "dealer_crm.user_relations_demo",
        "manager": "dealer_crm.user_manager_demo",
    }

    def __init__(self, env, rng, today, now, customers):
        self.start(env, rng, today, now, customers)
        ref = env.ref
        self.company = env.company
        self.dealer = self.company.partner_id
        self.usd = self.company.currency_id
        self.hkd = ref("base.HKD")
        self.pricelist_hkd = ref("dealer_crm.pricelist_hkd_demo")
        self.franchise = [
            (ref(f"dealer_crm.fleet_model_{code}_demo"), ref(f"dealer_crm.product_{code}_demo"))
            for code in FRANCHISE
        ]
        self.launched = {
            ref(f"dealer_crm.fleet_model_{code}_demo"): year for code, year in FRANCHISE.items()
        }
        self.launched.update({ref(xmlid): year for xmlid, year in USED_MODELS.items()})
        self.used_models = [ref(xmlid) for xmlid in USED_MODELS]
        self.used_product = ref("dealer_crm.product_used_vehicle_demo")
        self.accessories = [ref(xmlid) for xmlid in ACCESSORIES]
        self.warranty_product = ref("dealer_crm.product_extended_warranty_demo")
        self.plan_product = ref("dealer_crm.product_service_plan_demo")
        self.program = ref("dealer_crm.loyalty_program_dealer_club_demo")
        self.wmi = {ref(xmlid): wmi for xmlid, wmi in WMI.items()}
        self.hk = ref("base.hk")

    def start(self, env, rng, today, now, customers):
        """What every run starts from: its random source, its day, its staff."""
        self.env, self.rng, self.today, self.now = env, rng, today, now
        self.size = customers
        self.numbers = set()
        self.made = {}
        for attribute, xmlid in self.USERS.items():
            setattr(self, attribute, env.ref(xmlid))
        self.staff = {
            "sales": self.sales,
            "service": self.service,
            "customer_relations": self.relations,
        }

    # helpers ------------------------------------------------------------------------
    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def at(self, date, hour=None):
        """A UTC datetime on ``date`` in Hong Kong's working hours (01:00-10:00 UTC), never
        after now; on today, between midnight and now."""
        if date >= self.today:
            start = datetime.combine(self.today, time())
            span = max((self.now - start).total_seconds(), 60.0)
            return start + timedelta(seconds=int(span * self.rng.uniform(0.2, 0.95)))
        hour = self.rng.uniform(1, 10) if hour is None else hour
        return datetime.combine(date, time()) + timedelta(minutes=int(hour * 60))

    def pick(self, weights):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def backdate(self, records, stamps):
        """Give ``records`` the creation times ``stamps``: one UPDATE (the ORM keeps
        ``create_date`` to the moment of creation)."""
        if not records:
            return
        records.flush_recordset()
        rows = SQL(", ").join(
            SQL("(%s, %s::timestamp)", record.id, stamp)
            for record, stamp in zip(records, stamps, strict=True)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS t SET create_date = v.stamp FROM (VALUES %s) AS v(id, stamp) "
                "WHERE t.id = v.id",
                SQL.identifier(records._table),
                rows,
            )
        )
        records.invalidate_recordset(["create_date"])

    def keep(self, records):
        self.made[records._name] = self.made.get(records._name, records.browse()) | records
        return records

    # the run ----------------------------------------------------------------------------
    def run(self):
        self.rates()
        self.customers()
        self.orders()
        self.vehicles()
        self.visits()
        self.readings()
        self.loyalty()
        self.confirm_orders()
        self.today_at_the_dealer()
        self.consents()
        self.tickets()
        self.surveys()
        self.interactions()
        self.promises()
        self.needs()
        self.leads()
        self.test_drives()
        self.recall()
        self.reminders()
        self.loyalty_actions()
        self.finish()

    def rates(self):
        """The Hong Kong dollar, pegged to the US dollar, on the first of each month."""
        if self.hkd == self.usd:
            return
        Rate = self.env["res.currency.rate"]
        first = self.day(HISTORY_DAYS + 400).replace(day=1)
        months = []
        while first <= self.today:
            months.append(first)
            first += relativedelta(months=1)
        have = set(
            Rate.search(
                [("currency_id", "=", self.hkd.id), ("company_id", "=", self.company.id)]
            ).mapped("name")
        )
        Rate.create(
            [
                {
                    "currency_id": self.hkd.id,
                    "company_id": self.company.id,
                    "name": month,
                    "rate": 7.8 + 0.03 * ((month.month * 7 + month.year) % 5 - 2) / 2,
                }
                for month in months
                if month not in have
            ]
        )

    # customers --------------------------------------------------------------------------
    def number(self, first_digits):
        """Eight digits of a Hong Kong number starting with one of ``first_digits``
        (mobiles 5, 6, 9; fixed lines 2, 3), never given twice."""
        rng = self.rng
        while True:
            digits = rng.choice(first_digits) + "".join(str(rng.randrange(10)) for _i in range(7))
            if digits not in self.numbers and digits[1:4] != "000":
                self.numbers.add(digits)
                return digits

    def address(self):
        rng = self.rng
        street, district = rng.choice(STREETS)
        return {
            "street": f"{rng.randrange(1, 300)} {street}",
            "street2": f"Flat {rng.randrange(1, 40)}{rng.choice('ABCDEFGH')}, "
            f"{rng.randrange(2, 45)}/F, {rng.choice(BUILDINGS)}",
            "city": district,
            "country_id": self.hk.id,
        }

    def customers(self):
        rng, size = self.rng, self.size
        Partner = self.env["res.partner"]
        n_companies = max(2, round(size * 0.1))
        n_prospects = max(2, round(size * 0.08))
        names = set()
        number, address = self.number, self.address
        people = []
        for index in range(size - n_companies):
            while True:
                surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
                english = rng.choice(ENGLISH) if rng.random() < 0.4 else None
                name = f"{english} {surname}" if english else f"{surname} {given}"
                if name not in names:
                    names.add(name)
                    break
            login = f"{(english or given.replace(' ', '')).lower()}.{surname.lower()}"
            prospect = index < n_prospects
            vals = {
                "name": name,
                "company_type": "person",
                "email": f"{login}{rng.randrange(10, 99)}@example.com"
                if rng.random() < 0.9
                else False,
                "mobile": _typed_phone(rng, number("569")) if rng.random() < 0.97 else False,
                "phone": _typed_phone(rng, number("23"), landline=True)
                if rng.random() < 0.2
                else False,
                "user_id": self.sales.id,
                "customer_rank": 0 if prospect else 1,
                "lang": "en_US",
                "dealer_customer_type": "prospect" if prospect else "regular",
                "dealer_preferred_channel": self.pick(
                    {"whatsapp": 5, "phone": 4, "email": 3, "sms": 1, "visit": 1}
                ),
                "dealer_preferred_time": rng.choice(("morning", "afternoon", "evening", "weekend")),
                **address(),
            }
            if rng.random() < 0.1:
                vals["dealer_special_requests"] = rng.choice(SPECIAL_REQUESTS)
            if rng.random() < 0.45:
                vals["dealer_birthdate"] = self.day(rng.randrange(24 * 365, 70 * 365))
            if prospect or rng.random() < 0.5:
                vals["dealer_licence_number"] = f"{rng.randrange(100000, 999999)}"
            people.append(vals)
        companies = []
        for name, kind in COMPANIES[:n_companies]:
            domain = name.split()[0].lower()
            companies.append(
                {
                    "name": name,
                    "company_type": "company",
                    "email": f"accounts@{domain}.example.com",
                    "phone": _typed_phone(rng, number("23"), landline=True),
                    "user_id": self.sales.id,
                    "customer_rank": 1,
                    "lang": "en_US",
                    "dealer_customer_type": kind,
                    "dealer_preferred_channel": "email",
                    "dealer_preferred_time": "morning",
                    **address(),
                }
            )
        # two colleagues (staff who buy from the dealer) and a car club
        people[-1]["dealer_customer_type"] = "colleague"
        people[-2]["dealer_customer_type"] = "colleague"
        people[-3].update(dealer_customer_type="group", dealer_group_kind="social")
        partners = Partner.create(companies + people)
        companies_made = partners[:n_companies]
        contacts = Partner.create(
            [
                {
                    "name": f"{rng.choice(ENGLISH)} {rng.choice(SURNAMES)}",
                    "parent_id": company.id,
                    "type": "contact",
                    "function": rng.choice(("Fleet Manager", "Office Manager", "Director")),
                    "email": f"fleet{index}@{company.email.split('@')[1]}",
                    "mobile": _typed_phone(rng, number("569")),
                }
                for index, company in enumerate(companies_made)
            ]
        )
        self.keep(partners | contacts)
        # who they are: when they came, how engaged they stay
        self.profiles = {partner: self.profile(partner) for partner in partners}
        stamps = [self.at(min(self.profiles[p]["since"], self.today)) for p in partners]
        self.backdate(partners, stamps)
        self.partners_new = partners.filtered(
            lambda p: (
                self.profiles[p]["engagement"] == "new" and p.dealer_customer_type == "regular"
            )
        )
        self.partners_new.write({"dealer_customer_type": "new"})
        self.backdate(contacts, [self.at(self.profiles[c.parent_id]["since"]) for c in contacts])
        # the newest customer came in today; the next bought a car a year ago today, so
        # the buyers back within 12 months are measured on any day
        newest = partners.filtered(lambda p: self.profiles[p]["engagement"] == "new")[:2]
        anchors = (self.today, self.today - relativedelta(years=1))
        for partner, since in zip(newest, anchors[: len(newest)], strict=True):
            self.profiles[partner].update(since=since, anchor=True)
            self.backdate(partner, [self.at(since)])
        self.partners = partners
        self.people = partners[n_companies:]
        self.companies = companies_made
        self.buyers = partners.filtered(lambda p: self.profiles[p]["engagement"] != "prospect")
        self.prospects = partners - self.buyers
        # the customers who move on: archived at the end, their history kept
        self.archived = self.people.filtered(lambda p: self.profiles[p]["engagement"] == "lost")[
            : max(1, size // 20)
        ]

    # vehicles and their sales ------------------------------------------------------------------
    def profile(self, partner):
        """When ``partner`` came and how engaged they stay: loyal to this day, lapsing
        (not seen for a year), lost (gone two years ago), new, or a prospect."""
        rng = self.rng
        roll = rng.random()
        if partner.dealer_customer_type == "prospect":
            since, engagement = self.day(rng.randrange(0, 240)), "prospect"
        elif roll < 0.03:
            since, engagement = self.day(rng.randrange(0, 25)), "new"
        elif roll < 0.22:
            since, engagement = self.day(rng.randrange(60, 700)), "new"
        elif roll < 0.36:
            since, engagement = self.day(rng.randrange(800, 2400)), "lapsing"
        elif roll < 0.46:
            since, engagement = self.day(rng.randrange(900, 2600)), "lost"
        else:
            since, engagement = self.day(rng.randrange(760, 2600)), "loyal"
        last = {
            "lapsing": self.day(rng.randrange(270, 450)),
            "lost": self.day(rng.randrange(560, 800)),
        }.get(engagement, self.today)
        return {"since": since, "engagement": engagement, "last": last}

    def plan_vehicles(self):
        """What each customer drives, and since when: [story] in a fixed order."""
        rng = self.rng
        stories = []
        for partner in self.buyers:
            profile = self.profiles[partner]
            count = rng.randint(2, 5) if partner.is_company else (1 if rng.random() < 0.75 else 2)
            first = max(profile["since"], self.day(2600))
            for index in range(count):
                roll = rng.random()
                origin = "new" if roll < 0.62 else ("used" if roll < 0.78 else "own")
                if index == 0 and profile.get("anchor"):
                    origin = "new"
                if index == 0:
                    bought = first
                else:
                    span = (min(profile["last"], self.day(3)) - first).days
                    bought = first + timedelta(days=rng.randint(0, max(span, 0)))
                if origin != "own" and bought >= self.today:
                    bought = self.day(1)
                stories.append(self.story(partner, origin, bought))
        # the used-car corner's stock and the franchises' demonstrators
        for _i in range(max(2, self.size // 25)):
            stories.append(self.story(self.dealer, "stock", self.day(rng.randrange(5, 80))))
        for model, _product in self.franchise[:: max(1, len(self.franchise) // 4)][:4]:
            story = self.story(self.dealer, "demonstrator", self.day(rng.randrange(90, 400)))
            story["model"] = model
            stories.append(story)
        return stories

    def story(self, owner, origin, bought):
        rng = self.rng
        if origin in ("new", "demonstrator"):
            # a model sold new only once it came (the rest of the year: last year's model)
            sold = [pair for pair in self.franchise if self.launched[pair[0]] <= bought.year]
            model, product = rng.choice(sold or self.franchise)
            year, base = max(bought.year, self.launched[model]), rng.randint(5, 25)
        else:
            used = [m for m in self.used_models if self.launched[m] < bought.year]
            model, product = rng.choice(used or self.used_models), None
            year = min(max(bought.year - rng.randint(1, 8), self.launched[model]), bought.year)
            base = rng.randint(15000, 95000)
        unit = MILES if origin in ("used", "own", "stock") and rng.random() < 0.12 else KILOMETERS
        rate = rng.uniform(22, 60) * (2.5 if owner.is_company else 1.0)
        # no car of the demo past TOP_KILOMETERS today: a fleet car drives less the
        # longer it has been with us
        rate = min(rate, (TOP_KILOMETERS - base) / max((self.today - bought).days, 1))
        if unit == MILES:
            base, rate = base * 0.62, rate * 0.62
        story = {
            "owner": owner,
            "origin": origin,
            "bought": bought,
            "model": model,
            "product": product,
            "year": year,
            "base": base,
            "rate": rate,
            "unit": unit,
            "earlier": [],
            "colour": rng.choice(COLOURS),
        }
        if origin in ("used", "stock"):
            # traded in or bought at auction before it came to the corner
            taken = bought - timedelta(days=rng.randint(15, 70))
            previous = rng.choice(self.people) if rng.random() < 0.5 else None
            if previous and previous != owner:
                start = taken - timedelta(days=rng.randint(700, 2000))
                story["earlier"].append((previous, start, taken, "register"))
                story["earlier"].append((self.dealer, taken, bought, "trade_in"))
            else:
                story["earlier"].append((self.dealer, taken, bought, "register"))
            story["base"] = max(story["base"] - rate * (bought - taken).days, 1000)
        if origin == "stock":
            # still at the corner: owned by the dealer since it was taken in
            story["bought"] = story["earlier"][-1][1]
            story["origin"] = "trade_in" if len(story["earlier"]) > 1 else "register"
            story["earlier"] = story["earlier"][:-1]
        return story

    def odometer(self, story, date):
        return round(story["base"] + story["rate"] * max((date - story["bought"]).days, 0))

    def orders(self):
        """The sales: a vehicle order for each vehicle sold new or used, accessories and
        service plans later, quotations still open, a few cancelled."""
        rng = self.rng
        self.stories = self.plan_vehicles()
        Order = self.env["sale.order"]
        vals_list, self.order_dates, self.order_stories = [], [], []
        for story in self.stories:
            if story["origin"] not in ("new", "used"):
                continue
            date = story["bought"] - timedelta(days=rng.randint(3, 25))
            lines = []
            if story["origin"] == "new":
                lines.append(Command.create({"product_id": story["product"].id}))
            else:
                price = round(rng.uniform(9000, 42000), -2)
                lines.append(
                    Command.create(
                        {
                            "product_id": self.used_product.id,
                            "name": f"{self.used_product.name}: "
                            f"{story['model'].display_name} {story['year']}",
                            "price_unit": price,
                        }
                    )
                )
            for accessory in rng.sample(self.accessories, rng.choice((0, 0, 1, 2))):
                lines.append(Command.create({"product_id": accessory.id}))
            if rng.random() < 0.2:
                lines.append(Command.create({"product_id": self.warranty_product.id}))
            vals_list.append(self.order_vals(story["owner"], date, lines))
            self.order_stories.append(story)
        # after-sales orders, a few every month: accessories and prepaid service plans
        # for cars sold before, to owners still coming
        extra = []
        start = self.day(HISTORY_DAYS).replace(day=1)
        while start < self.today:
            end = min(start + relativedelta(months=1, days=-1), self.day(1))
            owners = [
                story
                for story in self.order_stories
                if story["bought"] < start and self.profiles[story["owner"]]["last"] > start
            ]
            month, start = start, start + relativedelta(months=1)
            for _i in range(rng.randint(1, 3) if owners and end >= month else 0):
                story = rng.choice(owners)
                date = month + timedelta(days=rng.randint(0, (end - month).days))
                product = self.plan_product if rng.random() < 0.4 else rng.choice(self.accessories)
                extra.append(
                    self.order_vals(
                        story["owner"], date, [Command.create({"product_id": product.id})]
                    )
                )
        orders = Order.create(vals_list + extra)
        self.vehicle_orders = orders[: len(vals_list)]
        self.to_confirm = orders
        # quotations still open (sent or draft) and some cancelled ones
        open_quotes = []
        for partner in (self.prospects | self.buyers).sorted("id")[:: max(1, self.size // 18)]:
            _model, product = rng.choice(self.franchise)
            date = self.day(rng.randrange(0, 40))
            open_quotes.append(
                self.order_vals(partner, date, [Command.create({"product_id": product.id})])
            )
        quotes = Order.create(open_quotes)
        for index, quote in enumerate(quotes):
            quote.state = ("draft", "sent", "sent", "cancel")[index % 4]
        self.keep(orders | quotes)
        self.backdate(orders | quotes, [v["date_order"] for v in vals_list + extra + open_quotes])

    def order_vals(self, partner, date, lines):
        vals = {
            "partner_id": partner.id,
            "user_id": self.sales.id,
            "date_order": self.at(date),
            "order_line": lines,
        }
        if self.rng.random() < 0.12:
            # paid in Hong Kong dollars: its figures are converted at the order's date
            vals["pricelist_id"] = self.pricelist_hkd.id
        return vals

    def vehicles(self):
        """The register: each vehicle with its owners, earlier ones included."""
        rng = self.rng
        Vehicle = self.env["dealer.vehicle"]
        SaleOrder = self.env["sale.order"]
        vins, plates = set(), set()
        order_of = dict(zip([id(s) for s in self.order_stories], self.vehicle_orders, strict=True))
        by_origin = {}
        for story in self.stories:
            while True:
                vin = _vin(rng, self.wmi.get(story["model"].brand_id, "JT1"))
                letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _i in range(2))
                plate = f"{letters} {rng.randrange(1, 9999)}"
                if vin not in vins and plate not in plates:
                    vins.add(vin)
                    plates.add(plate)
                    break
            vals = {
                "vin": vin,
                "license_plate": plate,
                "model_id": story["model"].id,
                "model_year": story["year"],
                "color": story["colour"],
                "odometer_unit": story["unit"],
                "owner_id": story["owner"].id,
                "purchase_date": story["bought"],
                "company_id": self.company.id,
            }
            order = order_of.get(id(story))
            if order:
                # "sold by us", as the delivery records it
                vals.update(seller_id=order.user_id.id, sale_order_id=order.id)
                if story["origin"] == "new":
                    vals.update(
                        SaleOrder._dealer_delivery_terms(
                            story["model"], story["bought"], story["base"], story["unit"]
                        )
                    )
            origin = {
                "new": "sale",
                "used": "sale",
                "own": "register",
                "demonstrator": "register",
            }.get(story["origin"], story["origin"])
            by_origin.setdefault(origin, []).append((story, vals))
        made = Vehicle.browse()
        for origin, pairs in by_origin.items():
            created = Vehicle.with_context(dealer_ownership_origin=origin).create(
                [vals for _story, vals in pairs]
            )
            for (story, _vals), vehicle in zip(pairs, created, strict=True):
                story["vehicle"] = vehicle
            made |= created
        self.keep(made)
        # earlier owners, as the import of earlier owners records them
        self.keep(
            self.env["dealer.vehicle.ownership"].create(
                [
                    {
                        "vehicle_id": story["vehicle"].id,
                        "partner_id": partner.id,
                        "date_start": start,
                        "date_end": end,
                        "origin": origin,
                    }
                    for story in self.stories
                    for partner, start, end, origin in story["earlier"]
                ]
            )
        )
        # each sold vehicle is the delivered vehicle of its order's line
        for story in self.order_stories:
            order = order_of[id(story)]
            sold = story["product"] or self.used_product
            line = order.order_line.filtered(lambda line, sold=sold: line.product_id == sold)[:1]
            line.dealer_vehicle_id = story["vehicle"]
            # a reading at the delivery, as Deliver Vehicle records it
            story.setdefault("readings", []).append((story["bought"], story["base"], "sale"))

    # service ----------------------------------------------------------------------------------
    def visits(self):
        """Each vehicle's visits from its purchase (or the start of the history) to its
        owner's last visit: maintenance every six months or so, repairs, bodywork,
        warranty work, comebacks; some visits still booked, in the workshop or done today."""
        rng = self.rng
        start_history = self.day(HISTORY_DAYS + 200)
        self.booked_today = False
        vals_list, stamps = [], []
        for story in self.stories:
            owner = story["owner"]
            if owner == self.dealer:
                continue
            profile = self.profiles[owner]
            end = min(profile["last"], self.today)
            if owner in self.archived:
                end = min(end, self.day(600))
            date = max(story["bought"], start_history) + timedelta(days=rng.randint(120, 200))
            while date < end:
                kind = self.pick(
                    {"maintenance": 70, "repair": 12, "bodywork": 5, "inspection": 5, "other": 4}
                )
                warranty_end = story["vehicle"].warranty_end_date
                if warranty_end and date <= warranty_end and rng.random() < 0.1:
                    kind = "warranty"
                vals_list.append(self.visit_vals(story, date, kind))
                stamps.append(self.at(date - timedelta(days=rng.randint(1, 12))))
                if rng.random() < 0.03:
                    comeback = date + timedelta(days=rng.randint(3, 20))
                    if comeback < end:
                        vals_list.append(self.visit_vals(story, comeback, "repair"))
                        stamps.append(self.at(comeback - timedelta(days=1)))
                date += timedelta(days=rng.randint(150, 220))
            if end >= self.today and date - self.today <= timedelta(days=21) and rng.random() < 0.5:
                # booked for the coming weeks
                vals = self.visit_vals(story, date, "maintenance", state="scheduled")
                vals_list.append(vals)
                booked = self.day(rng.randrange(0, 10) if self.booked_today else 0)
                self.booked_today = True
                stamps.append(self.at(booked))
        Visit = self.env["dealer.service.record"]
        visits = Visit.with_user(self.service).sudo().create(vals_list)
        self.backdate(visits, stamps)
        self.keep(visits)
        self.done_visits = visits.filtered(lambda v: v.state == "done")
        # in the workshop now: one still on time, one past its promise (the late job flags
        # it below), and three finished today (their completion is today's work)
        stories = [
            s
            for s in self.stories
            if s["owner"] != self.dealer
            and self.profiles[s["owner"]]["engagement"] in ("loyal", "new")
            and s["bought"] < self.day(30)
        ]
        today_stories = stories[:: max(1, len(stories) // 5)][:5]
        workshop = []
        for index, story in enumerate(today_stories):
            vals = self.visit_vals(story, self.today, "maintenance", state="in_progress")
            vals["dealer_done_at"] = False
            vals["dealer_late"] = False
            vals["dealer_promised_ready"] = self.now + timedelta(hours=(3, -1, 2, 2, 2)[index])
            workshop.append(vals)
        in_workshop = Visit.with_user(self.service).sudo().create(workshop)
        self.backdate(in_workshop, [self.at(self.today)] * len(in_workshop))
        self.keep(in_workshop)
        self.today_visits = in_workshop[2:]
        self.today_partners = self.today_visits.partner_id

    def visit_vals(self, story, date, kind, state=None):
        rng = self.rng
        low, high = AMOUNTS[kind]
        state = state or ("cancelled" if rng.random() < 0.04 else "done")
        vals = {
            "vehicle_id": story["vehicle"].id,
            "date": date,
            "service_type": kind,
            "advisor_id": self.service.id,
            "amount": round(rng.uniform(low, high)) if state != "cancelled" else 0,
            "work_done": Markup("<p>%s</p>") % WORK_DONE[kind],
            "currency_id": self.usd.id,
            "state": state,
            "company_id": self.company.id,
        }
        if state in ("done", "in_progress"):
            vals["odometer"] = self.odometer(story, date)
        if rng.random() < 0.3:
            vals["customer_remarks"] = rng.choice(REMARKS)
        if state == "done" and date >= self.day(420):
            # promised ready by five in the afternoon, done as the workshop recorded it
            promised = datetime.combine(date, time(9))
            minutes = rng.choice((-150, -120, -90, -60, -45, -30, -20, -10, 25, 90))
            done = promised + timedelta(minutes=minutes)
            vals.update(
                dealer_promised_ready=promised,
                dealer_done_at=min(done, self.now),
                dealer_late=done > promised,
            )
        return vals

    def readings(self):
        """Readings at delivery or when the vehicle came into the register, and those
        the customers gave between visits; some in miles."""
        rng = self.rng
        vals_list = []
        for story in self.stories:
            source = "manual" if story["owner"] == self.dealer else "customer"
            first = story.get("readings") or [(story["bought"], story["base"], source)]
            for date, value, kind in first:
                vals_list.append(self.reading_vals(story, date, value, kind))
            if story["owner"] == self.dealer:
                continue
            if rng.random() < 0.25:
                date = story["bought"] + timedelta(
                    days=rng.randint(1, max((self.day(1) - story["bought"]).days, 1))
                )
                if date < self.today:
                    vals_list.append(
                        self.reading_vals(story, date, self.odometer(story, date), "customer")
                    )
        self.keep(self.env["dealer.vehicle.odometer"].create(vals_list))

    def reading_vals(self, story, date, value, source):
        return {
            "vehicle_id": story["vehicle"].id,
            "date": date,
            "value": round(value),
            "source": source,
            "user_id": self.service.id,
        }

    # loyalty ----------------------------------------------------------------------------------
    def loyalty(self):
        """The Dealer Club's ledger as the scheme would have written it: points earned
        for each sale and visit (the scheme's own rules and currency), rewards redeemed on
        visits (oldest points first), expiries (after the scheme's months), a goodwill
        adjustment; then each card's balance and tier."""
        rng = self.rng
        program = self.program
        months = program.dealer_expiry_months
        reward = program.reward_ids[:1]
        cost = reward.required_points or 500
        events = {}
        for order in self.to_confirm:
            lines = [
                (line.price_subtotal, line.product_id.categ_id, None)
                for line in order.order_line
                if not line.display_type
            ]
            points = program._dealer_points_for(
                "vehicle_sale", program._dealer_in_currency(order, lines)
            )
            date = order.date_order.date()
            events.setdefault(order.partner_id, []).append((date, "earn", points, order))
        for visit in self.done_visits.sorted(lambda v: (v.date, v.id)):
            events.setdefault(visit.partner_id, []).append((visit.date, "visit", 0, visit))
        cards = self.env["loyalty.card"].create(
            [
                {"program_id": program.id, "partner_id": partner.id, "points": 0}
                for partner in events
            ]
        )
        card_of = dict(zip(events, cards, strict=True))
        lines, stamps = [], []
        for partner, moves in events.items():
            card = card_of[partner]
            earnings = []  # [vals], oldest first
            for date, kind, points, origin in sorted(moves, key=lambda m: (m[0], m[3].id)):
                for line, stamp in self.expired(card, earnings, date):
                    lines.append(line)
                    stamps.append(stamp)
                balance = sum(e["dealer_remaining"] for e in earnings)
                if kind == "visit":
                    if balance >= cost and origin.amount >= 300 and rng.random() < 0.55:
                        self.spend(earnings, cost)
                        discount = origin.currency_id.round(origin.amount * 0.1)
                        origin.dealer_loyalty_discount = discount
                        lines.append(
                            {
                                "card_id": card.id,
                                "description": f"{reward.description}: {origin.name}",
                                "dealer_kind": "redeem",
                                "used": cost,
                                "order_model": origin._name,
                                "order_id": origin.id,
                            }
                        )
                        stamps.append(self.at(date, 2))
                    points = program._dealer_points_for(
                        "service",
                        [(origin.dealer_amount_net, None, origin.service_type)],
                    )
                    description = f"Service {origin.name}"
                else:
                    description = f"Purchase {origin.name}"
                if points > 0:
                    earning = {
                        "card_id": card.id,
                        "description": description,
                        "dealer_kind": "earn",
                        "issued": points,
                        "dealer_remaining": points,
                        "dealer_expiry_date": date + relativedelta(months=months)
                        if months
                        else False,
                        "order_model": origin._name,
                        "order_id": origin.id,
                    }
                    earnings.append(earning)
                    lines.append(earning)
                    stamps.append(self.at(date, 9.5))
            if rng.random() < 0.04 or card == cards[0]:
                goodwill = {
                    "card_id": card.id,
                    "description": "Adjustment: goodwill for a repair that took longer",
                    "dealer_kind": "adjust",
                    "issued": 200,
                    "dealer_remaining": 200,
                }
                earnings.append(goodwill)
                lines.append(goodwill)
                stamps.append(self.at(self.day(rng.randrange(20, 300))))
            for line, stamp in self.expired(card, earnings, self.today):
                lines.append(line)
                stamps.append(stamp)
        history = self.env["loyalty.history"].create(lines)
        self.backdate(history, stamps)
        balances = {}
        for line in lines:
            balances[line["card_id"]] = (
                balances.get(line["card_id"], 0.0) + line.get("issued", 0) - line.get("used", 0)
            )
        for card in cards:
            card.points = balances.get(card.id, 0.0)
        # tiers from the last 12 months (the nightly job's rule): before any consent, so
        # nobody is told of a tier they have had for months
        cards._dealer_update_tiers()
        self.keep(cards)
        self.keep(history)

    def expired(self, card, earnings, until):
        """The expiry lines of ``earnings`` past their date before ``until``, as the
        nightly job writes them the day after (their points left set to 0)."""
        for earning in earnings:
            expiry = earning.get("dealer_expiry_date")
            if earning["dealer_remaining"] > 0 and expiry and expiry < until:
                points = earning["dealer_remaining"]
                earning["dealer_remaining"] = 0
                line = {
                    "card_id": card.id,
                    "description": f"{points:g} points expired",
                    "dealer_kind": "expire",
                    "used": points,
                }
                yield line, datetime.combine(expiry + timedelta(days=1), time(18))

    def spend(self, earnings, points):
        """Take ``points`` from ``earnings``, oldest first."""
        for earning in earnings:
            taken = min(points, earning["dealer_remaining"])
            earning["dealer_remaining"] -= taken
            points -= taken

    def confirm_orders(self):
        """The sales confirmed at their dates: their points are in the ledger already
        (earned once per order), so confirming earns none again."""
        orders = self.to_confirm
        dates = {order: order.date_order for order in orders}
        orders.with_user(self.sales).sudo().with_context(**HISTORY_CONTEXT).action_confirm()
        for order, date in dates.items():
            order.date_order = date

    def today_at_the_dealer(self):
        """Today's work goes through the workflows: the visits finished this morning are
        completed (their points earned, their follow-ups started) and a sale confirmed."""
        visits = self.today_visits
        visits.with_user(self.service).action_done()
        partner = self.buyers.filtered(
            lambda p: (
                p not in self.today_partners and self.profiles[p]["engagement"] in ("loyal", "new")
            )
        )[-1:]
        product = self.franchise[0][1]
        order = self.env["sale.order"].create(
            self.order_vals(partner, self.today, [Command.create({"product_id": product.id})])
        )
        order.with_user(self.sales).action_confirm()
        self.today_partners |= partner
        self.keep(order)

    # contact and consent ----------------------------------------------------------------------
    def consents(self):
        """Consents of every purpose, channel and state, with their evidence; a tenth of
        the customers never asked. Today's customers gave no consent to surveys or
        loyalty messages by email (their visit sent none)."""
        rng = self.rng
        purposes = [key for key, _label in self.env["dealer.consent"]._fields["purpose"].selection]
        channels = [key for key, _label in CONSENT_CHANNELS]
        sources = {"email": "email", "sms": "phone", "phone": "phone", "post": "form"}
        vals_list = []
        self.survey_ok = set()
        for partner in self.partners:
            if rng.random() < 0.1:
                continue
            since = self.profiles[partner]["since"]
            odds = {
                "email": 0.7 if partner.email else 0.0,
                "sms": 0.35 if partner.mobile else 0.0,
                "phone": 0.2,
                "post": 0.1,
                "messaging": 0.3 if partner.mobile else 0.0,
            }
            asked = [
                (purpose, channel)
                for purpose in purposes
                for channel in channels
                if rng.random() < odds.get(channel, 0.1)
            ]
            for purpose, channel in asked:
                state = self.pick({"granted": 6, "withdrawn": 2, "never_asked": 1})
                if partner in self.today_partners and channel == "email" and state == "granted":
                    state = "withdrawn"
                if purpose == "survey" and channel == "email" and state == "granted":
                    self.survey_ok.add(partner)
                source = sources.get(channel, "form")
                if state == "withdrawn" and channel == "email":
                    source = "unsubscribe"
                elif rng.random() < 0.2:
                    source = "website"
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "purpose": purpose,
                        "channel": channel,
                        "state": state,
                        "date": min(since + timedelta(days=rng.randint(0, 400)), self.today),
                        "source": source,
                        "user_id": rng.choice((self.sales, self.service, self.relations)).id,
                        "company_id": self.company.id,
                    }
                )
        self.keep(self.env["dealer.consent"].create(vals_list))

    def tickets(self):
        """Complaints and feedback at every stage: answered and resolved (most confirmed
        by the customer and rated), some past their service level, a few still open."""
        rng = self.rng
        ref = self.env.ref
        stages = {
            key: ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}")
            for key in ("new", "in_progress", "awaiting", "done", "cancelled", "rejected")
        }
        severities = [
            ref(f"dealer_crm.severity_{key}") for key in ("low", "medium", "high", "critical")
        ]
        team = ref("dealer_crm.helpdesk_team_customer_relations")
        channels = [
            ref(f"helpdesk_mgmt.helpdesk_ticket_channel_{key}", raise_if_not_found=False)
            for key in ("email", "phone", "web", "other")
        ]
        channels = [c for c in channels if c]
        visits = self.done_visits.filtered(lambda v: v.date >= self.day(HISTORY_DAYS - 60))
        count = round(self.size * 0.6)
        # open ones are recent: (stage, days ago, answered)
        recent = [("new", 0, True), ("new", 1, False), ("new", 4, False), ("new", 2, True)]
        recent += [("in_progress", d, True) for d in (3, 6, 9, 15)]
        recent += [("awaiting", d, True) for d in (5, 12, 20)]
        # and one closed this morning, rated: today counts a resolution and a score
        recent += [("done", 2, True)]
        plan = recent + [
            (self.pick({"done": 88, "cancelled": 5, "rejected": 4}), None, True)
            for _i in range(count - len(recent))
        ]
        vals_list, stamps = [], []
        for index, (stage, days_ago, answered) in enumerate(plan):
            kind, cause, subject, description = rng.choice(FEEDBACK)
            if index < len(recent):
                kind, cause, subject, description = FEEDBACK[index % 7]
            visit = rng.choice(visits)
            created_on = self.day(days_ago) if days_ago is not None else None
            if created_on is None:
                created_on = min(visit.date + timedelta(days=rng.randint(1, 10)), self.day(1))
            created = self.at(created_on)
            severity = rng.choices(severities, weights=(40, 40, 15, 5))[0]
            vals = {
                "name": subject,
                "description": Markup("<p>%s</p>") % description,
                "partner_id": visit.partner_id.id,
                "team_id": team.id,
                "user_id": self.relations.id,
                "assigned_date": created,
                "stage_id": stages[stage].id,
                "last_stage_update": created,
                "dealer_feedback_kind": kind,
                "dealer_severity_id": severity.id if kind == "complaint" else False,
                # a complaint as urgent as it is severe; the rest low, an enquiry medium
                "priority": str(severities.index(severity))
                if kind == "complaint"
                else ("1" if kind == "enquiry" else "0"),
                "dealer_vehicle_id": visit.vehicle_id.id,
                "dealer_service_record_id": visit.id if kind == "complaint" else False,
                "channel_id": rng.choice(channels).id if channels else False,
                "company_id": self.company.id,
            }
            if cause:
                vals["dealer_root_cause_id"] = ref(f"dealer_crm.{cause}").id
            if answered:
                hours = rng.choice((0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 10, 14, 30))
                response = min(created + timedelta(hours=hours), self.now)
                if stage == "new" and days_ago == 0:
                    response = min(created + timedelta(minutes=40), self.now)
                vals.update(dealer_contact_date=response, dealer_first_response_date=response)
            if stage in ("done", "cancelled", "rejected"):
                days = rng.choice((0.3, 0.8, 1, 1.5, 2, 2.5, 3, 4, 4.5, 6, 8, 11))
                closed = min(created + timedelta(days=days), datetime.combine(self.day(1), time(9)))
                if days_ago is not None:
                    closed = self.at(self.today)
                closed = max(closed, vals.get("dealer_contact_date") or created)
                vals.update(
                    closed_date=closed,
                    last_stage_update=closed,
                    dealer_resolution=Markup("<p>%s</p>") % rng.choice(RESOLUTIONS),
                )
                if kind == "complaint":
                    vals.update(
                        dealer_action_type=rng.choice(("corrective", "preventive")),
                        dealer_responsible_party=self.pick(
                            {"dealer": 6, "manufacturer": 2, "supplier": 1, "customer": 1}
                        ),
                    )
                if stage == "done":
                    vals["dealer_customer_confirmed"] = rng.random() < 0.8 or days_ago is not None
                    if rng.random() < 0.75 or days_ago is not None:
                        score = self.pick({"5": 30, "4": 38, "3": 17, "2": 9, "1": 6})
                        score = "4" if days_ago is not None else score
                        vals["dealer_satisfaction"] = score
                        vals["dealer_low_satisfaction_followup"] = score in ("1", "2")
                        if score in ("1", "2"):
                            vals["dealer_satisfaction_comment"] = "Expected to be kept informed."
            vals_list.append(vals)
            stamps.append(created)
        # numbered in the order received, as the counter would have numbered them
        received = sorted(range(len(vals_list)), key=stamps.__getitem__)
        vals_list, stamps = [vals_list[i] for i in received], [stamps[i] for i in received]
        Ticket = self.env["helpdesk.ticket"].with_user(self.relations).sudo()
        tickets = Ticket.create(vals_list)
        self.backdate(tickets, stamps)
        # the SLA lines run from the time received; a ticket answered or resolved after
        # its deadline was escalated by the hourly job, as it would have been
        tickets._dealer_restart_sla()
        tickets.flush_recordset()
        for ticket in tickets.filtered(lambda t: t.stage_id.closed):
            late_response = (
                ticket.dealer_response_deadline
                and ticket.dealer_first_response_date
                and ticket.dealer_first_response_date > ticket.dealer_response_deadline
            )
            late_resolution = (
                ticket.dealer_resolution_deadline
                and ticket.closed_date > ticket.dealer_resolution_deadline
            )
            if late_resolution:
                ticket._dealer_sla_line("resolution").state = "expired"
            if late_response or late_resolution:
                ticket.write(
                    {
                        "dealer_sla_breached": True,
                        "dealer_escalated_response": bool(late_response),
                        "dealer_escalated_resolution": bool(late_resolution),
                    }
                )
        self.ticket_ratings(tickets.filtered(lambda t: t.stage_id == stages["done"]))
        self.keep(tickets)
        self.tickets_made = tickets

    def ticket_ratings(self, resolved):
        """Every other resolved ticket scored 1, 3 or 5 was scored by the customer, who
        rated it from the rating email (helpdesk_mgmt_rating's smileys are 1, 3 and 5): its
        rating is on the ticket and the score is theirs. Picked without the random
        generator, so the rest of the dealership stays as it was."""
        rated = resolved.filtered(lambda t: t.dealer_satisfaction in ("1", "3", "5"))[::2]
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": ticket.id,
                        "partner_id": ticket.partner_id.id,
                        "rated_partner_id": ticket.user_id.partner_id.id,
                        "rating": float(ticket.dealer_satisfaction),
                        "consumed": True,
                        "is_internal": False,
                    }
                    for ticket in rated
                ]
            )
        )
        self.backdate(ratings, rated.mapped("closed_date"))
        rated.sudo().write({"dealer_satisfaction_rated": True})
        self.keep(ratings)

    def surveys(self):
        """Satisfaction surveys answered after visits and sales, by the customers who
        agreed to be surveyed by email (the only way the survey goes out)."""
        rng = self.rng
        ref = self.env.ref
        kinds = {
            "service": (ref("dealer_crm.survey_after_service"), "survey_after_service"),
            "sale": (ref("dealer_crm.survey_after_sale"), "survey_after_sale"),
        }
        vals_list, stamps = [], []
        answered = [
            ("service", visit, visit.date, visit.advisor_id)
            for visit in self.done_visits
            if visit.partner_id in self.survey_ok and visit.date < self.today
        ] + [
            ("sale", order, order.date_order.date(), order.user_id)
            for order in self.vehicle_orders
            if order.partner_id in self.survey_ok
        ]
        for kind, record, date, staff in answered:
            if rng.random() > 0.55:
                continue
            survey, prefix = kinds[kind]
            score = int(self.pick({"5": 40, "4": 38, "3": 12, "2": 6, "1": 4}))
            lines = [
                Command.create(
                    {
                        "survey_id": survey.id,
                        "question_id": ref(f"dealer_crm.{prefix}_q_score").id,
                        "answer_type": "scale",
                        "value_scale": score,
                    }
                )
            ]
            if score <= 2 or rng.random() < 0.2:
                comment = (
                    "The car was ready later than promised."
                    if score <= 2
                    else "Friendly and efficient, thank you."
                )
                lines.append(
                    Command.create(
                        {
                            "survey_id": survey.id,
                            "question_id": ref(f"dealer_crm.{prefix}_q_comment").id,
                            "answer_type": "text_box",
                            "value_text_box": comment,
                        }
                    )
                )
            vals = {
                "survey_id": survey.id,
                "partner_id": record.partner_id.id,
                "email": record.partner_id.email,
                "state": "done",
                "dealer_survey_occasion": kind,
                "dealer_staff_id": staff.id,
                # a low score was followed up by customer relations at the time
                "dealer_followup_done": score <= 2,
                "user_input_line_ids": lines,
            }
            if kind == "service":
                vals["dealer_service_record_id"] = record.id
            else:
                vals["dealer_sale_order_id"] = record.id
            vals_list.append(vals)
            stamps.append(self.at(min(date + timedelta(days=rng.randint(0, 3)), self.day(1))))
        answers = self.env["survey.user_input"].create(vals_list)
        self.backdate(answers, stamps)
        self.keep(answers)

    def interactions(self):
        """Contacts on every channel, in and out, by each department; the follow-ups of
        the past were done, the few ahead are on the staff's activities."""
        rng = self.rng
        departments = ("sales", "service", "customer_relations")
        vals_list = []
        vehicles_of = {}
        for story in self.stories:
            vehicles_of.setdefault(story["owner"], []).append(story["vehicle"])
        channels = [key for key, _label in INTERACTION_CHANNELS]
        # since when each customer agreed to what, on which consent channel
        granted = {
            (consent.partner_id, consent.purpose, consent.channel): consent.date
            for consent in self.made["dealer.consent"]
            if consent.state == "granted"
        }
        for partner in self.partners:
            profile = self.profiles[partner]
            first, last = profile["since"], min(profile["last"], self.today)
            span = max((last - first).days, 0)
            for index in range(rng.randint(2, 9)):
                # every channel at least once across the dealership
                channel = (
                    channels[len(vals_list) % len(channels)]
                    if index == 0
                    else self.pick(CHANNEL_WEIGHTS)
                )
                department = rng.choice(departments)
                if channel == "survey":
                    department = "customer_relations"
                subject, outcome = rng.choice(TOPICS[department])
                date = first + timedelta(days=rng.randint(0, span))
                vehicles = vehicles_of.get(partner)
                vals = {
                    "partner_id": partner.id,
                    "channel": channel,
                    "direction": "inbound"
                    if channel in ("website", "survey") or rng.random() < 0.5
                    else "outbound",
                    "date": self.at(date),
                    "user_id": self.staff[department].id,
                    "department": department,
                    "subject": subject,
                    "outcome": outcome,
                    "vehicle_id": rng.choice(vehicles).id
                    if vehicles and rng.random() < 0.5
                    else False,
                    "company_id": self.company.id,
                }
                if subject in DIRECT_MARKETING:
                    # marketing goes out only with the customer's consent for it on that
                    # channel, given by then; else it is the customer who asked
                    consent_channel = CONSENT_CHANNEL_OF[channel]
                    since = [
                        granted.get((partner, purpose, consent_channel))
                        for purpose in DIRECT_MARKETING[subject]
                    ]
                    allowed = any(day and day <= date for day in since)
                    if vals["direction"] == "outbound" and not allowed:
                        vals["direction"] = "inbound"
                    if vals["direction"] == "inbound":
                        vals["subject"] = ASKED_FOR[subject]
                if CONSENT_CHANNEL_OF.get(channel) in ("phone", "sms") and partner.mobile:
                    vals["phone_number"] = partner.mobile
                if rng.random() < 0.12:
                    vals["followup_date"] = date + timedelta(days=rng.randint(2, 10))
                vals_list.append(vals)
        # the complaints' contacts, and the follow-ups ahead
        for ticket in self.tickets_made.filtered("dealer_contact_date"):
            vals_list.append(
                {
                    "partner_id": ticket.partner_id.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "date": ticket.dealer_contact_date,
                    "user_id": self.relations.id,
                    "department": "customer_relations",
                    "subject": f"Complaint clarified: {ticket.name}",
                    "outcome": "complaint",
                    "ticket_id": ticket.id,
                    "company_id": self.company.id,
                }
            )
        for partner in self.buyers[:: max(1, self.size // 6)][:6]:
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "date": self.at(self.today),
                    "user_id": self.sales.id,
                    "department": "sales",
                    "subject": "Interested in the new models: call back",
                    "outcome": "information",
                    "followup_date": self.today + timedelta(days=rng.randint(1, 14)),
                    "company_id": self.company.id,
                }
            )
        Interaction = self.env["dealer.interaction"]
        self.interactions_made = self.keep(Interaction.create(vals_list))

    def promises(self):
        """Promises made during contacts: most kept on time, some late or broken, the
        recent ones open (a few of them overdue)."""
        rng = self.rng
        vals_list = []
        made_during = self.interactions_made.filtered(lambda i: i.date.date() < self.today)
        for interaction in made_during[:: max(1, len(made_during) // round(self.size * 0.8))]:
            date = interaction.date.date()
            due = date + timedelta(days=rng.randint(1, 14))
            vals = {
                "name": rng.choice(PROMISES),
                "partner_id": interaction.partner_id.id,
                "user_id": interaction.user_id.id,
                "date_due": due,
                "interaction_id": interaction.id,
                "company_id": self.company.id,
            }
            if due < self.day(12) or (due < self.today and rng.random() < 0.7):
                state = self.pick({"kept": 86, "late": 7, "broken": 7})
                if state == "broken":
                    vals["state"] = "broken"
                else:
                    shift = rng.randint(-5, 0) if state == "kept" else rng.randint(1, 6)
                    kept = max(min(due + timedelta(days=shift), self.today), date)
                    vals.update(state="kept", date_kept=kept)
            vals_list.append(vals)
        # kept today, on the day it was due; two overdue, two due in the coming days
        for index, interaction in enumerate(made_during[:5]):
            due = self.today + timedelta(days=(0, -2, -5, 3, 6)[index])
            vals = {
                "name": ("Call back with the finance offer", *PROMISES)[index],
                "partner_id": interaction.partner_id.id,
                "user_id": interaction.user_id.id,
                "date_due": due,
                "company_id": self.company.id,
            }
            if not index:
                vals.update(state="kept", date_kept=self.today)
            vals_list.append(vals)
        self.keep(self.env["dealer.promise"].create(vals_list))

    def needs(self):
        """Needs recorded over time: electric-vehicle interest among prospects, child
        seats, wheelchair access...; a fifth no longer needed."""
        rng = self.rng
        tags = {xmlid: self.env.ref(xmlid) for xmlid in NEED_NOTES}
        vals_list = []
        for partner in self.prospects | self.people[::3]:
            xmlid = (
                "dealer_crm.need_tag_ev" if partner in self.prospects else rng.choice(list(tags))
            )
            since = self.profiles[partner]["since"]
            date = min(since + timedelta(days=rng.randint(0, 300)), self.day(1))
            vals = {
                "partner_id": partner.id,
                "tag_id": tags[xmlid].id,
                "date": date,
                "user_id": rng.choice((self.sales, self.service)).id,
                "note": NEED_NOTES[xmlid] if rng.random() < 0.5 else False,
                "company_id": self.company.id,
            }
            if partner not in self.prospects and rng.random() < 0.2:
                vals.update(active=False, date_closed=min(date + timedelta(days=120), self.day(1)))
            vals_list.append(vals)
        self.keep(self.env["dealer.customer.need"].create(vals_list))

    # enquiries -------------------------------------------------------------------------------
    def leads(self):
        """Enquiries in every stage: the won ones behind the sales, lost ones with their
        reason, open ones from the last weeks, some with a trade-in appraised."""
        rng = self.rng
        ref = self.env.ref
        stages = [ref(f"crm.stage_lead{n}") for n in (1, 2, 3, 4)]
        reasons = [ref(f"crm.lost_reason_{n}") for n in (1, 2, 3)]
        vals_list = []
        won_orders = self.vehicle_orders[::2]
        for order, story in zip(won_orders, self.order_stories[::2], strict=True):
            # the car sold, new or used: the used-car product has no model of its own
            vals = self.lead_vals(
                order.partner_id, story["model"], order.date_order.date(), stages[3]
            )
            if not vals["expected_revenue"]:
                vals["expected_revenue"] = order.currency_id._convert(
                    order.amount_untaxed, self.usd, self.company, order.date_order.date()
                )
            vals_list.append(vals | {"probability": 100, "date_closed": order.date_order})
        lost = []
        for partner in self.people[1::4]:
            model, _product = rng.choice(self.franchise)
            date = self.day(rng.randrange(20, HISTORY_DAYS - 100))
            vals = self.lead_vals(partner, model, date, rng.choice(stages[:3]))
            vals.update(
                active=False,
                probability=0,
                lost_reason_id=rng.choice(reasons).id,
                date_closed=self.at(date + timedelta(days=rng.randint(5, 40))),
            )
            lost.append(vals)
        open_leads = []
        for index, partner in enumerate(self.prospects | self.buyers[::6]):
            model, _product = rng.choice(self.franchise)
            date = self.day(rng.randrange(0, 60))
            open_leads.append(self.lead_vals(partner, model, date, stages[index % 3]))
        Lead = self.env["crm.lead"].with_user(self.sales).sudo()
        leads = Lead.create(vals_list + lost + open_leads)
        won = leads[: len(vals_list)]
        for lead, order in zip(won, won_orders, strict=True):
            order.opportunity_id = lead
        self.backdate(
            leads,
            [
                fields.Datetime.to_datetime(v["date_deadline"]) - timedelta(days=30)
                for v in vals_list
            ]
            + [self.at(fields.Date.to_date(v["date_deadline"]) - timedelta(days=30)) for v in lost]
            + [
                self.at(fields.Date.to_date(v["date_deadline"]) - timedelta(days=30))
                for v in open_leads
            ],
        )
        # trade-ins appraised on enquiries of customers with a car (Record Appraisal)
        owners = {story["owner"]: story["vehicle"] for story in self.stories}
        appraised = leads[len(vals_list) :].filtered(lambda lead: lead.partner_id in owners)[::2]
        for lead in appraised:
            lead.write(
                {
                    "dealer_trade_in_vehicle_id": owners[lead.partner_id].id,
                    "dealer_trade_in_value": round(rng.uniform(3000, 28000), -2),
                    "dealer_trade_in_condition": rng.choice(
                        (
                            "Good condition, full service history with us.",
                            "Scratches on the rear bumper; tyres need replacing.",
                            "Clean interior; one previous owner.",
                        )
                    ),
                }
            )
        appraised.with_user(self.sales).sudo().action_dealer_appraise()
        self.keep(leads)
        self.leads_made = leads

    def lead_vals(self, partner, model, date, stage):
        product = self.env["product.product"].search(
            [("product_tmpl_id.dealer_model_id", "=", model.id)], limit=1
        )
        return {
            "name": f"{model.brand_id.name} {model.name} for {partner.name}",
            "type": "opportunity",
            "partner_id": partner.id,
            "user_id": self.sales.id,
            "stage_id": stage.id,
            "dealer_vehicle_model_id": model.id,
            "dealer_enquiry_channel": self.pick(
                {"visit": 5, "phone": 3, "website": 3, "whatsapp": 3, "email": 2, "facebook": 1}
            ),
            "expected_revenue": product.list_price,
            "date_deadline": date + timedelta(days=30),
            "company_id": self.company.id,
        }

    def test_drives(self):
        """Test drives of the demonstrators on enquiries, most done (logged as visits on
        the customer's timeline), some cancelled."""
        rng = self.rng
        demonstrators = [
            s["vehicle"] for s in self.stories if s["owner"] == self.dealer and s["product"]
        ]
        leads = self.leads_made.with_context(active_test=False).filtered(
            lambda lead: (
                lead.partner_id.sudo().dealer_licence_number
                and lead.create_date.date() < self.day(2)
            )
        )
        vals_list = []
        for lead in leads[::2]:
            start = datetime.combine(
                min(lead.create_date.date() + timedelta(days=rng.randint(1, 5)), self.day(1)),
                time(rng.choice((2, 3, 5, 6, 7))),
            )
            vals_list.append(
                {
                    "lead_id": lead.id,
                    "partner_id": lead.partner_id.id,
                    "vehicle_id": rng.choice(demonstrators).id,
                    "user_id": self.sales.id,
                    "start": start,
                    "duration": rng.choice((0.5, 0.5, 1.0)),
                    "company_id": self.company.id,
                }
            )
        drives = self.env["dealer.test.drive"].with_user(self.sales).sudo().create(vals_list)
        # the meeting on the consultant's calendar took place: no activity is left for it
        self.env["mail.activity"].search(
            [("res_model", "=", drives._name), ("res_id", "in", drives.ids)]
        ).unlink()
        cancelled = drives[::6]
        cancelled.with_user(self.sales).sudo().action_cancel()
        (drives - cancelled).with_user(self.sales).sudo().action_done()
        self.keep(drives)

    # recalls and reminders -----------------------------------------------------------------
    def recall(self):
        """A manufacturer's safety recall of Lexus NX and RX: remedied on visits, owners
        notified, booked, unreachable, some still to notify."""
        rng = self.rng
        models = self.env.ref("dealer_crm.fleet_model_lexus_nx_demo") | self.env.ref(
            "dealer_crm.fleet_model_lexus_rx_demo"
        )
        campaign = self.env["dealer.recall.campaign"].create(
            {
                "name": f"{(self.today.year - 1) % 100:02d}V-{rng.randrange(1000, 9999)}",
                "title": "Fuel pump impeller may crack and stop the engine",
                "description": Markup(
                    "<p>On some vehicles the low-pressure fuel pump impeller may deform and "
                    "the engine may stall while driving.</p>"
                ),
                "remedy": "Replace the fuel pump assembly with an improved one.",
                "is_safety": True,
                "lawful_basis": "legal_obligation",
                "brand_id": models.brand_id[:1].id,
                "model_ids": [Command.set(models.ids)],
                "user_id": self.manager.id,
                "state": "open",
                "company_id": self.company.id,
            }
        )
        stories = [
            s
            for s in self.stories
            if s["model"] in models and s["owner"] not in self.archived | self.dealer
        ]
        lines, remedies = [], []
        for index, story in enumerate(stories):
            state = ("done", "notified", "done", "booked", "unreachable", "to_notify")[index % 6]
            if story["bought"] > self.day(40):
                state = "to_notify"  # sold since the campaign began: not told yet
            owner = story["owner"]
            vals = {"campaign_id": campaign.id, "vehicle_id": story["vehicle"].id, "state": state}
            if state != "to_notify":
                notified = self.day(rng.randrange(40, 120))
                vals.update(
                    notified_date=notified,
                    notified_partner_id=owner.id,
                    notify_channel="post"
                    if state == "unreachable"
                    else rng.choice(("email", "sms")),
                    lawful_basis="legal_obligation",
                )
            if state == "done":
                date = self.day(rng.randrange(5, 35))
                remedies.append((len(lines), self.visit_vals(story, date, "recall", state="done")))
                vals["done_date"] = date
            lines.append(vals)
        visits = (
            self.env["dealer.service.record"]
            .with_user(self.service)
            .sudo()
            .create([vals for _index, vals in remedies])
        )
        for (index, _vals), visit in zip(remedies, visits, strict=True):
            lines[index]["service_record_id"] = visit.id
        self.keep(visits)
        self.keep(campaign)
        self.keep(self.env["dealer.recall.vehicle"].create(lines))

    def reminders(self):
        """When the nightly job last reminded each vehicle: a little before its last
        visit was booked (the reminder answered), or when it fell due again without a
        visit since (not answered). Vehicles not yet due were never reminded; the
        imported vehicles would otherwise all count as processed today."""
        rng = self.rng
        visits = self.made["dealer.service.record"].filtered(lambda v: v.state != "cancelled")
        last_of = {}
        for visit in visits.sorted(lambda v: (v.date, v.id)):
            last_of[visit.vehicle_id] = visit
        by_date = {}
        for story in self.stories:
            vehicle, owner = story["vehicle"], story["owner"]
            if owner == self.dealer or owner in self.archived:
                reminded = False
            elif vehicle in last_of:
                last = last_of[vehicle]
                booked = last.create_date.date()
                due = last.date + timedelta(days=rng.randint(160, 175))
                if due <= self.today and last.state == "done":
                    reminded = due  # due again, not booked since
                elif booked >= self.today:
                    reminded = booked
                else:
                    reminded = max(booked - timedelta(days=rng.randint(2, 10)), story["bought"])
            else:
                reminded = story["bought"] + timedelta(days=rng.randint(160, 175))
            if reminded and reminded > self.today:
                reminded = False
            by_date[reminded] = by_date.get(reminded, vehicle.browse()) | vehicle
        interactions = []
        for date, vehicles in sorted(by_date.items(), key=lambda item: str(item[0])):
            vehicles.write({"service_reminder_date": date})
            if not date:
                continue
            vehicles.owner_id.write({"dealer_last_reminder_date": date})
            interactions += [
                {
                    "partner_id": vehicle.owner_id.id,
                    "vehicle_id": vehicle.id,
                    "channel": "sms" if vehicle.owner_id.mobile else "email",
                    "direction": "outbound",
                    "date": self.at(date, 1),
                    "user_id": self.service.id,
                    "department": "service",
                    "subject": f"Service reminder: {vehicle.display_name}",
                    "outcome": "information",
                    "company_id": self.company.id,
                }
                for vehicle in vehicles
            ]
        self.keep(self.env["dealer.interaction"].create(interactions))

    def loyalty_actions(self):
        """Letters of thanks after purchases, promotional items, offers and calls."""
        rng = self.rng
        vals_list = []
        for order in self.vehicle_orders[::4]:
            date = min(order.date_order.date() + timedelta(days=7), self.day(1))
            vals_list.append(
                {
                    "partner_id": order.partner_id.id,
                    "kind": "thanks_letter",
                    "occasion": "purchase",
                    "date": date,
                    "user_id": self.sales.id,
                    "sale_order_id": order.id,
                    "company_id": self.company.id,
                }
            )
        kinds = ("promotional_item", "complementary_offer", "credit_facility", "followup_call")
        for partner in self.buyers[2::9]:
            kind = rng.choice(kinds)
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "kind": kind,
                    "occasion": rng.choice(("milestone", "service", "purchase")),
                    "date": self.day(rng.randrange(1, 700)),
                    "user_id": self.relations.id,
                    "value": round(rng.uniform(40, 300)) if kind != "followup_call" else 0,
                    "company_id": self.company.id,
                }
            )
        self.keep(self.env["dealer.loyalty.action"].create(vals_list))

    def finish(self):
        """Customers who moved on are archived, their history kept; the jobs that watch
        the workshop and the complaints look at what is open now."""
        self.archived.write({"active": False})
        self.env["dealer.service.record"]._cron_flag_late()
        self.env["helpdesk.ticket"]._cron_dealer_sla_escalation()
        self.env.flush_all()
