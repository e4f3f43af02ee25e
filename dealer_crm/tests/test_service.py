# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestService(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        cls.Plan = cls.env["dealer.maintenance.plan"]
        cls.Plan.search([]).action_archive()
        cls.default_plan = cls.Plan.create(
            {"name": "Default", "interval_months": 12, "interval_distance": 15000}
        )
        cls.vehicle = cls._create_vehicle(
            owner_id=cls.customer.id, purchase_date=cls.today - relativedelta(years=2)
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Next Owner", "email": "next@example.com"}
        )
        cls.env["dealer.followup.step"].search([]).action_archive()

    def _service(self, vehicle=None, days_ago=0, **vals):
        day = self.today - timedelta(days=days_ago)
        return self._create_visit(vehicle or self.vehicle, day, self.user_service, **vals)

    def _read(self, value, days_ago, vehicle=None):
        return self.env["dealer.vehicle.odometer"].create(
            {
                "vehicle_id": (vehicle or self.vehicle).id,
                "value": value,
                "date": self.today - timedelta(days=days_ago),
            }
        )

    # Due dates ----------------------------------------------------------
    def test_next_due_by_months_alone(self):
        self._service(days_ago=100, state="done")
        self.assertEqual(
            self.vehicle.next_service_date,
            self.today - timedelta(days=100) + relativedelta(months=12),
        )
        self.assertEqual(self.vehicle.last_service_date, self.today - timedelta(days=100))

    def test_next_due_by_distance_from_readings(self):
        # 100 km a day over 60 days; 15,000 km after the service at 20,000
        self._read(14000, 160)
        self._service(days_ago=100, odometer=20000, state="done")
        self._read(26000, 40)
        self.assertEqual(self.vehicle.next_service_odometer, 35000)
        # 9,000 km to go at 100 km a day from the last reading
        self.assertEqual(
            self.vehicle.next_service_date, self.today - timedelta(days=40) + timedelta(days=90)
        )

    def test_next_due_whichever_comes_first(self):
        self._service(days_ago=100, odometer=20000, state="done")
        self._read(20500, 10)  # a slow car: 5 km a day, months come first
        self.assertEqual(
            self.vehicle.next_service_date,
            self.today - timedelta(days=100) + relativedelta(months=12),
        )

    def test_most_specific_plan_applies(self):
        self._service(days_ago=10, state="done")
        base = self.today - timedelta(days=10)
        brand_plan = self.Plan.create(
            {"name": "Toyota", "brand_id": self.vehicle.brand_id.id, "interval_months": 6}
        )
        self.assertEqual(self.vehicle.next_service_date, base + relativedelta(months=6))
        self.Plan.create(
            {"name": "Corolla", "model_id": self.vehicle.model_id.id, "interval_months": 3}
        )
        self.assertEqual(self.vehicle.next_service_date, base + relativedelta(months=3))
        brand_plan.interval_months = 4  # the model plan still wins
        self.assertEqual(self.vehicle.next_service_date, base + relativedelta(months=3))

    def test_due_soon_and_overdue_search(self):
        Vehicle = self.env["dealer.vehicle"]
        overdue = self.vehicle
        self._service(days_ago=400, state="done")
        soon = self._create_vehicle(vin="WVWZZZ1KZAW000001", owner_id=self.customer.id)
        self._service(vehicle=soon, days_ago=350, state="done")
        fine = self._create_vehicle(vin="WVWZZZ1KZAW000002", owner_id=self.customer.id)
        self._service(vehicle=fine, days_ago=10, state="done")
        self.assertEqual(overdue.service_due_state, "overdue")
        self.assertEqual(soon.service_due_state, "due_soon")
        self.assertEqual(fine.service_due_state, "ok")
        vehicles = overdue | soon | fine
        self.assertEqual(
            vehicles & Vehicle.search([("service_due_state", "=", "overdue")]), overdue
        )
        self.assertEqual(vehicles & Vehicle.search([("service_due_state", "=", "due_soon")]), soon)
        self.assertEqual(
            vehicles & Vehicle.search([("service_due_state", "!=", "ok")]), overdue | soon
        )
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.service_due_window_days", 5)
        self.assertNotIn(soon, Vehicle.search([("service_due_state", "=", "due_soon")]))

    # Service record -----------------------------------------------------
    def test_visit_odometer_goes_into_the_log(self):
        visit = self._service(odometer=12345)
        self.assertEqual(visit.odometer_reading_id.source, "service")
        self.assertEqual(self.vehicle.odometer, 12345)
        visit.odometer = 12400
        self.assertEqual(self.vehicle.odometer, 12400)
        self.assertEqual(len(self.vehicle.odometer_ids), 1)

    def test_owner_stays_with_earlier_owner_after_transfer(self):
        visit = self._service(days_ago=30, state="done", amount=500)
        self.vehicle._transfer_owner(self.buyer, self.today - timedelta(days=5))
        later = self._service(days_ago=1)
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(later.partner_id, self.buyer)
        self.assertEqual(self.vehicle.service_count, 2)
        self.assertEqual(self.customer.dealer_service_count, 1)
        self.assertEqual(self.customer.dealer_service_spend, 500)
        self.assertEqual(self.buyer.dealer_service_count, 1)

    def test_customer_history_totals(self):
        self._service(state="done", amount=300)
        self._service(state="done", amount=200)
        self._service(state="scheduled", amount=999)
        self._create_order(self.customer, self.env.ref("product.product_product_4"), 1000)
        self.assertEqual(self.customer.dealer_service_spend, 500)
        self.assertEqual(self.customer.dealer_service_count, 3)
        self.assertEqual(self.customer.dealer_sales_spend, 1000)

    # Reminders ----------------------------------------------------------
    def _consent(self, partner, channel="email", state="granted"):
        self.env["dealer.consent"].create(
            {
                "partner_id": partner.id,
                "purpose": "service_reminder",
                "channel": channel,
                "state": state,
            }
        )

    def _reminders_sent(self, vehicle):
        return vehicle.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))

    def _activities(self, vehicle):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "dealer.vehicle"),
                ("res_id", "=", vehicle.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("dealer_crm.mail_activity_type_service_reminder").id,
                ),
            ]
        )

    def test_reminder_job_sends_once_and_honours_consent(self):
        self._service(days_ago=400, state="done")
        other_owner = self.env["res.partner"].create(
            {"name": "No Consent", "email": "nc@example.com"}
        )
        other = self._create_vehicle(vin="WVWZZZ1KZAW000001", owner_id=other_owner.id)
        self._service(vehicle=other, days_ago=400, state="done")
        self._consent(self.customer)
        self._consent(other_owner, state="withdrawn")

        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertEqual(len(self._reminders_sent(self.vehicle)), 1)
        self.assertEqual(self._reminders_sent(self.vehicle).partner_ids, self.customer)
        self.assertFalse(self._reminders_sent(other), "no consent, no reminder")
        self.assertIn("not sent", other.message_ids[0].body)
        self.assertEqual(len(self._activities(self.vehicle)), 1)
        self.assertEqual(self._activities(self.vehicle).user_id, self.user_service)
        self.assertEqual(self.customer.dealer_last_reminder_date, self.today)

        # a second run sends nothing twice
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertEqual(len(self._reminders_sent(self.vehicle)), 1)
        self.assertEqual(len(self._activities(self.vehicle)), 1)

    def test_reminder_by_sms_when_only_sms_is_allowed(self):
        self.customer.mobile = "+85261112222"
        self._service(days_ago=400, state="done")
        self._consent(self.customer, channel="sms")
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertFalse(self._reminders_sent(self.vehicle))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)

    def test_recently_contacted_customer_is_skipped(self):
        self._service(days_ago=400, state="done")
        self._consent(self.customer)
        self.customer.dealer_last_reminder_date = self.today - timedelta(days=10)
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertFalse(self._reminders_sent(self.vehicle))
        self.assertIn("reminded recently", self.vehicle.message_ids[0].body)
        # outside the window the customer is reminded again
        self.vehicle.service_reminder_date = False
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.reminder_recent_days", 5)
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertEqual(len(self._reminders_sent(self.vehicle)), 1)

    def test_reminder_job_works_in_batches(self):
        self._consent(self.customer)
        vehicles = self.vehicle
        for i in range(1, 4):
            vehicles |= self._create_vehicle(vin=f"WVWZZZ1KZAW00000{i}", owner_id=self.customer.id)
        for vehicle in vehicles:
            self._service(vehicle=vehicle, days_ago=400, state="done")
        self.env["dealer.vehicle"].search([("id", "not in", vehicles.ids)]).action_archive()
        done = self.env["dealer.service.reminder"]._cron_service_reminders(batch_size=2)
        self.assertEqual(len(done), 2)
        done |= self.env["dealer.service.reminder"]._cron_service_reminders(batch_size=2)
        self.assertEqual(done & vehicles, vehicles)
        self.assertFalse(self.env["dealer.service.reminder"]._cron_service_reminders(batch_size=2))
        # one customer with four vehicles: one reminder
        self.assertEqual(sum(len(self._reminders_sent(v)) for v in vehicles), 1)

    # Follow-up procedure ----------------------------------------------
    def test_followup_steps_create_activities_for_the_right_department(self):
        self.env["dealer.followup.step"].search([("active", "=", False)]).action_unarchive()
        sale_date = self.today - timedelta(days=1)
        # a vehicle sold by us, as a delivery records it (in sudo)
        sold = (
            self.env["dealer.vehicle"]
            .sudo()
            .with_context(dealer_ownership_origin="sale")
            .create(
                {
                    "vin": "WVWZZZ1KZAW000009",
                    "model_id": self.env.ref("fleet.model_corolla_ts").id,
                    "owner_id": self.customer.id,
                    "purchase_date": sale_date,
                    "seller_id": self.user_sales.id,
                }
            )
        )
        acts = self.env["mail.activity"].search(
            [("res_model", "=", "dealer.vehicle"), ("res_id", "=", sold.id)]
        )
        call = acts.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref("dealer_crm.mail_activity_type_followup_call")
            )
        )
        letter = acts.filtered(
            lambda a: a.activity_type_id == self.env.ref("dealer_crm.mail_activity_type_letter")
        )
        self.assertEqual(call.user_id, self.user_sales)
        self.assertEqual(call.date_deadline, sale_date + timedelta(days=3))
        self.assertEqual(letter.date_deadline, sale_date + timedelta(days=365))
        self.assertTrue(letter.user_id.has_group("dealer_crm.group_customer_relations"))

        visit = self._service(vehicle=sold)
        self.assertFalse(visit.activity_ids, "nothing before the visit is done")
        visit.action_done()
        check = visit.activity_ids
        self.assertEqual(
            check.activity_type_id, self.env.ref("dealer_crm.mail_activity_type_satisfaction_check")
        )
        self.assertEqual(check.date_deadline, visit.date + timedelta(days=7))
        self.assertTrue(check.user_id.has_group("dealer_crm.group_customer_relations"))

    def test_registering_an_existing_car_starts_no_sale_followup(self):
        self.env["dealer.followup.step"].search([("active", "=", False)]).action_unarchive()
        vehicle = self._create_vehicle(vin="WVWZZZ1KZAW000009", owner_id=self.customer.id)
        self.assertFalse(vehicle.activity_ids)

    # Views, export, access -------------------------------------------
    def test_call_list_xlsx(self):
        self._service(days_ago=400, state="done")
        report = self.env.ref("dealer_crm.dealer_vehicle_call_list_report")
        content, kind = self.env["ir.actions.report"]._render_xlsx(report, self.vehicle.ids, {})
        self.assertEqual(kind, "xlsx")
        sheet = load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet["A2"].value, "Chan Tai Man")
        self.assertEqual(sheet["L2"].value, "Overdue")

    def test_service_form_flow(self):
        with Form(self.env["dealer.service.record"].with_user(self.user_service)) as form:
            form.vehicle_id = self.vehicle
            form.service_type = "repair"
            form.odometer = 5000
        visit = form.record
        self.assertEqual(visit.partner_id, self.customer)
        self.assertTrue(visit.name.startswith("SV/"))

    def test_access_per_department(self):
        visit = self._service()
        visit.with_user(self.user_service).write({"amount": 10})
        self._service().with_user(self.user_service).action_start()
        for user in (self.user_sales, self.user_relations):
            self.assertTrue(visit.with_user(user).read(["amount"]))
            with self.assertRaises(AccessError):
                visit.with_user(user).write({"amount": 20})
            with self.assertRaises(AccessError):
                self.env["dealer.service.record"].with_user(user).create(
                    {"vehicle_id": self.vehicle.id}
                )
        with self.assertRaises(AccessError):
            visit.with_user(self.user_service).unlink()
        with self.assertRaises(AccessError):
            self.default_plan.with_user(self.user_service).write({"interval_months": 6})
        self.default_plan.with_user(self.user_manager).write({"interval_months": 6})
        visit.with_user(self.user_manager).unlink()
