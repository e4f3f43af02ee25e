# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, case 7: plans, warranties and reports in each vehicle's odometer unit."""

import io
from datetime import timedelta

from openpyxl import load_workbook

from odoo.tests import tagged

from .common import DealerCrmCase

KM_PER_MILE = 1.609344


@tagged("post_install", "-at_install")
class TestDistanceUnits(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env.ref("dealer_crm.maintenance_plan_default")
        # the default plan alone decides, whatever other plans the database holds
        (cls.env["dealer.maintenance.plan"].search([]) - cls.plan).action_archive()
        cls.bought = cls._today() - timedelta(days=20)

    def _vehicle(self, unit, value=1000, vin="1M8GDM9AXKP042788"):
        vehicle = self._create_vehicle(
            vin=vin, odometer_unit=unit, purchase_date=self.bought, owner_id=self.customer.id
        )
        self.env["dealer.vehicle.odometer"].create(
            {"vehicle_id": vehicle.id, "value": value, "date": self.bought}
        )
        return vehicle

    def test_default_plan_is_in_km_and_a_miles_vehicle_is_due_at_its_equivalent(self):
        self.assertEqual(self.plan.distance_unit, "kilometers", "existing plans are in km")
        vehicle = self._vehicle("miles")
        # 1,000 mi + 15,000 km (9,320.57 mi): about 10,321 mi, not 16,000
        self.assertEqual(round(1000 + 15000 / KM_PER_MILE), 10321)
        self.assertEqual(vehicle.next_service_odometer, 10321)
        km_vehicle = self._vehicle("kilometers", vin="WVWZZZ1KZAW000009")
        self.assertEqual(km_vehicle.next_service_odometer, 16000)

    def test_a_plan_in_miles_on_both_kinds_of_vehicle(self):
        miles = self._vehicle("miles")
        km = self._vehicle("kilometers", vin="WVWZZZ1KZAW000009")
        self.plan.write({"interval_distance": 10000, "distance_unit": "miles"})
        self.assertEqual(miles.next_service_odometer, 11000)
        self.assertEqual(km.next_service_odometer, round(1000 + 10000 * KM_PER_MILE))

    def test_changing_the_vehicle_unit_recomputes_its_due_distance(self):
        vehicle = self._vehicle("kilometers")
        self.assertEqual(vehicle.next_service_odometer, 16000)
        vehicle.odometer_unit = "miles"
        self.assertEqual(vehicle.next_service_odometer, 10321)

    def test_reminder_and_call_list_name_the_unit(self):
        vehicle = self._vehicle("miles")
        template = self.env.ref("dealer_crm.mail_template_service_reminder")
        body = template._render_field("body_html", vehicle.ids)[vehicle.id]
        self.assertIn("10321 mi", body)
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_service)
            ._render("dealer_crm.vehicle_call_list", vehicle.ids)
        )
        sheet = load_workbook(io.BytesIO(content)).active
        header = [c.value for c in sheet[1]]
        row = [c.value for c in sheet[2]]
        self.assertEqual(row[header.index("Distance Unit")], "mi")
        self.assertEqual(row[header.index("Due At (Distance)")], 10321)

    def test_warranty_of_a_model_in_km_delivered_on_a_miles_vehicle(self):
        model = self.env.ref("fleet.model_corolla_ts")
        model.write({"dealer_warranty_months": 36, "dealer_warranty_distance": 100000})
        self.assertEqual(model.dealer_warranty_distance_unit, "kilometers")
        vin = "WVWZZZ1KZAW700001"
        existing = self._create_vehicle(vin=vin, odometer_unit="miles", license_plate="DEMO 1")
        product = self.env["product.product"].create(
            {"name": "Corolla", "dealer_is_vehicle": True, "dealer_model_id": model.id}
        )
        order = self._create_order(self.customer, product, user_id=self.user_sales.id)
        order.with_user(self.user_sales)._dealer_deliver(
            order.order_line, vin, "NEW 1", self._today(), 12
        )
        self.assertAlmostEqual(existing.warranty_mileage_limit, 12 + 100000 / KM_PER_MILE, 2)
        self.assertEqual(existing.warranty_state, "active")
