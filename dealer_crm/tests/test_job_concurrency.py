# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Scheduled jobs under real transactions (issue 27): the same job run twice at once
takes each record once, with no error; a job killed half way resumes after its last
committed batch and does no batch twice. See ``JobCaseMixin`` in common.py."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.loyalty_card import TIER_CURSOR_KEY
from .common import DealerCrmCase, JobCaseMixin


@tagged("post_install", "-at_install")
class TestJobsAtOnce(JobCaseMixin, DealerCrmCase):
    def _race_job(self, model, method, batch_size, ids):
        """Two runs of the job at once, then the runs that follow until it is done.
        Returns every batch's ids; asserts the two runs raised nothing."""

        def run(env):
            return getattr(env[model], method)(batch_size=batch_size).ids

        outcomes = self._race(run, run)
        self.assertTrue(all(outcome.ok for outcome in outcomes), outcomes)
        batches = [outcome.result for outcome in outcomes]
        batches += self._run_job(model, method, batch_size)
        taken = [record_id for batch in batches for record_id in batch]
        self.assertEqual(sorted(taken), sorted(ids), "each record taken exactly once")
        return batches

    def test_the_promise_escalation_run_twice_at_once_escalates_each_promise_once(self):
        def build(env):
            partner = env["res.partner"].create({"name": "Job race customer"})
            due = fields.Date.context_today(env.user) - timedelta(days=3)
            return (
                env["dealer.promise"]
                .create(
                    [
                        {"name": f"Call back {n}", "partner_id": partner.id, "date_due": due}
                        for n in range(6)
                    ]
                )
                .ids
            )

        ids = self._committed(build)
        self._hold_others("dealer.promise", ids)
        self._race_job("dealer.promise", "_cron_escalate_overdue", 4, ids)

        def read(env):
            promises = env["dealer.promise"].browse(ids)
            return promises.mapped("escalated"), [len(p.activity_ids) for p in promises]

        escalated, activities = self._fresh(read)
        self.assertEqual(escalated, [True] * 6)
        self.assertEqual(activities, [1] * 6, "one escalation each")

    def test_the_loyalty_expiry_run_twice_at_once_expires_each_earning_once(self):
        def build(env):
            F = self._factories(env)
            program = F._create_loyalty_program(
                "Expiry race club", dealer_expiry_months=12, dealer_warning_days=0
            )
            earnings = env["loyalty.history"]
            for n in range(6):
                partner = env["res.partner"].create({"name": f"Expiry racer {n}"})
                card = program._dealer_card(partner)
                earnings |= card._dealer_move(100, "Purchase", "earn")
            earnings.flush_recordset()
            env.cr.execute(
                "UPDATE loyalty_history SET dealer_expiry_date = %s WHERE id = ANY(%s)",
                [fields.Date.context_today(env.user) - timedelta(days=1), earnings.ids],
            )
            return earnings.ids, earnings.card_id.ids

        ids, card_ids = self._committed(build)
        self._hold_others("loyalty.history", ids)
        self._race_job("loyalty.card", "_cron_dealer_expire_points", 4, ids)

        def read(env):
            cards = env["loyalty.card"].browse(card_ids)
            expired = cards.history_ids.filtered(lambda line: line.dealer_kind == "expire")
            return cards.mapped("points"), sorted(expired.card_id.ids), len(expired)

        points, expired_cards, expiries = self._fresh(read)
        self.assertEqual(points, [0.0] * 6)
        self.assertEqual((expired_cards, expiries), (sorted(card_ids), 6), "one expiry each")

    def test_the_late_visit_job_run_twice_at_once_flags_each_visit_once(self):
        """Delayed service (issue 29): one Late Visit activity per visit, whatever runs."""

        def build(env):
            factories = self._factories(env)
            partner = env["res.partner"].create({"name": "Late race customer"})
            vehicle = factories._create_vehicle(factories._recall_vin(901), owner_id=partner.id)
            promised = fields.Datetime.now() - timedelta(hours=1)
            return [factories._create_late_visit(vehicle, promised).id for _n in range(5)]

        ids = self._committed(build)
        self._hold_others("dealer.service.record", ids)
        self._race_job("dealer.service.record", "_cron_flag_late", 2, ids)

        def read(env):
            visits = env["dealer.service.record"].browse(ids)
            return visits.mapped("dealer_late"), [len(v.activity_ids) for v in visits]

        late, activities = self._fresh(read)
        self.assertEqual(late, [True] * 5)
        self.assertEqual(activities, [1] * 5, "one Late Visit activity each")


