# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 25: one definition of a customer (its SQL twin agrees with it), of revenue, and
of "at risk", read by every screen and job that needs them."""

import ast
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from ..tools.rfm import AT_RISK_SEGMENTS
from .common import DealerCrmCase

TODAY = date(2026, 11, 25)


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 12:00:00")
class TestCustomerDefinition(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company_b = cls._create_company("Customer Motors B")
        cls.product = cls.env["product.product"].create(
            {"name": "Polish", "list_price": 100, "taxes_id": [Command.clear()]}
        )
        p = {}
        p["ranked"] = Partner.create({"name": "Ranked Person", "customer_rank": 1})
        p["business"] = Partner.create(
            {"name": "Fleet Ltd", "is_company": True, "dealer_customer_type": "fleet"}
        )
        p["employee"] = Partner.create(
            {"name": "Fleet Ltd Buyer", "parent_id": p["business"].id, "customer_rank": 1}
        )
        p["invoice_address"] = Partner.create(
            {
                "name": "Fleet Ltd Accounts",
                "parent_id": p["business"].id,
                "type": "invoice",
                "customer_rank": 2,
            }
        )
        p["archived"] = Partner.create(
            {"name": "Archived Regular", "dealer_customer_type": "regular", "active": False}
        )
        portal = new_test_user(cls.env, login="t_portal_customer", groups="base.group_portal")
        p["portal"] = portal.partner_id
        p["staff"] = cls.user_plain.partner_id
        p["company_b"] = Partner.create(
            {"name": "B Only", "company_id": cls.company_b.id, "dealer_customer_type": "new"}
        )
        p["supplier"] = Partner.create({"name": "Parts Supplier", "supplier_rank": 1})
        p["cancelled"] = Partner.create({"name": "Cancelled Buyer"})
        p["service_only"] = Partner.create({"name": "Service Only"})
        p["imported"] = Partner.create({"name": "Imported Buyer"})
        p["anonymised"] = Partner.create({"name": "Gone", "dealer_customer_type": "regular"})
        p["nobody"] = Partner.create({"name": "Just a Contact"})
        p["merged_into"] = Partner.create({"name": "Merged Into"})
        merged_away = Partner.create({"name": "Merged Away"})
        cls.p = p
        # history
        cls._order(p["portal"]).action_confirm()
        cancelled = cls._order(p["cancelled"])
        cancelled.action_cancel()
        # an order of the dealer's history, loaded by the Import button
        imported = cls._order(p["imported"], import_file=True)
        imported.with_context(import_file=True).action_confirm()
        imported.date_order = datetime(2024, 5, 2, 10, 0)
        vehicle = cls._create_vehicle(owner_id=merged_away.id)
        cls.env["dealer.service.record"].sudo().create(
            {
                "vehicle_id": vehicle.id,
                "partner_id": p["service_only"].id,
                "date": TODAY - relativedelta(days=3),
                "amount": 50,
                "currency_id": cls.company.currency_id.id,
                "advisor_id": cls.user_service.id,
                "state": "done",
            }
        )
        p["anonymised"].sudo().write({"dealer_anonymized": True})
        wizard = (
            cls.env["base.partner.merge.automatic.wizard"]
            .with_context(
                active_model="res.partner", active_ids=(merged_away | p["merged_into"]).ids
            )
            .create({})
        )
        wizard.dst_partner_id = p["merged_into"]
        wizard.action_merge()
        cls.ids = [partner.id for partner in p.values()]

    @classmethod
    def _order(cls, partner, **context):
        return (
            cls.env["sale.order"]
            .with_context(**context)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": cls.product.id})],
                }
            )
        )

    def _names(self, ids):
        by_id = {partner.id: name for name, partner in self.p.items()}
        return {by_id[pid] for pid in ids if pid in by_id}

    def _domain_names(self, company=None, active_test=False):
        Partner = self.env["res.partner"].with_context(active_test=active_test)
        domain = [("id", "in", self.ids), *Partner._dealer_customer_domain(company)]
        return self._names(Partner.search(domain).ids)

    def _sql_names(self, company=None):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT p.id FROM res_partner p WHERE p.id = ANY(%s) AND %s",
                self.ids,
                self.env["res.partner"]._dealer_customer_sql("p", company),
            )
        )
        return self._names(row[0] for row in self.env.cr.fetchall())

    # ------------------------------------------------------------------ the definition
    def test_the_sql_twin_selects_exactly_the_partners_of_the_python_domain(self):
        expected = {
            "ranked",
            "business",
            "employee",
            "archived",
            "portal",
            "company_b",
            "cancelled",
            "service_only",
            "imported",
            "merged_into",
        }
        self.assertEqual(self._domain_names(), expected)
        self.assertEqual(self._sql_names(), expected)
        for company in (self.company, self.company_b):
            with self.subTest(company=company.name):
                self.assertEqual(self._sql_names(company), self._domain_names(company))
        self.assertNotIn("company_b", self._domain_names(self.company))
        self.assertIn("company_b", self._domain_names(self.company_b))
        self.assertNotIn("archived", self._domain_names(active_test=True))

    def test_every_reader_lists_the_same_customers(self):
        active = self._domain_names(active_test=True)
        self.env.flush_all()
        # New customers (the customer analysis)
        report = self.env["dealer.customer.report"].search([("partner_id", "in", self.ids)])
        self.assertEqual(self._names(report.partner_id.ids), active)
        # Data Quality: none of them gave a consent answer nor verified their details
        quality = self.env["dealer.data.quality"].search([("partner_id", "in", self.ids)])
        self.assertEqual(self._names(quality.partner_id.ids), active)
        # the evaluation's candidates: the customers of the company with a history there
        candidates = self._names(self.env["dealer.customer.score"]._candidate_ids())
        self.assertLessEqual(candidates, self._domain_names(self.company))
        self.assertTrue({"portal", "service_only", "merged_into", "imported"} <= candidates)
        self.assertNotIn("anonymised", candidates)
        # the verification job asks the active customers, and them only
        Partner = self.env["res.partner"]
        while Partner._cron_dealer_verify_details():
            pass
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self.ref("dealer_crm.mail_activity_type_verify_details")),
            ]
        )
        self.assertEqual(self._names(activities.mapped("res_id")), active)
        # retention reaches every customer (archived ones too) but users of the database
        cutoff = fields.Datetime.now() + relativedelta(days=1)
        retained = Partner.with_context(active_test=False)._search(
            self.env["dealer.personal.data"]._retention_domain(cutoff)
        )
        self.assertEqual(self._names(retained), self._domain_names() - {"portal"})

    # ------------------------------------------------------------------ revenue
    def test_a_taxed_order_in_another_currency_is_one_untaxed_company_figure(self):
        usd = self.company.currency_id
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", usd.id), ("name", "in", ("EUR", "USD"))], limit=1)
        )
        other.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (usd | other).ids)]).unlink()
        Rate.create({"currency_id": other.id, "rate": 0.5, "name": date(2026, 1, 1)})
        Rate.create({"currency_id": other.id, "rate": 0.1, "name": TODAY})
        tax = self.env["account.tax"].create({"name": "VAT 10", "amount": 10})
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": other.id}
        )
        customer = self.p["ranked"]
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": 1000,
                            "tax_id": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = datetime(2026, 3, 10, 10, 0)
        self.assertEqual((order.amount_untaxed, order.amount_total), (1000, 1100))
        self.env.invalidate_all()
        # 1,000 untaxed at the order's rate (0.5), not today's nor with its tax: 2,000
        form = customer.with_user(self.user_sales)
        self.assertEqual((form.dealer_sales_spend, form.dealer_currency_id), (2000, usd))
        self.env["dealer.customer.score"]._evaluate(customer.ids, TODAY)
        customer.invalidate_recordset()
        self.assertEqual(customer.dealer_lifetime_spend, 2000)
        self.env.flush_all()
        row = self.env["dealer.customer.report"].search([("partner_id", "=", customer.id)])
        self.assertEqual(row.lifetime_spend, 2000)

    # ------------------------------------------------------------------ at risk
    def test_the_dashboard_counts_the_customers_the_at_risk_filter_lists(self):
        Score = self.env["dealer.customer.score"].sudo()
        Score.search([]).unlink()
        segments = ["needs_attention", "at_risk", "lost", "champion", "needs_attention"]
        customers = self.env["res.partner"].create(
            [
                {"name": f"Segment {i}", "dealer_customer_type": "regular"}
                for i in range(len(segments))
            ]
        )
        Score.create(
            [
                {
                    "partner_id": customer.id,
                    "month": TODAY.replace(day=1),
                    "company_id": self.company.id,
                    "latest": True,
                    "segment": segment,
                }
                for customer, segment in zip(customers, segments, strict=True)
            ]
        )
        self.env.flush_all()
        # the customer filter "At Risk", as the search view defines it
        arch = etree.fromstring(self.env.ref("dealer_crm.res_partner_view_search_360").arch)
        [node] = arch.xpath("//filter[@name='segment_at_risk']")
        listed = self.env["res.partner"].search(ast.literal_eval(node.get("domain")))
        self.assertEqual(listed, customers[0] | customers[1] | customers[4])
        self.assertEqual(set(listed.mapped("dealer_rfm_segment")), set(AT_RISK_SEGMENTS))
        board = self.env["dealer.dashboard"].create({})
        self.assertEqual(board.at_risk_customers, len(listed))
        opened = board.action_open_at_risk()
        rows = self.env["dealer.customer.report"].search(opened["domain"])
        self.assertEqual(rows.partner_id, listed)
        self.assertNotIn(
            customers[2], self.env["res.partner"].search([("dealer_at_risk", "=", True)])
        )
        self.assertIn(
            customers[2], self.env["res.partner"].search([("dealer_at_risk", "=", False)])
        )
