# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 29: the customer's bookings on the portal. Book (a pending booking of one of
their own vehicles, for a workshop type of its company), Reschedule and Cancel
(resource_booking's own pages), tried as a portal user with a second customer's ids."""

import re
from datetime import timedelta
from urllib.parse import quote

from odoo.exceptions import UserError
from odoo.tests import tagged

from .ui_common import DealerHttpCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestBookingPortal(DealerHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["resource.booking.type"].search([("dealer_service_type", "!=", False)]).write(
            {"active": False}
        )
        cls.maintenance = cls._create_reminder_booking_type("maintenance")
        cls.alice = cls._create_user("t_portal_alice", "base.group_portal", password="alice-pw1")
        cls.bob = cls._create_user("t_portal_bob", "base.group_portal", password="bob-pw12")
        cls.car_alice = cls._create_vehicle(
            vin=cls._recall_vin(101), license_plate="ALICE 1", owner_id=cls.alice.partner_id.id
        )
        cls.car_bob = cls._create_vehicle(
            vin=cls._recall_vin(102), license_plate="BOB 2", owner_id=cls.bob.partner_id.id
        )
        cls.company_b = cls._create_company("Dealer B")
        cls.type_b = cls._create_reminder_booking_type("repair", cls.company_b)
        Booking = cls.env["resource.booking"]
        cls.booking_bob = Booking._dealer_pending_bookings([(cls.car_bob, cls.maintenance)])[
            cls.car_bob
        ]
        cls.booking_bob._portal_ensure_token()

    def _csrf(self):
        page = self.url_open("/my/bookings")
        self.assertEqual(page.status_code, 200)
        return CSRF.search(page.text).group(1)

    def _book(self, vehicle_id, type_id):
        return self.url_open(
            "/my/bookings/book",
            data={"vehicle_id": vehicle_id, "type_id": type_id, "csrf_token": self._csrf()},
            allow_redirects=False,
        )

    def _bookings_of(self, vehicle):
        return self.env["resource.booking"].search([("dealer_vehicle_id", "=", vehicle.id)])

    def test_book_an_own_vehicle_then_schedule_it(self):
        self.authenticate("t_portal_alice", "alice-pw1")
        page = self.url_open("/my/bookings").text
        self.assertIn("Book a workshop visit", page)
        self.assertIn("ALICE 1", page)
        self.assertNotIn("BOB 2", page)
        self.assertNotIn(self.type_b.name, page, "another company's type is not offered")
        response = self._book(self.car_alice.id, self.maintenance.id)
        self.assertEqual(response.status_code, 303)
        booking = self._bookings_of(self.car_alice)
        self.assertEqual(booking.partner_ids, self.alice.partner_id)
        self.assertEqual(booking.state, "pending")
        self.assertIn(
            f"/my/bookings/{booking.id}/schedule?access_token={booking.access_token}",
            response.headers["Location"],
        )
        # the schedule page (resource_booking's) offers the bay's free slots
        schedule = self.url_open(response.headers["Location"])
        self.assertEqual(schedule.status_code, 200)
        self.assertIn("Confirm booking", schedule.text)
        # booking again reuses the open one
        self._book(self.car_alice.id, self.maintenance.id)
        self.assertEqual(self._bookings_of(self.car_alice), booking)
        # Cancel is resource_booking's own page
        self.url_open(f"/my/bookings/{booking.id}/cancel")
        self.assertEqual(booking.with_context(active_test=False).state, "canceled")

    def test_another_customers_vehicle_or_company_is_not_found(self):
        self.authenticate("t_portal_alice", "alice-pw1")
        for vehicle_id, type_id in (
            (self.car_bob.id, self.maintenance.id),  # Bob's vehicle
            (self.car_alice.id, self.type_b.id),  # a type of another company
            (self.car_alice.id, "1 OR 1=1"),
            ("", self.maintenance.id),
            (self.car_alice.id, -1),
        ):
            response = self._book(vehicle_id, type_id)
            self.assertEqual(response.status_code, 404, (vehicle_id, type_id))
        self.assertFalse(self._bookings_of(self.car_alice))
        self.assertEqual(self._bookings_of(self.car_bob), self.booking_bob)

    def test_another_customers_booking_stays_theirs(self):
        self.authenticate("t_portal_alice", "alice-pw1")
        bob = self.booking_bob
        self.assertNotIn(f"/my/bookings/{bob.id}", self.url_open("/my/bookings").text)
        for suffix in ("", "/schedule"):
            response = self.url_open(f"/my/bookings/{bob.id}{suffix}", allow_redirects=False)
            self.assertEqual(response.status_code, 303, suffix)
            self.assertTrue(response.headers["Location"].endswith("/my"), suffix)
        # with a token of her own booking on Bob's id
        self._book(self.car_alice.id, self.maintenance.id)
        own = self._bookings_of(self.car_alice)
        response = self.url_open(f"/my/bookings/{bob.id}/cancel?access_token={own.access_token}")
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(bob.state, "pending")
        self.assertTrue(bob.active)
        self.url_open(
            f"/my/bookings/{bob.id}/confirm?access_token={own.access_token}"
            "&when=2030-01-07T09:00:00+00:00"
        )
        self.assertFalse(bob.meeting_id)
        # Bob, with his link, reschedules his own
        self.authenticate("t_portal_bob", "bob-pw12")
        self.assertEqual(self.url_open(bob._dealer_schedule_url()).status_code, 200)

    def test_a_refused_slot_leaves_the_booking_as_it_was(self):
        taken = self._schedule_reminder_booking(self.booking_bob, hours_ahead=3)
        self.authenticate("t_portal_alice", "alice-pw1")
        self._book(self.car_alice.id, self.maintenance.id)
        booking = self._bookings_of(self.car_alice)
        when = quote(taken.start.isoformat() + "+00:00")
        response = self.url_open(
            f"/my/bookings/{booking.id}/confirm?access_token={booking.access_token}&when={when}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("error=", response.headers["Location"], "sent back with the reason")
        booking.invalidate_recordset()
        self.assertFalse(booking.start, "the refused time is not kept")
        self.assertEqual(booking.state, "pending")
        self.assertFalse(booking.meeting_id)
        # the booking's page and the list say which vehicle it is for
        self.assertIn("ALICE 1", self.url_open(booking.get_portal_url()).text)
        listed = self.url_open("/my/bookings").text
        self.assertIn('<th name="dealer_vehicle">Vehicle</th>', listed)

    def test_book_another_type_of_the_same_kind_takes_that_type(self):
        tyres = self._create_reminder_booking_type("maintenance", name="Tyres")
        tyres.duration = 0.5
        self.authenticate("t_portal_alice", "alice-pw1")
        self._book(self.car_alice.id, self.maintenance.id)
        booking = self._bookings_of(self.car_alice)
        self._book(self.car_alice.id, tyres.id)
        self.assertEqual(self._bookings_of(self.car_alice), booking, "still one open booking")
        self.assertEqual(booking.type_id, tyres, "the type the customer chose")
        self.assertEqual(booking.duration, 0.5)

    def test_an_arrived_booking_can_no_longer_be_moved_or_cancelled(self):
        service = self._create_user("t_portal_service", "dealer_crm.group_service")
        self.authenticate("t_portal_alice", "alice-pw1")
        self._book(self.car_alice.id, self.maintenance.id)
        booking = self._schedule_reminder_booking(self._bookings_of(self.car_alice))
        start = booking.start
        changed = self.env["mail.mail"].search_count([("subject", "ilike", "Date updated")])
        booking.with_user(service).action_dealer_arrived()
        self.assertEqual(booking.dealer_attendance, "arrived")
        self.assertEqual(
            self.env["mail.mail"].search_count([("subject", "ilike", "Date updated")]),
            changed,
            "the customer at the counter is not told of a date change",
        )
        # the portal offers neither Reschedule nor Cancel, and its routes change nothing
        page = self.url_open(booking.get_portal_url()).text
        self.assertNotIn('data-bs-target="#modal_cancel"', page)
        self.assertNotIn("Reschedule", page)
        when = quote((start + timedelta(hours=2)).isoformat() + "+00:00")
        self.url_open(
            f"/my/bookings/{booking.id}/confirm?access_token={booking.access_token}&when={when}"
        )
        self.url_open(f"/my/bookings/{booking.id}/cancel?access_token={booking.access_token}")
        booking.invalidate_recordset()
        self.assertEqual((booking.start, booking.active), (start, True))
        self.assertTrue(booking.meeting_id)
        # nor can staff, whoever asks
        for action in (
            lambda b: b.action_cancel(),
            lambda b: b.action_unschedule(),
            lambda b: b.write({"start": start + timedelta(days=1)}),
        ):
            with self.assertRaisesRegex(UserError, "has arrived"):
                action(booking.with_user(service))
