# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo watch retailer (issue 32): what the install made in Harbour Timepieces Ltd,
and the generator itself.

The first tests read the demo installed with the addon; they are skipped on a database
installed without demo data. The others run the generator again with the clock frozen,
and roll it back."""

import hashlib
import re
import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, freeze_time, tagged

from odoo.addons.dealer_crm.tools.channels import INTERACTION_CHANNELS

FIRST_OF_MONTH = "2026-03-01 08:00:00"

#: words of the road that have no place in a watch retailer's records
VEHICLE_WORDS = re.compile(
    r"\b(vin|plates?|odometer|km|kilomet\w*|mileage|vehicles?|cars?|engine|tyres?)\b", re.IGNORECASE
)

#: what a record made by the generator is, for its signature (sequence-numbered names
#: are left out: a sequence moves on even when rolled back)
SIGNATURE_FIELDS = {
    "res.partner": ("name", "email", "mobile", "city", "street", "create_date"),
    "dealer.vehicle": ("serial_number", "warranty_card", "model_id", "owner_id", "purchase_date"),
    "dealer.service.record": ("vehicle_id", "date", "service_type", "amount", "state"),
    "sale.order": ("partner_id", "date_order", "amount_untaxed", "currency_id", "state"),
    "loyalty.history": ("card_id", "dealer_kind", "issued", "used", "create_date"),
    "dealer.consent": ("partner_id", "purpose", "channel", "state", "date"),
    "dealer.interaction": ("partner_id", "channel", "date", "subject"),
    "dealer.promise": ("partner_id", "name", "date_due", "state"),
}

#: the models the generator makes in the retailer's company (the catalog, fleet's
#: makes and references, is shared)
COMPANY_MODELS = (
    "res.partner",
    "product.product",
    "dealer.maintenance.plan",
    "sale.order",
    "dealer.vehicle",
    "dealer.service.record",
    "loyalty.program",
    "loyalty.card",
    "dealer.consent",
    "helpdesk.ticket.team",
    "helpdesk.ticket",
    "dealer.interaction",
    "dealer.promise",
)


class DemoWatchRetailerCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("dealer_crm.company_watch_demo", raise_if_not_found=False)
        if not cls.company:
            raise unittest.SkipTest("installed without demo data")
        cls.main = cls.env.ref("base.main_company")


@tagged("post_install", "-at_install")
class TestDemoWatchRetailerInstalled(DemoWatchRetailerCase):
    """The watch retailer the install made: about 40 customers, two years of sales and
    services, in its own company only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = (
            cls.env["res.partner"]
            .with_context(active_test=False)
            .search([("company_id", "=", cls.company.id), ("dealer_customer_type", "!=", False)])
        )
        if not cls.customers:
            raise unittest.SkipTest("the demo watch retailer was not made")
        cls.watches = (
            cls.env["dealer.vehicle"]
            .with_context(active_test=False)
            .search([("ownership_ids.partner_id", "in", cls.customers.ids)])
        )
        cls.visits = cls.env["dealer.service.record"].search(
            [("vehicle_id", "in", cls.watches.ids)]
        )

    def test_customers_watches_and_two_years_of_sales(self):
        self.assertGreaterEqual(len(self.customers), 35)
        self.assertGreaterEqual(len(self.watches), 35)
        self.assertEqual(set(self.watches.mapped("item_kind")), {"watch"})
        self.assertTrue(all(self.watches.mapped("serial_number")))
        self.assertFalse(self.watches.filtered(lambda w: w.vin or w.license_plate))
        self.assertGreaterEqual(len(self.watches.brand_id), 4)
        self.assertEqual(set(self.watches.model_id.mapped("vehicle_type")), {"watch"})
        sold = self.watches.filtered("sale_order_id")
        self.assertTrue(sold and all(sold.mapped("warranty_card")))
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "sale")]
        )
        self.assertEqual(set(orders.mapped("currency_id.name")), {"HKD"})
        dates = orders.mapped("date_order")
        self.assertGreaterEqual((max(dates) - min(dates)).days, 600)
        for watch in sold:
            self.assertEqual(
                watch.ownership_ids.sorted("date_start")[0].date_start, watch.purchase_date
            )
        transferred = self.watches.filtered(lambda w: len(w.ownership_ids) > 1)
        self.assertTrue(transferred, "no watch changed hands")
        self.assertIn("transfer", transferred.ownership_ids.mapped("origin"))
        plans = self.env["dealer.maintenance.plan"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(plans.mapped("scope")), {"brand", "model"})
        self.assertTrue(all(self.watches.mapped("next_service_date")))

    def test_services_at_each_stage(self):
        self.assertLessEqual({"scheduled", "in_progress", "done"}, set(self.visits.mapped("state")))
        self.assertFalse(self.visits.filtered("odometer"), "a reading on a watch")
        done = self.visits.filtered(lambda v: v.state == "done")
        self.assertTrue(all(done.mapped("work_done")))
        self.assertGreaterEqual(len(set(done.mapped("service_type"))), 4)

    def test_the_counter_estimates_and_collection(self):
        """A watch at each stage of the estimate and collection workflow (issue 32)."""
        self.assertLessEqual(
            {"none", "waiting", "approved", "refused"},
            set(self.visits.mapped("dealer_estimate_state")),
        )
        refused = self.visits.filtered(lambda v: v.dealer_estimate_state == "refused")
        self.assertEqual(set(refused.mapped("state")), {"cancelled"})
        self.assertTrue(all(refused.mapped("dealer_ready_date")))
        ready = self.visits.filtered("dealer_ready_date")
        collected = ready.filtered("dealer_collected_date")
        waiting = ready - collected
        self.assertTrue(collected and waiting)
        newest = max(ready.mapped("dealer_ready_date"))
        self.assertTrue(
            waiting.filtered(lambda v: v.dealer_ready_date <= newest - timedelta(days=21)),
            "none uncollected for weeks",
        )
        self.assertTrue(waiting.filtered(lambda v: v.dealer_ready_date == newest))
        estimates = self.visits.dealer_estimate_order_id
        self.assertEqual(estimates.company_id, self.company)
        self.assertEqual(set(estimates.mapped("state")), {"draft", "sale", "cancel"})
        # an approved estimate is its visit's price (no other price recorded before it)
        approved = self.visits.filtered(lambda v: v.dealer_estimate_state == "approved")
        self.assertTrue(approved)
        for visit in approved:
            order = visit.dealer_estimate_order_id
            self.assertEqual(order.currency_id, visit.currency_id)
            self.assertEqual(visit.amount, order.amount_untaxed)

    def test_loyalty_earned_redeemed_and_expired_the_ledger_adds_up(self):
        cards = self.env["loyalty.card"].search(
            [("partner_id", "in", self.customers.ids), ("dealer_scheme", "=", True)]
        )
        self.assertEqual(cards.program_id.company_id, self.company)
        self.assertEqual(cards.program_id.currency_id.name, "HKD")
        history = self.env["loyalty.history"].search([("card_id", "in", cards.ids)])
        self.assertLessEqual(
            {"earn", "redeem", "expire", "adjust"}, set(history.mapped("dealer_kind"))
        )
        for card in cards:
            lines = history.filtered(lambda h, c=card: h.card_id == c)
            self.assertAlmostEqual(
                card.points, sum(lines.mapped("issued")) - sum(lines.mapped("used")), 2
            )
        earned = self.env["loyalty.history"]._read_group(
            [("card_id", "in", cards.ids), ("dealer_kind", "=", "earn"), ("order_id", "!=", 0)],
            ["order_model", "order_id"],
            ["__count"],
        )
        self.assertEqual({count for _model, _id, count in earned}, {1})
        self.assertGreaterEqual(len(cards.dealer_tier_id), 2)

    def test_a_complaint_about_a_watch_and_a_feedback(self):
        tickets = self.env["helpdesk.ticket"].search([("partner_id", "in", self.customers.ids)])
        complaint = tickets.filtered(lambda t: t.dealer_feedback_kind == "complaint")
        self.assertTrue(complaint)
        self.assertIn(complaint.dealer_vehicle_id, self.watches)
        self.assertIn(complaint.dealer_service_record_id, self.visits)
        self.assertTrue(tickets - complaint, "no feedback")
        self.assertEqual(tickets.team_id.company_id, self.company)

    def test_consents_interactions_and_promises(self):
        consents = self.env["dealer.consent"].search([("partner_id", "in", self.customers.ids)])
        self.assertGreaterEqual(len(set(consents.mapped("purpose"))), 3)
        self.assertEqual(set(consents.mapped("state")), {"granted", "withdrawn", "never_asked"})
        interactions = self.env["dealer.interaction"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(
            set(interactions.mapped("channel")), {c for c, _label in INTERACTION_CHANNELS}
        )
        promises = self.env["dealer.promise"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(set(promises.mapped("state")), {"open", "kept", "broken"})

    def test_everything_in_the_watch_company_and_out_of_the_dealership(self):
        """Every record of its customers is the retailer's: the dealership's staff see
        none of it, its own staff see it."""
        records = {
            "sale.order": [("partner_id", "in", self.customers.ids)],
            "dealer.vehicle": [("id", "in", self.watches.ids)],
            "dealer.service.record": [("id", "in", self.visits.ids)],
            "dealer.consent": [("partner_id", "in", self.customers.ids)],
            "dealer.interaction": [("partner_id", "in", self.customers.ids)],
            "dealer.promise": [("partner_id", "in", self.customers.ids)],
            "helpdesk.ticket": [("partner_id", "in", self.customers.ids)],
            "loyalty.card": [("partner_id", "in", self.customers.ids)],
        }
        main_manager = self.env.ref("dealer_crm.user_manager_demo")
        watch_manager = self.env.ref("dealer_crm.user_watch_manager_demo")
        for model, domain in records.items():
            found = self.env[model].with_context(active_test=False).search(domain)
            self.assertTrue(found, model)
            self.assertEqual(found.company_id, self.company, model)
            self.assertFalse(self.env[model].with_user(main_manager).search(domain), model)
            self.assertTrue(self.env[model].with_user(watch_manager).search(domain), model)
        self.assertEqual(self.customers.company_id, self.company)
        self.assertFalse(
            self.env["res.partner"]
            .with_user(main_manager)
            .search([("id", "in", self.customers.ids)])
        )

    def test_no_vehicle_words(self):
        names = (
            self.watches.mapped("display_name")
            + self.watches.model_id.mapped("display_name")
            + self.env["dealer.maintenance.plan"]
            .search([("company_id", "=", self.company.id)])
            .mapped("name")
            + self.env["product.product"]
            .search([("company_id", "=", self.company.id)])
            .mapped("display_name")
            + [str(v.work_done) for v in self.visits]
            + self.visits.mapped("customer_remarks")
            + self.env["dealer.interaction"]
            .search([("partner_id", "in", self.customers.ids)])
            .mapped("subject")
            + self.env["helpdesk.ticket"]
            .search([("partner_id", "in", self.customers.ids)])
            .mapped("name")
            + self.env["loyalty.history"]
            .search([("card_id.partner_id", "in", self.customers.ids)])
            .mapped("description")
        )
        self.assertFalse([n for n in names if n and VEHICLE_WORDS.search(n)])


@tagged("post_install", "-at_install")
class TestDemoWatchRetailerGenerator(DemoWatchRetailerCase):
    """The generator: the same seed makes the same retailer, nothing goes out, and the
    dealership's figures do not move."""

    def _generate(self, seed, customers):
        Demo = self.env(context={})["dealer.demo.watch.retailer"]
        return Demo._generate_demo_watch_retailer(seed=seed, customers=customers)

    def _signature(self, made):
        rows = []
        for model, names in SIGNATURE_FIELDS.items():
            for record in made.get(model, self.env[model]).with_context(active_test=False):
                values = []
                for name in names:
                    value = record[name]
                    if isinstance(value, float):
                        value = round(value, 2)
                    elif hasattr(value, "_name"):
                        value = value.display_name if name != "card_id" else value.partner_id.name
                    values.append(str(value))
                rows.append(f"{model}|{'|'.join(values)}")
        return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest(), len(rows)

    @freeze_time(FIRST_OF_MONTH)
    def test_the_same_seed_makes_the_same_retailer(self):
        signatures = []
        for seed in (7, 7, 8):
            with self.env.cr.savepoint(flush=False) as savepoint:
                signatures.append(self._signature(self._generate(seed, 20)))
                self.env.flush_all()
                savepoint.rollback()
            self.env.invalidate_all()
        self.assertGreater(signatures[0][1], 200, "too little made to compare")
        self.assertEqual(signatures[0], signatures[1])
        self.assertNotEqual(signatures[0][0], signatures[2][0])

    @freeze_time(FIRST_OF_MONTH)
    def test_nothing_sent_all_in_its_company_and_the_dealership_unchanged(self):
        today = fields.Date.today()
        Figure = self.env["dealer.figure"]
        start = today - timedelta(days=730)
        before = Figure._dealer_compute(None, self.main, start, today)
        mail, sms = self.env["mail.mail"].sudo(), self.env["sms.sms"].sudo()
        sent = (mail.search([]).ids, sms.search([]).ids)
        made = self._generate(11, 30)
        self.env.flush_all()
        self.assertFalse(mail.search([("id", "not in", sent[0])]), "emails queued")
        self.assertFalse(sms.search([("id", "not in", sent[1])]), "text messages queued")
        for model in COMPANY_MODELS:
            self.assertEqual(made[model].company_id, self.company, model)
        self.assertEqual(made["loyalty.history"].card_id.company_id, self.company)
        self.env.invalidate_all()
        self.assertEqual(Figure._dealer_compute(None, self.main, start, today), before)
        # the retailer's own figures have data
        figures = Figure._dealer_compute(None, self.company, start, today)
        for code in ("visits", "service_revenue", "sales_orders", "interactions", "points_earned"):
            self.assertGreater(figures[code], 0, code)
        # an approved estimate is its visit's price (no other price recorded before it)
        approved = made["dealer.service.record"].filtered(
            lambda v: v.dealer_estimate_state == "approved"
        )
        self.assertTrue(approved)
        for visit in approved:
            order = visit.dealer_estimate_order_id
            self.assertEqual(order.currency_id, visit.currency_id)
            self.assertEqual(visit.amount, order.amount_untaxed)
