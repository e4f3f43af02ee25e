# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A serviced item's intake, estimate and collection (issue 32), for every kind of
item through the one visit model: the intake's condition and photos, the estimate (a
sale.order quotation) approved or refused on the portal or by a recorded call, the work
waiting on it, the collection notice through the consent gate, the item collected, the
uncollected item followed up; as each department and as an attacker."""

import base64
import re
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import DealerCrmCase
from .ui_common import DealerHttpCase

NOW = datetime(2026, 11, 30, 9, 0, 0)
#: a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class EstimateFactories:
    @classmethod
    def _create_watch(cls, serial="W-0001", owner=None):
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Harbour Test Watches"})
        reference = cls.env["fleet.vehicle.model"].create(
            {"name": "Diver 300", "brand_id": brand.id, "vehicle_type": "watch"}
        )
        # an item is of a kind its company sells (dealer.vehicle._check_item_kind_sold)
        if cls.env.company.dealer_item_kinds == "vehicle":
            cls.env.company.dealer_item_kinds = "both"
        return cls.env["dealer.vehicle"].create(
            {
                "item_kind": "watch",
                "serial_number": serial,
                "model_id": reference.id,
                "owner_id": (owner or cls.customer).id,
            }
        )

    @classmethod
    def _create_overhaul(cls):
        return cls.env["product.product"].create(
            {"name": "Movement overhaul", "type": "service", "list_price": 450.0}
        )

    def _intake(self, item, user=None):
        return self._create_visit(
            item,
            advisor=user or self.user_service,
            service_type="repair",
            customer_remarks="Loses two minutes a day",
            dealer_condition="Scratch on the bezel at 3 o'clock",
        )

    def _estimate(self, visit, user=None):
        user = user or self.user_service
        visit.with_user(user).action_create_estimate()
        order = visit.dealer_estimate_order_id
        order.with_user(user).write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.overhaul.id, "product_uom_qty": 1, "price_unit": 450}
                    )
                ]
            }
        )
        return order

    def _answer_by_phone(self, visit, decision, user=None, summary="Customer said go ahead"):
        wizard = (
            self.env["dealer.service.estimate.call"]
            .with_user(user or self.user_service)
            .create({"visit_id": visit.id, "decision": decision, "summary": summary})
        )
        return wizard.action_confirm()


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestServiceEstimate(EstimateFactories, DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.watch = cls._create_watch()
        cls.car = cls._create_vehicle(owner_id=cls.customer.id)
        cls.overhaul = cls._create_overhaul()
        cls.call_type = cls.env.ref("dealer_crm.mail_activity_type_followup_call")
        cls.followup_type = cls.env.ref("dealer_crm.mail_activity_type_collection_followup")
        # the follow-up job reads the whole table: the database's own items waiting for
        # collection (the demo watch retailer's) are collected, out of these tests' way
        for item in cls.env["dealer.service.record"].search(
            [("dealer_ready_date", "!=", False), ("dealer_collected_date", "=", False)]
        ):
            item.sudo().dealer_collected_date = item.dealer_ready_date

    def _activities(self, visit, activity_type):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "dealer.service.record"),
                ("res_id", "=", visit.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def _collection_notices(self, visit):
        return visit.message_ids.filtered(
            lambda m: (
                self.customer in m.partner_ids and "is ready for collection" in (m.subject or "")
            )
        )

    # Intake --------------------------------------------------------------------------
    def test_intake_keeps_description_condition_and_photos_on_the_visit(self):
        visit = self._intake(self.watch)
        Attachment = self.env["ir.attachment"].with_user(self.user_service)
        photo = Attachment.create(
            {"name": "bezel.png", "raw": PNG, "res_model": "dealer.service.record", "res_id": 0}
        )
        visit.with_user(self.user_service).write(
            {"dealer_intake_photo_ids": [Command.link(photo.id)]}
        )
        self.assertEqual((photo.res_model, photo.res_id), ("dealer.service.record", visit.id))
        self.assertEqual(visit.customer_remarks, "Loses two minutes a day")
        self.assertEqual(visit.dealer_condition, "Scratch on the bezel at 3 o'clock")
        text = Attachment.create({"name": "notes.txt", "raw": b"not a photo"})
        with self.assertRaises(ValidationError):
            visit.with_user(self.user_service).write(
                {"dealer_intake_photo_ids": [Command.link(text.id)]}
            )
        # an image of another record (or uploaded by someone else) is not taken over
        other = self.env["ir.attachment"].create(
            {"name": "id.png", "raw": PNG, "res_model": "res.partner", "res_id": self.customer.id}
        )
        with self.assertRaises(ValidationError):
            visit.with_user(self.user_service).write(
                {"dealer_intake_photo_ids": [Command.link(other.id)]}
            )

    # The estimate --------------------------------------------------------------------
    def test_estimate_is_a_draft_quotation_linked_to_its_visit(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.company_id, visit.company_id)
        self.assertEqual(order.dealer_estimate_visit_id, visit)
        self.assertEqual(visit.dealer_estimate_state, "waiting")
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_create_estimate()

    def test_work_waits_on_the_estimate(self):
        visit = self._intake(self.watch)
        self._estimate(visit)
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_start()
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_done()
        self.assertEqual(visit.state, "scheduled")
        # a car's repair found while in the workshop waits the same way
        car_visit = self._intake(self.car)
        car_visit.with_user(self.user_service).action_start()
        self._estimate(car_visit)
        with self.assertRaises(UserError):
            car_visit.with_user(self.user_service).action_done()
        self._answer_by_phone(car_visit, "approved")
        car_visit.with_user(self.user_service).action_done()
        self.assertEqual(car_visit.state, "done")

    def test_watch_approved_by_phone_then_serviced_and_collected(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        self._answer_by_phone(visit, "approved", summary="Approves the overhaul")
        self.assertEqual(order.state, "sale")
        self.assertEqual(visit.dealer_estimate_state, "approved")
        self.assertEqual(visit.dealer_estimate_channel, "phone")
        self.assertEqual(visit.dealer_estimate_decided_on, NOW)
        call = visit.dealer_estimate_interaction_id
        self.assertEqual(call.channel, "phone")
        self.assertIn("Approves the overhaul", call.summary)
        self.assertEqual(call.service_record_id, visit)
        self.assertEqual(call.partner_id, self.customer)
        visit.with_user(self.user_service).action_start()
        visit.with_user(self.user_service).action_done()
        self.assertEqual(visit.dealer_ready_date, NOW.date())
        visit.with_user(self.user_service).action_collected()
        self.assertEqual(visit.dealer_collected_date, NOW.date())
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_collected()

    def test_estimate_refused_by_phone_ends_the_work_but_waits_for_collection(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        self._answer_by_phone(visit, "refused", summary="Too expensive")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(visit.dealer_estimate_state, "refused")
        self.assertEqual(visit.dealer_estimate_channel, "phone")
        self.assertEqual(visit.state, "cancelled")
        self.assertEqual(visit.dealer_ready_date, NOW.date())
        self.assertFalse(visit.dealer_collected_date)
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_start()
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_done()
        visit.with_user(self.user_service).action_collected()
        self.assertEqual(visit.dealer_collected_date, NOW.date())

    def test_send_estimate_goes_through_the_consent_gate(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        # no consent: no mail, a call for the advisor instead
        self.assertFalse(visit.with_user(self.user_service).action_send_estimate())
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.message_ids.filtered(lambda m: self.customer in m.partner_ids))
        self.assertEqual(self._activities(visit, self.call_type).user_id, self.user_service)
        # consent granted: the quotation is mailed and marked sent
        self._create_service_consent(self.customer, "email")
        self.assertTrue(visit.with_user(self.user_service).action_send_estimate())
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.message_ids.filtered(lambda m: self.customer in m.partner_ids))

    # Collection notice -----------------------------------------------------------------
    def test_collection_notice_is_mailed_with_consent(self):
        self._create_service_consent(self.customer, "email")
        visit = self._intake(self.watch)
        visit.with_user(self.user_service).action_start()
        visit.with_user(self.user_service).action_done()
        notice = self._collection_notices(visit)
        self.assertEqual(len(notice), 1)
        self.assertIn(self.watch.display_name, notice.subject)
        self.assertIn(self.customer, notice.partner_ids)
        self.assertNotIn("VIN", notice.body)
        self.assertFalse(self._activities(visit, self.call_type))

    def test_collection_notice_withdrawn_consent_gives_a_call_not_a_mail(self):
        self._create_service_consent(self.customer, "email", state="withdrawn")
        visit = self._intake(self.watch)
        visit.with_user(self.user_service).action_start()
        visit.with_user(self.user_service).action_done()
        self.assertEqual(visit.dealer_ready_date, NOW.date())
        self.assertFalse(self._collection_notices(visit))
        call = self._activities(visit, self.call_type)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.user_id, self.user_service)

    def test_a_visit_with_the_customer_waiting_has_no_collection_step(self):
        self._create_service_consent(self.customer, "email")
        visit = self._create_visit(self.car, advisor=self.user_service)
        visit.with_user(self.user_service).action_done()
        self.assertFalse(visit.dealer_ready_date)
        self.assertFalse(self._collection_notices(visit))
        with self.assertRaises(UserError):
            visit.with_user(self.user_service).action_collected()

    def test_collection_notice_by_sms_when_only_sms_is_granted(self):
        self._create_service_consent(self.customer, "sms")
        visit = self._intake(self.watch)
        visit.with_user(self.user_service).action_start()
        visit.with_user(self.user_service).action_done()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("is ready for collection", sms.body)
        self.assertFalse(self._activities(visit, self.call_type))

    # Uncollected items ------------------------------------------------------------------
    def test_uncollected_item_followed_up_once_per_period(self):
        Visit = self.env["dealer.service.record"]
        visit = self._intake(self.watch)
        visit.with_user(self.user_service).action_start()
        visit.with_user(self.user_service).action_done()
        collected = self._intake(self.car)
        collected.sudo().action_start()
        collected.sudo().action_done()
        collected.with_user(self.user_service).action_collected()
        with freeze_time(NOW + timedelta(days=14)):
            self.assertFalse(Visit._cron_collection_followups())
        with freeze_time(NOW + timedelta(days=15)):
            self.assertEqual(Visit._cron_collection_followups(), visit)
            self.assertFalse(Visit._cron_collection_followups(), "once")
        followups = self._activities(visit, self.followup_type)
        self.assertEqual(len(followups), 1)
        self.assertEqual(followups.user_id, self.user_service)
        self.assertFalse(self._activities(collected, self.followup_type))
        with freeze_time(NOW + timedelta(days=25)):
            self.assertFalse(Visit._cron_collection_followups())
        with freeze_time(NOW + timedelta(days=29)):
            self.assertEqual(Visit._cron_collection_followups(), visit)
        # collected: the follow-ups are done, none again
        with freeze_time(NOW + timedelta(days=30)):
            visit.with_user(self.user_service).action_collected()
            self.assertFalse(self._activities(visit, self.followup_type))
        with freeze_time(NOW + timedelta(days=60)):
            self.assertFalse(Visit._cron_collection_followups())

    def test_follow_up_days_is_a_setting(self):
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.collection_followup_days", 3)
        visit = self._intake(self.watch)
        visit.sudo().action_start()
        visit.sudo().action_done()
        with freeze_time(NOW + timedelta(days=4)):
            self.assertEqual(self.env["dealer.service.record"]._cron_collection_followups(), visit)
        settings = self.env["res.config.settings"].create({"dealer_collection_followup_days": 0})
        with self.assertRaises(ValidationError):
            settings.execute()

    # Departments ------------------------------------------------------------------------
    def test_sales_and_relations_read_but_do_not_run_it(self):
        visit = self._intake(self.watch)
        self._estimate(visit)
        for user in (self.user_sales, self.user_relations):
            self.env.invalidate_all()
            as_user = visit.with_user(user)
            self.assertEqual(as_user.dealer_estimate_state, "waiting")
            self.assertEqual(as_user.dealer_condition, "Scratch on the bezel at 3 o'clock")
            with self.assertRaises(AccessError):
                as_user.action_send_estimate()
            with self.assertRaises(AccessError):
                self._answer_by_phone(visit, "approved", user=user)
        self.assertEqual(visit.dealer_estimate_state, "waiting")

    def test_manager_runs_it_all(self):
        visit = self._intake(self.watch, user=self.user_manager)
        self._estimate(visit, user=self.user_manager)
        self._answer_by_phone(visit, "approved", user=self.user_manager)
        visit.with_user(self.user_manager).action_start()
        visit.with_user(self.user_manager).action_done()
        visit.with_user(self.user_manager).action_collected()
        self.assertEqual(visit.dealer_collected_date, NOW.date())

    # Attacks ----------------------------------------------------------------------------
    def test_protected_fields_refused_over_rpc(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        for vals in (
            {"dealer_estimate_state": "approved"},
            {"dealer_estimate_channel": "portal"},
            {"dealer_estimate_decided_on": fields.Datetime.to_string(NOW)},
            {"dealer_ready_date": "2026-11-30"},
            {"dealer_collected_date": "2026-11-30"},
            {"dealer_estimate_order_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                visit.with_user(self.user_manager).write(vals)
        with self.assertRaises(AccessError):
            order.with_user(self.user_manager).write({"dealer_estimate_visit_id": False})
        with self.assertRaises(AccessError):
            self.env["dealer.service.record"].with_user(self.user_service).create(
                {"vehicle_id": self.watch.id, "dealer_estimate_state": "approved"}
            )
        sneaky = (
            self.env["dealer.service.record"]
            .with_user(self.user_service)
            .with_context(
                default_dealer_estimate_state="approved", default_dealer_ready_date="2026-11-30"
            )
            .create({"vehicle_id": self.watch.id})
        )
        self.assertEqual(sneaky.dealer_estimate_state, "none")
        self.assertFalse(sneaky.dealer_ready_date)

    def test_staff_cannot_confirm_or_cancel_an_estimate_as_a_quotation(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        for user in (self.user_service, self.user_manager):
            with self.assertRaises(UserError):
                order.with_user(user).action_confirm()
            with self.assertRaises(UserError):
                order.with_user(user)._action_cancel()
        self.assertEqual(order.state, "draft")
        self.assertEqual(visit.dealer_estimate_state, "waiting")

    def test_no_second_answer(self):
        visit = self._intake(self.watch)
        self._estimate(visit)
        self._answer_by_phone(visit, "approved")
        with self.assertRaises(UserError):
            self._answer_by_phone(visit, "approved")
        with self.assertRaises(UserError):
            self._answer_by_phone(visit, "refused")
        refused = self._intake(self.watch)
        order = self._estimate(refused)
        self._answer_by_phone(refused, "refused")
        with self.assertRaises(UserError):
            self._answer_by_phone(refused, "approved")
        with self.assertRaises(UserError):
            order.sudo().action_confirm()  # as the portal would
        self.assertEqual(refused.dealer_estimate_state, "refused")

    def test_another_company_neither_reads_nor_answers(self):
        company_b, service_b = self._create_company_b(
            "Dealer B", t_service_b="dealer_crm.group_service"
        )
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            visit.with_user(service_b).dealer_estimate_state  # noqa: B018
        with self.assertRaises(AccessError):
            self._answer_by_phone(visit, "approved", user=service_b)
        with self.assertRaises(UserError):
            order.with_user(service_b).action_confirm()
        with self.assertRaises(AccessError):
            visit.with_user(service_b).action_create_estimate()
        self.assertEqual(visit.dealer_estimate_state, "waiting")
        self.assertEqual(order.state, "draft")
        self.assertEqual(company_b.name, "Dealer B")

    def test_cancelling_the_visit_withdraws_its_estimate(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        visit.with_user(self.user_service).action_cancel()
        self.assertEqual(order.state, "cancel")
        with self.assertRaises(UserError):
            order.sudo().action_confirm()

    # Review of issue 32: the estimate's customer, state, currency and withdrawal ------
    def test_the_estimates_customer_is_the_visits_and_stays_so(self):
        other = self.env["res.partner"].create({"name": "Other Customer", "email": "o@x.test"})
        other_watch = self._create_watch(serial="W-0002", owner=other)
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        as_service = order.with_user(self.user_service)
        with self.assertRaisesRegex(UserError, "its customer is the visit's"):
            as_service.write({"partner_id": other.id})
        for name in ("partner_invoice_id", "partner_shipping_id"):
            with self.assertRaisesRegex(UserError, "own addresses"):
                as_service.write({name: other.id})
        # the customer's own address is fine, and so is the same customer written again
        address = self.env["res.partner"].create(
            {"name": "Billing", "type": "invoice", "parent_id": self.customer.id}
        )
        as_service.write({"partner_id": self.customer.id, "partner_invoice_id": address.id})
        self.assertEqual(order.partner_invoice_id, address)
        # nor does the visit change customer or item under its estimate, waiting or answered
        for answer in (None, "approved"):
            if answer:
                self._answer_by_phone(visit, answer)
            with self.assertRaisesRegex(UserError, "cannot change"):
                visit.with_user(self.user_service).write({"partner_id": other.id})
            with self.assertRaisesRegex(UserError, "cannot change"):
                visit.with_user(self.user_service).write({"vehicle_id": other_watch.id})
            # a new date does not move the visit to another owner either
            visit.with_user(self.user_service).write({"date": NOW.date() - timedelta(days=1)})
            self.assertEqual(visit.partner_id, self.customer)
            self.assertEqual(visit.vehicle_id, self.watch)
        self.assertEqual(order.partner_id, self.customer)

    def test_send_estimate_mails_the_visits_customer_only(self):
        other = self.env["res.partner"].create({"name": "Other Customer", "email": "o@x.test"})
        self._create_service_consent(self.customer, "email")
        self._create_service_consent(other, "email")
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        with self.assertRaises(UserError):
            order.with_user(self.user_service).write({"partner_id": other.id})
        # not to someone else following the quotation either
        order.message_subscribe(partner_ids=other.ids)
        self.assertTrue(visit.with_user(self.user_service).action_send_estimate())
        mailed = order.message_ids.filtered("partner_ids")
        self.assertEqual(mailed.partner_ids, self.customer)
        self.assertEqual(mailed.notification_ids.res_partner_id, self.customer)
        self.assertIn(self.customer.name, visit.message_ids[0].body)

    def test_estimate_state_moves_only_through_the_workflow(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        for user in (self.user_service, self.user_manager):
            for state in ("sale", "cancel"):
                with self.assertRaisesRegex(UserError, "estimate of a service visit"):
                    order.with_user(user).write({"state": state})
        # between Quotation and Quotation Sent, as sale's own sending does
        order.with_user(self.user_service).write({"state": "sent"})
        order.with_user(self.user_service).action_draft()
        self.assertEqual((order.state, visit.dealer_estimate_state), ("draft", "waiting"))
        # approved: never cancelled nor reset as an ordinary quotation
        self._answer_by_phone(visit, "approved")
        self.assertEqual(order.state, "sale")
        for user in (self.user_service, self.user_manager):
            as_user = order.with_user(user)
            with self.assertRaisesRegex(UserError, "estimate of a service visit"):
                as_user.action_cancel()
            with self.assertRaisesRegex(UserError, "estimate of a service visit"):
                self.env["sale.order.cancel"].with_user(user).create(
                    {"order_id": order.id}
                ).action_cancel()
            for state in ("cancel", "draft", "sent"):
                with self.assertRaisesRegex(UserError, "estimate of a service visit"):
                    as_user.write({"state": state})
            with self.assertRaisesRegex(UserError, "already answered"):
                as_user.action_draft()
        self.assertEqual((order.state, visit.dealer_estimate_state), ("sale", "approved"))
        # refused: the cancelled quotation is not offered again
        refused = self._intake(self.watch)
        refused_order = self._estimate(refused)
        self._answer_by_phone(refused, "refused")
        for user in (self.user_service, self.user_manager):
            with self.assertRaisesRegex(UserError, "already answered"):
                refused_order.with_user(user).action_draft()
            with self.assertRaisesRegex(UserError, "estimate of a service visit"):
                refused_order.with_user(user).write({"state": "draft"})
        self.assertEqual(refused_order.state, "cancel")
        # an ordinary quotation is still sale's own
        plain = self.env["sale.order"].create({"partner_id": self.customer.id})
        plain.with_user(self.user_manager).write({"state": "cancel"})
        plain.with_user(self.user_manager).action_draft()
        self.assertEqual(plain.state, "draft")

    def test_estimate_in_another_currency_is_the_visits_price_converted(self):
        company = self.env.company
        foreign = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", company.currency_id.id), ("name", "in", ("EUR", "CHF"))], limit=1)
        )
        foreign.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", foreign.id)]).unlink()
        self.env["res.currency.rate"].create(
            {"name": "2026-11-01", "rate": 0.5, "currency_id": foreign.id, "company_id": company.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": foreign.id, "company_id": company.id}
        )
        visit = self._intake(self.watch)
        visit.with_user(self.user_service).action_create_estimate()
        order = visit.dealer_estimate_order_id
        order.with_user(self.user_service).write({"pricelist_id": pricelist.id})
        order.with_user(self.user_service).write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.overhaul.id, "product_uom_qty": 1, "price_unit": 450}
                    )
                ]
            }
        )
        self.assertEqual(order.currency_id, foreign)
        self.assertNotEqual(visit.currency_id, foreign)
        self._answer_by_phone(visit, "approved")
        expected = foreign._convert(450, visit.currency_id, company, NOW.date())
        self.assertEqual(visit.amount, expected)
        self.assertAlmostEqual(visit.amount, 450 / 0.5 * company.currency_id.rate, places=2)

    def test_cancelling_the_visit_withdraws_a_waiting_estimate_and_the_item_goes_back(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        visit.with_user(self.user_service).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(visit.dealer_estimate_state, "withdrawn")
        self.assertFalse(
            self.env["dealer.service.record"].search(
                [("id", "=", visit.id), ("dealer_estimate_state", "=", "waiting")]
            )
        )
        # no answer, no quotation offered again
        for decision in ("approved", "refused"):
            with self.assertRaises(UserError):
                visit.with_user(self.user_service)._dealer_open_estimate_call(decision)
        with self.assertRaises(UserError):
            order.with_user(self.user_service).action_draft()
        # the item was left with us: ready for collection (no consent: a call instead)
        self.assertEqual(visit.dealer_ready_date, NOW.date())
        self.assertEqual(self._activities(visit, self.call_type).user_id, self.user_service)
        with freeze_time(NOW + timedelta(days=20)):
            self.assertIn(visit, self.env["dealer.service.record"]._cron_collection_followups())
        # with consent, the notice is mailed; a visit whose item never came in has none
        self._create_service_consent(self.customer, "email")
        mailed = self._intake(self.watch)
        self._estimate(mailed)
        mailed.with_user(self.user_service).action_cancel()
        self.assertTrue(self._collection_notices(mailed))
        booked = self._create_visit(self.watch, advisor=self.user_service)
        booked.with_user(self.user_service).action_cancel()
        self.assertFalse(booked.dealer_ready_date)
        self.assertFalse(self._collection_notices(booked))


@tagged("post_install", "-at_install")
class TestServiceEstimatePortal(EstimateFactories, DealerHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_service = cls._create_user("t_service_est", "dealer_crm.group_service")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Wong Siu Ming", "email": "wong@example.com"}
        )
        cls.portal_user = cls._create_portal_user(cls.customer, "t_portal_wong")
        cls.watch = cls._create_watch(serial="W-0002")
        cls.overhaul = cls._create_overhaul()

    def _waiting_estimate(self):
        visit = self._intake(self.watch)
        order = self._estimate(visit)
        order.sudo().action_quotation_sent()
        # signed and confirmed (a company asking for payment confirms it once paid)
        order.sudo().write({"require_signature": True, "require_payment": False})
        return visit, order

    def test_approved_on_the_portal(self):
        visit, order = self._waiting_estimate()
        self.authenticate("t_portal_wong", "t_portal_wong")
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(page.status_code, 200)
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"name": "Wong Siu Ming", "signature": base64.b64encode(PNG).decode()},
        )
        self.assertNotIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(visit.dealer_estimate_state, "approved")
        self.assertEqual(visit.dealer_estimate_channel, "portal")
        self.assertFalse(visit.dealer_estimate_interaction_id)
        self.assertTrue(
            visit.message_ids.filtered(lambda m: "approved by the customer (Portal)" in str(m.body))
        )
        visit.with_user(self.user_service).action_start()
        self.assertEqual(visit.state, "in_progress")

    def test_declined_on_the_portal_with_the_access_token(self):
        visit, order = self._waiting_estimate()
        token = order._portal_ensure_token()
        page = self.url_open(f"/my/orders/{order.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        csrf = CSRF.search(page.text).group(1)
        response = self.url_open(
            f"/my/orders/{order.id}/decline",
            data={
                "access_token": token,
                "decline_message": "Too dear, I will take it back",
                "csrf_token": csrf,
            },
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.env.invalidate_all()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(visit.dealer_estimate_state, "refused")
        self.assertEqual(visit.dealer_estimate_channel, "portal")
        self.assertEqual(visit.state, "cancelled")
        self.assertTrue(visit.dealer_ready_date)

    def test_another_customer_cannot_answer(self):
        visit, order = self._waiting_estimate()
        intruder = self.env["res.partner"].create({"name": "Intruder", "email": "x@example.com"})
        self._create_portal_user(intruder, "t_portal_intruder")
        self.authenticate("t_portal_intruder", "t_portal_intruder")
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"name": "Intruder", "signature": base64.b64encode(PNG).decode()},
        )
        self.assertIn("error", result)
        self.env.invalidate_all()
        self.assertEqual(order.state, "sent")
        self.assertEqual(visit.dealer_estimate_state, "waiting")
