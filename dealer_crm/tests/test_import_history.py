# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import file_open

from .common import DealerCrmCase

#: The options the import screen sends for a comma-separated file with ISO dates.
OPTIONS = {
    "has_headers": True,
    "quoting": '"',
    "separator": ",",
    "encoding": "utf-8",
    "date_format": "%Y-%m-%d",
    "datetime_format": "%Y-%m-%d %H:%M:%S",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
}

#: The shipped templates, in the order a dealer imports them (later files name the
#: records of earlier ones by their External ID).
TEMPLATES = [
    ("res.partner", "res_partner_dealer.csv"),
    ("dealer.vehicle", "dealer_vehicle.csv"),
    ("dealer.vehicle.ownership", "dealer_vehicle_ownership.csv"),
    ("dealer.vehicle.odometer", "dealer_vehicle_odometer.csv"),
    ("dealer.service.record", "dealer_service_record.csv"),
    ("dealer.interaction", "dealer_interaction.csv"),
    ("dealer.consent", "dealer_consent.csv"),
]

# A dealer's old system, awkward as such exports are: a VIN typed in lower case with
# spaces, a vehicle counted in miles, two earlier owners, a visit years ago.
CUSTOMERS = b"""External ID,Name,Email,Phone,Customer Type,Preferred Channel,Details Verified On
old_cust_1,  Arthur Penhaligon ,ARTHUR.P@example.com,+44 7700 900001,Regular customer,\
Email,2019-02-01
old_cust_2,Brenda Okafor,brenda@example.com,,regular,phone,
old_cust_3,Chen Jia Hui,chen.jh@example.com,+852 6123 4567,Regular customer,SMS,2024-01-31
"""
VEHICLES = b"""External ID,VIN,License Plate,Model,Model Year,Odometer Unit,Owner/External ID,\
Purchase Date
old_veh_1,wf0x xxgc dx1 000001,AP08 XYZ,Golf 8,2008,mi,old_cust_3,2018-09-01
"""
EARLIER_OWNERS = b"""Vehicle/External ID,Owner/External ID,From,Until,How It Began
old_veh_1,old_cust_1,2008-04-01,2012-06-30,Sold by us
old_veh_1,old_cust_2,2012-06-30,2018-09-01,Transfer
"""
READINGS = b"""Vehicle/External ID,Date,Reading,Source
old_veh_1,2008-04-01,12,Sale
old_veh_1,2012-06-30,"41,250",Customer
old_veh_1,2018-09-01,"88,900",Customer
"""
VISITS = b"""External ID,Vehicle/External ID,Date,Odometer,Service Type,Work Done,Amount,State
old_visit_1,old_veh_1,2016-05-17,70100,Maintenance,60k service,900,Done
"""
INTERACTIONS = b"""Customer/External ID,Vehicle/External ID,Channel,Direction,Date,\
Staff Member,Subject,Outcome,Follow Up On
old_cust_2,old_veh_1,Phone,Inbound,2016-05-10 10:15:00,t_service,Booking the 60k service,\
Appointment booked,2016-05-20
"""
CONSENTS = b"""Customer/External ID,Purpose,Channel,State,Evidence Date,Source,Recorded By
old_cust_3,Service reminders,Email,Granted,2018-09-01,Signed form,t_relations
"""


