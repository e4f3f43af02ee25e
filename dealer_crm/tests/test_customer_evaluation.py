# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..models.dealer_customer_score import PROGRESS_KEY, SETTINGS
from .common import DealerCrmCase

TODAY = date(2026, 11, 25)


@tagged("post_install", "-at_install")
class TestCustomerEvaluation(DealerCrmCase):
    # The figures are measured "as of" TODAY, and the days since a visit are counted when
    # read: the clock is TODAY for the whole class, whatever day the suite runs.
    freeze_time = f"{TODAY} 12:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Score = cls.env["dealer.customer.score"]
        cls.vin_seq = 0
        params = cls.env["ir.config_parameter"].sudo()
        for key, default in SETTINGS.items():  # the defaults, whatever the database holds
            params.set_param(f"dealer_crm.{key}", default)

    def _customer(self, name, **vals):
        return self.env["res.partner"].create(
            {"name": name, "email": f"{name}@example.com", **vals}
        )

    def _vehicle(self, owner, purchase_date):
        type(self).vin_seq += 1
        return self._create_vehicle(
            vin=f"WVWZZZ1KZAW{self.vin_seq:06d}",
            license_plate=f"EV {self.vin_seq}",
            owner_id=owner.id,
            purchase_date=purchase_date,
        )

    def _visit(self, vehicle, day, amount, currency=None, state="done"):
        return self._create_visit(
            vehicle,
            day,
            self.user_service,
            amount=amount,
            currency_id=(currency or self.company.currency_id).id,
            state=state,
        )

    def _evaluate(self, partners, today=TODAY):
        self.Score._evaluate(partners.ids, today)

    # ------------------------------------------------------------------ segments
    def test_segments_follow_recency_frequency_and_first_visit(self):
        old = date(2020, 1, 1)
        cases = {
            "lost": [TODAY - relativedelta(days=731)],
            "at_risk": [TODAY - relativedelta(days=730)],
            "needs_attention": [TODAY - relativedelta(days=181)],
            "loyal": [TODAY - relativedelta(days=d) for d in (10, 100, 200, 2000)],
            "promising": [TODAY - relativedelta(days=d) for d in (10, 2000)],
            "new": [TODAY - relativedelta(days=90)],
        }
        customers = {}
        for segment, days in cases.items():
            customer = self._customer(f"seg_{segment}")
            vehicle = self._vehicle(customer, old)
            for day in days:
                self._visit(vehicle, day, 100)
            customers[segment] = customer
        # one very large customer so the others are not all in tier A
        big = self._customer("seg_big")
        self._visit(self._vehicle(big, old), TODAY - relativedelta(days=1), 1_000_000)
        everyone = big.browse([c.id for c in customers.values()]) | big
        self._evaluate(everyone)
        for segment, customer in customers.items():
            with self.subTest(segment=segment):
                self.assertEqual(customer.dealer_rfm_segment, segment)
        self.assertEqual(customers["loyal"].dealer_frequency, 3, "the visit 2000 days ago is out")
        self.assertEqual(customers["loyal"].dealer_recency_days, 10)
        self.assertEqual(customers["loyal"].dealer_value_tier, "C")
        self.assertEqual(big.dealer_value_tier, "A")

    def test_a_frequent_recent_customer_of_tier_a_is_a_champion(self):
        customer = self._customer("champion")
        vehicle = self._vehicle(customer, date(2020, 1, 1))
        for days in (5, 50, 150):
            self._visit(vehicle, TODAY - relativedelta(days=days), 5_000_000)
        self._evaluate(customer)
        self.assertEqual(customer.dealer_value_tier, "A")
        self.assertEqual(customer.dealer_rfm_segment, "champion")

    def test_a_customer_without_history_has_no_segment(self):
        prospect = self._customer("prospect", dealer_customer_type="prospect")
        self._evaluate(prospect)
        self.assertFalse(prospect.dealer_rfm_segment)
        self.assertFalse(prospect.dealer_value_tier)
        self.assertEqual(
            self.Score.search([("partner_id", "=", prospect.id)]).month, TODAY.replace(day=1)
        )

    # ------------------------------------------------------------------ value tiers
    def test_abc_split_converts_currencies_before_adding(self):
        company_currency = self.company.currency_id
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [("id", "!=", company_currency.id), ("name", "in", ("EUR", "USD", "GBP"))], limit=1
            )
        )
        other.active = True
        # 1 unit of the company currency buys 0.5 of the other: 1,000 other = 2,000 ours
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "rate": 0.5,
                # the rate of the visits' date (30 days before TODAY)
                "name": date(2026, 10, 1),
                "company_id": self.company.id,
            }
        )
        self.env["res.currency.rate"].search(
            [
                ("currency_id", "=", company_currency.id),
                ("company_id", "in", (self.company.id, False)),
            ]
        ).rate = 1.0
        recent = TODAY - relativedelta(days=30)
        foreign = self._customer("abc_foreign")
        local = self._customer("abc_local")
        mixed = self._customer("abc_mixed")
        small = self._customer("abc_small")
        self._visit(self._vehicle(foreign, recent), recent, 1000, currency=other)
        self._visit(self._vehicle(local, recent), recent, 1500)
        vehicle = self._vehicle(mixed, recent)
        self._visit(vehicle, recent, 100)
        self._visit(vehicle, recent, 100, currency=other)
        self._visit(self._vehicle(small, recent), recent, 100)
        everyone = foreign | local | mixed | small
        # only these four count: older history of other customers is out of the 12 months
        self.env["dealer.service.record"].search(
            [
                ("partner_id", "not in", everyone.ids),
                ("date", ">", TODAY - relativedelta(months=12)),
            ]
        ).write(
            # without their readings: moved back, they would be higher than later ones
            {"date": TODAY - relativedelta(months=13), "odometer": 0}
        )
        self.env["sale.order"].search([("state", "=", "sale")]).write(
            {"date_order": fields.Datetime.to_datetime(TODAY - relativedelta(months=13))}
        )
        self._evaluate(everyone)
        self.assertEqual(foreign.dealer_revenue_12m, 2000.0)
        self.assertEqual(mixed.dealer_revenue_12m, 300.0, "100 ours + 100 theirs (= 200 ours)")
        self.assertEqual(foreign.dealer_eval_currency_id, company_currency)
        # 2000 + 1500 + 300 + 100 = 3900: foreign from 0 %, local from 51 % (A),
        # mixed from 90 % (B), small from 97 % (C)
        self.assertEqual(
            [c.dealer_value_tier for c in (foreign, local, mixed, small)], ["A", "A", "B", "C"]
        )

    # ------------------------------------------------------------------ churn
    def test_churn_flag_for_owners_not_seen_for_service(self):
        long_ago = date(2022, 1, 1)
        lapsed = self._customer("churn_lapsed")
        self._visit(self._vehicle(lapsed, long_ago), TODAY - relativedelta(months=13), 100)
        regular = self._customer("churn_regular")
        self._visit(self._vehicle(regular, long_ago), TODAY - relativedelta(months=11), 100)
        never = self._customer("churn_never_serviced")
        self._vehicle(never, long_ago)
        new_owner = self._customer("churn_new_owner")
        self._vehicle(new_owner, TODAY - relativedelta(months=1))
        sold_it = self._customer("churn_sold_it")
        vehicle = self._vehicle(sold_it, long_ago)
        self._visit(vehicle, TODAY - relativedelta(months=20), 100)
        vehicle._transfer_owner(self._customer("churn_buyer"), TODAY - relativedelta(months=19))
        everyone = lapsed | regular | never | new_owner | sold_it
        self._evaluate(everyone)
        self.assertEqual(
            {p.name: p.dealer_churn_risk for p in everyone},
            {
                "churn_lapsed": True,
                "churn_regular": False,
                "churn_never_serviced": True,
                "churn_new_owner": False,
                "churn_sold_it": False,  # owns no vehicle any more
            },
        )

    # ------------------------------------------------------------------ snapshots
    def test_one_snapshot_per_customer_per_month_with_the_movement(self):
        customer = self._customer("snapshot")
        vehicle = self._vehicle(customer, date(2020, 1, 1))
        self._visit(vehicle, date(2026, 10, 1), 100)
        self._visit(vehicle, date(2025, 1, 1), 100)
        self._evaluate(customer, date(2026, 11, 2))
        self._evaluate(customer, date(2026, 11, 25))
        snapshots = self.Score.search([("partner_id", "=", customer.id)])
        self.assertEqual(len(snapshots), 1, "evaluated twice in November: one snapshot")
        self.assertEqual(snapshots.month, date(2026, 11, 1))
        self.assertEqual(snapshots.segment, "promising")
        self.assertFalse(snapshots.segment_moved, "no month before")
        # six months later, without a visit: needs attention, and the move is recorded
        self._evaluate(customer, date(2026, 12, 1))
        self._evaluate(customer, date(2027, 5, 1))
        snapshots = self.Score.search([("partner_id", "=", customer.id)], order="month")
        self.assertEqual(
            snapshots.mapped("month"), [date(2026, 11, 1), date(2026, 12, 1), date(2027, 5, 1)]
        )
        self.assertEqual(snapshots[1].previous_segment, "promising")
        self.assertFalse(snapshots[1].segment_moved)
        self.assertEqual(snapshots[2].segment, "needs_attention")
        self.assertFalse(snapshots[2].previous_segment, "April was not evaluated")

    def test_snapshots_turn_over_at_year_end_and_on_a_leap_day(self):
        customer = self._customer("calendar")
        self._visit(self._vehicle(customer, date(2020, 1, 1)), date(2026, 12, 1), 100)
        for day in (date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29), date(2028, 3, 1)):
            self._evaluate(customer, day)
        snapshots = self.Score.search([("partner_id", "=", customer.id)], order="month")
        self.assertEqual(
            snapshots.mapped("month"),
            [date(2026, 12, 1), date(2027, 1, 1), date(2028, 2, 1), date(2028, 3, 1)],
        )
        self.assertEqual(snapshots[1].previous_segment, snapshots[0].segment, "December to January")
        self.assertEqual(
            snapshots[3].previous_segment, snapshots[2].segment, "February 29 to March"
        )
        self.assertEqual(customer.dealer_evaluated_on, date(2028, 3, 1))

    def test_days_since_a_visit_are_counted_when_read_and_figures_say_when_measured(self):
        customer = self._customer("aging")
        self._visit(self._vehicle(customer, date(2020, 1, 1)), TODAY - relativedelta(days=10), 100)
        self._evaluate(customer)
        self.assertEqual(customer.dealer_evaluated_on, TODAY)
        self.assertEqual(customer.dealer_recency_days, 10)
        with freeze_time(f"{TODAY + relativedelta(days=5)} 12:00:00"):
            customer.invalidate_recordset()
            self.assertEqual(customer.dealer_recency_days, 15, "the days go on counting")
            self.assertEqual(customer.dealer_evaluated_on, TODAY, "the figures were measured then")
            self.assertEqual(customer.dealer_frequency, 1)

    def test_nightly_job_works_in_batches_and_resumes(self):
        customers = self.env["res.partner"]
        for i in range(3):
            customer = self._customer(f"batch_{i}")
            self._visit(self._vehicle(customer, date(2020, 1, 1)), TODAY, 100)
            customers |= customer
        self.env["ir.config_parameter"].sudo().set_param(PROGRESS_KEY, False)
        # every company's customers: the job goes on from one company to the next (the
        # demo watch retailer is a second company with customers of its own)
        total = sum(
            len(self.Score._candidate_ids(company=company))
            for company in self.env["res.company"].search([])
        )
        self.assertGreaterEqual(total, 3)
        self.assertEqual(self.Score._cron_evaluate(batch_size=total - 1), total - 1)
        # a second call goes on after the last customer done today, not from the start
        self.assertEqual(self.Score._cron_evaluate(batch_size=total - 1), 1)
        self.assertEqual(self.Score._cron_evaluate(), 0, "everyone is done for today")
        self.assertTrue(all(customers.mapped("dealer_rfm_segment")))
        self.assertEqual(
            self.Score.search_count([("partner_id", "in", customers.ids)]), 3, "one snapshot each"
        )

    def test_an_unchanged_customer_is_not_written_again(self):
        customer = self._customer("stable")
        self._visit(self._vehicle(customer, date(2020, 1, 1)), TODAY - relativedelta(days=10), 100)
        self._evaluate(customer)
        snapshot = self.Score.search([("partner_id", "=", customer.id)])
        self.env.cr.execute(
            "UPDATE dealer_customer_score SET write_date = '2000-01-01' WHERE id = %s",
            [snapshot.id],
        )
        self._evaluate(customer, TODAY + relativedelta(days=1))
        self.env.cr.execute(
            "SELECT write_date FROM dealer_customer_score WHERE id = %s", [snapshot.id]
        )
        self.assertEqual(str(self.env.cr.fetchone()[0])[:10], "2000-01-01")
        # a rating given since then refreshes the month's snapshot
        customer.write({"dealer_staff_rating": "4", "dealer_staff_rating_reason": "Refers friends"})
        self._evaluate(customer, TODAY + relativedelta(days=2))
        snapshot.invalidate_recordset()
        self.assertEqual(snapshot.staff_rating, "4")

    def test_evaluate_now_for_one_customer(self):
        customer = self._customer("on_demand")
        self._visit(self._vehicle(customer, date(2020, 1, 1)), self._today(), 100)
        customer.with_user(self.user_service).action_dealer_evaluate()
        self.assertEqual(customer.dealer_rfm_segment, "new", "first seen today")
        self.assertEqual(self.Score.search_count([("partner_id", "=", customer.id)]), 1)

    def test_satisfaction_and_complaints_reach_the_evaluation(self):
        customer = self._customer("feedback")
        self.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Scratched door",
                    "description": "x",
                    "partner_id": customer.id,
                    "dealer_feedback_kind": "complaint",
                    "dealer_satisfaction": "2",
                },
                {
                    "name": "Thanks",
                    "description": "x",
                    "partner_id": customer.id,
                    "dealer_feedback_kind": "compliment",
                    "dealer_satisfaction": "5",
                },
            ]
        )
        self._evaluate(customer, self._today())
        self.assertEqual(customer.dealer_complaint_count, 1)
        self.assertAlmostEqual(customer.dealer_satisfaction_avg, 3.5)

    # ------------------------------------------------------------------ settings
    def test_settings_refuse_boundaries_out_of_order(self):
        settings = self.env["res.config.settings"].create({})
        settings.dealer_rfm_active_days = 400
        settings.dealer_rfm_at_risk_days = 365
        with self.assertRaises(ValidationError):
            settings.execute()
        settings = self.env["res.config.settings"].create({})
        settings.dealer_rfm_lost_days = 700
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("dealer_crm.rfm_lost_days"), "700"
        )


