# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Records that are evidence, in the service strategy and the wizards (issue 24).

Cases 5 (staff judge their own corrective action), 6 (a recorded review figure is
rewritten) and 11 (who sees who has not acknowledged a policy), and an attack per wizard:
a department that may not, a record of another company, forged context and values.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase

PERIOD = (date(2031, 3, 1), date(2031, 3, 31))


@tagged("post_install", "-at_install")
class TestEvidenceStrategy(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["dealer.service.plan"].create(
            {"name": "Plan 2031", "date_from": PERIOD[0], "date_to": PERIOD[1]}
        )
        cls.kpi = cls.env["dealer.service.kpi"].create(
            {
                "plan_id": cls.plan.id,
                "code": "promises_kept",
                "target": 90,
                "user_id": cls.user_manager.id,
                "review_date": PERIOD[1],
            }
        )
        cls.company_b = cls._create_company("Evidence Dealer B")
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Customer Of B", "company_id": cls.company_b.id}
        )

    def _review(self):
        return (
            self.env["dealer.service.review"]
            .with_user(self.user_manager)
            .create({"kpi_id": self.kpi.id, "judgement": "off_track"})
        )

    def _action(self, owner=None):
        """An open corrective action of the plan, decided by a manager for ``owner``."""
        return (
            self.env["dealer.service.action"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "Call back every complaint within a day",
                    "review_id": self._review().id,
                    "user_id": (owner or self.user_service).id,
                    "date_due": self._today() + relativedelta(days=7),
                }
            )
        )

    # 5. Staff judge their own corrective action ---------------------------------
    def test_owner_closes_the_action_and_only_a_manager_judges_it(self):
        action = self._action()
        as_owner = action.with_user(self.user_service)
        as_owner.action_done()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.date_done, self._today())
        for judge in ("action_effective", "action_not_effective"):
            with self.assertRaises(AccessError):
                getattr(as_owner.with_context(dealer_manager=True), judge)()
        self.assertEqual(action.effectiveness, "pending")
        action.with_user(self.user_manager).action_effective()
        self.assertEqual(action.effectiveness, "effective")

    def test_owner_cannot_write_the_judgement_the_owner_or_the_due_date(self):
        action = self._action()
        as_owner = action.with_user(self.user_service).with_context(
            default_effectiveness="effective", tracking_disable=True
        )
        due = action.date_due
        for vals in (
            {"effectiveness": "effective"},
            {"state": "done"},
            {"date_done": self._today()},
            {"user_id": self.user_sales.id},
            {"date_due": due + relativedelta(months=3)},
            {"name": "Nothing to do"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_owner.write(vals)
        self.env.invalidate_all()
        self.assertRecordValues(
            action,
            [
                {
                    "state": "open",
                    "effectiveness": "pending",
                    "user_id": self.user_service.id,
                    "date_due": due,
                    "date_done": False,
                }
            ],
        )
        # what the owner still writes: their notes on the work done
        as_owner.write({"note": "<p>Called the four customers of last week.</p>"})
        self.assertIn("four customers", action.note)
        # another member of staff cannot even close it
        with self.assertRaises(AccessError):
            action.with_user(self.user_sales).action_done()
        # nor cancel it, which is the manager's decision
        with self.assertRaises(AccessError):
            as_owner.action_cancel()
        # the manager reassigns it and moves its date
        action.with_user(self.user_manager).write(
            {"user_id": self.user_relations.id, "date_due": due + relativedelta(days=1)}
        )
        self.assertEqual(action.user_id, self.user_relations)

    def test_effective_is_refused_on_an_open_action_even_for_a_manager(self):
        action = self._action()
        as_manager = action.with_user(self.user_manager)
        with self.assertRaises(AccessError):
            as_manager.write({"effectiveness": "effective"})
        with self.assertRaises(UserError):
            as_manager.action_effective()  # not done yet
        self.assertEqual(action.effectiveness, "pending")
        # nor is a new action born done and judged
        Action = self.env["dealer.service.action"].with_user(self.user_manager)
        for forged in ({"state": "done"}, {"effectiveness": "effective"}):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                Action.create(
                    {
                        "name": "Born judged",
                        "user_id": self.user_service.id,
                        "date_due": self._today(),
                        **forged,
                    }
                )
        # forged as the client's defaults: the defaults of a workflow field are not taken
        created = Action.with_context(
            default_state="done", default_effectiveness="effective"
        ).create(
            {"name": "Born judged", "user_id": self.user_service.id, "date_due": self._today()}
        )
        self.assertRecordValues(created, [{"state": "open", "effectiveness": "pending"}])

    # 6. A recorded review figure is rewritten -------------------------------------
    def test_a_recorded_review_figure_cannot_be_rewritten_even_by_a_manager(self):
        review = self._review()
        # the review recorded 3.0 from the data of its day (arranged as that history)
        review.sudo().write({"actual": 3.0, "target": 90.0, "met": False})
        as_manager = review.with_user(self.user_manager)
        for vals in ({"actual": 95.0}, {"target": 2.0}, {"met": True}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_manager.write(vals)
        self.env.invalidate_all()
        self.assertRecordValues(review, [{"actual": 3.0, "target": 90.0, "met": False}])
        # the manager still writes their judgement and findings
        as_manager.write({"judgement": "at_risk", "comment": "<p>Short-staffed in March.</p>"})
        self.assertEqual(review.judgement, "at_risk")
        # a review is not moved to another KPI, whose figures it did not record
        other = self.kpi.copy({"code": "comebacks", "target": 5})
        with self.assertRaises(UserError):
            as_manager.write({"kpi_id": other.id})
        # nor created with its figures typed, or as reviewed by someone else
        Review = self.env["dealer.service.review"].with_user(self.user_manager)
        for forged in ({"actual": 95.0}, {"met": True}, {"user_id": self.user_sales.id}):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                Review.create({"kpi_id": self.kpi.id, "judgement": "on_track", **forged})

    # 11. Who sees who has not acknowledged a policy ----------------------------------
    def test_only_managers_see_who_has_not_acknowledged_a_policy(self):
        second_sales = new_test_user(self.env, login="t_sales_2", groups="dealer_crm.group_sales")
        policy = self.env["dealer.policy"].create(
            {
                "name": "Complaint handling code",
                "review_date": self._today() + relativedelta(years=1),
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("dealer_crm.group_sales").id,
                            self.env.ref("dealer_crm.group_service").id,
                            self.env.ref("dealer_crm.group_customer_relations").id,
                        ]
                    )
                ],
            }
        )
        policy.with_user(second_sales).action_acknowledge()
        for user in (self.user_sales, self.user_service, self.user_relations):
            as_user = policy.with_user(user)
            with self.subTest(user=user.login):
                # their own: they read it and acknowledge it
                self.env.invalidate_all()
                self.assertFalse(as_user.acknowledged)
                as_user.action_acknowledge()
                self.env.invalidate_all()
                self.assertTrue(as_user.acknowledged)
                # the colleagues': neither who has not, nor who has
                for name in ("missing_user_ids", "missing_count", "ack_ids", "ack_count"):
                    self.env.invalidate_all()
                    with self.assertRaises(AccessError):
                        as_user.read([name])
                acks = self.env["dealer.policy.ack"].with_user(user).search([])
                self.assertEqual(acks.user_id, user, "only their own acknowledgement")
                # and the chatter does not tell them either
                self.assertFalse(
                    policy.message_ids.filtered(lambda m: second_sales.name in (m.body or ""))
                )
        # a plain internal user reads no policy at all
        with self.assertRaises(AccessError):
            policy.with_user(self.user_plain).read(["name"])
        with self.assertRaises(AccessError):
            policy.with_user(self.user_plain).action_acknowledge()
        # the manager follows it up
        self.env.invalidate_all()
        as_manager = policy.with_user(self.user_manager)
        self.assertNotIn(second_sales, as_manager.missing_user_ids)
        self.assertNotIn(self.user_sales, as_manager.missing_user_ids)
        self.assertEqual(
            set(as_manager.ack_ids.user_id.ids),
            {second_sales.id, self.user_sales.id, self.user_service.id, self.user_relations.id},
        )
        # staff start no new version, nor type one
        with self.assertRaises(AccessError):
            policy.with_user(self.user_sales).action_new_version()
        with self.assertRaises(AccessError):
            as_manager.write({"version": 7})
        as_manager.action_new_version()
        self.assertEqual(policy.version, 2)

    # Wizards: an attack each ----------------------------------------------------
    def test_access_export_only_for_relations_on_their_companies_customers(self):
        Export = self.env["dealer.access.export"]
        with self.assertRaises(AccessError):
            Export.with_user(self.user_sales).create({"partner_id": self.customer.id})
        wizard = Export.with_user(self.user_relations).create({"partner_id": self.partner_b.id})
        with self.assertRaises(AccessError):
            wizard.action_export()
        with self.assertRaises(AccessError):
            wizard.with_context(allowed_company_ids=self.company_b.ids).action_export()
        self.assertFalse(wizard.sudo().data)

    def test_event_invite_only_by_a_manager_on_their_companies_events(self):
        Event = self.env["event.event"]
        event_b = Event.create(
            {
                "name": "Owner club of B",
                "dealer_promotion": "clinic",
                "date_begin": "2031-05-01 09:00:00",
                "date_end": "2031-05-01 12:00:00",
                "company_id": self.company_b.id,
            }
        )
        event_a = event_b.copy({"company_id": self.company.id})
        Invite = self.env["dealer.event.invite"]
        with self.assertRaises(AccessError):
            Invite.with_user(self.user_sales).create(
                {"event_id": event_a.id, "partner_ids": [Command.set(self.customer.ids)]}
            )
        # an event of another company; customers of another company (unreadable, they are
        # left out of the wizard's list, and no one is invited)
        for event, partner, error in (
            (event_b, self.customer, AccessError),
            (event_a, self.partner_b, UserError),
        ):
            wizard = Invite.with_user(self.user_manager).create(
                {"event_id": event.id, "partner_ids": [Command.set(partner.ids)]}
            )
            with self.subTest(event=event.id), self.assertRaises(error):
                wizard.action_invite()
        self.assertFalse((event_a | event_b).registration_ids)

    def _scheme(self, company, name):
        return self._create_loyalty_program(
            name,
            rewards=[{"discount": 5, "required_points": 100, "description": "5% off"}],
            company_id=company.id,
        )

    def test_loyalty_adjust_and_redeem_stay_in_the_callers_company_and_scheme(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme_b = self._scheme(self.company_b, "Club of B")
        card_b = scheme_b._dealer_card(self.partner_b)
        card_b.sudo()._dealer_move(500, "Opening balance", "adjust")
        # adjusting: only a manager, and only on a card of their companies
        with self.assertRaises(AccessError):
            self.env["dealer.loyalty.adjust"].with_user(self.user_sales).create(
                {"card_id": card_b.id, "points": 1000, "reason": "Forged"}
            )
        adjust = (
            self.env["dealer.loyalty.adjust"]
            .with_user(self.user_manager)
            .create({"card_id": card_b.id, "points": 1000, "reason": "Forged"})
        )
        with self.assertRaises(AccessError):
            adjust.action_confirm()
        # redeeming: on a card of another company
        Redeem = self.env["dealer.loyalty.redeem"].with_user(self.user_sales)
        redeem = Redeem.create({"card_id": card_b.id, "reward_id": scheme_b.reward_ids.id})
        with self.assertRaises(AccessError):
            redeem.action_confirm()
        self.assertEqual(card_b.points, 500)
        # a reward of another scheme, on the caller's own card
        scheme_a = self._scheme(self.company, "Club of A")
        card_a = scheme_a._dealer_card(self.customer)
        card_a.sudo()._dealer_move(500, "Opening balance", "adjust")
        forged = Redeem.create({"card_id": card_a.id, "reward_id": scheme_b.reward_ids.id})
        with self.assertRaises(UserError):
            forged.action_confirm()
        # against a service visit, which sales may not change
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create(
            {"vehicle_id": vehicle.id, "date": self._today(), "amount": 1000}
        )
        on_visit = Redeem.create(
            {
                "card_id": card_a.id,
                "reward_id": scheme_a.reward_ids.id,
                "service_record_id": visit.id,
            }
        )
        with self.assertRaises(AccessError):
            on_visit.action_confirm()
        self.assertEqual(card_a.points, 500)
        self.assertEqual(visit.amount, 1000)
        # at the counter, service redeems it
        on_visit.with_user(self.user_service).action_confirm()
        self.assertEqual(card_a.points, 400)

    def test_anonymize_only_a_customer_of_the_managers_companies(self):
        with self.assertRaises(AccessError):
            self.env["dealer.partner.anonymize"].with_user(self.user_relations).create(
                {"partner_id": self.customer.id, "confirmation": self.customer.name}
            )
        wizard = (
            self.env["dealer.partner.anonymize"]
            .with_user(self.user_manager)
            .create({"partner_id": self.partner_b.id, "confirmation": self.partner_b.name})
        )
        with self.assertRaises(AccessError):
            wizard.action_anonymize()
        self.assertEqual(self.partner_b.name, "Customer Of B")
        self.assertFalse(self.partner_b.dealer_anonymized)

    def test_referral_only_on_records_the_caller_may_read(self):
        Referral = self.env["dealer.referral"].with_user(self.user_sales)
        plan_b = self.plan.sudo().copy({"company_id": self.company_b.id})
        for vals, error in (
            ({"partner_id": self.partner_b.id}, AccessError),
            # a strategy plan, which sales may not read, named by forged values
            ({"res_model": "dealer.service.plan", "res_id": plan_b.id}, AccessError),
            ({"res_model": "ir.config_parameter", "res_id": 1}, UserError),
        ):
            wizard = Referral.create(
                {"partner_id": self.customer.id, "department": "service", "note": "x", **vals}
            )
            with self.subTest(vals=vals), self.assertRaises(error):
                wizard.action_refer()
        self.assertFalse(plan_b.activity_ids)
        self.assertFalse(self.partner_b.activity_ids)
        # forged through the context's defaults
        wizard = Referral.with_context(
            active_model="dealer.service.plan", active_id=self.plan.id
        ).create({"partner_id": self.customer.id, "department": "service", "note": "x"})
        with self.assertRaises(AccessError):
            wizard.action_refer()
        self.assertFalse(self.plan.activity_ids)
        # a colleague of another company, named by forged values
        user_b = self._create_user("t_service_b", "dealer_crm.group_service", self.company_b)
        wizard = Referral.create(
            {
                "partner_id": self.customer.id,
                "department": "service",
                "user_id": user_b.id,
                "note": "x",
            }
        )
        with self.assertRaises(UserError):
            wizard.action_refer()
        self.assertFalse(self.customer.activity_ids)

    def test_vehicle_delivery_only_by_sales_on_their_companies_orders(self):
        product = self.env["product.product"].create({"name": "New car B", "list_price": 1})
        order_b = self.env["sale.order"].create(
            {
                "partner_id": self.partner_b.id,
                "company_id": self.company_b.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        vals = {
            "sale_order_id": order_b.id,
            "line_id": order_b.order_line.id,
            "vin": "1M8GDM9AXKP042788",
        }
        with self.assertRaises(AccessError):
            self.env["dealer.vehicle.delivery"].with_user(self.user_relations).create(vals)
        wizard = self.env["dealer.vehicle.delivery"].with_user(self.user_sales).create(vals)
        with self.assertRaises(AccessError):
            wizard.action_deliver()
        self.assertFalse(order_b.order_line.dealer_vehicle_id)

    def test_vehicle_transfer_only_between_records_of_the_callers_companies(self):
        vehicle_b = self._create_vehicle(
            vin="JH4KA7561PC008269",
            owner_id=self.partner_b.id,
            company_id=self.company_b.id,
        )
        vehicle_a = self._create_vehicle(owner_id=self.customer.id)
        Transfer = self.env["dealer.vehicle.transfer"]
        with self.assertRaises(AccessError):
            Transfer.with_user(self.user_relations).create(
                {"vehicle_id": vehicle_a.id, "new_owner_id": self.user_relations.partner_id.id}
            )
        for vehicle, new_owner in (
            (vehicle_b, self.customer),
            (vehicle_a, self.partner_b),
        ):
            wizard = Transfer.with_user(self.user_service).create(
                {"vehicle_id": vehicle.id, "new_owner_id": new_owner.id}
            )
            with self.subTest(vehicle=vehicle.vin), self.assertRaises(AccessError):
                wizard.action_confirm()
        self.assertEqual(vehicle_b.owner_id, self.partner_b)
        self.assertEqual(vehicle_a.owner_id, self.customer)
