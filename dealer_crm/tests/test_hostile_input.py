# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile input through the ORM, as an RPC client or an imported file sends it (issue 27).

Property-based (hypothesis): VINs, plates, odometer readings, dates, phone numbers,
amounts, and imported customer and vehicle files, each drawn from everything a client
can send. Every value is either stored as a valid one or refused with a clear message
(UserError, ValidationError), and a refused one leaves the stored rows as they were.
The runs are bounded and derandomised, so the suite is reproducible.
"""

import csv
import io
import math
import string
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..tools.vin import normalize_plate, vin_problem
from .common import DealerCrmCase
from .test_import_history import OPTIONS

PROPERTIES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    # the same examples on every run: none replayed from an example database
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: an import is slower (a file parsed, each row loaded in its savepoint): fewer files
IMPORTS = settings(PROPERTIES, max_examples=15)

#: one value of any type a JSON-RPC or XML-RPC client can send
SENT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=2),
)
#: text as typed in a form or a file cell: printable, then anything (no lone surrogate,
#: which neither JSON text nor a file in UTF-8 carries)
TYPED = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.printable), st.characters(blacklist_categories=("Cs",))
    ),
    max_size=30,
)
VINS = st.one_of(
    SENT,
    TYPED,
    st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ io-", min_size=15, max_size=20),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.dates().map(str),
    TYPED,
    st.integers(),
)
NUMBERS = st.one_of(
    st.floats(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.sampled_from(["12.5", "1,000", "nan", "inf", "-1", "", " 42 "]),
    TYPED,
)
#: the tables a refused value must leave as they are
TABLES = (
    "dealer_vehicle",
    "dealer_vehicle_odometer",
    "dealer_vehicle_ownership",
    "dealer_service_record",
    "dealer_promise",
    "dealer_interaction",
    "res_partner",
)


class _Undo(Exception):
    """Rolls back an accepted value, so that each example starts from the same data."""


@tagged("post_install", "-at_install")
class TestHostileInput(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dealer.maintenance.plan"].search([]).action_archive()
        cls.env["dealer.maintenance.plan"].create(
            {"name": "Plan", "interval_months": 12, "interval_distance": 15000}
        )
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id, purchase_date=date(2020, 1, 1))
        cls.env["dealer.vehicle.odometer"].create(
            {"vehicle_id": cls.vehicle.id, "value": 1000, "date": date(2020, 1, 1)}
        )
        cls.model = cls.vehicle.model_id

    # The harness ----------------------------------------------------------------
    def _snapshot(self):
        """Every row of the tables concerned, as one digest per table."""
        self.env.flush_all()
        digests = {}
        for table in TABLES:
            self.env.cr.execute(
                SQL(
                    "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t.id)) FROM %s t",
                    SQL.identifier(table),
                )
            )
            digests[table] = self.env.cr.fetchone()
        return digests

    def _attempt(self, call, check=None):
        """Send a value as an RPC call does: ``call()`` either succeeds (then ``check``
        checks what it stored) or ends in a clear message (returned) that leaves every
        row as it was. Any other error fails the test. The data is restored after."""
        before = self._snapshot()
        outer = self.env.cr.savepoint()
        error = None
        try:
            try:
                # a value the database refuses is an answer here, not an error to log
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    result = call()
                    self.env.flush_all()
                if check:
                    check(result)
            except IntegrityError as exc:
                # what the RPC layer answers for a database constraint: its own message
                error = _as_validation_error(self.env, exc)
                self.assertNotIn("Unknown", str(error))
            except (UserError, ValidationError) as exc:
                error = exc
            if error is not None:
                self.assertTrue(str(error).strip())
                self.assertEqual(self._snapshot(), before, f"changed by a refused call: {error}")
        finally:
            outer.close(rollback=True)
            self.env.invalidate_all()
        return error

    def _as_service(self, model):
        return self.env[model].with_user(self.user_service)

    # VINs and plates ------------------------------------------------------------
    @PROPERTIES
    @given(VINS)
    def test_any_vin_is_stored_valid_or_refused(self, value):
        def check(vehicle):
            self.assertIsNone(vin_problem(vehicle.vin))

        self._attempt(
            lambda: self._as_service("dealer.vehicle").create(
                {"vin": value, "model_id": self.model.id, "license_plate": "HX 1"}
            ),
            check,
        )
        stored = self.vehicle.vin
        error = self._attempt(
            lambda: self.vehicle.with_user(self.user_service).write({"vin": value})
        )
        if error is None:
            self.assertEqual(self.vehicle.vin, stored)

    @PROPERTIES
    @given(st.one_of(TYPED, SENT))
    def test_any_plate_is_stored_and_found_by_itself(self, plate):
        def check(vehicle):
            typed = vehicle.license_plate
            if typed and normalize_plate(typed):
                found = self._as_service("dealer.vehicle").name_search(typed, limit=None)
                self.assertIn(vehicle.id, [vid for vid, _name in found])

        self._attempt(
            lambda: self._as_service("dealer.vehicle").create(
                {"vin": "WVWZZZ1KZAW000777", "model_id": self.model.id, "license_plate": plate}
            ),
            check,
        )

    @PROPERTIES
    @given(st.one_of(TYPED, SENT))
    def test_any_lookup_text_answers(self, text):
        """The vehicle lookup (plate, VIN, owner, phone) answers whatever is typed."""
        Vehicle = self._as_service("dealer.vehicle")
        self._attempt(lambda: Vehicle.name_search(text, limit=8))
        self._attempt(lambda: Vehicle.search([("display_name", "ilike", text)], limit=8))

    # Odometer readings and dates ---------------------------------------------------
    @PROPERTIES
    @given(NUMBERS, DATES)
    def test_any_odometer_reading_is_recorded_or_refused(self, value, day):
        def check(reading):
            self.assertTrue(math.isfinite(reading.value) and reading.value >= 0)
            # and the due date follows, whatever the reading
            self.assertIsNotNone(self.vehicle.next_service_odometer)

        self._attempt(
            lambda: self._as_service("dealer.vehicle.odometer").create(
                {"vehicle_id": self.vehicle.id, "value": value, "date": day}
            ),
            check,
        )
        self._attempt(lambda: self.vehicle.with_user(self.user_service).write({"odometer": value}))

    @PROPERTIES
    @given(DATES, st.one_of(st.integers(), NUMBERS))
    def test_any_purchase_date_and_model_year(self, day, year):
        def check(vehicle):
            # the next service is projected without error, whatever the date
            self.assertIsInstance(vehicle.next_service_date, (date, bool))

        self._attempt(
            lambda: self._as_service("dealer.vehicle").create(
                {
                    "vin": "WVWZZZ1KZAW000778",
                    "model_id": self.model.id,
                    "owner_id": self.customer.id,
                    "purchase_date": day,
                    "model_year": year,
                }
            ),
            check,
        )

    @PROPERTIES
    @given(DATES)
    def test_any_promise_due_date(self, day):
        Promise = self.env["dealer.promise"].with_user(self.user_relations)
        self._attempt(
            lambda: (
                Promise.create(
                    {"name": "Call back", "partner_id": self.customer.id, "date_due": day}
                ).is_overdue
            )
        )

    # Phone numbers --------------------------------------------------------------------
    @PROPERTIES
    @given(st.one_of(TYPED, st.from_regex(r"(\+|00)?[0-9 ()\-]{3,20}", fullmatch=True)))
    def test_any_phone_number_finds_one_customer_or_says_so(self, number):
        """An inbound call logged by its number alone lands on the one customer with
        that number, or asks to choose the customer; a contact saved with any phone
        text is found again by it when it is a number."""

        def check(interaction):
            self.assertTrue(interaction.partner_id)

        Interaction = self.env["dealer.interaction"].with_user(self.user_relations)
        self._attempt(
            lambda: Interaction.create(
                {"phone_number": number, "channel": "phone", "subject": "Inbound call"}
            ),
            check,
        )
        self._attempt(
            lambda: (
                self.env["res.partner"]
                .with_user(self.user_relations)
                .create({"name": "Caller", "phone": number})
            )
        )

    # Money --------------------------------------------------------------------------
    @PROPERTIES
    @given(NUMBERS)
    def test_any_visit_amount_is_recorded_or_refused(self, amount):
        def check(visit):
            self.assertTrue(math.isfinite(visit.amount) and visit.amount >= 0)
            self.assertTrue(math.isfinite(visit.dealer_amount_net))

        self._attempt(
            lambda: self._as_service("dealer.service.record").create(
                {"vehicle_id": self.vehicle.id, "date": self._today(), "amount": amount}
            ),
            check,
        )

    # Imported files -----------------------------------------------------------------
    def _import(self, model, header, rows):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        wizard = (
            self.env["base_import.import"]
            .with_user(self.user_manager)
            .create(
                {
                    "res_model": model,
                    "file": out.getvalue().encode(),
                    "file_name": "hostile.csv",
                    "file_type": "text/csv",
                }
            )
        )
        fields_ = [field for field, _label in header]
        result = wizard.execute_import(fields_, [label for _f, label in header], dict(OPTIONS))
        errors = [m for m in result["messages"] if m["type"] == "error"]
        for message in errors:
            self.assertNotIn("Unknown", message["message"])
        if errors:
            raise UserError("\n".join(m["message"] for m in errors))
        return result

    VEHICLE_COLUMNS = (
        ("vin", "VIN"),
        ("license_plate", "License Plate"),
        ("model_id", "Model"),
        ("model_year", "Model Year"),
        ("purchase_date", "Purchase Date"),
    )
    CUSTOMER_COLUMNS = (
        ("name", "Name"),
        ("email", "Email"),
        ("phone", "Phone"),
        ("dealer_last_verified_date", "Details Verified On"),
    )

    def test_valid_files_import(self):
        """The files below are imported as the Import button does: a valid one is."""
        row = ("wvwzzz1kzaw 000779", "KX 1", "Corolla TS", "2014", "2019-03-15")
        result = self._import("dealer.vehicle", self.VEHICLE_COLUMNS, [row])
        vehicle = self.env["dealer.vehicle"].browse(result["ids"])
        self.assertEqual(vehicle.vin, "WVWZZZ1KZAW000779")
        row = ("Chan Siu Ming", "siu.ming@example.com", "+852 6123 0000", "2024-01-31")
        result = self._import("res.partner", self.CUSTOMER_COLUMNS, [row])
        self.assertEqual(self.env["res.partner"].browse(result["ids"]).name, "Chan Siu Ming")

    @IMPORTS
    @given(
        st.lists(
            st.tuples(
                VINS.map(str),
                TYPED,
                st.one_of(TYPED, st.just("Corolla TS")),
                st.one_of(TYPED, NUMBERS.map(str)),
                DATES.map(str),
            ),
            min_size=1,
            max_size=3,
        )
    )
    @example(rows=[("WVWZZZ1KZAW000780", "KX\x002", "Corolla TS", "1e300", "2019-02-30")])
    def test_any_vehicle_file_imports_valid_rows_or_none(self, rows):
        def check(result):
            for vehicle in self.env["dealer.vehicle"].browse(result["ids"]):
                self.assertIsNone(vin_problem(vehicle.vin))

        self._attempt(lambda: self._import("dealer.vehicle", self.VEHICLE_COLUMNS, rows), check)

    @IMPORTS
    @given(st.lists(st.tuples(TYPED, TYPED, TYPED, DATES.map(str)), min_size=1, max_size=3))
    @example(rows=[("Tai\x00Man", "x@example.com", "0" * 40, "31/01/2024")])
    def test_any_customer_file_imports_valid_rows_or_none(self, rows):
        self._attempt(lambda: self._import("res.partner", self.CUSTOMER_COLUMNS, rows))