@tagged("post_install", "-at_install")
class TestStaffRatingAndNeeds(DealerCrmCase):
    def test_staff_rating_is_set_by_customer_relations_and_managers_only(self):
        for user in (self.user_sales, self.user_service, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.customer.with_user(user).write(
                    {"dealer_staff_rating": "1", "dealer_staff_rating_reason": "rude"}
                )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_sales).create(
                {"name": "Forged", "dealer_staff_rating": "5", "dealer_staff_rating_reason": "x"}
            )
        # a context key does not open it
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_sales).with_context(
                dealer_can_rate=True, is_relations=True
            ).write({"dealer_staff_rating": "1", "dealer_staff_rating_reason": "x"})
        self.customer.with_user(self.user_relations).write(
            {"dealer_staff_rating": "4", "dealer_staff_rating_reason": "Pays on time"}
        )
        self.customer.with_user(self.user_manager).dealer_staff_rating = "5"
        self.assertEqual(self.customer.dealer_staff_rating, "5")
        # who rates reads it; other departments do not (tests/test_evidence_access.py)
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_user(self.user_relations).dealer_staff_rating, "5")
        self.assertFalse(self.customer.with_user(self.user_sales).dealer_can_rate)
        self.assertTrue(self.customer.with_user(self.user_relations).dealer_can_rate)

    def test_a_staff_rating_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.user_relations).write({"dealer_staff_rating": "2"})

    def test_staff_rating_is_tracked(self):
        customer = self.env(context={})["res.partner"].create({"name": "Tracked"})
        self.env.flush_all()
        self.env.cr.flush()  # the creation is logged on its own
        customer.with_user(self.user_relations).write(
            {"dealer_staff_rating": "3", "dealer_staff_rating_reason": "Often late to appointments"}
        )
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written before commit
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )
        tracked = messages.tracking_value_ids.field_id.mapped("name")
        self.assertIn("dealer_staff_rating", tracked)
        self.assertIn("dealer_staff_rating_reason", tracked)

    def test_a_need_keeps_its_date_and_author_and_is_archived_when_removed(self):
        ev = self.env.ref("dealer_crm.need_tag_ev")
        seat = self.env.ref("dealer_crm.need_tag_child_seat")
        customer = self.customer.with_user(self.user_sales)
        with Form(customer, view="base.view_partner_form") as form:
            form.dealer_need_ids.add(ev)
            form.dealer_need_ids.add(seat)
        lines = self.customer.dealer_need_line_ids
        self.assertEqual(lines.tag_id, ev | seat)
        self.assertEqual(lines.user_id, self.user_sales)
        self.assertEqual(set(lines.mapped("date")), {fields.Date.context_today(lines)})
        customer.write({"dealer_need_ids": [Command.unlink(seat.id)]})
        self.assertEqual(self.customer.dealer_need_ids, ev)
        archived = (
            self.env["dealer.customer.need"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.customer.id), ("active", "=", False)])
        )
        self.assertEqual(archived.tag_id, seat, "removed needs are kept, archived")
        self.assertTrue(archived.date_closed)
        # searchable, and counted per month
        self.assertIn(
            self.customer, self.env["res.partner"].search([("dealer_need_ids", "in", ev.ids)])
        )
        self.assertNotIn(
            self.customer, self.env["res.partner"].search([("dealer_need_ids", "in", seat.ids)])
        )
        groups = self.env["dealer.customer.need"]._read_group(
            [("partner_id", "=", self.customer.id)], ["date:month"], ["__count"]
        )
        self.assertEqual(sum(count for _month, count in groups), 1)


