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

    def test_plate_lookup_query_count(self):
        Vehicle = self.env["dealer.vehicle"]
        Vehicle.search([("display_name", "ilike", "LQ-1")])  # warm the caches
        self.env.flush_all()
        with self.assertQueryCount(3):
            found = Vehicle.search([("display_name", "ilike", "LQ-1")])
        self.assertIn(self.vehicle, found)
