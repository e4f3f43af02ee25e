# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A watch retailer's whole story on dealer_crm (issue 32), through the screens' own
methods and as its department users: a watch sold and registered by its serial number,
reminded for its overhaul years later, serviced after an estimate the customer approved,
collected; an estimate refused; the watch passed to a new owner; the customer evaluated,
with the points the sale and the service earned.

Each step is one of the paths a vehicle takes (the handover, the plan by time, the
reminder job, the visit, the transfer, the evaluation): no copy per kind."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import DealerCrmCase

#: the day of the sale; the overhaul falls due 60 months later
SOLD = "2024-03-14 10:00:00"


@tagged("post_install", "-at_install")
class TestWatchRetailer(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls._create_company("Story Timepieces", dealer_item_kinds="watch")
        cls.w_sales = cls._create_user("t_story_sales", "dealer_crm.group_sales", cls.shop)
        cls.w_service = cls._create_user("t_story_service", "dealer_crm.group_service", cls.shop)
        cls.w_manager = cls._create_user("t_story_manager", "dealer_crm.group_manager", cls.shop)
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Story Horlogerie"})
        cls.reference = cls.env["fleet.vehicle.model"].create(
            {
                "name": "Chronograph 42",
                "brand_id": brand.id,
                "vehicle_type": "watch",
                "dealer_warranty_months": 24,
            }
        )
        shop_env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.shop.ids))
        cls.env["dealer.maintenance.plan"].with_env(shop_env).create(
            {
                "name": "Overhaul",
                "item_kind": "watch",
                "brand_id": brand.id,
                "interval_months": 60,
                "company_id": cls.shop.id,
            }
        )
        cls.program = cls._create_loyalty_program(
            "Story Circle",
            env=shop_env,
            company_id=cls.shop.id,
            dealer_rule_ids=[
                Command.create({"source": "vehicle_sale", "points_per_unit": 0.01}),
                Command.create({"source": "service", "points_per_unit": 0.1}),
            ],
        )
        cls.watch_product = (
            cls.env["product.product"]
            .with_company(cls.shop)
            .create(
                {
                    "name": "Chronograph 42 steel",
                    "list_price": 48000,
                    "dealer_is_vehicle": True,
                    "dealer_model_id": cls.reference.id,
                    "company_id": cls.shop.id,
                }
            )
        )
        cls.overhaul = cls.env["product.product"].create(
            {"name": "Story movement overhaul", "type": "service", "list_price": 3200.0}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Lam Ka Yan",
                "email": "lam.ky@example.com",
                "mobile": "+85291230000",
                "company_id": cls.shop.id,
            }
        )
        cls.heir = cls.env["res.partner"].create(
            {"name": "Lam Chi Wai", "mobile": "9123 0001", "company_id": cls.shop.id}
        )

    def _sell_and_register(self, serial):
        order = self._create_order(
            self.buyer,
            self.watch_product,
            48000,
            user_id=self.w_sales.id,
            company_id=self.shop.id,
        )
        wizard = Form(
            self.env["dealer.vehicle.delivery"]
            .with_user(self.w_sales)
            .with_context(default_sale_order_id=order.id, allowed_company_ids=self.shop.ids)
        )
        wizard.serial_number = serial
        wizard.warranty_card = f"WC-{serial}"
        action = wizard.save().action_deliver()
        return self.env["dealer.vehicle"].browse(action["res_id"])

    def _intake(self, watch, remarks):
        return (
            self.env["dealer.service.record"]
            .with_user(self.w_service)
            .with_context(allowed_company_ids=self.shop.ids)
            .create(
                {
                    "vehicle_id": watch.id,
                    "service_type": "repair",
                    "customer_remarks": remarks,
                    "dealer_condition": "Light scratches on the clasp",
                    "company_id": self.shop.id,
                }
            )
        )

    def _estimate(self, visit, price):
        visit.action_create_estimate()
        visit.dealer_estimate_order_id.write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.overhaul.id, "product_uom_qty": 1, "price_unit": price}
                    )
                ]
            }
        )
        return visit.dealer_estimate_order_id

    def _answer_by_phone(self, visit, decision, summary):
        self.env["dealer.service.estimate.call"].with_user(self.w_service).with_context(
            allowed_company_ids=self.shop.ids
        ).create({"visit_id": visit.id, "decision": decision, "summary": summary}).action_confirm()

    def test_a_watch_from_its_sale_to_its_new_owner(self):
        # 1. sold, and registered by its serial number on delivery
        with freeze_time(SOLD):
            watch = self._sell_and_register("CH42-0007731")
            sold_on = watch.purchase_date
        self.assertEqual(
            (watch.item_kind, watch.serial_number, watch.owner_id, watch.company_id),
            ("watch", "CH42-0007731", self.buyer, self.shop),
        )
        self.assertFalse(watch.vin or watch.license_plate or watch.odometer_ids)
        self.assertEqual(watch.warranty_end_date, sold_on + relativedelta(months=24))
        self.assertEqual(watch.ownership_ids.origin, "sale")
        found = (
            self.env["dealer.vehicle"]
            .with_user(self.w_service)
            .with_context(allowed_company_ids=self.shop.ids)
            .name_search("CH42-0007731")
        )
        self.assertEqual([row[0] for row in found], watch.ids, "found by the engraved serial")
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.buyer.id), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(card.points, 480, "the sale earned its points")

        # 2. reminded for its overhaul, by time alone, 60 months after the sale
        self.assertEqual(watch.next_service_date, sold_on + relativedelta(months=60))
        self.assertEqual(watch.next_service_odometer, 0)
        self.env["dealer.consent"].create(
            {
                "partner_id": self.buyer.id,
                "purpose": "service_reminder",
                "channel": "email",
                "state": "granted",
                "company_id": self.shop.id,
            }
        )
        due_day = sold_on + relativedelta(months=60, days=2)
        with freeze_time(due_day.isoformat() + " 09:00:00"):
            self.assertEqual(watch.service_due_state, "overdue")
            self.env["dealer.service.reminder"]._cron_service_reminders()
        reminder = watch.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
        self.assertEqual(len(reminder), 1, "one reminder, by email, as consented")
        self.assertIn("CH42-0007731", reminder.body)
        for word in ("vehicle", "odometer", "plate", " km"):
            self.assertNotIn(word, reminder.body.lower())

        # 3. serviced after an estimate the customer approved, then collected
        with freeze_time(due_day.isoformat() + " 11:00:00"):
            visit = self._intake(watch, "Due for its overhaul; the chronograph sticks")
            self.assertEqual(visit.partner_id, self.buyer)
            estimate = self._estimate(visit, 3200)
            self.assertEqual(visit.dealer_estimate_state, "waiting")
            self._answer_by_phone(visit, "approved", "Mrs Lam approved HKD 3,200 by phone")
            self.assertEqual(visit.dealer_estimate_state, "approved")
            self.assertEqual(visit.dealer_estimate_channel, "phone")
            self.assertEqual(visit.dealer_estimate_interaction_id.channel, "phone")
            self.assertEqual(estimate.state, "sale")
            self.assertEqual(visit.amount, 3200, "the approved estimate is the visit's price")
            visit.action_start()
            visit.action_done()
            self.assertEqual(visit.state, "done")
            self.assertTrue(visit.dealer_ready_date)
            visit.action_collected()
            self.assertTrue(visit.dealer_collected_date)
        self.assertEqual(watch.last_service_date, due_day)
        self.assertEqual(watch.next_service_date, due_day + relativedelta(months=60))
        self.assertEqual(card.points, 480 + 320, "the service earned its points too")

        # 4. a second estimate refused: the watch goes back unrepaired, still collected
        with freeze_time((due_day + relativedelta(months=3)).isoformat() + " 10:00:00"):
            refused = self._intake(watch, "Crown feels loose")
            self._estimate(refused, 900)
            self._answer_by_phone(refused, "refused", "Not worth it for now, she said")
            self.assertEqual(refused.dealer_estimate_state, "refused")
            self.assertEqual(refused.state, "cancelled")
            self.assertTrue(refused.dealer_ready_date)
            refused.action_collected()
        self.assertEqual(card.points, 800, "a refused estimate earns nothing")
        self.assertEqual(
            watch.last_service_date, due_day, "a refused estimate is no service of the watch"
        )

        # 5. passed to a new owner: the history stays with the owner of its day
        transfer_day = due_day + relativedelta(months=4)
        with freeze_time(transfer_day.isoformat() + " 10:00:00"):
            wizard = Form(
                self.env["dealer.vehicle.transfer"]
                .with_user(self.w_service)
                .with_context(default_vehicle_id=watch.id, allowed_company_ids=self.shop.ids)
            )
            wizard.new_owner_id = self.heir
            wizard.date = transfer_day
            wizard.save().action_confirm()
        self.assertEqual(watch.owner_id, self.heir)
        self.assertEqual(
            watch.ownership_ids.sorted("date_start").mapped("partner_id"), self.buyer | self.heir
        )
        self.assertEqual(watch._owner_at(due_day), self.buyer)
        self.assertEqual(visit.partner_id, self.buyer, "the visit stays the buyer's")

        # 6. the retailer's customer evaluated in its own company, points and all
        with freeze_time(transfer_day.isoformat() + " 12:00:00"):
            Score = self.env["dealer.customer.score"].with_context(
                allowed_company_ids=self.shop.ids
            )
            self.assertEqual(Score._evaluate(self.buyer.ids, company=self.shop), 1)
        score = Score.search(
            [("partner_id", "=", self.buyer.id), ("company_id", "=", self.shop.id)]
        )
        self.assertEqual(len(score), 1)
        # the watch and the service, the approved estimate counted once (as the visit)
        self.assertEqual(score.lifetime_spend, 48000 + 3200)
        self.assertEqual(score.frequency, 1, "the evaluation window holds the service only")
        self.assertTrue(score.segment)
        self.assertEqual(self.buyer.dealer_loyalty_points, 800)
