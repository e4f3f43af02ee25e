# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Serviced items of more than one kind (issue 32): what only a road vehicle has stays
off a watch, plans by time per kind, the watch's reminder and its handover by serial."""

from contextlib import contextmanager
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestItems(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        # a retailer that sells watches only, and one that sells both
        cls.watch_co = cls._create_company("Items Watch Co", dealer_item_kinds="watch")
        cls.both_co = cls._create_company("Items Both Co", dealer_item_kinds="both")
        cls.watch_sales = cls._create_user("t_items_sales", "dealer_crm.group_sales", cls.watch_co)
        cls.watch_service = cls._create_user(
            "t_items_service", "dealer_crm.group_service", cls.watch_co
        )
        cls.brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Items Horlogerie"})
        cls.other_brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Items Montres"})
        cls.reference = cls.env["fleet.vehicle.model"].create(
            {
                "name": "Diver 300",
                "brand_id": cls.brand.id,
                "vehicle_type": "watch",
                "dealer_warranty_months": 60,
            }
        )
        cls.other_reference = cls.env["fleet.vehicle.model"].create(
            {"name": "Dress 38", "brand_id": cls.other_brand.id, "vehicle_type": "watch"}
        )
        cls.watch_customer = cls.env["res.partner"].create(
            {
                "name": "Wong Siu Ming",
                "email": "wong@example.com",
                "mobile": "+85261110000",
                "company_id": cls.watch_co.id,
            }
        )

    @contextmanager
    def _refused(self, exception, pattern):
        """As assertRaisesRegex, in a savepoint (Odoo's assertRaises): a refused
        create leaves no row behind for the next step."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def _watch(self, serial="SN-1001", company=None, **vals):
        company = company or self.watch_co
        return (
            self.env["dealer.vehicle"]
            .with_company(company)
            .create(
                {
                    "item_kind": "watch",
                    "serial_number": serial,
                    "model_id": self.reference.id,
                    "company_id": company.id,
                    **vals,
                }
            )
        )

    def _watch_order(self, name):
        """A confirmed order of the watch retailer selling one watch of the reference."""
        product = self.env["product.product"].create(
            {"name": name, "dealer_is_vehicle": True, "dealer_model_id": self.reference.id}
        )
        return self._create_order(
            self.watch_customer,
            product,
            100,
            user_id=self.watch_sales.id,
            company_id=self.watch_co.id,
        )

    # Kinds ------------------------------------------------------------------------
    def test_item_kind_defaults_per_company(self):
        Vehicle = self.env["dealer.vehicle"]
        self.assertEqual(Vehicle.with_company(self.watch_co)._dealer_default_item_kind(), "watch")
        self.assertEqual(Vehicle._dealer_default_item_kind(), "vehicle")
        self.assertEqual(Vehicle.with_company(self.both_co)._dealer_default_item_kind(), "vehicle")
        watch = Vehicle.with_company(self.watch_co).create(
            {"serial_number": "SN-DEF", "model_id": self.reference.id}
        )
        self.assertEqual(watch.item_kind, "watch")
        self.assertEqual(self._create_vehicle().item_kind, "vehicle")

    def test_a_watch_needs_a_serial_and_refuses_vin_plate_and_odometer(self):
        with self._refused(ValidationError, "serial number"):
            self._watch(serial="  ")
        with self._refused(ValidationError, "no VIN or plate"):
            self._watch(serial="SN-V", vin="1M8GDM9AXKP042788")
        with self._refused(ValidationError, "no VIN or plate"):
            self._watch(serial="SN-P", license_plate="AB 1")
        watch = self._watch()
        with self.assertRaises(ValidationError):
            watch.odometer = 120
        with self.assertRaises(ValidationError):
            self.env["dealer.vehicle.odometer"].create({"vehicle_id": watch.id, "value": 5})
        self.assertFalse(watch.odometer_ids)

    def test_serial_unique_per_brand_and_company_whatever_the_case_and_spaces(self):
        watch = self._watch(serial="  ab-100 ")
        self.assertEqual(watch.serial_number, "ab-100", "the spaces around are not engraved")
        with self._refused(ValidationError, "already registered"):
            self._watch(serial="AB-100")
        # the same number of another brand, or at another retailer, is another watch
        self._watch(serial="AB-100", model_id=self.other_reference.id)
        self._watch(serial="AB-100", company=self.both_co)
        # archived ones count: the engraving stays that watch's
        watch.active = False
        with self._refused(ValidationError, "already registered"):
            self._watch(serial="Ab-100")
        # the name search finds a watch by its serial number, first
        other = self._watch(serial="XY-9", company=self.both_co)
        found = self.env["dealer.vehicle"].name_search("XY-9")
        self.assertEqual(found[0][0], other.id)

    def test_kind_cannot_change(self):
        watch = self._watch()
        with self.assertRaises(UserError):
            watch.write({"item_kind": "vehicle", "serial_number": False})
        vehicle = self._create_vehicle()
        with self.assertRaises(UserError):
            vehicle.with_user(self.user_manager).write({"item_kind": "watch"})
        self.assertEqual((watch.item_kind, vehicle.item_kind), ("watch", "vehicle"))

    # Vehicle-only flows -------------------------------------------------------------
    def test_test_drive_trade_in_recall_and_odometer_refuse_a_watch(self):
        watch = self._watch(company=self.both_co, owner_id=self.customer.id)
        with self._refused(ValidationError, "vehicles only"):
            self.env["dealer.test.drive"].create(
                {
                    "partner_id": self.customer.id,
                    "vehicle_id": watch.id,
                    "start": datetime(2031, 5, 1, 10, 0),
                    "company_id": self.both_co.id,
                }
            )
        lead = self.env["crm.lead"].create({"name": "Items trade", "partner_id": self.customer.id})
        with self._refused(ValidationError, "vehicles only"):
            lead.write({"dealer_trade_in_vehicle_id": watch.id})
        # the screens offer vehicles only
        for model, field in (
            ("dealer.test.drive", "vehicle_id"),
            ("crm.lead", "dealer_trade_in_vehicle_id"),
            ("dealer.recall.vehicle", "vehicle_id"),
        ):
            domain = self.env[model]._fields[field].domain
            self.assertNotIn(watch, self.env["dealer.vehicle"].search(domain), model)
        # a recall by make leaves the make's watches out; a line for one is refused
        campaign = (
            self.env["dealer.recall.campaign"]
            .with_company(self.both_co)
            .create(
                {
                    "name": "ITEMS-1",
                    "title": "Crown seal",
                    "brand_id": self.brand.id,
                    "company_id": self.both_co.id,
                }
            )
        )
        campaign._match_models()
        self.assertFalse(campaign.line_ids)
        with self._refused(ValidationError, "vehicles only"):
            self.env["dealer.recall.vehicle"].create(
                {"campaign_id": campaign.id, "vehicle_id": watch.id}
            )
        # a watch's service visit has no odometer
        with self._refused(ValidationError, "vehicles only"):
            self._create_visit(watch, odometer=100, company_id=self.both_co.id)
        visit = self._create_visit(watch, company_id=self.both_co.id)
        self.assertEqual(visit.vehicle_item_kind, "watch")
        with self._refused(ValidationError, "vehicles only"):
            visit.odometer = 50

    def test_a_watch_changes_hands_by_the_transfer_wizard(self):
        watch = self._watch(owner_id=self.watch_customer.id)
        buyer = self.env["res.partner"].create(
            {"name": "Items Buyer", "company_id": self.watch_co.id}
        )
        wizard = (
            self.env["dealer.vehicle.transfer"]
            .with_user(self.watch_sales)
            .create({"vehicle_id": watch.id, "new_owner_id": buyer.id})
        )
        wizard.action_confirm()
        self.assertEqual(watch.owner_id, buyer)
        self.assertEqual(
            watch.ownership_ids.sorted("id").mapped("partner_id"), self.watch_customer | buyer
        )
        with self._refused(UserError, "already owns") as caught:
            watch._transfer_owner(buyer, self.today)
        self.assertNotIn("vehicle", str(caught.exception))

    # Plans by time ------------------------------------------------------------------
    def test_a_watch_plan_by_months_gives_the_next_service(self):
        Plan = self.env["dealer.maintenance.plan"]
        purchase = self.today - relativedelta(months=12)
        watch = self._watch(purchase_date=purchase)
        vehicle = self._create_vehicle(purchase_date=purchase)
        # the shipped default plan is a vehicle plan: a watch does not follow it
        self.assertEqual(self.env.ref("dealer_crm.maintenance_plan_default").item_kind, "vehicle")
        self.assertFalse(watch.next_service_date)
        self.assertTrue(vehicle.next_service_date)
        before = vehicle.next_service_date
        Plan.create(
            {"name": "Watch check", "item_kind": "watch", "interval_months": 24, "sequence": 90}
        )
        self.assertEqual(watch.next_service_date, purchase + relativedelta(months=24))
        self.assertEqual(watch.next_service_odometer, 0)
        self.assertEqual(vehicle.next_service_date, before, "a watch plan leaves vehicles be")
        # the brand's plan comes before the kind's default
        overhaul = Plan.create(
            {
                "name": "Overhaul every 60 months",
                "item_kind": "watch",
                "brand_id": self.brand.id,
                "interval_months": 60,
            }
        )
        self.assertEqual(watch.next_service_date, purchase + relativedelta(months=60))
        overhaul.interval_months = 48
        self.assertEqual(watch.next_service_date, purchase + relativedelta(months=48))
        # a done visit counts from its date, as for a vehicle
        visit = self._create_visit(watch, company_id=self.watch_co.id)
        visit.sudo().action_done()
        self.assertEqual(watch.last_service_date, self.today)
        self.assertEqual(watch.next_service_date, self.today + relativedelta(months=48))

    def test_distance_on_a_watch_plan_is_refused(self):
        Plan = self.env["dealer.maintenance.plan"]
        with self._refused(ValidationError, "months only"):
            Plan.create(
                {
                    "name": "Watch by distance",
                    "item_kind": "watch",
                    "interval_months": 12,
                    "interval_distance": 1000,
                }
            )
        plan = Plan.create({"name": "Watch yearly", "item_kind": "watch", "interval_months": 12})
        with self._refused(ValidationError, "months only"):
            plan.interval_distance = 10
        with self._refused(ValidationError, "kind"):
            Plan.create(
                {
                    "name": "Vehicle plan on a watch reference",
                    "model_id": self.reference.id,
                    "interval_months": 12,
                }
            )

    # Reminders ----------------------------------------------------------------------
    def _due_watch(self, serial, channel):
        self.env["dealer.maintenance.plan"].create(
            {"name": "Items overhaul", "item_kind": "watch", "interval_months": 60}
        )
        owner = self.env["res.partner"].create(
            {
                "name": f"Owner {serial}",
                "email": f"{serial.lower()}@example.com",
                "mobile": "+85261119999",
                "company_id": self.watch_co.id,
            }
        )
        watch = self._watch(
            serial=serial,
            owner_id=owner.id,
            purchase_date=self.today - relativedelta(months=60, days=3),
        )
        self.env["dealer.consent"].create(
            {
                "partner_id": owner.id,
                "purpose": "service_reminder",
                "channel": channel,
                "state": "granted",
                "company_id": self.watch_co.id,
            }
        )
        self.assertEqual(watch.service_due_state, "overdue")
        return watch

    def test_a_watch_reminder_speaks_of_the_watch_not_of_a_vehicle(self):
        watch = self._due_watch("MAIL-1", "email")
        self.env["dealer.service.reminder"]._cron_service_reminders()
        sent = watch.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
        self.assertEqual(len(sent), 1)
        body = sent.body.lower()
        self.assertIn("mail-1", body)
        for word in ("vehicle", "odometer", "plate", " km"):
            self.assertNotIn(word, body)
        self.assertEqual(watch.service_reminder_date, self.today)

    def test_a_watch_reminder_by_sms_speaks_of_the_watch(self):
        watch = self._due_watch("SMS-1", "sms")
        self.env["dealer.service.reminder"]._cron_service_reminders()
        sms = self.env["sms.sms"].search([("partner_id", "=", watch.owner_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("SMS-1", sms.body)
        for word in ("vehicle", "odometer", "plate", " km"):
            self.assertNotIn(word, sms.body.lower())

    def test_a_watch_without_consent_is_not_reminded(self):
        watch = self._due_watch("NOC-1", "email")
        self.env["dealer.consent"].search(
            [("partner_id", "=", watch.owner_id.id)]
        ).state = "withdrawn"
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertFalse(
            watch.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
        )

    # Handover -----------------------------------------------------------------------
    def test_handover_of_a_watch_registers_it_by_serial_with_warranty(self):
        # the retailer's scheme: a sale earns points, on the same path as a vehicle's
        program = self._create_loyalty_program(
            "Items Club",
            env=self.env(context=dict(self.env.context, allowed_company_ids=self.watch_co.ids)),
            company_id=self.watch_co.id,
            dealer_rule_ids=[Command.create({"source": "vehicle_sale", "points_per_unit": 0.01})],
        )
        product = (
            self.env["product.product"]
            .with_company(self.watch_co)
            .create(
                {
                    "name": "Diver 300 steel",
                    "list_price": 60000,
                    "dealer_is_vehicle": True,
                    "dealer_model_id": self.reference.id,
                    "company_id": self.watch_co.id,
                }
            )
        )
        order = self._create_order(
            self.watch_customer,
            product,
            60000,
            user_id=self.watch_sales.id,
            company_id=self.watch_co.id,
        )
        self.assertEqual(order.order_line.dealer_item_kind, "watch")
        wizard = Form(
            self.env["dealer.vehicle.delivery"]
            .with_user(self.watch_sales)
            .with_context(default_sale_order_id=order.id)
        )
        self.assertEqual(wizard.item_kind, "watch")
        wizard.serial_number = " D300-778 "
        wizard.warranty_card = "WC-5521"
        action = wizard.save().action_deliver()
        watch = self.env["dealer.vehicle"].browse(action["res_id"])
        self.assertEqual(watch.item_kind, "watch")
        self.assertEqual(watch.serial_number, "D300-778")
        self.assertEqual(watch.warranty_card, "WC-5521")
        self.assertFalse(watch.vin or watch.license_plate or watch.odometer_ids)
        self.assertEqual(watch.owner_id, self.watch_customer)
        self.assertEqual(watch.purchase_date, self.today)
        self.assertEqual(watch.warranty_end_date, self.today + relativedelta(months=60))
        self.assertEqual(watch.warranty_mileage_limit, 0)
        self.assertEqual(watch.ownership_ids.origin, "sale")
        self.assertEqual(watch.seller_id, self.watch_sales)
        self.assertEqual(order.order_line.dealer_vehicle_id, watch)
        card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.watch_customer.id), ("program_id", "=", program.id)]
        )
        self.assertEqual(card.points, 600, "the confirmed order earned the points")
        # the watch's VIN path is refused in words, and a serial is needed
        with self._refused(UserError, "serial number"):
            order.with_user(self.watch_sales)._dealer_deliver(
                order.order_line, "1M8GDM9AXKP042788", "X", self.today, 0
            )

    def test_handover_of_a_watch_already_registered_transfers_it(self):
        previous = self.env["res.partner"].create(
            {"name": "Items Previous", "company_id": self.watch_co.id}
        )
        known = self._watch(
            serial="PRE-1", owner_id=previous.id, purchase_date=self.today - timedelta(days=400)
        )
        product = self.env["product.product"].create(
            {
                "name": "Diver 300 pre-owned",
                "list_price": 30000,
                "dealer_is_vehicle": True,
                "dealer_model_id": self.reference.id,
            }
        )
        order = self._create_order(
            self.watch_customer, product, user_id=self.watch_sales.id, company_id=self.watch_co.id
        )
        order.with_user(self.watch_sales)._dealer_deliver_item(
            order.order_line, "pre-1", False, self.today
        )
        self.assertEqual(order.order_line.dealer_vehicle_id, known)
        self.assertEqual(known.owner_id, self.watch_customer)
        self.assertEqual(len(known.ownership_ids), 2)

    # As the users, and as an attacker -------------------------------------------------
    def test_department_users_register_and_service_watches(self):
        watch = (
            self.env["dealer.vehicle"]
            .with_user(self.watch_sales)
            .create({"serial_number": "USR-1", "model_id": self.reference.id})
        )
        self.assertEqual(watch.item_kind, "watch")
        self.assertEqual(watch.company_id, self.watch_co)
        self.assertTrue(self.watch_sales.has_group("dealer_crm.group_item_watch"))
        visit = self._create_visit(watch, advisor=self.watch_service, company_id=self.watch_co.id)
        self.assertEqual(visit.with_user(self.watch_service).vehicle_id, watch)
        with self._refused(ValidationError, "vehicles only"):
            visit.with_user(self.watch_service).write({"odometer": 10})

    def test_attacker_default_item_kind_and_protected_writes(self):
        # a sales user of a company selling vehicles sends default_item_kind=watch
        with self._refused(ValidationError, "does not sell"):
            self.env["dealer.vehicle"].with_user(self.user_sales).with_context(
                default_item_kind="watch"
            ).create({"serial_number": "ATT-1", "model_id": self.reference.id})
        # nor a vehicle at a watch retailer, by RPC-style values (on a car model its
        # users cannot even read: refused by the model's kind or by what the company sells)
        with self._refused(ValidationError, "does not sell|of its own kind"):
            self.env["dealer.vehicle"].with_user(self.watch_sales).create(
                {
                    "item_kind": "vehicle",
                    "vin": "1M8GDM9AXKP042788",
                    "model_id": self.env.ref("fleet.model_corolla_ts").id,
                }
            )
        watch = self._watch()
        as_sales = watch.with_user(self.watch_sales)
        with self.assertRaises(UserError):
            as_sales.write({"item_kind": "vehicle"})
        with self.assertRaises(AccessError):
            as_sales.write({"next_service_date": self.today})
        # another retailer's watch is out of reach
        other = self._watch(serial="ATT-2", company=self.both_co)
        with self.assertRaises(AccessError):
            other.with_user(self.watch_sales).write({"warranty_card": "X"})
        # a client's plan by distance on a watch is refused the same way
        with self.assertRaises(ValidationError):
            self.env["dealer.maintenance.plan"].with_user(self.user_manager).create(
                {
                    "name": "Sneaky",
                    "item_kind": "watch",
                    "interval_months": 1,
                    "interval_distance": 1,
                }
            )
        # the handover of a vehicle cannot register a watch product by VIN
        self.assertEqual(watch.vin, False)
        self.assertFalse(
            self.env["dealer.vehicle"].search([("item_kind", "=", "watch"), ("vin", "!=", False)])
        )

    # Screens ------------------------------------------------------------------------
    def test_item_screens_split_by_kind(self):
        watch = self._watch(company=self.both_co)
        vehicle = self._create_vehicle(company_id=self.both_co.id)
        Vehicle = self.env["dealer.vehicle"].with_company(self.both_co)
        for xmlid, kind, shown, hidden in (
            ("dealer_crm.dealer_vehicle_action", "vehicle", vehicle, watch),
            ("dealer_crm.dealer_vehicle_watch_action", "watch", watch, vehicle),
        ):
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            self.assertEqual(action["context"], f"{{'default_item_kind': '{kind}'}}")
            found = Vehicle.search(safe_eval(action["domain"]))
            self.assertIn(shown, found)
            self.assertNotIn(hidden, found)
        # a watch retailer's staff: the vehicle-only fields are not on their screens
        self.assertTrue(self.watch_sales.has_group("dealer_crm.group_no_vehicles"))
        views = (
            self.env["dealer.vehicle"]
            .with_user(self.watch_sales)
            .get_views([(False, "form"), (False, "list"), (False, "kanban"), (False, "search")])
        )
        for view_type, view in views["views"].items():
            for name in ("vin", "license_plate", "odometer", "model_year", "fuel_type"):
                self.assertNotIn(f'name="{name}"', view["arch"], f"{view_type}: {name}")
        self.assertIn('name="serial_number"', views["views"]["form"]["arch"])
        self.assertIn('name="warranty_card"', views["views"]["form"]["arch"])
        # a vehicle dealer's staff see no watch field
        vehicle_views = (
            self.env["dealer.vehicle"].with_user(self.user_sales).get_views([(False, "form")])
        )
        self.assertNotIn('name="serial_number"', vehicle_views["views"]["form"]["arch"])
        self.assertIn('name="vin"', vehicle_views["views"]["form"]["arch"])

    # Serial numbers as typed, and the kind of the catalog model (review of issue 32) ----
    def test_a_serial_typed_exactly_as_registered_is_refused_in_words(self):
        self._watch(serial="24157398")
        Item = self.env["dealer.vehicle"].with_user(self.watch_sales)
        # RPC-style create, as typed and with spaces around: the words, not the index's
        for typed in ("24157398", " 24157398 "):
            with self._refused(ValidationError, r"serial number 24157398 of .* already registered"):
                Item.create({"model_id": self.reference.id, "serial_number": typed})
        # twice in one create
        with self._refused(ValidationError, "already registered"):
            Item.create(
                [
                    {"model_id": self.reference.id, "serial_number": "TWICE-1"},
                    {"model_id": self.reference.id, "serial_number": "TWICE-1"},
                ]
            )
        # a write onto a registered serial, and a move to the brand that has it
        other = self._watch(serial="24157398", model_id=self.other_reference.id)
        with self._refused(ValidationError, "already registered"):
            other.with_user(self.watch_sales).write({"model_id": self.reference.id})
        second = self._watch(serial="W-2")
        with self._refused(ValidationError, "already registered"):
            second.with_user(self.watch_sales).write({"serial_number": "24157398"})
        # writing its own serial again is no clash
        second.with_user(self.watch_sales).write({"serial_number": " W-2 "})
        self.assertEqual(second.serial_number, "W-2")

    def test_an_imported_file_with_a_serial_twice_says_so_per_row(self):
        self._watch(serial="IMP-1")
        content = (
            b"Kind,Model,Serial Number\n"
            b"watch,Diver 300,IMP-2\n"
            b"watch,Diver 300,IMP-2\n"
            b"watch,Diver 300,IMP-1\n"
        )
        wizard = (
            self.env["base_import.import"]
            .with_user(self.watch_sales)
            .create(
                {
                    "res_model": "dealer.vehicle",
                    "file": content,
                    "file_name": "watches.csv",
                    "file_type": "text/csv",
                }
            )
        )
        result = wizard.execute_import(
            ["item_kind", "model_id", "serial_number"],
            ["Kind", "Model", "Serial Number"],
            {"has_headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8"},
            dryrun=True,
        )
        errors = [m["message"] for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        for message in errors:
            self.assertRegex(message, "already registered")
            self.assertNotIn("duplicate key", message)
            self.assertNotIn("unique constraint", message)

    def test_one_engraving_typed_several_ways_is_one_watch(self):
        watch = self._watch(serial=" SN 777 ")
        self.assertEqual(watch.serial_number, "SN 777", "shown as typed, without the spaces around")
        self.assertEqual(watch.serial_normalized, "SN777")
        for typed in ("sn777", "SN-777", "s.n 7-77"):
            with self._refused(ValidationError, r"serial number SN 777 of .* already registered"):
                self._watch(serial=typed)
        # punctuation alone is no serial number
        with self._refused(ValidationError, "needs its serial number"):
            self._watch(serial=" - . ")
        # another brand, another retailer: other watches
        self._watch(serial="SN-777", model_id=self.other_reference.id)
        self._watch(serial="sn777", company=self.both_co)
        # the lookups find it however typed, first
        Item = self.env["dealer.vehicle"].with_company(self.watch_co)
        for typed in ("sn-777", "SN 777", "sn777"):
            found = Item.name_search(typed, [("company_id", "=", self.watch_co.id)])
            self.assertEqual(found[0][0], watch.id, typed)
            self.assertIn(watch, Item.search(Item._dealer_exact_domain(typed)))
            self.assertIn(watch, Item.search([("display_name", "ilike", typed)]))
        self.assertIn(watch, Item.search([("display_name", "ilike", "n 77")]))

    def test_handover_of_a_serial_typed_otherwise_transfers_the_watch(self):
        known = self._watch(serial="SN 777", purchase_date=self.today - timedelta(days=30))
        order = self._watch_order("Diver 300 demonstrator")
        order.with_user(self.watch_sales)._dealer_deliver_item(
            order.order_line, "sn-777", False, self.today
        )
        self.assertEqual(order.order_line.dealer_vehicle_id, known)
        self.assertEqual(known.owner_id, self.watch_customer)
        self.assertEqual(known.serial_number, "SN 777", "the registered engraving is kept")
        self.assertEqual(
            self.env["dealer.vehicle"]
            .with_context(active_test=False)
            .search_count(
                [("serial_normalized", "=", "SN777"), ("company_id", "=", self.watch_co.id)]
            ),
            1,
        )

    def test_an_item_is_registered_on_a_model_of_its_kind(self):
        car_model = self.env.ref("fleet.model_corolla_ts")
        self.assertNotEqual(car_model.vehicle_type, "watch")
        as_sales = self.env["dealer.vehicle"].with_user(self.watch_sales)
        with self._refused(ValidationError, r"Corolla.* is a model of the kind Vehicle"):
            as_sales.create({"model_id": car_model.id, "serial_number": "X3"})
        watch = self._watch(serial="X4")
        with self._refused(ValidationError, "is a model of the kind Vehicle"):
            watch.with_user(self.watch_sales).write({"model_id": car_model.id})
        # a vehicle on a watch reference, at a company that sells both
        with self._refused(ValidationError, r"Diver 300 is a model of the kind Watch"):
            self.env["dealer.vehicle"].with_company(self.both_co).create(
                {
                    "item_kind": "vehicle",
                    "vin": "1M8GDM9AXKP042788",
                    "model_id": self.reference.id,
                    "company_id": self.both_co.id,
                }
            )
        vehicle = self._create_vehicle(company_id=self.both_co.id)
        with self._refused(ValidationError, "is a model of the kind Watch"):
            vehicle.write({"model_id": self.reference.id})
        # the form offers the models of the item's kind
        domain = self.env["dealer.vehicle"]._fields["model_id"].domain
        Model = self.env["fleet.vehicle.model"]
        for kind, shown, hidden in (
            ("watch", self.reference, car_model),
            ("vehicle", car_model, self.reference),
        ):
            found = Model.search(safe_eval(domain, {"item_kind": kind}))
            self.assertIn(shown, found)
            self.assertNotIn(hidden, found)

    def test_a_company_keeps_selling_a_kind_it_still_has(self):
        company = self._create_company("Items Keeps Co", dealer_item_kinds="both")
        watch = self._watch(serial="KEEP-1", company=company)
        watch.active = False
        with self._refused(ValidationError, r"still has 1 registered items of the kind Watch"):
            company.write({"dealer_item_kinds": "vehicle"})
        self._create_vehicle(company_id=company.id)
        with self._refused(ValidationError, r"still has 1 registered items of the kind Vehicle"):
            company.write({"dealer_item_kinds": "watch"})
        self.assertEqual(company.dealer_item_kinds, "both")
        # saving what it already sells is no change (the settings form writes it again)
        self._watch(serial="KEEP-2")
        self.watch_co.write({"dealer_item_kinds": "watch"})
        # a company without items of the kind dropped changes freely
        empty = self._create_company("Items Empty Co", dealer_item_kinds="both")
        empty.write({"dealer_item_kinds": "watch"})
        empty.write({"dealer_item_kinds": "vehicle"})
        self.assertEqual(empty.dealer_item_kinds, "vehicle")

    def test_a_watch_is_not_called_a_vehicle_in_its_messages(self):
        # the chatter's first line, as a client creates (the tests' context logs none)
        logged = self.env(
            context=dict(self.env.context, mail_create_nolog=False, tracking_disable=False)
        )
        watch = self._watch(serial="MSG-1")
        fresh = (
            self.env["dealer.vehicle"]
            .with_env(logged)
            .with_company(self.watch_co)
            .create({"serial_number": "MSG-0", "model_id": self.reference.id})
        )
        self.assertEqual(fresh._creation_message(), "Watch registered")
        self.assertIn("Watch registered", fresh.message_ids[-1].body)
        self.assertNotIn("Vehicle", fresh.message_ids[-1].body)
        vehicle = self._create_vehicle().with_env(logged)
        self.assertEqual(vehicle._creation_message(), "Customer Vehicle created")
        # the delivery's words for a watch order
        order = self._watch_order("Diver 300 message")
        as_sales = order.with_user(self.watch_sales)
        line = order.order_line
        line.sudo().dealer_vehicle_id = watch
        with self._refused(UserError, "No item of this order is waiting") as caught:
            as_sales.action_dealer_deliver_vehicle()
        self.assertNotIn("vehicle", str(caught.exception).lower())
        with self._refused(UserError, "delivered by its serial number") as caught:
            as_sales._dealer_deliver(line, "1M8GDM9AXKP042788", "X", self.today, 0)
        self.assertNotIn("vehicle", str(caught.exception).lower())
        line.sudo().dealer_vehicle_id = False
        order.sudo().state = "draft"
        with self._refused(UserError, "Confirm the order before delivering its item"):
            as_sales._dealer_deliver_item(line, "MSG-2", False, self.today)
        # an item with history that is no vehicle
        self._create_visit(watch, company_id=self.watch_co.id)
        with self._refused(UserError, "These items have a history") as caught:
            watch.unlink()
        self.assertNotIn("vehicle", str(caught.exception).lower())

    def test_a_serial_sent_as_a_number_or_another_value(self):
        Item = self.env["dealer.vehicle"].with_user(self.watch_sales)
        watch = Item.create({"model_id": self.reference.id, "serial_number": 24157398})
        self.assertEqual(watch.serial_number, "24157398")
        with self._refused(ValidationError, "already registered"):
            Item.create({"model_id": self.reference.id, "serial_number": 24157398})
        for value in (["SN1"], {"a": 1}, 1.5, True):
            with self._refused(ValidationError, "serial number is text"):
                Item.create({"model_id": self.reference.id, "serial_number": value})
