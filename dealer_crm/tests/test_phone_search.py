# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestPhoneSearch(DealerCrmCase):
    """Issue 23, case 5: a vehicle is found by its owner's phone, however typed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.hk")
        Partner = cls.env["res.partner"]
        cls.owner_phone = Partner.create({"name": "Owner By Phone", "phone": "+852 9123 4567"})
        # the inbound tests need a number nobody else has (the demo's and the common
        # customer's phone is the issue's +852 9123 4567)
        cls.caller = Partner.create({"name": "Caller", "phone": "+852 (9876) 5432"})
        # a mobile typed without its country, on a contact without a country
        cls.owner_mobile = Partner.create({"name": "Owner By Mobile", "mobile": "6123 4567"})
        cls.vehicle_phone = cls._create_vehicle(
            vin="WVWZZZ1KZAW000001", license_plate="HK 1", owner_id=cls.owner_phone.id
        )
        cls.vehicle_mobile = cls._create_vehicle(
            vin="1M8GDM9AXKP042788", license_plate="HK 2", owner_id=cls.owner_mobile.id
        )

    def _found(self, typed, user=None):
        Vehicle = self.env["dealer.vehicle"].with_user(user or self.user_service)
        found = Vehicle.browse([vid for vid, _name in Vehicle.name_search(typed)])
        return found & (self.vehicle_phone | self.vehicle_mobile)

    def test_every_form_of_the_phone_finds_its_owner_only(self):
        for typed in (
            "00852 9123 4567",
            "(852) 9123-4567",
            "+852 9123 4567",
            "+85291234567",
            "91234567",
            "9123-4567",
        ):
            self.assertEqual(self._found(typed), self.vehicle_phone, typed)

    def test_a_mobile_without_country_is_found_in_every_form(self):
        for typed in (
            "61234567",
            "6123 4567",
            "+852 6123 4567",
            "00852 6123-4567",
            "(852) 61234567",
        ):
            self.assertEqual(self._found(typed), self.vehicle_mobile, typed)

    def test_phone_and_mobile_are_both_searched(self):
        # Odoo sanitises only the first of mobile and phone: the other is found too
        self.owner_mobile.phone = "2345 6789"
        self.assertEqual(self.owner_mobile.phone_sanitized, "+85261234567")
        self.assertEqual(self._found("+852 2345 6789"), self.vehicle_mobile)

    def test_numbers_stored_before_the_company_had_its_country(self):
        self.company.country_id = self.env.ref("base.us")
        late = self.env["res.partner"].create({"name": "Late Owner", "mobile": "5123 4567"})
        vehicle = self._create_vehicle(
            vin="WVWZZZ1KZAW000002", license_plate="HK 3", owner_id=late.id
        )
        self.company.country_id = self.env.ref("base.hk")
        Vehicle = self.env["dealer.vehicle"]
        self.assertIn(vehicle.id, [v for v, _n in Vehicle.name_search("+852 5123 4567")])

    def test_another_country_with_the_same_digits_is_not_found(self):
        self.assertFalse(self._found("+65 9123 4567"))
        self.assertFalse(self._found("+1 415 555 2671"))

    def test_as_the_same_as_odoo_contact_search(self):
        Partner = self.env["res.partner"]
        for typed in ("00852 9123 4567", "(852) 9123-4567", "61234567"):
            core = Partner.search([("phone_mobile_search", "ilike", typed)])
            ours = Partner.search(Partner._dealer_phone_domain(typed))
            self.assertEqual(
                ours & (self.owner_phone | self.owner_mobile),
                core & (self.owner_phone | self.owner_mobile),
                typed,
            )

    def test_a_number_of_another_country_is_found_as_typed(self):
        """In a US company (the demo's), a Hong Kong number is no valid US number: it is
        matched on its digits, as Odoo's contact search matches it. In Hong Kong, a US
        number typed without its country is found the same way."""
        self.company.country_id = self.env.ref("base.us")
        self.assertEqual(self._found("(852) 9123-4567"), self.vehicle_phone)
        self.assertEqual(self._found("61234567"), self.vehicle_mobile)
        self.assertEqual(self._found("00852 9123 4567"), self.vehicle_phone)
        # a landline stored without its country, on a contact of that country
        self.owner_mobile.write({"phone": "2345 6789", "country_id": self.env.ref("base.hk").id})
        self.assertEqual(self._found("+852 2345 6789"), self.vehicle_mobile)
        self.company.country_id = self.env.ref("base.hk")
        american = self.env["res.partner"].create({"name": "Visitor", "phone": "(415) 555-0123"})
        vehicle = self._create_vehicle(
            vin="WVWZZZ1KZAW000003", license_plate="HK 4", owner_id=american.id
        )
        for typed in ("415-555-0123", "4155550123", "(415) 555 0123"):
            found = self.env["dealer.vehicle"].name_search(typed)
            self.assertIn(vehicle.id, [v for v, _n in found], typed)

    def test_what_is_no_number_matches_nobody(self):
        Partner = self.env["res.partner"]
        for typed in ("", "Chan", "12", "AB 1234"):
            self.assertFalse(Partner.search(Partner._dealer_phone_domain(typed)), typed)
        # a partial number still finds by the typed digits, as before
        self.assertEqual(self._found("9123 45"), self.vehicle_phone)
        # punctuation alone, or two digits, is no VIN, plate or number of anyone
        for typed in ("--", ".", "+", "12", "(  )"):
            self.assertFalse(self._found(typed), typed)

    # Inbound calls and messages -------------------------------------------------
    def _log(self, number, user=None, **vals):
        return (
            self.env["dealer.interaction"]
            .with_user(user or self.user_service)
            .create(
                {
                    "phone_number": number,
                    "channel": "phone",
                    "direction": "inbound",
                    "subject": "Called about the brakes",
                    **vals,
                }
            )
        )

    def test_an_inbound_call_is_logged_on_the_customer_of_the_number(self):
        for number, owner in (
            ("00852 9876 5432", self.caller),
            ("(852) 9876-5432", self.caller),
            ("98765432", self.caller),
            ("+852 6123 4567", self.owner_mobile),
            ("61234567", self.owner_mobile),
        ):
            self.assertEqual(self._log(number).partner_id, owner, number)
        sms = self._log("+85261234567", channel="sms")
        self.assertEqual(sms.partner_id, self.owner_mobile)

    def test_the_number_fills_the_customer_on_the_form(self):
        form = Form(self.env["dealer.interaction"].with_user(self.user_relations))
        form.phone_number = "(852) 9876-5432"
        self.assertEqual(form.partner_id, self.caller)
        form.subject = "Asked for a call back"
        self.assertEqual(form.save().partner_id, self.caller)

    def test_an_unknown_or_shared_number_asks_for_the_customer(self):
        with self.assertRaisesRegex(UserError, "No customer has the number"):
            self._log("+852 5555 0000")
        self.env["res.partner"].create({"name": "Same Line", "mobile": "9876 5432"})
        with self.assertRaisesRegex(UserError, "Several customers"):
            self._log("98765432")
        # a customer chosen by hand is kept, whatever the number
        logged = self._log("98765432", partner_id=self.owner_mobile.id)
        self.assertEqual(logged.partner_id, self.owner_mobile)

    def test_a_number_finds_only_contacts_the_user_may_see(self):
        other = self._create_company("Other Dealer")
        self.env["res.partner"].create(
            {"name": "Other Company Customer", "phone": "+852 2800 0000", "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "No customer has the number"):
            self._log("2800 0000")

    def test_erasure_finds_sms_copies_by_every_number_form(self):
        # Odoo sanitises the mobile only: an SMS sent to the phone carries its E.164
        self.owner_mobile.phone = "2345 6789"
        sms = self.env["sms.sms"].create({"number": "+85223456789", "body": "Your car is ready"})
        self.env["dealer.personal.data"]._anonymize(self.owner_mobile)
        self.assertFalse(sms.exists())
