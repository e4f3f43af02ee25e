# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop bookings on OCA resource_booking (issue 29): who works with them, the
customer's vehicle, Customer Arrived turning a booking into the visit, no-shows (by staff
and by the daily job) and their figure, and the last slot taken by two at once."""

from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ConcurrentCaseMixin, DealerCrmCase


class WorkshopCase(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.booking_type = cls._create_workshop_type(duration=2.0)
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        cls.other_customer = cls.env["res.partner"].create({"name": "Wong Mei Ling"})
        cls.other_vehicle = cls._create_vehicle(
            vin="WVWZZZ1KZ00000042", license_plate="CD 42", owner_id=cls.other_customer.id
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """``assertRaises`` (in a savepoint, as Odoo's) and the message matches."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _booking(self, **vals):
        vals.setdefault("user", self.user_service)
        return self._create_booking(self.booking_type, self.customer, self.vehicle, **vals)


@tagged("post_install", "-at_install")
class TestWorkshopBookingAccess(WorkshopCase):
    def test_service_advisor_works_with_a_colleagues_booking(self):
        booking = self._booking(user=self.user_manager)
        as_service = booking.with_user(self.user_service)
        self.assertIn(booking, as_service.search([("id", "=", booking.id)]))
        as_service.description = "<p>Customer brings the spare key.</p>"
        self.assertIn("spare key", booking.description)
        mine = self._create_booking(
            self.booking_type,
            self.customer,
            self.vehicle,
            start=self._workshop_slot(days=2),
            user=self.user_service,
        ).with_user(self.user_service)
        self.assertEqual(mine.dealer_attendance, "expected")

    def test_service_advisor_books_as_themselves(self):
        booking = self._create_booking(
            self.booking_type, self.customer, self.vehicle, user=self.user_service
        )
        booking = booking.with_user(self.user_service)
        booking.invalidate_recordset()
        self.assertEqual(booking.state, "scheduled")
        created = (
            self.env["resource.booking"]
            .with_user(self.user_service)
            .create(
                {
                    "type_id": self.booking_type.id,
                    "partner_ids": [Command.set(self.other_customer.ids)],
                    "dealer_vehicle_id": self.other_vehicle.id,
                    "start": self._workshop_slot(days=3),
                }
            )
        )
        self.assertEqual(created.state, "scheduled")
        self.assertTrue(created.combination_id)

    def test_other_departments_read_bookings_only(self):
        booking = self._booking()
        for user in (self.user_sales, self.user_relations):
            with self.subTest(user=user.login):
                as_user = booking.with_user(user)
                self.env.invalidate_all()
                self.assertEqual(as_user.dealer_vehicle_id, self.vehicle)
                with self.assertRaises(AccessError):
                    as_user.write({"description": "<p>moved</p>"})
                with self.assertRaises(AccessError):
                    self.env["resource.booking"].with_user(user).create(
                        {
                            "type_id": self.booking_type.id,
                            "partner_ids": [Command.set(self.customer.ids)],
                        }
                    )
                with self.assertRaises(AccessError):
                    as_user.action_dealer_arrived()
                with self.assertRaises(AccessError):
                    as_user.action_dealer_no_show()

    def test_manager_configures_the_workshop_and_service_does_not(self):
        vals = {"name": "Bay 9", "resource_type": "material", "dealer_workshop_role": "bay"}
        self.env["resource.resource"].with_user(self.user_manager).create(vals)
        self.env["resource.booking.type"].with_user(self.user_manager).create(
            {"name": "Bodywork", "dealer_service_type": "bodywork"}
        )
        with self.assertRaises(AccessError):
            self.env["resource.booking.type"].with_user(self.user_service).create(
                {"name": "Bodywork", "dealer_service_type": "bodywork"}
            )
        with self.assertRaises(AccessError):
            self.booking_type.with_user(self.user_service).duration = 5

    def test_rpc_cannot_write_attendance_or_visit(self):
        booking = self._booking().with_user(self.user_service)
        visit = self._create_visit(self.vehicle)
        for vals in ({"dealer_attendance": "arrived"}, {"dealer_visit_id": visit.id}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                booking.write(vals)
        Booking = self.env["resource.booking"].with_user(self.user_service)
        for vals in ({"dealer_attendance": "no_show"}, {"dealer_visit_id": visit.id}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Booking.create(
                    {
                        "type_id": self.booking_type.id,
                        "partner_ids": [Command.set(self.customer.ids)],
                        **vals,
                    }
                )
        hostile = Booking.with_context(default_dealer_attendance="arrived").create(
            {"type_id": self.booking_type.id, "partner_ids": [Command.set(self.customer.ids)]}
        )
        self.assertEqual(hostile.dealer_attendance, "expected")
        self.assertEqual(booking.dealer_attendance, "expected")
        self.assertFalse(booking.dealer_visit_id)

    def test_second_company_sees_none_of_the_bookings(self):
        company_b, service_b = self._create_company_b(
            "Dealer B", t_service_b="dealer_crm.group_service"
        )
        booking = self._booking()
        Booking = self.env["resource.booking"].with_user(service_b)
        self.assertFalse(Booking.search([("id", "=", booking.id)]))
        with self.assertRaises(AccessError):
            booking.with_user(service_b).action_dealer_arrived()
        type_b = self._create_workshop_type(company_id=company_b.id)
        with self.assertRaises(AccessError):
            type_b.with_user(self.user_service).check_access("read")


@tagged("post_install", "-at_install")
class TestWorkshopBookingVehicle(WorkshopCase):
    def test_vehicle_of_another_customer_is_refused(self):
        with self.assertRefused(ValidationError, "does not belong to"):
            self._create_booking(self.booking_type, self.customer, self.other_vehicle)
        booking = self._booking()
        with self.assertRefused(ValidationError, "does not belong to"):
            booking.with_user(self.user_service).dealer_vehicle_id = self.other_vehicle

    def test_vehicle_of_another_company_is_refused(self):
        company_b = self._create_company("Dealer B")
        vehicle_b = self._create_vehicle(
            vin="WVWZZZ1KZ00000077",
            license_plate="B 77",
            owner_id=self.customer.id,
            company_id=company_b.id,
        )
        with self.assertRefused(ValidationError, "another company"):
            self._create_booking(self.booking_type, self.customer, vehicle_b)

    def test_a_contact_of_the_owner_books_the_companys_vehicle(self):
        fleet_owner = self.env["res.partner"].create({"name": "Harbour Ltd", "is_company": True})
        driver = self.env["res.partner"].create({"name": "Driver", "parent_id": fleet_owner.id})
        vehicle = self._create_vehicle(
            vin="WVWZZZ1KZ00000088", license_plate="HL 88", owner_id=fleet_owner.id
        )
        booking = self._create_booking(self.booking_type, driver, vehicle)
        self.assertEqual(booking.dealer_vehicle_id, vehicle)

    def test_one_slot_cannot_be_booked_twice(self):
        self._booking()
        with self.assertRefused(ValidationError, "has just been taken"):
            self._create_booking(self.booking_type, self.other_customer, self.other_vehicle)
        later = self._create_booking(
            self.booking_type,
            self.other_customer,
            self.other_vehicle,
            start=self._workshop_slot(hour=12),
        )
        self.assertTrue(later.combination_id)


@tagged("post_install", "-at_install")
class TestCustomerArrived(WorkshopCase):
    def test_arrival_turns_the_booking_into_the_visit(self):
        booking = self._booking(description="<p>Brakes squeak when cold.</p>")
        action = booking.with_user(self.user_service).action_dealer_arrived()
        visit = booking.dealer_visit_id
        self.assertEqual(action["res_id"], visit.id)
        self.assertEqual(booking.dealer_attendance, "arrived")
        self.assertEqual(visit.vehicle_id, self.vehicle)
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.advisor_id, self.user_service)
        self.assertEqual(visit.service_type, "maintenance")
        self.assertEqual(visit.state, "scheduled")
        self.assertIn(self.booking_type.name, visit.work_done)
        self.assertIn("Brakes squeak", visit.work_done)
        self.assertEqual(visit.dealer_booking_ids, booking)
        self.assertEqual(visit.dealer_booking_count, 1)
        back = visit.with_user(self.user_service).action_view_bookings()
        self.assertEqual(back["domain"], [("dealer_visit_id", "=", visit.id)])

    def test_the_advisor_is_the_bookings_user_not_who_clicks(self):
        booking = self._booking(user=self.user_manager)
        booking.with_user(self.user_service).action_dealer_arrived()
        self.assertEqual(booking.dealer_visit_id.advisor_id, self.user_manager)

    def test_recall_booking_ticks_the_vehicles_open_recalls(self):
        recall_type = self._create_workshop_type("recall")
        campaign = self._create_recall_campaign()
        campaign._match_models()
        line = campaign.line_ids.filtered(lambda line: line.vehicle_id == self.vehicle)
        self.assertTrue(line)
        booking = self._create_booking(
            recall_type, self.customer, self.vehicle, user=self.user_service
        )
        booking.with_user(self.user_service).action_dealer_arrived()
        visit = booking.dealer_visit_id
        self.assertEqual(visit.service_type, "recall")
        self.assertEqual(visit.dealer_recall_line_ids, line)
        self.assertEqual(line.state, "booked")

    def test_arriving_twice_is_refused(self):
        booking = self._booking().with_user(self.user_service)
        booking.action_dealer_arrived()
        with self.assertRefused(UserError, "already arrived"):
            booking.action_dealer_arrived()
        self.assertEqual(len(self.env["resource.booking"].browse(booking.id).dealer_visit_id), 1)

    def test_a_cancelled_booking_cannot_arrive(self):
        # cancelled before resource_booking's modification deadline (24 hours before)
        booking = self._booking(start=self._workshop_slot(days=3)).with_user(self.user_service)
        booking.action_cancel()
        with self.assertRefused(UserError, "cancelled"):
            booking.action_dealer_arrived()

    def test_a_booking_without_vehicle_cannot_arrive(self):
        booking = self._create_booking(self.booking_type, self.customer, user=self.user_service)
        with self.assertRefused(UserError, "no vehicle"):
            booking.with_user(self.user_service).action_dealer_arrived()
        self.assertFalse(booking.dealer_visit_id)

    def test_an_archived_customer_still_arrives(self):
        booking = self._booking()
        self.customer.action_archive()
        booking.with_user(self.user_service).action_dealer_arrived()
        self.assertEqual(booking.dealer_visit_id.partner_id, self.customer)


@tagged("post_install", "-at_install")
class TestNoShow(WorkshopCase):
    def _past_booking(self, days=-2, **vals):
        return self._booking(start=self._workshop_slot(days=days), **vals)

    def test_staff_record_a_no_show_once_the_booking_has_ended(self):
        coming = self._booking()
        with self.assertRefused(UserError, "not ended"):
            coming.with_user(self.user_service).action_dealer_no_show()
        past = self._past_booking()
        past.with_user(self.user_service).action_dealer_no_show()
        self.assertEqual(past.dealer_attendance, "no_show")
        timeline = self.env["dealer.interaction"].search(
            [("partner_id", "=", self.customer.id), ("subject", "like", "No-show")]
        )
        self.assertEqual(len(timeline), 1)
        self.assertEqual(timeline.vehicle_id, self.vehicle)
        with self.assertRefused(UserError, "not awaited"):
            past.with_user(self.user_service).action_dealer_no_show()
        with self.assertRefused(UserError, "no-show"):
            past.with_user(self.user_service).action_dealer_arrived()

    def test_an_arrived_booking_is_no_no_show(self):
        past = self._past_booking()
        past.with_user(self.user_service).action_dealer_arrived()
        with self.assertRefused(UserError, "not awaited"):
            past.with_user(self.user_service).action_dealer_no_show()

    def test_the_daily_job_marks_missed_bookings_after_the_grace_once(self):
        booking = self._booking()
        arrived = self._create_booking(
            self.booking_type,
            self.other_customer,
            self.other_vehicle,
            start=self._workshop_slot(hour=13),
        )
        arrived.action_dealer_arrived()
        cancelled = self._booking(start=self._workshop_slot(hour=16))
        cancelled.action_cancel()
        Booking = self.env["resource.booking"]
        with freeze_time(booking.stop + timedelta(hours=1)):
            self.assertNotIn(booking, Booking._cron_dealer_no_show(), "within the grace")
        with freeze_time(booking.stop + timedelta(hours=3)):
            first = Booking._cron_dealer_no_show()
            self.assertIn(booking, first)
            self.assertFalse(Booking._cron_dealer_no_show(), "a second run takes nothing")
        self.assertEqual(booking.dealer_attendance, "no_show")
        self.assertEqual(arrived.dealer_attendance, "arrived")
        self.assertEqual(cancelled.dealer_attendance, "expected")
        self.assertNotIn(arrived | cancelled, first)
        interactions = self.env["dealer.interaction"].search(
            [("subject", "like", "No-show"), ("vehicle_id", "in", self.vehicle.ids)]
        )
        self.assertEqual(len(interactions), 1)
        self.assertEqual(interactions.partner_id, self.customer)
        self.assertEqual(interactions.user_id, self.user_service)

    def test_the_daily_job_works_in_batches(self):
        bookings = self._past_booking(days=-3) | self._past_booking(days=-2)
        Booking = self.env["resource.booking"]
        done = Booking.browse()
        while batch := Booking._cron_dealer_no_show(batch_size=1):
            self.assertEqual(len(batch), 1)
            done |= batch
        self.assertLessEqual(bookings, done)
        self.assertEqual(set(bookings.mapped("dealer_attendance")), {"no_show"})

    def test_an_archived_customers_no_show_is_still_recorded(self):
        booking = self._past_booking()
        self.customer.action_archive()
        self.env["resource.booking"]._cron_dealer_no_show()
        self.assertEqual(booking.dealer_attendance, "no_show")

    def test_no_shows_are_a_figure_with_no_data_without_bookings(self):
        company_b = self._create_company("Dealer B")
        type_b = self._create_workshop_type(company_id=company_b.id)
        customers = self.env["res.partner"].create([{"name": "B One"}, {"name": "B Two"}])
        vehicles = [
            self._create_vehicle(
                vin=vin, license_plate=vin[-4:], owner_id=customer.id, company_id=company_b.id
            )
            for vin, customer in zip(
                ("WVWZZZ1KZ00000201", "WVWZZZ1KZ00000202"), customers, strict=True
            )
        ]
        day = self._today() - timedelta(days=2)
        missed, kept = (
            self._create_booking(type_b, customer, vehicle, start=self._workshop_slot(-2, hour))
            for customer, vehicle, hour in zip(customers, vehicles, (9, 14), strict=True)
        )
        Figure = self.env["dealer.figure"]
        self.assertEqual(
            Figure._dealer_compute(["bookings_no_show"], company_b, day, day),
            {"bookings_no_show": 0.0},
        )
        kept.action_dealer_arrived()
        self.env["resource.booking"]._cron_dealer_no_show()
        self.assertEqual(missed.dealer_attendance, "no_show")
        self.assertEqual(
            Figure._dealer_compute(["bookings_no_show"], company_b, day, day),
            {"bookings_no_show": 1.0},
        )
        quiet = day - timedelta(days=30)
        self.assertEqual(
            Figure._dealer_compute(["bookings_no_show"], company_b, quiet, quiet),
            {"bookings_no_show": None},
            "no booking that day: no data, not 0",
        )


@tagged("post_install", "-at_install")
class TestLastSlotRace(ConcurrentCaseMixin, DealerCrmCase):
    """Two customers take the workshop's last slot at once: one gets it, the other is
    told the slot is taken (resource_booking alone would give it to both)."""

    def _world(self):
        def build(env):
            F = self._factories(env)
            service = F._create_user("race_service", "dealer_crm.group_service")
            booking_type = F._create_workshop_type()
            ids = {"service": service.id, "type": booking_type.id, "start": F._workshop_slot()}
            for name, vin in (
                ("Race Chan", "WVWZZZ1KZ00000101"),
                ("Race Wong", "WVWZZZ1KZ00000102"),
            ):
                partner = env["res.partner"].create({"name": name})
                vehicle = F._create_vehicle(vin=vin, license_plate=vin[-6:], owner_id=partner.id)
                ids[name] = (partner.id, vehicle.id)
            return ids

        return self._committed(build)

    def _book(self, ids, name):
        partner_id, vehicle_id = ids[name]

        def fn(env):
            booking = (
                env(user=ids["service"])["resource.booking"]
                .with_context(dont_notify=True)
                .create(
                    {
                        "type_id": ids["type"],
                        "partner_ids": [Command.set([partner_id])],
                        "dealer_vehicle_id": vehicle_id,
                        "start": ids["start"],
                    }
                )
            )
            return booking.id

        return fn

    def _scheduled(self, ids):
        return self._fresh(
            lambda env: (
                env["resource.booking"]
                .search([("type_id", "=", ids["type"]), ("meeting_id", "!=", False)])
                .mapped("partner_id.name")
            )
        )

    def test_last_slot_taken_at_once_one_gets_it_the_other_is_told(self):
        ids = self._world()
        outcomes = self._race(
            self._book(ids, "Race Chan"), self._book(ids, "Race Wong"), retry=True
        )
        winner, loser = self._one_winner(outcomes)
        self.assertIsInstance(loser.error, ValidationError)
        self.assertIn("has just been taken", str(loser.error))
        self.assertTrue(loser.retried, "the loser's first try was serialized, then retried")
        self.assertEqual(self._scheduled(ids), [("Race Chan", "Race Wong")[winner.index]])

    def test_without_retry_the_second_fails_retryably_not_double_booked(self):
        ids = self._world()
        outcomes = self._race(self._book(ids, "Race Chan"), self._book(ids, "Race Wong"))
        _winner, loser = self._one_winner(outcomes)
        self.assertTrue(loser.retryable, loser)
        self.assertEqual(len(self._scheduled(ids)), 1)