@tagged("post_install", "-at_install")
class TestImportHistory(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a dealer scheme that earns on visits, and the survey sent after a visit
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._create_loyalty_program(
            "Import Club",
            dealer_rule_ids=[Command.create({"source": "service", "points_per_unit": 1})],
        )
        cls.assertTrue(
            cls.env["dealer.followup.step"].search_count([("trigger", "=", "service_done")]),
            "the follow-up steps after a visit are active",
        )

    # Import through base_import, as the Import button does ---------------------------
    def _import(self, model, content, user=None, dryrun=False):
        """Upload ``content``, take the columns the import screen proposes, and import."""
        wizard = (
            self.env["base_import.import"]
            .with_user(user or self.user_manager)
            # the real client context: no test shortcut silencing the chatter
            .with_context(tracking_disable=False, mail_create_nolog=False, mail_notrack=False)
            .create(
                {
                    "res_model": model,
                    "file": content,
                    "file_name": "history.csv",
                    "file_type": "text/csv",
                }
            )
        )
        preview = wizard.parse_preview(dict(OPTIONS))
        self.assertNotIn("error", preview, preview.get("error"))
        matches = preview["matches"] or {}
        fields_ = [
            "/".join(matches[i]) if i in matches else False for i in range(len(preview["headers"]))
        ]
        self.assertTrue(all(fields_), f"columns not recognised: {preview['headers']} -> {fields_}")
        return wizard.execute_import(fields_, preview["headers"], dict(OPTIONS), dryrun=dryrun)

    def _import_ok(self, model, content, user=None):
        result = self._import(model, content, user)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertFalse(errors, f"{model}: {errors}")
        self.assertTrue(result["ids"])
        return self.env[model].browse(result["ids"])

    def _xmlid(self, name):
        return self.env.ref(f"__import__.{name}")

    def _import_history(self):
        for model, content in (
            ("res.partner", CUSTOMERS),
            ("dealer.vehicle", VEHICLES),
            ("dealer.vehicle.ownership", EARLIER_OWNERS),
            ("dealer.vehicle.odometer", READINGS),
            ("dealer.service.record", VISITS),
            ("dealer.interaction", INTERACTIONS),
            ("dealer.consent", CONSENTS),
        ):
            self._import_ok(model, content)

    def test_imported_history_keeps_its_dates_and_owners(self):
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        first, second, current = (self._xmlid(f"old_cust_{i}") for i in (1, 2, 3))
        self.assertEqual(vehicle.vin, "WF0XXXGCDX1000001")
        self.assertEqual(vehicle.owner_id, current)
        lines = vehicle.ownership_ids.sorted("date_start")
        self.assertEqual(
            [(line.partner_id, line.date_start, line.date_end, line.origin) for line in lines],
            [
                (first, date(2008, 4, 1), date(2012, 6, 30), "sale"),
                (second, date(2012, 6, 30), date(2018, 9, 1), "transfer"),
                (current, date(2018, 9, 1), False, "register"),
            ],
            "the owners are dated with the imported dates, none with today",
        )
        # readings in miles, the visit's own reading in the log
        self.assertEqual(vehicle.odometer_unit, "miles")
        self.assertEqual(
            [(r.date, r.value) for r in vehicle.odometer_ids.sorted("date")],
            [
                (date(2008, 4, 1), 12),
                (date(2012, 6, 30), 41250),
                (date(2016, 5, 17), 70100),
                (date(2018, 9, 1), 88900),
            ],
        )
        self.assertEqual(vehicle.odometer, 88900)
        # the visit of 2016 stays with the owner of 2016
        visit = self._xmlid("old_visit_1")
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.partner_id, second)
        self.assertEqual(vehicle.last_service_date, date(2016, 5, 17))
        consent = current.dealer_consent_ids
        self.assertEqual((consent.state, consent.date), ("granted", date(2018, 9, 1)))
        interaction = second.dealer_interaction_ids
        self.assertEqual(interaction.subject, "Booking the 60k service")

    def test_importing_history_does_not_do_the_work_again(self):
        mails_before = self.env["mail.mail"].search([]).ids
        sms_before = self.env["sms.sms"].search([]).ids
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        visit = self._xmlid("old_visit_1")
        customers = vehicle.ownership_ids.partner_id
        # no points for a visit of 2016, no tier discount taken off its amount
        self.assertFalse(self.env["loyalty.card"].search([("partner_id", "in", customers.ids)]))
        self.assertEqual(visit.amount, 900)
        self.assertFalse(visit.dealer_tier_discount)
        # no follow-up: not after the visit, not after the sale of 2008, not for the call
        Activity = self.env["mail.activity"]
        for record in (visit, vehicle, customers.dealer_interaction_ids):
            self.assertFalse(
                Activity.search([("res_model", "=", record._name), ("res_id", "in", record.ids)]),
                record._name,
            )
        # no survey, no email, no SMS, no message to any customer
        self.assertFalse(
            self.env["survey.user_input"].search([("dealer_service_record_id", "=", visit.id)])
        )
        self.assertEqual(self.env["mail.mail"].search([]).ids, mails_before)
        self.assertEqual(self.env["sms.sms"].search([]).ids, sms_before)
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    "|",
                    ("partner_ids", "in", customers.ids),
                    "&",
                    ("model", "in", ("dealer.vehicle", "dealer.service.record")),
                    ("message_type", "in", ("email", "comment", "sms")),
                ]
            )
        )
        # nothing noted on the records either (a survey refused for want of consent...)
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "dealer.vehicle"),
                ("res_id", "=", vehicle.id),
                "&",
                ("model", "=", "dealer.service.record"),
                ("res_id", "=", visit.id),
            ]
        )
        self.assertFalse(messages.filtered(lambda m: "not sent" in str(m.body)))
        # nor to the staff the imported rows name
        self.assertEqual(customers.dealer_interaction_ids.user_id, self.user_service)
        self.assertEqual(customers.dealer_consent_ids.user_id, self.user_relations)
        # the service reminder job does not replay the overdue history on the import day
        domain, _cutoff = self.env["dealer.service.reminder"]._reminder_domain()
        self.assertLess(vehicle.next_service_date, self._today())
        self.assertNotIn(vehicle, self.env["dealer.vehicle"].search(domain))

    def test_a_visit_done_today_still_earns_and_follows_up_even_when_imported(self):
        """import_file is no guard: it spares only what is history (dated before today)."""
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        today = self._today().isoformat()
        content = (
            "Vehicle/External ID,Date,Odometer,Service Type,Amount,State\n"
            f"old_veh_1,{today},90000,Maintenance,200,Done\n"
        ).encode()
        visit = self._import_ok("dealer.service.record", content, self.user_service)
        self.assertEqual(visit.partner_id, vehicle.owner_id)
        self.assertEqual(vehicle.owner_id.dealer_loyalty_points, 200)
        self.assertTrue(visit.activity_ids, "the follow-up after today's visit starts")

    def test_vehicle_with_its_earlier_owners_in_one_file(self):
        self._import_ok("res.partner", CUSTOMERS)
        content = b"""External ID,VIN,Model,Owner/External ID,Purchase Date,\
Ownership History/Owner/External ID,Ownership History/From,Ownership History/Until,\
Ownership History/How It Began
old_veh_9,WF0XXXGCDX1000009,Focus,old_cust_3,2020-05-05,old_cust_1,2011-01-01,2015-01-01,Sold by us
,,,,,old_cust_2,2015-01-01,2020-05-05,Transfer
"""
        vehicle = self._import_ok("dealer.vehicle", content)
        self.assertEqual(
            [
                (line.partner_id, line.date_start)
                for line in vehicle.ownership_ids.sorted("date_start")
            ],
            [
                (self._xmlid("old_cust_1"), date(2011, 1, 1)),
                (self._xmlid("old_cust_2"), date(2015, 1, 1)),
                (self._xmlid("old_cust_3"), date(2020, 5, 5)),
            ],
        )
        self.assertFalse(vehicle.activity_ids, "no after-sale follow-up for the sale of 2011")

    def test_visit_reimported_as_done_is_still_history(self):
        self._import_history()
        header = "External ID,Vehicle/External ID,Date,Amount,State\n"
        visit = self._import_ok(
            "dealer.service.record",
            (header + "old_visit_2,old_veh_1,2017-03-02,500,In Progress\n").encode(),
            self.user_service,
        )
        self._import_ok(
            "dealer.service.record",
            (header + "old_visit_2,old_veh_1,2017-03-02,500,Done\n").encode(),
            self.user_service,
        )
        self.assertEqual(visit.state, "done")
        self.assertFalse(visit.partner_id.dealer_loyalty_card_id)
        self.assertFalse(visit.activity_ids)

    def test_an_imported_interaction_to_follow_up_later_is_scheduled(self):
        self._import_history()
        later = (self._today() + timedelta(days=10)).isoformat()
        content = (
            "Customer/External ID,Channel,Date,Subject,Follow Up On\n"
            f"old_cust_3,Phone,2024-03-01 09:00:00,Call about the recall,{later}\n"
        ).encode()
        interaction = self._import_ok("dealer.interaction", content, self.user_sales)
        self.assertEqual(interaction.activity_ids.date_deadline, self._today() + timedelta(days=10))

    def test_reimported_owner_is_a_transfer_dated_with_the_purchase_date(self):
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        content = b"External ID,Owner/External ID,Purchase Date\nold_veh_1,old_cust_1,2023-03-01\n"
        self._import_ok("dealer.vehicle", content, self.user_sales)
        self.assertEqual(vehicle.owner_id, self._xmlid("old_cust_1"))
        lines = vehicle.ownership_ids.sorted("date_start")
        self.assertEqual(lines[-2].date_end, date(2023, 3, 1))
        self.assertEqual(lines[-1].date_start, date(2023, 3, 1))
        self.assertNotIn(self._today(), lines.mapped("date_start"))

    # Bad rows ------------------------------------------------------------------------
    def _assert_refused(self, result, row, *words):
        self.assertFalse(result["ids"], "nothing of a refused file is stored")
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        at_row = [m for m in errors if m.get("record") == row]
        self.assertTrue(at_row, f"no error reported at row {row}: {errors}")
        for word in words:
            self.assertIn(word, at_row[0]["message"])

    def test_refused_readings_file_stores_nothing(self):
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        before = vehicle.odometer_ids
        # a good row, then a back-dated reading higher than the later ones
        content = b"""Vehicle/External ID,Date,Reading,Source
old_veh_1,2020-01-15,95000,Customer
old_veh_1,2010-03-01,60000,Customer
"""
        for dryrun in (True, False):
            result = self._import("dealer.vehicle.odometer", content, dryrun=dryrun)
            self._assert_refused(result, 1, vehicle.display_name, "2010-03-01", "2012-06-30")
            self.env.invalidate_all()
            self.assertEqual(vehicle.odometer_ids, before)
        # a reading dated tomorrow
        tomorrow = (self._today() + timedelta(days=1)).isoformat()
        content = f"Vehicle/External ID,Date,Reading\nold_veh_1,{tomorrow},99000\n".encode()
        result = self._import("dealer.vehicle.odometer", content)
        self._assert_refused(result, 0, vehicle.display_name, tomorrow, "future")
        self.env.invalidate_all()
        self.assertEqual(vehicle.odometer_ids, before)
        self.assertEqual(vehicle.odometer, 88900)

    def test_refused_vehicles_file_stores_no_vehicle_owner_or_customer(self):
        partners = self.env["res.partner"].search_count([])
        content = b"""VIN,Model,Owner,Purchase Date
WF0XXXGCDX1000002,Golf 8,Chan Tai Man,2015-01-01
WF0XXXGCDX10000O3,Golf 8,Chan Tai Man,2016-01-01
"""
        result = self._import("dealer.vehicle", content)
        self._assert_refused(result, 1, "Character 16")
        self.assertFalse(
            self.env["dealer.vehicle"].search([("vin", "like", "WF0XXXGCDX10000")]),
            "the good row of a refused file is not stored either",
        )
        self.assertFalse(self.customer.dealer_vehicle_ownership_ids)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_earlier_owner_overlapping_or_without_end_refused(self):
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        content = b"""Vehicle/External ID,Owner,From,Until,How It Began
old_veh_1,Chan Tai Man,2017-01-01,2019-01-01,Transfer
"""
        self._assert_refused(self._import("dealer.vehicle.ownership", content), 0, "overlaps")
        content = b"""Vehicle/External ID,Owner,From,How It Began
old_veh_1,Chan Tai Man,2001-01-01,Transfer
"""
        self._assert_refused(
            self._import("dealer.vehicle.ownership", content), 0, "already has a current owner"
        )
        self.assertEqual(len(vehicle.ownership_ids), 3)

    def test_import_context_bypasses_no_rule(self):
        """What a client may send over RPC with import_file=True."""
        self._import_history()
        vehicle = self._xmlid("old_veh_1")
        Reading = self.env["dealer.vehicle.odometer"].with_context(import_file=True)
        with self.assertRaises(ValidationError):
            Reading.with_user(self.user_service).create(
                {"vehicle_id": vehicle.id, "date": "2011-01-01", "value": 50000}
            )
        # earlier owners stay read-only to the departments
        with self.assertRaises(AccessError):
            self.env["dealer.vehicle.ownership"].with_user(self.user_sales).with_context(
                import_file=True
            ).create(
                {
                    "vehicle_id": vehicle.id,
                    "partner_id": self.customer.id,
                    "date_start": "2000-01-01",
                    "date_end": "2001-01-01",
                    "origin": "transfer",
                }
            )
        # nor is the points ledger written by an import
        card = self.program._dealer_card(self.customer)
        with self.assertRaises(AccessError):
            self.env["loyalty.history"].with_user(self.user_manager).with_context(
                import_file=True
            ).create({"card_id": card.id, "description": "Old points", "issued": 5000})
        self.assertEqual(card.points, 0)
        # a visit dated today earns its points whatever the context says
        visit = (
            self.env["dealer.service.record"]
            .with_user(self.user_service)
            .with_context(import_file=True)
            .create(
                {
                    "vehicle_id": vehicle.id,
                    "date": self._today(),
                    "amount": 300,
                    "state": "done",
                }
            )
        )
        self.assertEqual(visit.partner_id.dealer_loyalty_points, 300)

    # The shipped templates -----------------------------------------------------------
    def test_templates_are_offered_and_import_cleanly(self):
        for model, filename in TEMPLATES:
            with self.subTest(model=model):
                templates = self.env[model].get_import_templates()
                path = f"/dealer_crm/static/xls/{filename}"
                self.assertIn(path, [t["template"] for t in templates])
                with file_open(f"dealer_crm/static/xls/{filename}", "rb") as template:
                    content = template.read()
                rows = len(content.decode().strip().splitlines()) - 1
                result = self._import(model, content, dryrun=True)
                self.assertFalse(result["messages"], result["messages"])
                self.assertFalse(self.env[model].browse(result["ids"]).exists())
                result = self._import(model, content)
                self.assertFalse(result["messages"], result["messages"])
                self.assertEqual(len(result["ids"]), rows)
        # managers find Import on the Ownership History list; departments may not create
        view = self.env.ref("dealer_crm.dealer_vehicle_ownership_view_list")
        for user, can_import in ((self.user_manager, True), (self.user_sales, False)):
            arch = (
                self.env["dealer.vehicle.ownership"]
                .with_user(user)
                .get_views([(view.id, "list")])["views"]["list"]["arch"]
            )
            self.assertEqual('create="False"' not in arch, can_import, user.login)
        self.assertIn(
            "/base/static/xls/res_partner.xlsx",
            [t["template"] for t in self.env["res.partner"].get_import_templates()],
            "core's customer template is still offered",
        )


