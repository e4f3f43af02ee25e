# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 27, tracebacks on legal input: each case a client could send (a form, an RPC
call, a data file) ends in the right result or a clear message, never a traceback, and
leaves what is stored as it was."""

import io
import json
from datetime import timedelta
from unittest.mock import Mock, patch

from openpyxl import load_workbook
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import SQL, mute_logger

from ..controllers import main as controllers_main
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestLegalInput(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        # no plan: a vehicle is due only by the plan a test makes
        cls.env["dealer.maintenance.plan"].search([]).action_archive()
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)

    def _plan(self, **vals):
        return self.env["dealer.maintenance.plan"].create({"name": "Plan", **vals})

    def _promise(self, **vals):
        return self.env["dealer.promise"].create(
            {"name": "Call back", "partner_id": self.customer.id, "date_due": self.today, **vals}
        )

    # Promises -----------------------------------------------------------------
    def test_promise_created_kept_without_date_kept_is_kept_that_day(self):
        """A promise recorded as kept (a data file, a workflow in sudo) without the day
        it was kept was kept on the day it is recorded, as the Kept button records it."""
        promise = (
            self.env["dealer.promise"]
            .sudo()
            .create(
                {
                    "name": "Call back",
                    "partner_id": self.customer.id,
                    "date_due": self.today,
                    "state": "kept",
                }
            )
        )
        self.assertEqual(promise.date_kept, self.today)
        self.assertTrue(promise.kept_on_time)
        self.assertEqual(promise.on_time_score, 100)

    def test_stored_kept_promise_without_date_kept_is_not_on_time(self):
        """A kept promise stored without its date (an old row) is recomputed without
        error: not on time, and its stored dates stay as they are."""
        promise = self._promise()
        promise.action_kept()
        promise.flush_recordset()
        self.env.cr.execute(
            SQL("UPDATE dealer_promise SET date_kept = NULL WHERE id = %s", promise.id)
        )
        promise.invalidate_recordset()
        promise._compute_kept_on_time()
        self.assertFalse(promise.kept_on_time)
        self.assertEqual(promise.on_time_score, 0)
        self.assertFalse(promise.date_kept)
        self.assertEqual(promise.date_due, self.today)

    def test_new_promise_without_due_date(self):
        """A promise line added on the customer form has no due date yet: it is not
        overdue; saved without one, it is refused in words, and a stored promise keeps
        its due date when a client sends none or no date."""
        Promise = self.env["dealer.promise"].with_user(self.user_relations)
        self.assertFalse(Promise.new({"name": "Call back"}).is_overdue)
        with Form(Promise) as form:
            form.name = "Call back"
            form.partner_id = self.customer
            self.assertFalse(form.is_overdue)
            form.date_due = self.today
        for vals in ({}, {"date_due": False}, {"date_due": "next week"}, {"date_due": 5}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, "due date|no date"),
            ):
                Promise.create({"name": "Call back", "partner_id": self.customer.id, **vals})
        promise = form.record
        for value in (False, "not a date", 5):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                promise.write({"date_due": value})
        self.assertEqual(promise.date_due, self.today)

    # Vehicles -----------------------------------------------------------------
    def test_search_warranty_state_not_set(self):
        """Every vehicle has a warranty state: 'not set' matches none, 'set' all, as
        Odoo's domains mean it (and the same for the service due state)."""
        Vehicle = self.env["dealer.vehicle"].with_user(self.user_service)
        mine = [("id", "=", self.vehicle.id)]
        for field in ("warranty_state", "service_due_state"):
            with self.subTest(field=field):
                self.assertFalse(Vehicle.search([*mine, (field, "=", False)]))
                self.assertEqual(Vehicle.search([*mine, (field, "!=", False)]), self.vehicle)
                self.assertFalse(Vehicle.search([*mine, (field, "in", [False])]))
                self.assertEqual(Vehicle.search([*mine, (field, "not in", [False])]), self.vehicle)
        self.assertEqual(
            Vehicle.search([*mine, ("warranty_state", "in", ["none", False])]), self.vehicle
        )
        self.assertEqual(
            Vehicle.search([*mine, ("service_due_state", "in", ("ok", None))]), self.vehicle
        )

    def test_call_list_over_vehicles_with_and_without_due_date(self):
        """The call list of a vehicle with a due date and one without lists the one
        due first, then the other."""
        self._plan(interval_months=12)
        due = self._create_vehicle(
            vin="WVWZZZ1KZAW000101",
            license_plate="DUE 1",
            owner_id=self.customer.id,
            purchase_date=self.today - timedelta(days=400),
        )
        self.assertTrue(due.next_service_date)
        self.assertFalse(self.vehicle.next_service_date)
        report = self.env.ref("dealer_crm.dealer_vehicle_call_list_report")
        content, kind = self.env["ir.actions.report"]._render_xlsx(
            report, (self.vehicle | due).ids, {}
        )
        self.assertEqual(kind, "xlsx")
        sheet = load_workbook(io.BytesIO(content)).active
        self.assertEqual([sheet["F2"].value, sheet["F3"].value], ["DUE 1", "AB 1234"])

    def test_slowly_rising_odometer_gives_no_due_date_beyond_the_calendar(self):
        """Readings that rise by a metre in a year would reach the plan's distance after
        the calendar ends: the distance gives no due date (the months would)."""
        self._plan(interval_distance=15000)
        Reading = self.env["dealer.vehicle.odometer"]
        Reading.create(
            {"vehicle_id": self.vehicle.id, "value": 10, "date": self.today - timedelta(400)}
        )
        Reading.create({"vehicle_id": self.vehicle.id, "value": 10.001, "date": self.today})
        self.assertFalse(self.vehicle.next_service_date)
        self.assertEqual(self.vehicle.next_service_odometer, 15010)

    def test_vin_that_is_not_text(self):
        """A VIN a client sends as a number, a list or nothing is refused in words, on
        create and on write; the stored VIN stays."""
        Vehicle = self.env["dealer.vehicle"].with_user(self.user_service)
        model = self.vehicle.model_id.id
        for value in (12345678901234567, ["1M8GDM9AXKP042788"], 1.5, {"vin": 1}):
            with self.subTest(value=value):
                with self.assertRaisesRegex(ValidationError, "VIN is written in letters"):
                    Vehicle.create({"vin": value, "model_id": model})
                with self.assertRaisesRegex(ValidationError, "VIN is written in letters"):
                    self.vehicle.with_user(self.user_service).write({"vin": value})
        for value in (False, None, ""):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(ValidationError, "needs its VIN"),
            ):
                self.vehicle.with_user(self.user_service).write({"vin": value})
        with self.assertRaisesRegex(ValidationError, "needs its VIN"):
            Vehicle.create({"vin": "", "model_id": model})
        for value in (False, None):
            # no VIN at all: the required field's refusal, which the RPC layer names
            with self.subTest(value=value), mute_logger("odoo.sql_db"):
                with self.assertRaises(IntegrityError) as caught, self.env.cr.savepoint():
                    Vehicle.create({"vin": value, "model_id": model})
                self.assertIn("(vin)", str(_as_validation_error(self.env, caught.exception)))
        self.assertEqual(self.vehicle.vin, "1M8GDM9AXKP042788")
        self.assertEqual(Vehicle.name_search(12345), [])

    # Referrals ----------------------------------------------------------------
    def test_referral_naming_an_unknown_model(self):
        """A referral about a model that does not exist, or one without records (an
        abstract model, a wizard), is refused in words and schedules nothing."""
        Referral = self.env["dealer.referral"].with_user(self.user_sales)
        Activity = self.env["mail.activity"].sudo()
        before = Activity.search_count([])
        # res.users has its partner's activity_ids (_inherits) but schedules none itself
        for model in (
            "no.such.model",
            "mail.activity.mixin",
            "mail.thread",
            "dealer.referral",
            "res.users",
        ):
            referral = Referral.create(
                {
                    "partner_id": self.customer.id,
                    "res_model": model,
                    "res_id": self.user_sales.id if model == "res.users" else self.customer.id,
                    "department": "service",
                    "note": "Asks about the warranty",
                }
            )
            with self.subTest(model=model), self.assertRaisesRegex(UserError, model):
                referral.action_refer()
        self.assertEqual(Activity.search_count([]), before)

    # Values of the kind no column holds (review of issue 27) --------------------
    def test_a_list_or_mapping_sent_for_a_text_is_refused(self):
        """Odoo would store the Python form of a list or dict ("['XY 1']") in a text
        field; it is refused in words and the stored text stays."""
        vehicle = self.vehicle.with_user(self.user_service)
        customer = self.customer.with_user(self.user_sales)
        plate, name, phone = vehicle.license_plate, customer.name, customer.phone
        for record, vals in (
            (vehicle, {"license_plate": ["XY 1"]}),
            (customer, {"name": {"a": 1}}),
            (customer, {"phone": ["+852 1234 5678"]}),
            (customer, {"comment": ("a", "b")}),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, "no text"):
                record.write(vals)
        self.assertEqual(
            (vehicle.license_plate, customer.name, customer.phone), (plate, name, phone)
        )

    def test_odd_values_of_references_choices_and_dates_are_refused(self):
        """A reference that names no record, a choice of another type, or a date
        followed by no time is refused in words, before the database; the stored
        rows stay as they were."""
        Promise = self.env["dealer.promise"].with_user(self.user_relations)
        Reading = self.env["dealer.vehicle.odometer"].with_user(self.user_service)
        Referral = self.env["dealer.referral"].with_user(self.user_sales)
        promise = self._promise()
        cases = [
            *[
                (Promise, {"partner_id": v}, "names no record")
                for v in ("abc", "52", [1], True, 1.5, 2**40, -1)
            ],
            *[(Reading, {"date": v}, "no date") for v in ("2026-11-30xyz", "2026-11-30 25:00:00")],
            *[(Referral, {"department": v}, "none of the choices") for v in (1, ["sales"], True)],
            *[
                (Referral, {"res_model": "res.partner", "res_id": v}, "names no record")
                for v in (10**12, "abc", [1])
            ],
        ]
        base = {
            Promise: {"name": "Call back", "partner_id": self.customer.id, "date_due": self.today},
            Reading: {"vehicle_id": self.vehicle.id, "value": 10, "date": self.today},
            Referral: {"partner_id": self.customer.id, "department": "service", "note": "n"},
        }
        for model, vals, message in cases:
            with self.subTest(model=model._name, vals=vals):
                with self.assertRaisesRegex(ValidationError, message):
                    model.create({**base[model], **vals})
        for value in ("abc", [1], True):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(ValidationError, "names no record"),
            ):
                promise.with_user(self.user_relations).write({"partner_id": value})
        self.assertEqual(promise.partner_id, self.customer)
        # what Odoo itself accepts still goes: a date with its time
        self.assertEqual(
            Reading.create({**base[Reading], "date": f"{self.today} 10:00:00"}).date, self.today
        )

    def test_export_with_field_names_that_are_no_text_goes_to_the_primary(self):
        """The read-only test of the XLSX export route never fails itself: a field
        name that is no text sends the export to the primary, whose own errors answer."""
        cases = {
            "vin": True,
            "vin/id": False,
            None: False,
            ("vin",): False,
            7: False,
        }
        for name, readonly in cases.items():
            data = {"fields": [{"name": list(name) if isinstance(name, tuple) else name}]}
            request = Mock()
            request.get_http_params.return_value = {"data": json.dumps(data)}
            with (
                self.subTest(name=name),
                patch.object(controllers_main, "request", new=request),
            ):
                self.assertIs(controllers_main._export_only_reads(None), readonly)
