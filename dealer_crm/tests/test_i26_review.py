# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Review of issue 26 as a user and an attacker: the cases the change missed."""

from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestI26Review(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # nine owners whose names share "Boundowner", in name order 1..9
        cls.owners = Partner.create([{"name": f"Boundowner {i}"} for i in range(1, 10)])
        cls.vehicles = cls.env["dealer.vehicle"]
        for i, owner in enumerate(cls.owners):
            cls.vehicles |= cls._create_vehicle(
                vin=f"WVWZZZ1KZAW2{i:05d}", license_plate=f"BQ {i}", owner_id=owner.id
            )

    def test_owner_lookup_with_a_domain_finds_the_owner_beyond_the_page(self):
        """The interaction form looks up the customer's vehicles
        (domain ``[('owner_id', '=', partner_id)]``, a page of 8): typing the
        customer's name finds their vehicle even when 8 other contacts of the same
        name come before them in name order."""
        last, vehicle = self.owners[-1], self.vehicles[-1]
        Vehicle = self.env["dealer.vehicle"].with_user(self.user_service)
        found = Vehicle.name_search("Boundowner", args=[("owner_id", "=", last.id)], limit=8)
        self.assertEqual([vid for vid, _name in found], vehicle.ids)

    def test_grouped_read_error_restores_jit(self):
        """An analysis whose grouped read fails (a bad groupby, caught by its caller)
        leaves the transaction's JIT setting as it was."""
        cr = self.env.cr
        cr.execute(SQL("SELECT set_config('jit', 'on', true)"))
        # caught without a savepoint (assertRaises would roll the setting back)
        refused = False
        try:
            self.env["dealer.data.quality"]._read_group([], ["no_such_field"], ["__count"])
        except ValueError:
            refused = True
        self.assertTrue(refused, "a groupby on no field is refused")
        cr.execute(SQL("SELECT current_setting('jit')"))
        self.assertEqual(cr.fetchone()[0], "on")


@tagged("post_install", "-at_install")
class TestI26ReviewCompanies(DealerCrmCase):
    """A user of company A reads nothing of company B through the faster paths: the
    timeline read by id (each source's own ids) and the exact plate first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b, cls.service_b = cls._create_company_b(
            "Harbour Motors B", rv_service_b="dealer_crm.group_service"
        )
        env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        cls.vehicle_a = cls._create_vehicle(
            vin="WVWZZZ1KZAW300001", license_plate="RA 1", owner_id=cls.customer.id
        )
        cls.vehicle_b = env_b["dealer.vehicle"].create(
            {
                "vin": "WVWZZZ1KZAW300002",
                "license_plate": "RB 2",
                "model_id": cls.vehicle_a.model_id.id,
                "owner_id": cls.customer.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.visit_a = cls._create_visit(cls.vehicle_a)
        cls.visit_b = env_b["dealer.service.record"].create(
            {"vehicle_id": cls.vehicle_b.id, "date": cls._today(), "company_id": cls.company_b.id}
        )

    def _row(self, visit):
        return self.env["dealer.customer.timeline"].search(
            [("kind", "=", "service"), ("res_id", "=", visit.id)]
        )

    def test_timeline_by_id_of_another_company(self):
        row_a, row_b = self._row(self.visit_a), self._row(self.visit_b)
        self.assertTrue(row_a and row_b)
        Timeline = self.env["dealer.customer.timeline"].with_user(self.user_service)
        self.assertFalse(Timeline.search([("id", "=", row_b.id)]))
        self.assertEqual(Timeline.search([("id", "in", [row_a.id, row_b.id])]), row_a)
        self.assertEqual(
            Timeline.search([("id", "in", [row_a.id, row_b.id, -1, 0, 8 * 10**10 + row_a.id])]),
            row_a,
        )
        self.assertNotIn(row_b.id, Timeline.search([("id", "!=", row_a.id)]).ids)
        self.assertEqual(
            Timeline.search_read([("id", "in", [row_a.id, row_b.id])], ["name"]),
            [{"id": row_a.id, "name": self.visit_a.name}],
        )

    def test_exact_plate_of_another_company_is_not_found(self):
        Vehicle = self.env["dealer.vehicle"].with_user(self.user_service)
        self.assertEqual(Vehicle.name_search("RB-2"), [])
        self.assertEqual(Vehicle.name_search("WVWZZZ1KZAW300002"), [])
        found = self.env["dealer.vehicle"].with_user(self.service_b).name_search("rb2")
        self.assertEqual([vid for vid, _name in found], self.vehicle_b.ids)