@tagged("post_install", "-at_install")
class TestDataCurrency(DealerCrmCase):
    def setUp(self):
        super().setUp()
        self.activity_type = self.env.ref("dealer_crm.mail_activity_type_verify_details")
        self.customer.write(
            {
                "dealer_customer_type": "regular",
                "user_id": self.user_sales.id,
                "dealer_last_verified_date": self._today() - relativedelta(months=13),
            }
        )

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_last_verified_date_and_staleness_are_searchable(self):
        Partner = self.env["res.partner"]
        self.assertIn(self.customer, Partner.search([("dealer_details_stale", "=", True)]))
        self.assertIn(
            self.customer,
            Partner.search([("dealer_last_verified_date", "<", self._today())]),
        )
        self.customer.action_dealer_verified()
        self.assertNotIn(self.customer, Partner.search([("dealer_details_stale", "=", True)]))
        self.assertIn(self.customer, Partner.search([("dealer_details_stale", "!=", True)]))

    def test_verification_activity_is_created_once_and_not_after_verification(self):
        Partner = self.env["res.partner"]
        for _run in range(3):
            while Partner._cron_dealer_verify_details():
                pass
        activity = self._activities()
        self.assertEqual(len(activity), 1, "once, however often the job runs")
        self.assertEqual(activity.user_id, self.user_sales, "the customer's salesperson")
        self.customer.with_user(self.user_sales).action_dealer_verified()
        self.assertFalse(self._activities(), "done when the details are verified")
        while Partner._cron_dealer_verify_details():
            pass
        self.assertFalse(self._activities(), "not asked again once verified")

    def test_the_verify_period_comes_from_the_settings(self):
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.verify_months", 24)
        self.assertFalse(self.customer.dealer_details_stale)
        while self.env["res.partner"]._cron_dealer_verify_details():
            pass
        self.assertFalse(self._activities())

    def test_data_quality_lists_what_is_missing(self):
        bare = self.env["res.partner"].create({"name": "No Details", "dealer_customer_type": "new"})
        vehicle = self._create_vehicle(vin="WVWZZZ1KZAW777777")
        self.env.flush_all()
        Quality = self.env["dealer.data.quality"].with_user(self.user_service)
        issues = set(Quality.search([("partner_id", "=", bare.id)]).mapped("issue"))
        self.assertEqual(issues, {"no_phone", "no_email", "no_consent", "stale"})
        row = Quality.search([("vehicle_id", "=", vehicle.id)])
        self.assertEqual(row.issue, "vehicle_no_owner")
        self.assertEqual(row.action_open()["res_id"], vehicle.id)
        # giving the details clears the gaps
        bare.write({"phone": "+852 9000 0000", "email": "bare@example.com"})
        self.env.flush_all()
        issues = set(Quality.search([("partner_id", "=", bare.id)]).mapped("issue"))
        self.assertEqual(issues, {"no_consent", "stale"})

    def test_segments_and_tiers_filter_and_group_customers(self):
        # the figures the customer shows are their latest snapshot in the current company
        self.env["dealer.customer.score"].sudo().create(
            {
                "partner_id": self.customer.id,
                "month": self._today().replace(day=1),
                "company_id": self.env.company.id,
                "latest": True,
                "segment": "champion",
                "value_tier": "A",
            }
        )
        Partner = self.env["res.partner"].with_user(self.user_service)
        groups = dict(
            Partner._read_group(
                [("id", "=", self.customer.id)], ["dealer_rfm_segment"], ["__count"]
            )
        )
        self.assertEqual(groups, {"champion": 1})
        self.assertIn(self.customer, Partner.search([("dealer_value_tier", "=", "A")]))

    def test_marketing_filter_goes_through_the_consent_gate(self):
        Partner = self.env["res.partner"]
        domain = [("dealer_email_marketing_ok", "=", True)]
        self.assertNotIn(self.customer, Partner.search(domain))
        consent = self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        self.assertIn(self.customer, Partner.search(domain))
        self.assertTrue(self.customer.dealer_email_marketing_ok)
        other_company = self._create_company("Other Dealer")
        self.assertNotIn(self.customer, Partner.with_company(other_company).search(domain))
        consent.action_withdraw()
        self.assertNotIn(self.customer, Partner.search(domain))
        self.assertIn(self.customer, Partner.search([("dealer_email_marketing_ok", "=", False)]))
