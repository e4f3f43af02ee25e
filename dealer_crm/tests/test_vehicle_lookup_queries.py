# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestVehicleLookupQueries(DealerCrmCase):
    """Issue 26: the vehicle lookup runs a fixed number of indexed queries (owners,
    models, vehicles), whatever it matches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._create_vehicle(vin="WVWZZZ1KZAW000001", license_plate="LQ 1")
        Partner = cls.env["res.partner"]
        cls.owners = Partner.create([{"name": f"Lookupowner {i}"} for i in range(6)])
        cls.owned = cls.env["dealer.vehicle"]
        for i, owner in enumerate(cls.owners):
            cls.owned |= cls._create_vehicle(
                vin=f"WVWZZZ1KZAW1{i:05d}", license_plate=f"LQ 1{i}", owner_id=owner.id
            )

    def _lookup_queries(self, name):
        """A lookup of ``name`` as a new request runs it: records not in cache, the
        registry's caches warm. Owners, models, the exact plate, the vehicles, and
        the display names of the results (models, makes)."""
        Vehicle = self.env["dealer.vehicle"]
        Vehicle.name_search(name, limit=8)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(9):
            return Vehicle.name_search(name, limit=8)

    def test_plate_lookup_query_count(self):
        Vehicle = self.env["dealer.vehicle"]
        Vehicle.search([("display_name", "ilike", "LQ-1")])  # warm the caches
        self.env.flush_all()
        with self.assertQueryCount(3):
            found = Vehicle.search([("display_name", "ilike", "LQ-1")])
        self.assertIn(self.vehicle, found)

    def test_owner_lookup_count_does_not_grow_with_the_owners(self):
        """One owner or six: the same queries (owners, models, exact plate, vehicles)."""
        Vehicle = self.env["dealer.vehicle"]
        self.assertEqual(len(self._lookup_queries("Lookupowner 3")), 1)
        self.assertEqual(len(self._lookup_queries("Lookupowner")), 6)
        found = Vehicle.browse([vid for vid, _name in Vehicle.name_search("Lookupowner")])
        self.assertEqual(found, self.owned)

    def test_a_lookup_follows_a_bounded_number_of_owners(self):
        """A lookup follows as many owners as its page has rows; a list's search all."""
        Vehicle = self.env["dealer.vehicle"]
        found = Vehicle.browse([vid for vid, _name in Vehicle.name_search("Lookupowner", limit=2)])
        self.assertEqual(len(found), 2)
        self.assertLessEqual(found, self.owned)
        bounded = Vehicle.with_context(dealer_lookup_owner_limit=3)
        self.assertEqual(len(bounded.search([("display_name", "ilike", "Lookupowner")])), 3)
        listed = Vehicle.search([("display_name", "ilike", "Lookupowner")])
        self.assertEqual(listed, self.owned)

    def test_an_exact_plate_or_vin_comes_first(self):
        Vehicle = self.env["dealer.vehicle"]
        # "LQ 1" is in every plate of the set ("LQ 10" ...): the exact one leads
        for typed, limit in (("lq-1", 3), ("LQ1", 8), ("WVWZZZ1KZAW000001", 8)):
            results = Vehicle.name_search(typed, limit=limit)
            self.assertEqual(results[0][0], self.vehicle.id, typed)
            self.assertLessEqual(len(results), limit)
        self.assertEqual(len(Vehicle.name_search("LQ1", limit=8)), 7)
        self.assertEqual(len(Vehicle.name_search("LQ1", limit=1)), 1)
