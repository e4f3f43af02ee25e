# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DealerCrmCase

VALID_NA = "1M8GDM9AXKP042788"
VALID_EU = "WVWZZZ1KZAW000001"


@tagged("post_install", "-at_install")
class TestDealerVehicle(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Olivia Buyer", "phone": "+61 400 111 222"}
        )
        cls.vehicle = cls._create_vehicle(
            owner_id=cls.customer.id, purchase_date=date(2020, 1, 10), license_plate="ab-1234"
        )

    # VIN -----------------------------------------------------------------
    def test_vin_is_stored_upper_case_and_valid_ones_pass(self):
        vehicle = self._create_vehicle(vin="wvwzzz1kzaw000001", license_plate="X1")
        self.assertEqual(vehicle.vin, VALID_EU)

    def test_vin_of_wrong_length_refused(self):
        with self.assertRaisesRegex(ValidationError, "17 characters"):
            self._create_vehicle(vin="WVWZZZ1KZAW00001")

    def test_vin_with_forbidden_letter_refused_naming_it(self):
        with self.assertRaisesRegex(ValidationError, "Character 4 .*'O'"):
            self._create_vehicle(vin="WVWOZZ1KZAW000001")

    def test_vin_with_wrong_check_digit_refused(self):
        with self.assertRaisesRegex(ValidationError, "Character 9 .*check digit"):
            self._create_vehicle(vin="1M8GDM9A5KP042788")

    def test_duplicate_vin_refused_within_a_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self._create_vehicle(vin=VALID_NA.lower(), license_plate="ZZ 1")

    def test_same_vin_allowed_in_another_company(self):
        other = self._create_company("Other Dealer")
        vehicle = self._create_vehicle(company_id=other.id)
        self.assertEqual(vehicle.vin, VALID_NA)

    # Plates and search ---------------------------------------------------
    def test_plate_shown_as_entered_and_normalised_for_search(self):
        self.assertEqual(self.vehicle.license_plate, "ab-1234")
        self.assertEqual(self.vehicle.plate_normalized, "AB1234")

    def test_name_search_by_plate_however_typed(self):
        Vehicle = self.env["dealer.vehicle"]
        for typed in ("AB 1234", "ab1234", "AB-12"):
            self.assertIn(self.vehicle, Vehicle.search([("display_name", "ilike", typed)]), typed)
        found = Vehicle.name_search("AB 1234")
        self.assertIn(self.vehicle.id, [vid for vid, _name in found])

    def test_name_search_by_vin_owner_name_and_phone(self):
        Vehicle = self.env["dealer.vehicle"]
        for typed in ("1m8gdm9axkp042788", "KP042788", "Chan Tai", "9123 4567"):
            ids = [vid for vid, _name in Vehicle.name_search(typed)]
            self.assertIn(self.vehicle.id, ids, typed)
        self.assertFalse(Vehicle.name_search("NOSUCHPLATE"))

    def test_partner_found_by_vehicle(self):
        partners = self.env["res.partner"].search(
            [
                (
                    "dealer_vehicle_ownership_ids.vehicle_id",
                    "any",
                    [("display_name", "ilike", "AB1234")],
                )
            ]
        )
        self.assertIn(self.customer, partners)

    # Ownership -----------------------------------------------------------
    def test_registering_with_owner_opens_one_line(self):
        line = self.vehicle.ownership_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.partner_id, self.customer)
        self.assertEqual(line.date_start, date(2020, 1, 10))
        self.assertFalse(line.date_end)
        self.assertEqual(line.origin, "register")

    def _transfer(self, vehicle, partner, when, origin="transfer"):
        wizard = Form(
            self.env["dealer.vehicle.transfer"].with_context(default_vehicle_id=vehicle.id)
        )
        wizard.new_owner_id = partner
        wizard.date = when
        wizard.origin = origin
        return wizard.save().action_confirm()

    def test_transfer_keeps_full_history_and_earlier_owner_records(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        # arranging history: the order that sold it (Deliver Vehicle records it)
        self.vehicle.sudo().sale_order_id = order
        self._transfer(self.vehicle, self.buyer, date(2024, 5, 1))
        self.assertEqual(self.vehicle.owner_id, self.buyer)
        lines = self.vehicle.ownership_ids.sorted("date_start")
        self.assertEqual(lines.partner_id, self.customer | self.buyer)
        self.assertEqual(lines[0].date_end, date(2024, 5, 1))
        self.assertEqual(lines[1].date_start, date(2024, 5, 1))
        self.assertFalse(lines[1].date_end)
        # what happened before the transfer stays with the earlier owner
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(self.vehicle._owner_at(date(2023, 12, 31)), self.customer)
        self.assertEqual(self.vehicle._owner_at(date(2024, 5, 1)), self.buyer)
        self.assertEqual(self.customer.dealer_past_vehicle_count, 1)
        self.assertEqual(self.customer.dealer_vehicle_count, 0)
        self.assertEqual(self.buyer.dealer_vehicle_count, 1)

    def test_backdated_transfer_refused(self):
        with self.assertRaisesRegex(UserError, "before .* became the owner"):
            self._transfer(self.vehicle, self.buyer, date(2019, 12, 31))
        self.assertEqual(self.vehicle.owner_id, self.customer)
        self.assertEqual(len(self.vehicle.ownership_ids), 1)

    def test_future_transfer_refused(self):
        with self.assertRaises(UserError):
            self._transfer(self.vehicle, self.buyer, self._today() + timedelta(days=3))

    def test_overlapping_ownership_refused(self):
        self._transfer(self.vehicle, self.buyer, date(2024, 5, 1))
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            self.env["dealer.vehicle.ownership"].create(
                {
                    "vehicle_id": self.vehicle.id,
                    "partner_id": self.user_plain.partner_id.id,
                    "date_start": date(2022, 1, 1),
                    "date_end": date(2023, 1, 1),
                    "origin": "transfer",
                }
            )

    def test_only_one_open_ownership_per_vehicle(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.env["dealer.vehicle.ownership"].create(
                    {
                        "vehicle_id": self.vehicle.id,
                        "partner_id": self.buyer.id,
                        "date_start": date(2030, 1, 1),
                        "origin": "transfer",
                    }
                ).flush_recordset()

    def test_changing_owner_on_the_form_is_a_transfer(self):
        self.vehicle.owner_id = self.buyer
        self.assertEqual(len(self.vehicle.ownership_ids), 2)
        self.assertEqual(self.vehicle.ownership_ids.filtered("is_current").partner_id, self.buyer)

    # Odometer ------------------------------------------------------------
    def _read(self, value, when, **vals):
        return self.env["dealer.vehicle.odometer"].create(
            {"vehicle_id": self.vehicle.id, "value": value, "date": when, **vals}
        )

    def test_odometer_shows_latest_reading(self):
        self._read(10000, date(2021, 1, 1))
        self._read(25000, date(2023, 1, 1))
        self.assertEqual(self.vehicle.odometer, 25000)
        self.assertEqual(self.vehicle.odometer_date, date(2023, 1, 1))

    def test_odometer_rollback_refused_without_reason(self):
        self._read(25000, date(2023, 1, 1))
        with self.assertRaisesRegex(ValidationError, "lower than the reading of 25,000"):
            with self.cr.savepoint():
                self._read(12000, date(2023, 6, 1))
        self.env.invalidate_all()
        self.assertEqual(self.vehicle.odometer, 25000)

    def test_odometer_rollback_kept_with_reason(self):
        self._read(25000, date(2023, 1, 1))
        reading = self._read(120, date(2023, 6, 1), lower_reason="meter_replaced")
        self.assertEqual(self.vehicle.odometer, 120)
        self.assertEqual(reading.lower_reason, "meter_replaced")

    def test_typing_the_odometer_logs_a_reading(self):
        with Form(self.vehicle) as form:
            form.odometer = 5000
        self.assertEqual(self.vehicle.odometer_ids.value, 5000)
        self.assertEqual(self.vehicle.odometer_ids.source, "manual")

    # Warranty ------------------------------------------------------------
    def test_warranty_state_by_date_and_mileage(self):
        today = self._today()
        self.assertEqual(self.vehicle.warranty_state, "none")
        self.vehicle.write(
            {"warranty_end_date": today + timedelta(days=30), "warranty_mileage_limit": 100000}
        )
        self.assertEqual(self.vehicle.warranty_state, "active")
        self._read(100500, today)
        self.assertEqual(self.vehicle.warranty_state, "expired_mileage")
        self.vehicle.warranty_end_date = today - timedelta(days=1)
        self.assertEqual(self.vehicle.warranty_state, "expired_date")
        Vehicle = self.env["dealer.vehicle"]
        self.assertIn(self.vehicle, Vehicle.search([("warranty_state", "=", "expired_date")]))
        self.assertNotIn(self.vehicle, Vehicle.search([("warranty_state", "=", "active")]))
        self.vehicle.warranty_end_date = today + timedelta(days=1)
        self.assertIn(self.vehicle, Vehicle.search([("warranty_state", "=", "expired_mileage")]))

    # Archive, delete, access ---------------------------------------------
    def test_vehicle_with_history_archived_not_deleted(self):
        self._read(10000, date(2021, 1, 1), source="service")
        with self.assertRaisesRegex(UserError, "archive"):
            self.vehicle.unlink()
        self.vehicle.action_archive()
        self.assertFalse(self.vehicle.active)

    def test_only_managers_delete_vehicles_without_history(self):
        vehicle = self._create_vehicle(vin=VALID_EU, license_plate="NEW 1")
        for user in (self.user_sales, self.user_service, self.user_relations):
            with self.assertRaises(AccessError):
                vehicle.with_user(user).unlink()
        vehicle.with_user(self.user_manager).unlink()
        self.assertFalse(vehicle.exists())

    def test_access_per_department(self):
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_manager):
            self.assertTrue(self.vehicle.with_user(user).read(["vin", "owner_id", "brand_id"]))
            self.assertTrue(self.env.ref("fleet.model_corolla_ts").with_user(user).read(["name"]))
        for user in (self.user_sales, self.user_service):
            vehicle = self._create_vehicle(vin=VALID_EU, license_plate=user.login).with_user(user)
            vehicle.color = "Red"
            vehicle.with_user(self.user_manager).unlink()
        with self.assertRaises(AccessError):
            self.env["dealer.vehicle"].with_user(self.user_relations).create(
                {"vin": VALID_EU, "model_id": self.env.ref("fleet.model_corolla_ts").id}
            )
        with self.assertRaises(AccessError):
            self.vehicle.with_user(self.user_relations).color = "Blue"
        with self.assertRaises(AccessError):
            self.vehicle.with_user(self.user_plain).read(["vin"])
        self.assertFalse(self.user_sales.has_group("fleet.fleet_group_user"))

    def test_company_rule_hides_other_companies_vehicles(self):
        other = self._create_company("Other Dealer")
        vehicle = self._create_vehicle(vin=VALID_EU, company_id=other.id)
        visible = self.env["dealer.vehicle"].with_user(self.user_sales).search([])
        self.assertNotIn(vehicle, visible)
        self.assertIn(self.vehicle, visible)

    # Import --------------------------------------------------------------
    def test_import_reports_bad_rows_and_keeps_good_ones(self):
        fields_ = ["vin", "license_plate", "model_id", "owner_id"]
        rows = [
            [VALID_EU, "IMP 1", "Corolla TS", "Olivia Buyer"],
            ["WVWZZZ1KZAW0000O1", "IMP 2", "Corolla TS", "Olivia Buyer"],
            ["WVWZZZ1KZAW000002", "IMP 3", "Corolla TS", "Olivia Buyer"],
        ]
        result = self.env["dealer.vehicle"].load(fields_, rows)
        self.assertFalse(result["ids"])
        # the bad row is reported with its row number and what is wrong
        row_errors = [
            m for m in result["messages"] if m["type"] == "error" and "Character 16" in m["message"]
        ]
        self.assertIn(1, [m["record"] for m in row_errors])
        self.assertNotIn(2, [m["record"] for m in result["messages"] if m["type"] == "error"])
        # base_import's "skip" of the reported rows then imports the good ones
        good = [row for i, row in enumerate(rows) if i != 1]
        result = self.env["dealer.vehicle"].load(fields_, good)
        vehicles = self.env["dealer.vehicle"].browse(result["ids"])
        self.assertEqual(len(vehicles), 2)
        self.assertEqual(vehicles.owner_id, self.buyer)
        self.assertEqual(len(vehicles.ownership_ids), 2)
