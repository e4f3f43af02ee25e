# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two dealerships in one database: neither reads the other's customers or their history."""

from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestMultiCompany(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._create_company("Harbour Motors B")
        cls.manager_a = cls._create_user("mc_manager_a", "dealer_crm.group_manager", cls.company)
        env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        cls.customer_b = env_b["res.partner"].create(
            {
                "name": "Zed Bee Customer",
                "company_id": cls.company_b.id,
                "phone": "+85290000001",
                "email": "zed@example.com",
            }
        )
        cls.vehicle_b = env_b["dealer.vehicle"].create(
            {
                "vin": "1M8GDM9AXKP042788",
                "license_plate": "ZB 9999",
                "model_id": cls.env.ref("fleet.model_corolla_ts").id,
                "owner_id": cls.customer_b.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.visit_b = env_b["dealer.service.record"].create(
            {
                "vehicle_id": cls.vehicle_b.id,
                "date": cls._today(),
                "odometer": 1000,
                "company_id": cls.company_b.id,
            }
        )
        cls.interaction_b = env_b["dealer.interaction"].create(
            {
                "partner_id": cls.customer_b.id,
                "channel": "phone",
                "subject": "Zed Bee asks about tyres",
                "company_id": cls.company_b.id,
            }
        )
        cls.consent_b = env_b["dealer.consent"].create(
            {
                "partner_id": cls.customer_b.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
                "company_id": cls.company_b.id,
            }
        )
        cls.promise_b = env_b["dealer.promise"].create(
            {
                "name": "Zed Bee call back",
                "partner_id": cls.customer_b.id,
                "date_due": cls._today(),
                "company_id": cls.company_b.id,
            }
        )
        cls.ticket_b = env_b["helpdesk.ticket"].create(
            {
                "name": "Zed Bee complaint",
                "description": "<p>x</p>",
                "partner_id": cls.customer_b.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.records_b = [
            cls.customer_b,
            cls.vehicle_b,
            cls.vehicle_b.ownership_ids,
            cls.vehicle_b.odometer_ids,
            cls.visit_b,
            cls.interaction_b,
            cls.consent_b,
            cls.promise_b,
            cls.ticket_b,
        ]

    def test_company_a_searches_none_of_company_b(self):
        for record in self.records_b:
            Model = self.env(user=self.manager_a)[record._name]
            with self.subTest(model=record._name):
                self.assertTrue(record.exists())
                self.assertFalse(Model.search([("id", "in", record.ids)]))
                groups = Model._read_group([("id", "in", record.ids)], [], ["__count"])
                self.assertEqual(groups[0][0], 0)

    def test_company_a_finds_none_by_name_plate_or_phone(self):
        as_a = self.env(user=self.manager_a)
        self.assertFalse(as_a["res.partner"].name_search("Zed Bee"))
        self.assertFalse(as_a["dealer.vehicle"].name_search("ZB 9999"))
        self.assertFalse(as_a["dealer.vehicle"].name_search("Zed Bee"))
        self.assertFalse(as_a["dealer.interaction"].name_search("Zed Bee"))
        self.assertFalse(as_a["helpdesk.ticket"].name_search("Zed Bee"))

    def test_company_a_timeline_and_reports_hold_nothing_of_company_b(self):
        as_a = self.env(user=self.manager_a)
        self.env.flush_all()
        rows = as_a["dealer.customer.timeline"].search([("partner_id", "=", self.customer_b.id)])
        self.assertFalse(rows)
        promises = as_a["dealer.promise"]._read_group([], ["partner_id"], ["__count"])
        self.assertNotIn(self.customer_b.id, [partner.id for partner, _count in promises])

    def test_consent_of_company_b_does_not_open_company_a_outreach(self):
        Consent = self.env["dealer.consent"]
        self.assertFalse(Consent._allowed_partners(self.customer_b, "marketing", "email"))
        self.assertTrue(
            Consent._allowed_partners(self.customer_b, "marketing", "email", self.company_b)
        )

    def test_a_shared_customer_shows_company_a_only_its_own_history(self):
        """Smart-button counts, related lists and exports of a customer both dealerships
        know stop at the company's edge."""
        shared = self.env["res.partner"].create({"name": "Shared Customer"})
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=self.company_b.ids))
        env_b["dealer.vehicle"].create(
            {
                "vin": "JTL9S346P3ZD25UT4",
                "license_plate": "SB 1",
                "model_id": self.env.ref("fleet.model_corolla_ts").id,
                "owner_id": shared.id,
                "company_id": self.company_b.id,
            }
        )
        env_b["dealer.interaction"].create(
            {
                "partner_id": shared.id,
                "channel": "phone",
                "subject": "B only",
                "company_id": self.company_b.id,
            }
        )
        self.env.flush_all()
        self.env.invalidate_all()
        as_a = shared.with_user(self.manager_a)
        self.assertEqual(as_a.dealer_vehicle_count, 0)
        self.assertEqual(as_a.dealer_interaction_count, 0)
        self.assertFalse(as_a.dealer_vehicle_ids)
        self.assertFalse(as_a.dealer_timeline_ids)
        exported = as_a.export_data(["name", "dealer_vehicle_ids/vin"])["datas"]
        self.assertNotIn("JTL9S346P3ZD25UT4", str(exported))

    def test_company_a_reads_none_of_company_b_loyalty(self):
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=self.company_b.ids))
        program_b = self._create_loyalty_program(
            "B Club",
            rewards=[{"discount": 5, "required_points": 100}],
            env=env_b,
            company_id=self.company_b.id,
        )
        card_b = program_b._dealer_card(self.customer_b)
        card_b._dealer_move(300, "B purchase", "earn")
        self.env.flush_all()
        as_a = self.env(user=self.manager_a)
        self.assertFalse(as_a["loyalty.program"].search([("id", "=", program_b.id)]))
        self.assertFalse(as_a["loyalty.card"].search([("id", "=", card_b.id)]))
        self.assertFalse(as_a["loyalty.history"].search([("card_id", "=", card_b.id)]))
        self.assertFalse(
            as_a["dealer.customer.timeline"]
            .search([("res_model", "=", "loyalty.card")])
            .filtered(lambda row: row.res_id == card_b.id)
        )
