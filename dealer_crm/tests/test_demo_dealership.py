# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo dealership (issue 30): what the install made, and the generator itself.

The first tests read the demo installed with the addon; they are skipped on a database
installed without demo data. The others run the generator again, with the clock frozen
on the first day of a month (the emptiest "this month" a manager can open), and roll
it back."""

import hashlib
import unittest
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import SQL

from odoo.addons.dealer_crm.tools.channels import (
    CONSENT_CHANNEL_OF,
    CONSENT_CHANNELS,
    INTERACTION_CHANNELS,
)

#: the first day of a month, early: "this month" is a few hours long
FIRST_OF_MONTH = "2026-03-01 08:00:00"

#: what a record made by the generator is, for its signature (names numbered by a
#: database sequence are left out: a sequence moves on even when rolled back)
SIGNATURE_FIELDS = {
    "res.partner": ("name", "email", "mobile", "phone", "city", "street", "create_date"),
    "dealer.vehicle": ("vin", "license_plate", "model_id", "owner_id", "purchase_date"),
    "dealer.service.record": ("vehicle_id", "date", "service_type", "amount", "state"),
    "sale.order": ("partner_id", "date_order", "amount_untaxed", "currency_id", "state"),
    "helpdesk.ticket": ("name", "partner_id", "stage_id", "create_date", "closed_date"),
    "loyalty.history": ("card_id", "dealer_kind", "issued", "used", "create_date"),
    "dealer.consent": ("partner_id", "purpose", "channel", "state", "date"),
    "dealer.interaction": ("partner_id", "channel", "date", "subject"),
    "dealer.promise": ("partner_id", "name", "date_due", "state", "date_kept"),
    "crm.lead": ("name", "stage_id", "active", "probability"),
    "survey.user_input": ("partner_id", "dealer_score", "create_date"),
}


class DemoDealershipCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("dealer_crm.fleet_model_lexus_nx_demo", raise_if_not_found=False):
            raise unittest.SkipTest("installed without demo data")


@tagged("post_install", "-at_install")
class TestDemoDealershipInstalled(DemoDealershipCase):
    """The dealership the install made: about 150 customers with years of history, and
    every kind of record each screen reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        # the dealership's own customers: those of its Hong Kong streets
        cls.customers = (
            cls.env["res.partner"]
            .with_context(active_test=False)
            .search(
                cls.env["res.partner"]._dealer_customer_domain()
                + [("country_id", "=", cls.env.ref("base.hk").id)]
            )
        )

    def _vehicles(self):
        """The vehicles the customers own or owned."""
        return (
            self.env["dealer.vehicle"]
            .with_context(active_test=False)
            .search([("ownership_ids.partner_id", "in", self.customers.ids)])
        )

    def test_150_customers_with_more_than_two_years_of_history(self):
        self.assertGreaterEqual(len(self.customers), 140)
        self.assertTrue(self.customers.filtered("is_company"), "no company among them")
        self.assertTrue(
            self.customers.filtered(lambda p: not p.active), "no archived customer among them"
        )
        visits = self.env["dealer.service.record"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "done")]
        )
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "sale")]
        )
        last = max(visits.mapped("date"))
        self.assertGreaterEqual((last - min(visits.mapped("date"))).days, 2 * 365)
        # every month of the two years before the last visit has visits and sales
        months = {(d.year, d.month) for d in visits.mapped("date")}
        sold = {(d.year, d.month) for d in orders.mapped("date_order")}
        for back in range(24):
            month = last - relativedelta(months=back)
            self.assertIn((month.year, month.month), months, f"no visit in {month:%Y-%m}")
            self.assertIn((month.year, month.month), sold, f"no sale in {month:%Y-%m}")
        self.assertGreater(
            len(orders.filtered(lambda o: o.currency_id != self.company.currency_id)),
            5,
            "no sale in another currency",
        )

    def test_nothing_was_sent_to_its_customers(self):
        """The history was imported: no email or text message went to the dealership's
        customers at the install, whatever the demo data loaded after it did."""
        self.assertFalse(
            self.env["sms.sms"].sudo().search([("partner_id", "in", self.customers.ids)])
        )
        self.assertFalse(
            self.env["mail.mail"].sudo().search([("recipient_ids", "in", self.customers.ids)])
        )
        self.assertFalse(
            self.env["survey.user_input"].search(
                [("partner_id", "in", self.customers.ids), ("state", "!=", "done")]
            ),
            "a survey was sent",
        )

    def test_vehicles_of_two_franchises_and_a_used_car_corner(self):
        vehicles = self._vehicles()
        brands = vehicles.filtered("sale_order_id").mapped("brand_id.name")
        self.assertIn("Toyota", brands)
        self.assertIn("Lexus", brands)
        self.assertGreater(len(set(vehicles.mapped("brand_id.name"))), 4, "no used cars")
        self.assertLessEqual(
            {"sale", "trade_in", "register"}, set(vehicles.ownership_ids.mapped("origin"))
        )
        self.assertIn("miles", vehicles.mapped("odometer_unit"))
        self.assertTrue(vehicles.filtered(lambda v: len(v.ownership_ids) > 1), "no transfer")

    def test_complaints_in_every_stage_answered_resolved_and_confirmed(self):
        tickets = self.env["helpdesk.ticket"].search([("partner_id", "in", self.customers.ids)])
        stages = self.env.ref(
            "dealer_crm.helpdesk_team_customer_relations"
        )._get_applicable_stages()
        self.assertEqual(set(tickets.stage_id.ids), set(stages.ids))
        self.assertEqual(
            set(tickets.mapped("dealer_feedback_kind")),
            {"complaint", "enquiry", "compliment", "suggestion"},
        )
        resolved = tickets.filtered(lambda t: t.stage_id.closed and t.dealer_satisfaction)
        self.assertTrue(resolved.filtered("dealer_customer_confirmed"))
        self.assertTrue(all(resolved.mapped("dealer_first_response_date")))
        self.assertTrue(tickets.filtered("dealer_sla_breached"), "no ticket past its service level")

    def test_loyalty_earned_redeemed_and_expired_the_ledger_adds_up(self):
        cards = self.env["loyalty.card"].search(
            [("partner_id", "in", self.customers.ids), ("dealer_scheme", "=", True)]
        )
        history = self.env["loyalty.history"].search([("card_id", "in", cards.ids)])
        self.assertLessEqual(
            {"earn", "redeem", "expire", "adjust"}, set(history.mapped("dealer_kind"))
        )
        self.assertGreaterEqual(len(set(cards.mapped("dealer_tier_id"))), 3, "tiers missing")
        for card in cards:
            lines = history.filtered(lambda h, c=card: h.card_id == c)
            self.assertAlmostEqual(
                card.points, sum(lines.mapped("issued")) - sum(lines.mapped("used")), 2
            )
        # points earned once per sale and visit
        earned = self.env["loyalty.history"]._read_group(
            [("card_id", "in", cards.ids), ("dealer_kind", "=", "earn"), ("order_id", "!=", 0)],
            ["order_model", "order_id"],
            ["__count"],
        )
        self.assertEqual({count for _model, _id, count in earned}, {1})

    def test_promises_consents_interactions_of_every_kind(self):
        promises = self.env["dealer.promise"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(set(promises.mapped("state")), {"open", "kept", "broken"})
        self.assertTrue(promises.filtered("is_overdue"), "no overdue promise")
        kept = promises.filtered(lambda p: p.state == "kept")
        self.assertTrue(
            kept.filtered("kept_on_time") and kept.filtered(lambda p: not p.kept_on_time)
        )
        consents = self.env["dealer.consent"].search([("partner_id", "in", self.customers.ids)])
        purposes = dict(consents._fields["purpose"].selection)
        for purpose in purposes:
            of_purpose = consents.filtered(lambda c, p=purpose: c.purpose == p)
            self.assertEqual(
                set(of_purpose.mapped("state")), {"granted", "withdrawn", "never_asked"}, purpose
            )
        self.assertEqual(set(consents.mapped("channel")), {c for c, _label in CONSENT_CHANNELS})
        interactions = self.env["dealer.interaction"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(
            set(interactions.mapped("channel")), {c for c, _label in INTERACTION_CHANNELS}
        )
        self.assertEqual(set(interactions.mapped("direction")), {"inbound", "outbound"})
        self.assertEqual(
            set(interactions.mapped("department")), {"sales", "service", "customer_relations"}
        )

    def test_no_name_reads_false(self):
        """Every enquiry, order line, vehicle and contact has a real name: none made of
        an empty field ("False False for ...")."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        named = {
            "enquiry": Lead.search([("partner_id", "in", self.customers.ids)]),
            "order line": self.env["sale.order.line"].search(
                [("order_id.partner_id", "in", self.customers.ids)]
            ),
            "vehicle": self._vehicles(),
            "interaction": self.env["dealer.interaction"].search(
                [("partner_id", "in", self.customers.ids)]
            ),
            "complaint": self.env["helpdesk.ticket"].search(
                [("partner_id", "in", self.customers.ids)]
            ),
        }
        for what, records in named.items():
            self.assertTrue(records, what)
            names = {
                name
                for record in records
                for name in (
                    record.display_name,
                    record[record._rec_name or "display_name"],
                    record.subject if what == "interaction" else "",
                )
            }
            self.assertFalse([n for n in names if "False" in str(n)], what)

    def test_direct_marketing_only_with_the_consent_given_by_then(self):
        """Hong Kong PDPO Part 6A: a direct-marketing contact we made (outbound) went to
        a customer who had granted that purpose on that channel on or before its day."""
        purposes = {
            "Brochure and test drive for the new model": ("marketing",),
            "Birthday greeting and club news": ("marketing", "loyalty"),
        }
        for subject, allowed in purposes.items():
            self.env.cr.execute(
                SQL(
                    """SELECT i.id, c.id
                         FROM dealer_interaction i
                         JOIN (VALUES %(channels)s) AS map(channel, consent)
                           ON map.channel = i.channel
                         LEFT JOIN dealer_consent c
                                ON c.partner_id = i.partner_id AND c.state = 'granted'
                               AND c.purpose IN %(allowed)s AND c.channel = map.consent
                               AND c.date <= i.date::date
                        WHERE i.direction = 'outbound' AND i.subject = %(subject)s
                          AND i.partner_id IN %(customers)s""",
                    channels=SQL(", ").join(
                        SQL("(%s, %s)", channel, consent)
                        for channel, consent in CONSENT_CHANNEL_OF.items()
                    ),
                    allowed=allowed,
                    subject=subject,
                    customers=tuple(self.customers.ids),
                )
            )
            rows = self.env.cr.fetchall()
            self.assertFalse([i for i, consent in rows if not consent], subject)
        self.assertTrue(
            self.env["dealer.interaction"].search_count(
                [
                    ("partner_id", "in", self.customers.ids),
                    ("direction", "=", "outbound"),
                    ("subject", "in", list(purposes)),
                ]
            ),
            "no direct marketing to check",
        )

    def test_plausible_vehicles_and_complaints_numbered_in_the_order_received(self):
        vehicles = self._vehicles()
        readings = self.env["dealer.vehicle.odometer"].search([("vehicle_id", "in", vehicles.ids)])
        top = max(readings.mapped("value"))
        self.assertLess(top, 250000)
        electric = vehicles.filtered(lambda v: v.model_id.name == "bZ4X")
        self.assertTrue(electric)
        self.assertGreaterEqual(min(electric.mapped("model_year")), 2022, "bZ4X before it came")
        tickets = (
            self.env["helpdesk.ticket"]
            .search([("partner_id", "in", self.customers.ids)])
            .sorted("number")
        )
        received = tickets.mapped("create_date")
        self.assertEqual(received, sorted(received))
        self.assertGreaterEqual(len(set(tickets.mapped("priority"))), 3)

    def test_surveys_needs_enquiries_test_drives_trade_ins_and_recalls(self):
        answers = self.env["survey.user_input"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "done")]
        )
        self.assertEqual(set(answers.mapped("dealer_survey_occasion")), {"sale", "service"})
        self.assertTrue(all(answers.mapped("dealer_score")))
        needs = (
            self.env["dealer.customer.need"]
            .with_context(active_test=False)
            .search([("partner_id", "in", self.customers.ids)])
        )
        self.assertTrue(needs.filtered("date_closed") and needs.filtered("active"))
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("partner_id", "in", self.customers.ids)])
        )
        self.assertEqual(
            set(leads.filtered("active").stage_id.ids),
            set(self.env["crm.stage"].search([]).ids),
            "an enquiry stage without enquiries",
        )
        self.assertTrue(leads.filtered(lambda lead: not lead.active and lead.lost_reason_id))
        self.assertIn("appraised", leads.mapped("dealer_trade_in_state"))
        drives = self.env["dealer.test.drive"].search([("partner_id", "in", self.customers.ids)])
        self.assertLessEqual({"done", "cancelled"}, set(drives.mapped("state")))
        recalls = self.env["dealer.recall.vehicle"].search(
            [("vehicle_id.owner_id", "in", self.customers.ids)]
        )
        self.assertLessEqual({"to_notify", "notified", "done"}, set(recalls.mapped("state")))


@tagged("post_install", "-at_install")
class TestDemoDealershipGenerator(DemoDealershipCase):
    """The generator: on the first of a month every figure a manager opens has data,
    nothing goes out, and the same seed makes the same dealership."""

    def _generate(self, seed, customers):
        # the generator's own context only: not the test's, which turns mail off
        Demo = self.env(context={})["dealer.demo.dealership"]
        return Demo._generate_demo_dealership(seed=seed, customers=customers)

    def _signature(self, made):
        """A digest of what was made: field values, records by their name, no ids."""
        rows = []
        for model, names in SIGNATURE_FIELDS.items():
            records = made.get(model, self.env[model]).with_context(active_test=False)
            for record in records:
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
    def test_the_same_seed_makes_the_same_dealership(self):
        signatures = []
        for seed in (7, 7, 8):
            with self.env.cr.savepoint(flush=False) as savepoint:
                signatures.append(self._signature(self._generate(seed, 30)))
                self.env.flush_all()
                savepoint.rollback()
            self.env.invalidate_all()
        self.assertGreater(signatures[0][1], 500, "too little made to compare")
        self.assertEqual(signatures[0], signatures[1])
        self.assertNotEqual(signatures[0][0], signatures[2][0])

    @freeze_time(FIRST_OF_MONTH)
    def test_on_the_first_of_a_month_the_dashboard_has_data_and_nothing_was_sent(self):
        today = fields.Date.today()
        mail, sms = self.env["mail.mail"].sudo(), self.env["sms.sms"].sudo()
        before = (mail.search([]).ids, sms.search([]).ids)
        activities = self.env["mail.activity"].sudo().search([]).ids
        made = self._generate(11, 60)
        self.env.flush_all()
        self.assertFalse(mail.search([("id", "not in", before[0])]), "emails queued")
        self.assertFalse(sms.search([("id", "not in", before[1])]), "text messages queued")
        self.assertFalse(
            made["survey.user_input"].filtered(lambda a: a.state != "done"), "surveys sent"
        )
        # resolved tickets the customers rated: each rating is its ticket's satisfaction
        ratings = made["rating.rating"]
        self.assertTrue(ratings, "no ticket rated")
        for rating in ratings:
            ticket = self.env["helpdesk.ticket"].browse(rating.res_id)
            self.assertEqual(ticket.dealer_satisfaction, str(int(rating.rating)))
            self.assertTrue(ticket.dealer_satisfaction_rated and rating.consumed)
        # the follow-ups it starts are today's work (and the jobs' for what is open now),
        # never one for an old fact
        new = self.env["mail.activity"].sudo().search([("id", "not in", activities)])
        self.assertTrue(new)
        self.assertFalse(new.filtered(lambda a: a.date_deadline < today), "activity for the past")

        manager = self.env.ref("dealer_crm.user_manager_demo")
        board = self.env["dealer.dashboard"].with_user(manager).create({})
        self.assertEqual((board.date_from, board.date_to), (today, today))
        self.assertGreater(board.visits, 0)
        self.assertGreater(board.service_revenue, 0)
        self.assertGreater(board.sales_orders, 0)
        self.assertFalse(board.satisfaction_no_data)
        self.assertGreater(board.open_complaints, 0)
        figures = self.env["dealer.figure"]._dealer_compute(None, board.company_id, today, today)
        standards = self.env["dealer.figure"]._dealer_standards()
        no_data = [code for code in standards if figures[code] is None]
        self.assertFalse(no_data, f"standards without data today: {no_data}")
        self.assertIn("(0 with no data)", board.standards_met)
        # and last month's trend report has every figure of the dealership
        start = today - relativedelta(months=1)
        month = self.env["dealer.figure"]._dealer_compute(
            None, board.company_id, start, today - timedelta(days=1)
        )
        for code in ("visits", "service_revenue", "sales_orders", "interactions", "points_earned"):
            self.assertGreater(month[code], 0, code)