@tagged("post_install", "-at_install")
class TestJobCrashResume(JobCaseMixin, DealerCrmCase):
    def _reminder_fixtures(self):
        """Three owners (may be reminded by email) of two vehicles each, due in turn:
        with batches of two, each batch is one owner's. Returns {owner id: vehicle ids}."""

        def build(env):
            F = self._factories(env)
            today = fields.Date.context_today(env.user)
            owners = {}
            for n in range(3):
                owner = env["res.partner"].create(
                    {"name": f"Crash owner {n}", "email": f"crash{n}@example.com"}
                )
                env["dealer.consent"].create(
                    {
                        "partner_id": owner.id,
                        "purpose": "service_reminder",
                        "channel": "email",
                        "state": "granted",
                    }
                )
                owners[owner.id] = [
                    F._create_vehicle(
                        vin=f"WVWZZZ1KZAW8{n}{v:04d}",
                        license_plate=f"CRASH {n}{v}",
                        owner_id=owner.id,
                        # the first owner's come due first
                        purchase_date=today - relativedelta(years=3) - timedelta(days=30 - n),
                    ).id
                    for v in range(2)
                ]
            return owners

        return self._committed(build)

    def _reminders(self, vehicle_ids):
        """{vehicle id: (reminder emails, notes "reminded recently", advisor calls)}."""

        def read(env):
            activity_type = env.ref("dealer_crm.mail_activity_type_service_reminder")
            result = {}
            for vehicle in env["dealer.vehicle"].browse(vehicle_ids):
                messages = vehicle.message_ids
                result[vehicle.id] = (
                    len(messages.filtered(lambda m: "due for service" in (m.subject or ""))),
                    len(messages.filtered(lambda m: "not sent" in (m.body or ""))),
                    len(
                        vehicle.activity_ids.filtered(
                            lambda a, t=activity_type: a.activity_type_id == t
                        )
                    ),
                )
            return result

        return self._fresh(read)

    def test_a_reminder_job_killed_half_way_resumes_without_reminding_twice(self):
        owners = self._reminder_fixtures()
        first, second, _third = owners
        vehicle_ids = [vehicle_id for ids in owners.values() for vehicle_id in ids]
        self._hold_others("dealer.vehicle", vehicle_ids)
        # a user holds the second owner's row: the job's second batch waits on it
        user_cr = self._hold(SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", second))
        job = self._job_process("dealer.service.reminder", "_cron_service_reminders", 2)

        def first_batch_committed():
            return all(
                self._fresh(
                    lambda env: (
                        env["dealer.vehicle"].browse(owners[first]).mapped("service_reminder_date")
                    )
                )
            )

        self._wait_for(first_batch_committed, "the first batch to commit", job)
        self._wait_for(lambda: self._waiting_on_a_lock(job), "the second batch to wait", job)
        # killed half way: the second batch dies uncommitted
        job.kill()
        job.wait()
        self._terminate_backends(job)
        user_cr.rollback()
        done = self._reminders(vehicle_ids)
        self.assertEqual([done[v] for v in owners[first]], [(1, 0, 1), (0, 1, 1)])
        self.assertFalse(any(any(done[v]) for v in owners[second] + owners[_third]))
        # run again: it resumes with the second owner's batch
        batches = self._run_job("dealer.service.reminder", "_cron_service_reminders", 2)
        self.assertEqual(batches, [owners[second], owners[_third]])
        done = self._reminders(vehicle_ids)
        for owner_id, ids in owners.items():
            # one email per owner, a note for their second vehicle, one call per vehicle
            self.assertEqual([done[v] for v in ids], [(1, 0, 1), (0, 1, 1)], owner_id)


@tagged("post_install", "-at_install")
class TestJobSkipsHeldCustomers(JobCaseMixin, DealerCrmCase):
    def test_the_tier_job_leaves_a_customer_a_user_holds_for_its_next_call(self):
        def build(env):
            F = self._factories(env)
            program = F._create_loyalty_program(
                "Held tier club",
                dealer_tier_ids=[Command.create({"name": "Held Silver", "threshold_points": 50})],
            )
            cards = env["loyalty.card"]
            for n in range(2):
                partner = env["res.partner"].create({"name": f"Tier holder {n}"})
                cards |= program._dealer_card(partner)
                cards[-1]._dealer_move(100, "Purchase", "earn")
            # the earnings leave the 12-month window: both tiers are due to drop
            env.flush_all()
            env.cr.execute(
                "UPDATE loyalty_history SET create_date = %s WHERE card_id = ANY(%s)",
                [fields.Datetime.now() - relativedelta(months=13), cards.ids],
            )
            marker = env["ir.config_parameter"].get_param(TIER_CURSOR_KEY)
            # the job starts at these cards (the marker is put back afterwards)
            env["ir.config_parameter"].set_param(TIER_CURSOR_KEY, cards[0].id - 1)
            return cards.ids, cards.partner_id.ids, marker

        (first, second), (_partner, held), marker = self._committed(build)
        self.addCleanup(
            self._committed,
            lambda env: env["ir.config_parameter"].set_param(TIER_CURSOR_KEY, marker),
        )
        user_cr = self._hold(SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", held))

        def tiers():
            return self._fresh(
                lambda env: (
                    env["loyalty.card"].browse([first, second]).mapped("dealer_tier_id.name")
                )
            )

        def one_call(env):
            return env["loyalty.card"]._cron_dealer_tiers(batch_size=10).ids

        self.assertEqual(self._committed(one_call), [first])
        self.assertEqual(tiers(), ["Held Silver"], "the held customer's card is left as it was")
        self.assertEqual(self._committed(one_call), [], "still held: nothing done, nothing lost")
        user_cr.rollback()
        self.assertEqual(self._committed(one_call), [second], "picked up once free")
        self.assertEqual(tiers(), [])