@tagged("post_install", "-at_install")
class TestOdometerReadings(DealerCrmCase):
    """Readings never go down in date order and are never in the future, for any input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id, purchase_date=date(2020, 1, 1))

    def _read(self, value, when, user=None, **vals):
        return (
            self.env["dealer.vehicle.odometer"]
            .with_user(user or self.user_service)
            .create({"vehicle_id": self.vehicle.id, "value": value, "date": when, **vals})
        )

    def test_future_reading_refused(self):
        tomorrow = self._today() + timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "future") as caught:
            self._read(1000, tomorrow)
        self.assertIn(self.vehicle.display_name, str(caught.exception))
        self.assertIn(tomorrow.isoformat(), str(caught.exception))
        self.assertEqual(self._read(1000, self._today()).value, 1000)

    def test_backdated_reading_higher_than_a_later_one_refused(self):
        self._read(10000, date(2021, 1, 1))
        self._read(20000, date(2023, 1, 1))
        with self.assertRaises(ValidationError) as caught:
            self._read(25000, date(2022, 1, 1))
        message = str(caught.exception)
        for part in (self.vehicle.display_name, "2022-01-01", "25,000", "2023-01-01", "20,000"):
            self.assertIn(part, message)
        # moving a reading back in time is refused the same way
        latest = self._read(30000, date(2024, 1, 1))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            latest.date = date(2022, 6, 1)
        self.env.invalidate_all()
        self.assertEqual(self.vehicle.odometer, 30000)

    def test_equal_readings_allowed(self):
        self._read(10000, date(2021, 1, 1))
        self._read(10000, date(2021, 1, 1))
        self._read(10000, date(2022, 1, 1))
        self.assertEqual(len(self.vehicle.odometer_ids), 3)

    def test_readings_after_a_new_meter_follow_the_new_meter(self):
        self._read(90000, date(2021, 1, 1))
        self._read(50, date(2022, 1, 1), lower_reason="meter_replaced")
        self._read(8000, date(2023, 1, 1))
        with self.assertRaisesRegex(ValidationError, "lower than the reading of 8,000"):
            with self.cr.savepoint():
                self._read(7000, date(2023, 6, 1))
        self.assertEqual(self.vehicle.odometer, 8000)

    def test_reading_in_another_unit_refused_and_vehicle_unit_kept(self):
        self.vehicle.odometer_unit = "miles"
        with self.assertRaisesRegex(ValidationError, "counts in mi"):
            self._read(1000, date(2021, 1, 1), unit="kilometers")
        reading = self._read(1000, date(2021, 1, 1), unit="miles")
        self.assertEqual((reading.value, reading.unit), (1000, "miles"))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            reading.write({"unit": "kilometers"})
        self.assertEqual(self.vehicle.odometer_unit, "miles")

    def test_visit_reading_follows_the_same_rules(self):
        self._read(40000, date(2023, 1, 1))
        with self.assertRaisesRegex(ValidationError, "lower than the reading of 40,000"):
            self.env["dealer.service.record"].with_user(self.user_service).create(
                {"vehicle_id": self.vehicle.id, "date": date(2023, 6, 1), "odometer": 30000}
            )
