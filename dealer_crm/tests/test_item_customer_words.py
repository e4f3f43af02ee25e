# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a watch retailer's customers and exports read (issue 32): watches, not vehicles.

The service-delay and day-before booking messages (mail and SMS), the letter of thanks,
the customer portal and the XLSX exports, rendered for a watch and for a vehicle: the
watch's name no plate, VIN, odometer or distance and print no empty "()"; the vehicle's
read as before.
"""

import io
import re
from datetime import timedelta

import openpyxl
from lxml import html as lxml_html

from odoo import Command
from odoo.fields import Datetime
from odoo.tests import tagged

from .common import DealerCrmCase, load_migration
from .ui_common import DealerHttpCase

#: what a watch's customer or a watch retailer's export never reads
VEHICLE_WORDS = re.compile(r"vehicle|\bplate\b|\bVIN\b|odometer|\bkm\b|\(\s*\)", re.IGNORECASE)


class ItemWordsMixin:
    @classmethod
    def _setup_items(cls):
        cls.watch_co = cls._create_company("Words Watch Co", dealer_item_kinds="watch")
        cls.watch_manager = cls._create_user(
            "t_words_watch_manager", "dealer_crm.group_manager", cls.watch_co
        )
        cls.car_manager = cls._create_user("t_words_car_manager", "dealer_crm.group_manager")
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Words Horlogerie"})
        cls.reference = cls.env["fleet.vehicle.model"].create(
            {"name": "HydroWords", "brand_id": brand.id, "vehicle_type": "watch"}
        )
        Partner = cls.env["res.partner"]
        cls.watch_customer = Partner.create(
            {"name": "Ng Watch Words", "email": "ng@example.com", "mobile": "+85261110001"}
        )
        cls.car_customer = Partner.create(
            {"name": "Lee Car Words", "email": "lee@example.com", "mobile": "+85261110002"}
        )
        cls.watch = cls._create_watch(cls.watch_customer, "SN-WORDS-1")
        cls.car = cls._create_vehicle(owner_id=cls.car_customer.id, license_plate="WD 4242")

    @classmethod
    def _create_watch(cls, owner, serial):
        return (
            cls.env["dealer.vehicle"]
            .with_company(cls.watch_co)
            .create(
                {
                    "item_kind": "watch",
                    "serial_number": serial,
                    "warranty_card": "WC-" + serial,
                    "model_id": cls.reference.id,
                    "owner_id": owner.id,
                    "company_id": cls.watch_co.id,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestItemCustomerMessages(ItemWordsMixin, DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_items()
        promised = Datetime.now() + timedelta(hours=3)
        cls.watch_visit = cls._create_visit(
            cls.watch, company_id=cls.watch_co.id, dealer_promised_ready=promised
        )
        cls.car_visit = cls._create_visit(cls.car, dealer_promised_ready=promised)

    def _render(self, xmlid, field, record):
        return str(self.env.ref(xmlid)._render_field(field, record.ids)[record.id])

    def _assert_watch_words(self, text):
        self.assertNotRegex(text, VEHICLE_WORDS)
        self.assertIn("HydroWords", text)

    def test_service_delay_names_the_watch_by_its_serial(self):
        for xmlid, field in (
            ("dealer_crm.sms_template_service_delay", "body"),
            ("dealer_crm.mail_template_service_delay", "body_html"),
        ):
            with self.subTest(xmlid):
                text = self._render(xmlid, field, self.watch_visit)
                self._assert_watch_words(text)
                self.assertIn("(SN-WORDS-1)", text)
                # the vehicle's reads as before: its plate in brackets
                self.assertIn("(WD 4242)", self._render(xmlid, field, self.car_visit))

    def test_booking_day_before_names_the_watch_by_its_serial(self):
        booking_type = self._create_reminder_booking_type()
        watch_booking = self._create_booking(booking_type, self.watch_customer, self.watch)
        car_booking = self._create_booking(
            booking_type, self.car_customer, self.car, start=self._workshop_slot(days=2)
        )
        for xmlid, field in (
            ("dealer_crm.sms_template_booking_day_before", "body"),
            ("dealer_crm.mail_template_booking_day_before", "body_html"),
        ):
            with self.subTest(xmlid):
                text = self._render(xmlid, field, watch_booking)
                self._assert_watch_words(text)
                self.assertIn("(SN-WORDS-1)", text)
                self.assertIn("(WD 4242)", self._render(xmlid, field, car_booking))

    def test_thanks_letter_looks_after_the_watch(self):
        def letter(partner, item):
            action = self.env["dealer.loyalty.action"].create(
                {"partner_id": partner.id, "kind": "thanks_letter", "vehicle_id": item.id}
            )
            content, _kind = self.env["ir.actions.report"]._render_qweb_html(
                "dealer_crm.report_thanks_letter", action.ids
            )
            return " ".join(content.decode().split())

        text = letter(self.watch_customer, self.watch)
        self.assertIn("looking after you and your watch", text)
        self.assertNotIn("vehicle", text.lower())
        self.assertIn("looking after you and your vehicle", letter(self.car_customer, self.car))

    def test_templates_worded_as_shipped_are_upgraded(self):
        """The 1.10 migration rewords the templates still worded as shipped until 1.9, and
        leaves a dealer's own wording alone."""
        migration = load_migration("18.0.1.10.0", topic="item-words")
        delay_sms = self.env.ref("dealer_crm.sms_template_service_delay")
        delay_mail = self.env.ref("dealer_crm.mail_template_service_delay")
        booking_sms = self.env.ref("dealer_crm.sms_template_booking_day_before")
        booking_mail = self.env.ref("dealer_crm.mail_template_booking_day_before")
        delay_sms.body = "{{ object.company_id.name }}: your {{ object.vehicle_id.model_id.name }}"
        delay_sms.body += migration.DELAY_SMS_OLD + " will be ready later."
        delay_mail.body_html = f"<div><p>Your car {migration.DELAY_MAIL_OLD} is late.</p></div>"
        booking_sms.body = "Your {{ object.dealer_vehicle_id.model_id.name or '' }}"
        booking_sms.body += migration.BOOKING_SMS_OLD + " is booked."
        own = (
            '<div><p>Our own words (<t t-out="object.dealer_vehicle_id.license_plate"/>)</p></div>'
        )
        booking_mail.body_html = own
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.9.0")
        self.env.invalidate_all()
        self.assertIn(migration.DELAY_SMS_NEW, delay_sms.body)
        self.assertIn("serial_number", delay_mail.body_html)
        self.assertIn(migration.BOOKING_SMS_NEW, booking_sms.body)
        self.assertNotIn("serial_number", booking_mail.body_html, "the dealer's own wording")
        text = self._render("dealer_crm.sms_template_service_delay", "body", self.watch_visit)
        self.assertIn("your HydroWords (SN-WORDS-1) will be ready later.", text)
        car_text = self._render("dealer_crm.sms_template_service_delay", "body", self.car_visit)
        self.assertIn(" (WD 4242) will be ready later.", car_text)
        self.assertIn(
            "Your car",
            self._render("dealer_crm.mail_template_service_delay", "body_html", self.car_visit),
        )


