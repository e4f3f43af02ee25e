# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Workshop load against capacity (issue 29): per day, the hours booked on the service
bays against the hours their working calendar opens them, and the visits forecast from
the vehicles' next service dates; one set-based query, whatever the history."""

from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from ..report.dealer_workshop_load_report import WEEKS_AHEAD
from .common import DealerCrmCase

NOW = datetime(2026, 11, 30, 12, 0, 0)  # a Monday
MONDAY = date(2026, 11, 30)
MEASURES = [
    "capacity_hours:sum",
    "booked_hours:sum",
    "free_hours:sum",
    "forecast_visits:sum",
    "forecast_hours:sum",
]


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestWorkshopLoadReport(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dealer.workshop.load.report"]
        # the workshop of these tests only: the demo workshop's bays are closed
        cls.env["resource.resource"].search([("dealer_workshop_role", "=", "bay")]).write(
            {"active": False}
        )
        cls.calendar = cls._create_load_calendar()  # Monday to Friday, 8 to 17
        cls.bay_1 = cls._create_load_bay("Bay 1", cls.calendar)
        cls.bay_2 = cls._create_load_bay("Bay 2", cls.calendar)
        # neither a technician nor a resource of no workshop role is a bay's capacity
        cls._create_load_bay("Technician", cls.calendar, role="technician")
        cls._create_load_bay("Meeting room", cls.calendar, role=False)
        cls.booking_type = cls._create_load_booking_type(cls.bay_1 | cls.bay_2, cls.calendar)

    def _by_day(self, domain=(), report=None):
        report = self.Report if report is None else report  # an empty model is falsy
        rows = report._read_group(list(domain), ["date:day"], MEASURES)
        return {day: tuple(values) for day, *values in rows}

    def _day(self, offset):
        return MONDAY + timedelta(days=offset)

    def _at(self, offset, hour):
        return datetime.combine(self._day(offset), datetime.min.time()) + timedelta(hours=hour)

    # Capacity and bookings ---------------------------------------------------------
    def test_each_day_shows_the_bays_booked_hours_against_their_calendar(self):
        self._create_load_booking(self.booking_type, self.bay_1, self.customer, self._at(1, 10))
        self._create_load_booking(
            self.booking_type, self.bay_2, self.customer, self._at(1, 14), duration=3.0
        )
        cancelled = self._create_load_booking(
            self.booking_type, self.bay_1, self.customer, self._at(2, 9)
        )
        cancelled.action_cancel()
        # the bays' rows (the demo's vehicles fall due on these days too)
        load = self._by_day([("kind", "!=", "forecast")])
        # capacity, booked, free, forecast visits, forecast hours
        self.assertEqual(load[MONDAY], (18.0, 0.0, 18.0, 0, 0.0), "two bays of 9 hours")
        self.assertEqual(load[self._day(1)], (18.0, 5.0, 13.0, 0, 0.0))
        self.assertEqual(load[self._day(2)], (18.0, 0.0, 18.0, 0, 0.0), "a cancelled booking")
        self.assertEqual(load[self._day(5)], (0.0, 0.0, 0.0, 0, 0.0), "closed on Saturday")
        # per bay, for the advisor's day
        tuesday = self.Report._read_group(
            [("date", "=", self._day(1))], ["resource_id"], ["booked_hours:sum"]
        )
        self.assertEqual(dict(tuesday), {self.bay_1: 2.0, self.bay_2: 3.0})
        # the window: from two weeks ago to the weeks ahead
        self.assertEqual(min(load), MONDAY - timedelta(days=14))
        self.assertEqual(max(load), MONDAY + timedelta(weeks=WEEKS_AHEAD))

    def test_a_leave_of_the_calendar_or_the_bay_closes_the_day(self):
        self.env["resource.calendar.leaves"].create(
            [
                {
                    "name": "Public holiday",
                    "calendar_id": self.calendar.id,
                    "date_from": self._at(3, 0),
                    "date_to": self._at(3, 23) + timedelta(minutes=59),
                },
                {
                    "name": "Lift serviced",
                    "calendar_id": self.calendar.id,
                    "resource_id": self.bay_2.id,
                    "date_from": self._at(4, 0),
                    "date_to": self._at(4, 23) + timedelta(minutes=59),
                },
            ]
        )
        load = self._by_day()
        self.assertEqual(load[self._day(3)][0], 0.0)
        self.assertEqual(load[self._day(4)][0], 9.0, "only the other bay is open")

    # Forecast ------------------------------------------------------------------------
    def _forecast(self, day):
        """{(company, day): (visits, hours)} forecast on ``day``."""
        rows = self.Report._read_group(
            [("kind", "=", "forecast"), ("date", "=", day)],
            ["company_id", "date:day"],
            ["forecast_visits:sum", "forecast_hours:sum"],
        )
        return {(company, on): (visits, hours) for company, on, visits, hours in rows}

    def test_the_forecast_counts_vehicles_due_not_yet_booked_nor_in(self):
        due = self._day(10)
        # the demo's vehicles fall due too: what this test's vehicles add is measured
        demo = self._forecast(due).get((self.env.company, due), (0, 0.0))
        vin = iter(range(1, 20))

        def vehicle(owner=None, **vals):
            owner = owner or self.customer
            made = self._create_vehicle(self._recall_vin(next(vin)), owner_id=owner.id, **vals)
            return self._set_load_due_date(made, due)

        vehicle()
        vehicle()
        booked = vehicle()
        self._create_load_booking(
            self.booking_type,
            self.bay_1,
            self.customer,
            self._at(2, 9),
            dealer_vehicle_id=booked.id,
        )
        in_workshop = vehicle()
        self._create_visit(in_workshop)
        archived = self.env["res.partner"].create({"name": "Ho Wing"})
        vehicle(archived)
        archived.active = False
        overdue = vehicle()
        self._set_load_due_date(overdue, MONDAY - timedelta(days=30))
        too_far = vehicle()
        self._set_load_due_date(too_far, MONDAY + timedelta(weeks=WEEKS_AHEAD + 1))
        company_b = self._create_company("Dealer B")
        owner_b = self.env["res.partner"].create({"name": "Lee Ka Yan"})
        vehicle(owner_b, company_id=company_b.id)
        forecast = self._forecast(due)
        visits, hours = forecast.pop((self.env.company, due))
        # two visits of the maintenance type's 2 hours
        self.assertEqual((visits - demo[0], hours - demo[1]), (2, 4.0))
        # no maintenance booking type in the second company: an hour each
        self.assertEqual(forecast, {(company_b, due): (1, 1.0)})
        self.assertEqual(self._by_day()[self._day(2)][1], 2.0, "the booked one is booked")

    # Who sees what ---------------------------------------------------------------------
    def test_the_service_department_reads_its_company_only_and_sales_cannot(self):
        self._create_load_booking(self.booking_type, self.bay_1, self.customer, self._at(1, 10))
        company_b, service_b = self._create_company_b(
            "Dealer B", t_service_b="dealer_crm.group_service"
        )
        bay_b = self._create_load_bay("Bay B", self.calendar, company_id=company_b.id)
        self.env.invalidate_all()
        as_service = self.Report.with_user(self.user_service)
        self.assertEqual(self._by_day(report=as_service)[self._day(1)][:3], (18.0, 2.0, 16.0))
        self.assertNotIn(bay_b, as_service.search([]).resource_id)
        as_b = self.Report.with_user(service_b)
        self.assertEqual(as_b.search([]).resource_id, bay_b)
        self.assertEqual(self._by_day(report=as_b)[self._day(1)][:2], (9.0, 0.0))
        for user in (self.user_sales, self.user_relations, self.user_plain):
            with self.assertRaises(AccessError, msg=user.login):
                self.Report.with_user(user).search([])

    def test_reading_the_load_costs_the_same_queries_for_1_and_20_due_vehicles(self):
        counts = []
        for number in (1, 20):
            for index in range(number):
                vin = self._recall_vin(100 * number + index)
                self._set_load_due_date(
                    self._create_vehicle(vin, owner_id=self.customer.id), self._day(7)
                )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._by_day()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
