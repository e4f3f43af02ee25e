# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Win-back (issue 28): customers who move to at risk or lost, or who get the churn
flag, get one win-back and one activity for their owner; the outcome is recorded by
staff; "won back" is a figure of the trend report."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import format_date

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestWinback(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Winback = cls.env["dealer.winback"]
        # only this test's customers move: the database's own snapshots are history
        cls.env["dealer.customer.score"].search([]).sudo().write({"latest": False})
        cls.this_month = cls._today().replace(day=1)
        cls.last_month = cls.this_month - relativedelta(months=1)
        cls.activity_type = cls.env.ref("dealer_crm.mail_activity_type_winback")
        cls.customer.user_id = cls.user_sales

    # ------------------------------------------------------------------ helpers
    def _customer(self, name, owner=None):
        return self.env["res.partner"].create(
            {"name": name, "customer_rank": 1, "user_id": (owner or self.user_sales).id}
        )

    def _fall(self, partner, before, now, churn_before=False, churn_now=False, company=None):
        """Last month's snapshot ``before``, this month's ``now``."""
        self._create_score(partner, self.last_month, before, churn_before, company)
        return self._create_score(partner, self.this_month, now, churn_now, company)

    def _run(self):
        return self.Winback._cron_create_winbacks()

    def _winbacks(self, partner):
        return self.Winback.search([("partner_id", "=", partner.id)])

    def _activities(self, winbacks):
        return self.env["mail.activity"].search(
            [("res_model", "=", "dealer.winback"), ("res_id", "in", winbacks.ids)]
        )

    def _record(self, winback, outcome, user, note=False):
        wizard = Form(
            self.env["dealer.winback.outcome"]
            .with_user(user)
            .with_context(default_winback_id=winback.id)
        )
        wizard.outcome = outcome
        wizard.note = note
        wizard.save().action_confirm()
        winback.invalidate_recordset()

    # ------------------------------------------------------------------ created once
    def test_a_move_to_at_risk_opens_one_winback_and_one_activity_even_run_twice(self):
        score = self._fall(self.customer, "loyal", "at_risk")
        self._run()
        self._run()
        winback = self._winbacks(self.customer)
        self.assertEqual(len(winback), 1)
        self.assertEqual(
            (winback.trigger, winback.state, winback.user_id, winback.score_id),
            ("at_risk", "open", self.user_sales, score),
        )
        activity = self._activities(winback)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.activity_type)
        self.assertEqual(activity.user_id, self.user_sales)
        self.assertEqual(activity.summary, winback.reason)
        self.assertEqual(self.customer.with_user(self.user_service).dealer_winback_count, 1)

    def test_each_move_opens_a_winback_with_its_trigger(self):
        moves = {
            "needs_attention": ("promising", "needs_attention", False, False, "at_risk"),
            "at_risk": ("loyal", "at_risk", False, False, "at_risk"),
            "lost": ("at_risk", "lost", False, False, "lost"),
            "lost_from_healthy": ("champion", "lost", False, False, "lost"),
            "churn": ("loyal", "loyal", False, True, "churn"),
        }
        customers = {}
        for name, (before, now, churn_before, churn_now, _trigger) in moves.items():
            customers[name] = self._customer(name)
            self._fall(customers[name], before, now, churn_before, churn_now)
        opened = self._run()
        self.assertEqual(len(opened), len(moves))
        for name, move in moves.items():
            self.assertEqual(self._winbacks(customers[name]).trigger, move[-1], name)

    def test_no_winback_without_a_move(self):
        stays = {
            "healthy": ("loyal", "champion", False, False),
            "stays_at_risk": ("needs_attention", "at_risk", False, False),
            "stays_lost": ("lost", "lost", True, True),
            "back_from_lost": ("lost", "at_risk", False, False),
            "keeps_churn_flag": ("loyal", "loyal", True, True),
            "loses_churn_flag": ("loyal", "loyal", True, False),
        }
        customers = self.env["res.partner"]
        for name, (before, now, churn_before, churn_now) in stays.items():
            customers |= self._customer(name)
            self._fall(customers[-1], before, now, churn_before, churn_now)
        # a first evaluation is no move: the customer's history predates the evaluation
        first = self._customer("first evaluation")
        self._create_score(first, self.this_month, "lost", True)
        self._run()
        self.assertFalse(self.Winback.search([("partner_id", "in", (customers | first).ids)]))

    def test_none_again_while_one_is_open(self):
        self._create_score(self.customer, self.last_month - relativedelta(months=1), "loyal")
        self._create_score(self.customer, self.last_month, "at_risk")
        self._run()
        self._create_score(self.customer, self.this_month, "lost", True)
        self._run()
        winback = self._winbacks(self.customer)
        self.assertEqual((len(winback), winback.trigger), (1, "at_risk"))

    def test_a_closed_winback_is_not_opened_again_for_the_same_move(self):
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        self._record(winback, "no_answer", self.user_sales)
        self._run()
        self.assertEqual(self._winbacks(self.customer), winback)

    def test_a_customer_who_recovered_and_falls_again_gets_a_new_winback(self):
        start = self.this_month - relativedelta(months=3)
        self._create_score(self.customer, start, "loyal")
        self._create_score(self.customer, start + relativedelta(months=1), "at_risk")
        first = self._run()
        self._record(first, "won_back", self.user_sales)
        self._create_score(self.customer, start + relativedelta(months=2), "loyal")
        self._run()
        self.assertEqual(self._winbacks(self.customer), first, "recovered: nothing to do")
        self._create_score(self.customer, start + relativedelta(months=3), "needs_attention")
        second = self._run()
        self.assertEqual(len(second), 1)
        self.assertEqual(self._winbacks(self.customer), first | second)
        self.assertEqual(second.state, "open")

    def test_the_evaluation_starts_the_winback_job_when_it_is_done(self):
        cron = self.env.ref("dealer_crm.ir_cron_dealer_winback")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        # a whole evaluation from the start, whatever an earlier run left as progress today
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.evaluation_progress", "")
        self.assertTrue(self.env["dealer.customer.score"]._cron_evaluate())
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_the_job_costs_the_same_queries_for_3_or_30_customers(self):
        counts = []
        for size in (1, 3, 30):  # the first run warms what every run caches
            customers = self.env["res.partner"].create(
                [{"name": f"Falls {size}/{i}", "user_id": self.user_sales.id} for i in range(size)]
            )
            for customer in customers:
                self._fall(customer, "loyal", "lost")
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(len(self._run()), size)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2], f"queries for 1, 3, 30 customers: {counts}")

    # ------------------------------------------------------------------ the reason
    def test_the_reason_is_built_from_the_facts(self):
        today = self._today()
        visit_day = today - relativedelta(months=20)
        sale_day = today - relativedelta(months=30)
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self._create_visit(vehicle, day=visit_day, state="done")
        survey = self.env.ref("dealer_crm.survey_after_service")
        answer = self.env["survey.user_input"].create(
            {
                "survey_id": survey.id,
                "partner_id": self.customer.id,
                "dealer_service_record_id": visit.id,
                "dealer_survey_occasion": "service",
                "user_input_line_ids": [
                    Command.create(
                        {
                            "survey_id": survey.id,
                            "question_id": self.env.ref(
                                "dealer_crm.survey_after_service_q_score"
                            ).id,
                            "answer_type": "scale",
                            "value_scale": 2,
                        }
                    )
                ],
            }
        )
        answer._mark_done()
        product = self.env["product.product"].create({"name": "Roof box", "list_price": 300})
        order = self._create_order(self.customer, product, amount=300)
        order.date_order = fields.Datetime.to_datetime(sale_day)
        self._fall(self.customer, "needs_attention", "lost")
        winback = self._run()
        month = format_date(self.env, sale_day, date_format="MMMM y")
        self.assertEqual(
            winback.reason,
            f"No service for 20 months, last visit rated 2, no purchase since {month}",
        )

    def test_a_customer_never_serviced_is_told_so(self):
        self._fall(self.customer, "loyal", "loyal", churn_now=True)
        self.assertEqual(self._run().reason, "No service visit on record")

    def test_the_owner_is_the_salesperson_else_customer_relations(self):
        orphan = self._customer("no salesperson")
        orphan.user_id = False
        self._fall(orphan, "loyal", "at_risk")
        winback = self._run()
        leader = self.env["dealer.department"]._dealer_leader(
            "customer_relations", self.env.company
        )
        self.assertEqual(winback.user_id, leader)
        self.assertTrue(winback.user_id.has_group("dealer_crm.group_customer_relations"))

    # ------------------------------------------------------------------ outcome
    def test_each_outcome_closes_the_winback_and_marks_its_activity_done(self):
        for outcome in ("won_back", "moved_away", "sold_car", "no_answer"):
            customer = self._customer(outcome)
            self._fall(customer, "loyal", "at_risk")
            winback = self._run()
            self._record(winback, outcome, self.user_sales, note="Talked to the customer")
            self.assertEqual(
                (winback.state, winback.outcome, winback.outcome_date, winback.recorded_by),
                ("done", outcome, self._today(), self.user_sales),
                outcome,
            )
            self.assertEqual(winback.outcome_note, "Talked to the customer")
            self.assertFalse(self._activities(winback), "the activity is done")
            done = winback.message_ids.filtered(
                lambda m, w=winback: m.mail_activity_type_id == self.activity_type
            )
            self.assertEqual(len(done), 1, outcome)
            self.assertIn("Talked to the customer", done.body)
        self.assertEqual(self.customer.dealer_winback_count, 0)

    def test_customer_relations_and_managers_record_any_outcome(self):
        for user in (self.user_relations, self.user_manager):
            customer = self._customer(user.login)
            self._fall(customer, "loyal", "at_risk")
            winback = self._run()
            self._record(winback, "won_back", user)
            self.assertEqual((winback.state, winback.recorded_by), ("done", user))

    def test_a_manager_gives_a_winback_to_another_owner_who_then_records_it(self):
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        with self.assertRaises(AccessError):
            winback.with_user(self.user_sales).write({"user_id": self.user_service.id})
        winback.with_user(self.user_manager).write({"user_id": self.user_service.id})
        self._record(winback, "moved_away", self.user_service)
        self.assertEqual((winback.outcome, winback.recorded_by), ("moved_away", self.user_service))
        # the customer and company of a win-back are its evidence, for a manager too
        other = self.customer.copy({"name": "Someone Else"})
        for vals in ({"partner_id": other.id}, {"company_id": self._create_company_b("B")[0].id}):
            with self.assertRaises(AccessError):
                winback.with_user(self.user_manager).write(vals)
        self.assertEqual(winback.partner_id, self.customer)

    def test_the_customer_360_opens_the_customers_winbacks(self):
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        partner = self.customer.with_user(self.user_service)
        self.assertEqual((partner.dealer_winback_count, partner.dealer_winback_total), (1, 1))
        action = partner.action_dealer_view_winbacks()
        self.assertEqual(
            self.Winback.with_user(self.user_service).search(action["domain"]), winback
        )

    # ------------------------------------------------------------------ attacks
    def test_department_users_cannot_type_what_the_workflow_records(self):
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_manager):
            for values in (
                {"state": "done"},
                {"outcome": "won_back"},
                {"trigger": "lost"},
                {"outcome_date": self._today()},
                {"recorded_by": user.id},
                {"reason": "Typed"},
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {values}"):
                    winback.with_user(user).write(values)
            with self.assertRaises(AccessError, msg=user.login):
                self.Winback.with_user(user).create(
                    {
                        "partner_id": self.customer.id,
                        "trigger": "lost",
                        "state": "done",
                        "outcome": "won_back",
                    }
                )
        # the context is no guard either
        with self.assertRaises(AccessError):
            winback.with_user(self.user_manager).with_context(
                import_file=True, default_outcome="won_back"
            ).write({"outcome": "won_back"})
        self.assertEqual((winback.state, winback.outcome), ("open", False))

    def test_only_the_owner_customer_relations_or_a_manager_record_the_outcome(self):
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        other_sales = self._create_user("t_sales_2", "dealer_crm.group_sales")
        for user in (other_sales, self.user_service):
            with self.assertRaises(AccessError, msg=user.login):
                self._record(winback, "won_back", user)
            with self.assertRaises(AccessError, msg=user.login):
                winback.with_user(user)._record_outcome("won_back")
            with self.assertRaises(AccessError, msg=user.login):
                winback.with_user(user).action_record_outcome()
        with self.assertRaises(ValidationError):
            winback.with_user(self.user_sales)._record_outcome("cheated")
        self.assertEqual(winback.state, "open")
        self._record(winback, "sold_car", self.user_sales)
        with self.assertRaises(UserError, msg="recorded once"):
            self._record(winback, "won_back", self.user_relations)
        self.assertEqual(winback.outcome, "sold_car")

    def test_another_company_neither_reads_nor_records(self):
        company_b, sales_b, relations_b = self._create_company_b(
            "Dealer B",
            t_sales_b="dealer_crm.group_sales",
            t_relations_b="dealer_crm.group_customer_relations",
        )
        self._fall(self.customer, "loyal", "at_risk")
        winback = self._run()
        self.env.invalidate_all()
        self.assertFalse(self.Winback.with_user(sales_b).search([]))
        with self.assertRaises(AccessError):
            winback.with_user(sales_b).read(["reason"])
        with self.assertRaises(AccessError):
            winback.with_user(relations_b)._record_outcome("won_back")
        # company B's own customer falls there: their win-back is B's
        customer_b = self.env["res.partner"].create(
            {"name": "B customer", "company_id": company_b.id}
        )
        self._fall(customer_b, "loyal", "lost", company=company_b)
        winback_b = self._run()
        self.assertEqual((winback_b.company_id, winback_b.user_id), (company_b, relations_b))
        self.assertEqual(self.Winback.with_user(relations_b).search([]), winback_b)

    def test_archived_anonymised_and_imported_customers_get_no_winback(self):
        archived = self._customer("archived")
        self._fall(archived, "loyal", "lost")
        archived.active = False
        anonymised = self._customer("anonymised")
        self._fall(anonymised, "loyal", "lost")
        anonymised.sudo().dealer_anonymized = True
        # a history imported: a customer last seen three years ago, evaluated the first time
        long_ago = self._today() - relativedelta(years=3)
        importer = self.env["dealer.vehicle"].with_context(import_file=True)
        imported = (
            self.env["res.partner"]
            .with_context(import_file=True)
            .create({"name": "Imported", "customer_rank": 1})
        )
        vehicle = importer.create(
            {
                "vin": "JTDKB20U793493017",
                "model_id": self.env.ref("fleet.model_corolla_ts").id,
                "owner_id": imported.id,
                "purchase_date": long_ago,
            }
        )
        self.env["dealer.service.record"].with_context(import_file=True).create(
            {"vehicle_id": vehicle.id, "date": long_ago, "state": "done"}
        )
        self.env["dealer.customer.score"]._evaluate(imported.ids, self._today())
        self.assertEqual(imported.dealer_rfm_segment, "lost")
        self._run()
        self.assertFalse(
            self.Winback.with_context(active_test=False).search(
                [("partner_id", "in", (archived | anonymised | imported).ids)]
            )
        )

    def test_merged_customers_keep_their_winbacks(self):
        twin = self._customer("Chan Tai Man (old card)")
        twin.email = self.customer.email
        self._fall(self.customer, "loyal", "at_risk")
        self._fall(twin, "loyal", "lost")
        winbacks = self._run()
        self.assertEqual(len(winbacks), 2)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=(self.customer | twin).ids)
            .create({})
        )
        wizard.dst_partner_id = self.customer
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertEqual(self._winbacks(self.customer), winbacks)
        self.assertEqual(self.customer.dealer_winback_count, 2)

    # ------------------------------------------------------------------ the figure
    def test_won_back_is_a_trend_figure_and_no_data_when_none_closed(self):
        winbacks = self.Winback
        for name in ("one", "two", "three"):
            customer = self._customer(name)
            self._fall(customer, "loyal", "at_risk")
            winbacks |= self._run()
        self._record(winbacks[0], "won_back", self.user_sales)
        self._record(winbacks[1], "won_back", self.user_sales)
        self._record(winbacks[2], "moved_away", self.user_sales)
        Figure = self.env["dealer.figure"]
        today = self._today()
        company = self.env.company
        figures = Figure._dealer_compute(["winbacks_won"], company, today, today)
        self.assertEqual(figures, {"winbacks_won": 2.0})
        empty = today - relativedelta(years=5)
        figures = Figure._dealer_compute(["winbacks_won"], company, empty, empty)
        self.assertEqual(figures, {"winbacks_won": None}, "no win-back closed: no data")
        # none won back of some closed: a real zero
        winbacks[:2].sudo().write({"outcome_date": today - relativedelta(days=40)})
        figures = Figure._dealer_compute(["winbacks_won"], company, today, today)
        self.assertEqual(figures, {"winbacks_won": 0.0})
        report = self.env["dealer.trend.report"].create({"date_from": empty, "date_to": empty})
        line = report.line_ids.filtered(lambda line: line.code == "winbacks_won")
        self.assertTrue(line.no_data)