@tagged("post_install", "-at_install")
class TestItemXlsxWords(ItemWordsMixin, DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_items()

    def _sheet(self, report, records, user):
        content, _kind = self.env["ir.actions.report"].with_user(user)._render(report, records.ids)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        return rows[0], rows[1:]

    def test_call_list_of_a_watch_retailer(self):
        headers, rows = self._sheet(
            "dealer_crm.dealer_vehicle_call_list_report", self.watch, self.watch_manager
        )
        self.assertEqual(
            headers,
            [
                "Customer",
                "Phone",
                "Mobile",
                "Email",
                "Watch",
                "Serial Number",
                "Last Service",
                "Next Service",
                "Status",
                "May Call",
            ],
        )
        self.assertEqual(rows[0][0], "Ng Watch Words")
        self.assertEqual(rows[0][5], "SN-WORDS-1")
        for value in headers + rows[0]:
            self.assertNotRegex(str(value or ""), VEHICLE_WORDS)

    def test_call_list_of_a_vehicle_dealer_is_unchanged(self):
        headers, rows = self._sheet(
            "dealer_crm.dealer_vehicle_call_list_report", self.car, self.car_manager
        )
        self.assertEqual(
            headers,
            [
                "Customer",
                "Phone",
                "Mobile",
                "Email",
                "Vehicle",
                "Plate",
                "VIN",
                "Odometer",
                "Last Service",
                "Next Service",
                "Due At (Distance)",
                "Status",
                "May Call",
                "Distance Unit",
            ],
        )
        self.assertEqual(rows[0][5:7], ["WD 4242", self.car.vin])
        self.assertEqual(rows[0][-1], "km")

    def test_a_manager_of_both_companies_prints_the_vehicle_dealers_lists_unchanged(self):
        """A manager who also belongs to a watch retailer (as the superuser does once the
        demo retailer exists) prints the vehicle dealer's lists with its own columns:
        the columns follow the items listed and the company printed, not the user's
        other companies."""
        self.car_manager.write({"company_ids": [Command.link(self.watch_co.id)]})
        self.assertTrue(self.car_manager.has_group("dealer_crm.group_item_watch"))
        headers, _rows = self._sheet(
            "dealer_crm.dealer_vehicle_call_list_report", self.car, self.car_manager
        )
        self.assertNotIn("Serial Number", headers)
        self.assertEqual(headers[5:8], ["Plate", "VIN", "Odometer"])
        headers, _rows = self._sheet(
            "dealer_crm.customer_register_xlsx", self.car_customer, self.car_manager
        )
        self.assertEqual(headers[-1], "Vehicles")

    def test_call_list_of_a_company_selling_both_leaves_a_watch_vehicle_cells_empty(self):
        self.watch_co.dealer_item_kinds = "both"
        both_manager = self._create_user(
            "t_words_both_manager", "dealer_crm.group_manager", self.watch_co
        )
        headers, rows = self._sheet(
            "dealer_crm.dealer_vehicle_call_list_report", self.watch, both_manager
        )
        self.assertIn("Serial Number", headers)
        self.assertIn("Plate", headers)
        row = dict(zip(headers, rows[0], strict=True))
        self.assertEqual(row["Serial Number"], "SN-WORDS-1")
        for column in ("Plate", "VIN", "Odometer", "Due At (Distance)", "Distance Unit"):
            self.assertIsNone(row[column], column)

    def test_customer_register_counts_watches(self):
        headers, rows = self._sheet(
            "dealer_crm.customer_register_xlsx", self.watch_customer, self.watch_manager
        )
        self.assertEqual(headers[-1], "Watches")
        self.assertEqual(rows[0][-1], 1)
        self.assertNotRegex(" ".join(headers), VEHICLE_WORDS)
        headers, rows = self._sheet(
            "dealer_crm.customer_register_xlsx", self.car_customer, self.car_manager
        )
        self.assertEqual(headers[-1], "Vehicles")
        self.assertEqual(rows[0][-1], 1)


@tagged("post_install", "-at_install")
class TestItemPortalWords(ItemWordsMixin, DealerHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_items()
        cls._create_visit(cls.watch, company_id=cls.watch_co.id, service_type="maintenance")
        cls._create_portal_user(cls.watch_customer, "t_words_portal_watch")
        cls._create_portal_user(cls.car_customer, "t_words_portal_car")
        cls.both_customer = cls.env["res.partner"].create({"name": "Both Words"})
        cls.both_watch = cls._create_watch(cls.both_customer, "SN-WORDS-2")
        cls.both_car = cls._create_vehicle(
            vin=cls._recall_vin(7), owner_id=cls.both_customer.id, license_plate="WD 77"
        )
        cls._create_portal_user(cls.both_customer, "t_words_portal_both")

    def _text(self, url):
        """The words a customer reads on ``url`` (no markup, scripts nor styles)."""
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        tree = lxml_html.fromstring(page.text)
        for node in tree.xpath("//script|//style|//head"):
            node.drop_tree()
        return " ".join(tree.text_content().split())

    def test_a_watch_customer_reads_of_watches(self):
        self.authenticate("t_words_portal_watch", "t_words_portal_watch")
        home = self._text("/my")
        self.assertIn("My Watches", home)
        self.assertIn("Your watches, their service history and what is due", home)
        listing = self._text("/my/vehicles")
        self.assertIn("My Watches", listing)
        self.assertIn("SN-WORDS-1", listing)
        self.assertIn("Serial Number", listing)
        personal = self._text("/my/personal_data")
        self.assertIn("your contact details, your watches, visits", personal)
        page = self._text(f"/my/vehicles/{self.watch.id}")
        self.assertIn("Serial number: SN-WORDS-1", page)
        self.assertIn("Warranty card: WC-SN-WORDS-1", page)
        self.assertIn("Service history", page)
        for text in (home, listing, personal, page):
            self.assertNotRegex(text, VEHICLE_WORDS)
            self.assertNotIn("recall", text.lower())

    def test_a_vehicle_customer_reads_as_before(self):
        self.authenticate("t_words_portal_car", "t_words_portal_car")
        self.assertIn(
            "Your vehicles, their service history, what is due and open recalls",
            self._text("/my"),
        )
        listing = self._text("/my/vehicles")
        for word in ("My Vehicles", "Vehicle", "Plate", "VIN", "Open Recalls", "WD 4242"):
            self.assertIn(word, listing)
        self.assertNotIn("Serial Number", listing)
        page = self._text(f"/my/vehicles/{self.car.id}")
        self.assertIn(f"VIN: {self.car.vin}", page)
        self.assertIn("No open recall for this vehicle.", page)
        self.assertNotIn("Serial number", page)

    def test_a_customer_of_both_kinds_reads_of_items(self):
        self.authenticate("t_words_portal_both", "t_words_portal_both")
        listing = self._text("/my/vehicles")
        self.assertIn("My Items", listing)
        for word in ("SN-WORDS-2", "WD 77", "Serial Number", "Plate", "VIN"):
            self.assertIn(word, listing)
        # each item's own page speaks of its kind
        watch_page = self._text(f"/my/vehicles/{self.both_watch.id}")
        self.assertIn("Serial number: SN-WORDS-2", watch_page)
        self.assertNotIn("VIN", watch_page)
        self.assertIn("VIN:", self._text(f"/my/vehicles/{self.both_car.id}"))
        # another customer's watch is not found
        self.assertEqual(self.url_open(f"/my/vehicles/{self.watch.id}").status_code, 404)
