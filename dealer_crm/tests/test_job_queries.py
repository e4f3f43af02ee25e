# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Jobs that scale (issue 26): what a nightly job or a plan edit costs in queries does
not grow with the number of records it handles, only with the messages it sends."""

from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from odoo.addons.dealer_crm.models import dealer_maintenance_plan as maintenance_plan

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestJobQueries(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one plan for every vehicle: 12 months or 15,000 km
        plans = cls.env["dealer.maintenance.plan"]
        plans.search([]).write({"active": False})
        cls.plan = plans.create(
            {"name": "Default", "interval_months": 12, "interval_distance": 15000}
        )
        cls.today = cls._today()
        # only the vehicles of each test come due
        cls.env["dealer.vehicle"].search([]).action_archive()
        cls.env["dealer.followup.step"].search([]).action_archive()
        cls.Reminder = cls.env["dealer.service.reminder"]
        cls.Plan = cls.env["dealer.maintenance.plan"]
        cls.serial = 0

    # Helpers ----------------------------------------------------------------------
    def _vehicles(self, count, owners=None):
        """``count`` vehicles, each of its own owner from ``owners`` (or none), last
        serviced 400 days ago: due for service."""
        vehicles = self.env["dealer.vehicle"]
        for index in range(count):
            type(self).serial += 1
            vehicle = self._create_vehicle(
                vin=f"WVWZZZ1KZAW{self.serial:06d}",
                license_plate=f"JQ {self.serial}",
                owner_id=owners[index].id if owners else False,
                purchase_date=self.today - relativedelta(years=3),
            )
            self._create_visit(
                vehicle, self.today - timedelta(days=400), self.user_service, state="done"
            )
            vehicles |= vehicle
        return vehicles

    def _owners(self, count, kind):
        """``count`` owners: "recent" (may be reminded, but were ten days ago),
        "refused" (no consent on record) or "consenting" (may be reminded by email)."""
        owners = self.env["res.partner"]
        for _index in range(count):
            type(self).serial += 1
            owner = self.env["res.partner"].create(
                {"name": f"Owner {self.serial}", "email": f"owner{self.serial}@example.com"}
            )
            if kind != "refused":
                self.env["dealer.consent"].create(
                    {
                        "partner_id": owner.id,
                        "purpose": "service_reminder",
                        "channel": "email",
                        "state": "granted",
                    }
                )
            if kind == "recent":
                owner.dealer_last_reminder_date = self.today - timedelta(days=10)
            owners |= owner
        return owners

    def _fleet(self, count, kind):
        return self._vehicles(count, self._owners(count, kind))

    def _queries(self, job):
        """The queries ``job`` runs, from a cold record cache, with its writes and its
        end-of-transaction work flushed, as ``assertQueryCount`` counts them."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        job()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - start

    def _remind(self):
        # the mails are queued, under either runner: the thread of Odoo's own runner
        # (odoo-bin --test-enable) is "testing", and Odoo then sends them at once, in
        # the measured transaction, where pytest-odoo leaves them until after the commit
        reminder = self.Reminder.with_context(mail_notify_force_send=False)
        return reminder._cron_service_reminders(batch_size=100)

    def _sent(self, vehicles):
        return vehicles.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))

    # The reminder batch ---------------------------------------------------------------
    def test_reminder_batch_without_sends_costs_the_same_for_n_and_3n(self):
        self._fleet(2, "recent")
        self._remind()  # the caches of the first run of a job
        small = self._fleet(2, "recent") | self._fleet(2, "refused")
        count = self._queries(self._remind)
        large = self._fleet(6, "recent") | self._fleet(6, "refused")
        with self.assertQueryCount(count):
            self.assertEqual(self._queries(self._remind), count)
        for vehicles in (small, large):
            self.assertFalse(self._sent(vehicles))
            self.assertEqual(set(vehicles.mapped("service_reminder_date")), {self.today})
            for vehicle in vehicles:
                self.assertEqual(len(vehicle.activity_ids), 1)
                self.assertEqual(vehicle.activity_ids.user_id, self.user_service)
                self.assertRegex(vehicle.message_ids[0].body, "reminded recently|no consent")

    def test_reminder_batch_costs_a_constant_plus_its_sends(self):
        self._fleet(1, "consenting")
        self._remind()
        counts = []
        for size in (2, 4, 6):
            vehicles = self._fleet(size, "consenting")
            counts.append(self._queries(self._remind))
            self.assertEqual(len(self._sent(vehicles)), size)
            self.assertEqual(
                set(vehicles.owner_id.mapped("dealer_last_reminder_date")), {self.today}
            )
        per_two_sends = counts[1] - counts[0]
        self.assertEqual(counts[2] - counts[1], per_two_sends, f"linear in the sends: {counts}")
        constant = counts[0] - per_two_sends
        self.assertLess(constant, 60, counts)
        self.assertLess(per_two_sends, 2 * 40, counts)

    # The maintenance plan -------------------------------------------------------------
    def test_plan_edit_costs_the_same_for_5_and_50_vehicles(self):
        vehicles = self._vehicles(5)
        counts = []
        for months, more in ((6, 0), (9, 45)):
            vehicles |= self._vehicles(more)
            counts.append(self._queries(lambda m=months: self.plan.write({"interval_months": m})))
            visit_day = self.today - timedelta(days=400)
            self.assertEqual(
                set(vehicles.mapped("next_service_date")),
                {visit_day + relativedelta(months=months)},
            )
            self.assertEqual(set(vehicles.mapped("last_service_date")), {visit_day})
        self.assertEqual(counts[0], counts[1])
        # renaming the plan changes no due date: nothing recomputed
        self.assertLess(self._queries(lambda: self.plan.write({"name": "Standard"})), counts[0])

    def test_plan_recompute_costs_the_same_per_batch(self):
        vehicles = self._vehicles(50)
        self.plan.interval_months = 6
        counts = {
            size: self._queries(lambda s=size: vehicles._recompute_next_service(batch_size=s))
            for size in (50, 25, 10)
        }
        per_batch = counts[25] - counts[50]
        self.assertEqual(counts[10], counts[50] + 4 * per_batch, counts)

    def test_plan_edit_over_many_vehicles_hands_them_to_the_cron(self):
        vehicles = self._vehicles(5)
        visit_day = self.today - timedelta(days=400)
        self.env.flush_all()  # due under the plan as it was
        with patch.object(maintenance_plan, "RECOMPUTE_IN_REQUEST", 3):
            self.plan.interval_months = 6
        # not yet recomputed: the cron, started at once, does it
        self.assertEqual(
            set(vehicles.mapped("next_service_date")), {visit_day + relativedelta(months=12)}
        )
        cron = self.env.ref("dealer_crm.ir_cron_dealer_service_due_recompute")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        done = self.Plan._cron_recompute_vehicles(batch_size=2)
        self.assertEqual(done, vehicles[:2])
        # another change meanwhile: the cron starts again over both scopes
        with patch.object(maintenance_plan, "RECOMPUTE_IN_REQUEST", 3):
            self.plan.interval_months = 9
        for _call in range(3):
            done |= self.Plan._cron_recompute_vehicles(batch_size=2)
        self.assertEqual(done, vehicles)
        self.assertFalse(self.Plan._cron_recompute_vehicles(batch_size=2))
        self.assertFalse(
            self.env["ir.config_parameter"].get_param(maintenance_plan.RECOMPUTE_PENDING_KEY)
        )
        self.assertEqual(
            set(vehicles.mapped("next_service_date")), {visit_day + relativedelta(months=9)}
        )

    def test_recompute_reads_the_history_as_the_form_does(self):
        vehicle = self._vehicles(1)
        day = self.today - timedelta(days=300)
        # two visits done on the same day: the first recorded counts
        self._create_visit(vehicle, day, self.user_service, state="done", odometer=41000)
        self._create_visit(vehicle, day, self.user_service, state="done", odometer=42000)
        self._create_visit(vehicle, self.today - timedelta(days=5), self.user_service)
        Reading = self.env["dealer.vehicle.odometer"]
        for days_ago, value, reason in (
            (500, 30000, False),
            (350, 40000, False),
            (200, 120, "meter_replaced"),
            (100, 5120, False),
        ):
            Reading.create(
                {
                    "vehicle_id": vehicle.id,
                    "date": self.today - timedelta(days=days_ago),
                    "value": value,
                    "lower_reason": reason,
                }
            )
        self.env.flush_all()
        self.env.invalidate_all()
        stored = vehicle._next_service_history()[vehicle.id]
        cached = vehicle._next_service_history_cached()
        self.assertEqual(stored[:2], cached[:2])
        self.assertEqual((sorted(stored[2]), stored[3]), (sorted(cached[2]), cached[3]))
        self.assertEqual(stored[1], 41000)
        self.assertEqual(stored[3], self.today - timedelta(days=200))
        before = vehicle.read(["last_service_date", "next_service_date", "next_service_odometer"])
        self.plan.interval_distance = 10000
        self.plan.interval_distance = 15000
        after = vehicle.read(["last_service_date", "next_service_date", "next_service_odometer"])
        self.assertEqual(after, before)

    # The loyalty expiry ---------------------------------------------------------------
    def test_loyalty_expiry_costs_the_same_for_n_and_3n_cards(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).active = False
        program = self._create_loyalty_program("Jobs Club", dealer_expiry_months=12)

        def expiring(count):
            cards = self.env["loyalty.card"]
            for owner in self._owners(count, "refused"):
                card = program._dealer_card(owner)
                card._dealer_move(100, "Purchase", "earn").dealer_expiry_date = (
                    self.today - timedelta(days=1)
                )
                card._dealer_move(50, "Purchase", "earn")
                cards |= card
            return cards

        expire = self.env["loyalty.card"]._cron_dealer_expire_points
        expiring(1)
        expire()
        small = expiring(2)
        count = self._queries(expire)
        large = expiring(6)
        self.assertEqual(self._queries(expire), count)
        for card in small | large:
            self.assertEqual(card.points, 50)
            expired = card.history_ids.filtered(lambda h: h.dealer_kind == "expire")
            self.assertEqual(expired.used, 100)
