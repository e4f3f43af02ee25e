# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 32: a company that sells no vehicles reads no vehicle term.

Its users (``dealer_crm.group_no_vehicles``, which follows what their companies sell)
do not see the vehicle-only menus (tools/item_wording.py's ``VEHICLE_ONLY_MENUS``) and
read "Watch" where a vehicle dealer reads "Vehicle", in views, field descriptions,
actions and menus; a vehicle dealer's screens, and those of a company selling both,
are left as they are.
"""

from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.translate import code_translations

from ..models import base as base_module
from ..tools.item_wording import VEHICLE_ONLY_MENUS, compile_wording
from .common import DealerCrmCase

NO_VEHICLES = "dealer_crm.group_no_vehicles"
WATCHES = "dealer_crm.group_item_watch"


def _texts(arch):
    """Every label a reader sees in ``arch`` (attributes and text), one string."""
    root = etree.fromstring(arch)
    texts = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        texts += [node.get(name) or "" for name in ("string", "help", "placeholder")]
        texts += [node.text or "", node.tail or ""]
    return " ".join(texts)


@tagged("post_install", "-at_install")
class TestItemWording(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_watch = cls._create_company("Watch Co", dealer_item_kinds="watch")
        cls.company_both = cls._create_company("Both Co", dealer_item_kinds="both")
        cls.user_watch = cls._create_user(
            "t_watch_service", "dealer_crm.group_service", cls.company_watch
        )
        cls.user_watch_manager = cls._create_user(
            "t_watch_manager", "dealer_crm.group_manager", cls.company_watch
        )
        cls.user_both = cls._create_user(
            "t_both_service", "dealer_crm.group_service", cls.company_both
        )

    def _as(self, user, **context):
        return self.env(user=user, context={**self.env.context, **context})

    def _visible(self, user, xmlid):
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return self.env.ref(xmlid).id in menus

    # The groups ------------------------------------------------------------------
    def test_the_groups_follow_the_companies(self):
        self.assertTrue(self.user_watch.has_group(NO_VEHICLES))
        self.assertTrue(self.user_watch.has_group(WATCHES))
        self.assertFalse(self.user_service.has_group(NO_VEHICLES))
        self.assertFalse(self.user_both.has_group(NO_VEHICLES))
        self.assertTrue(self.user_both.has_group(WATCHES))

    # Menus ----------------------------------------------------------------------
    def test_vehicle_menus_hidden_from_a_watch_retailer(self):
        for xmlid in VEHICLE_ONLY_MENUS:
            self.assertTrue(self.env.ref(xmlid, raise_if_not_found=False), xmlid)
            self.assertFalse(self._visible(self.user_watch_manager, xmlid), xmlid)
            self.assertTrue(self._visible(self.user_manager, xmlid), xmlid)
        for xmlid in ("dealer_crm.dealer_service_record_menu", "dealer_crm.res_partner_menu"):
            self.assertTrue(self._visible(self.user_watch, xmlid), xmlid)
        # "Vehicles" keeps the ownership history, under the items' word
        self.assertTrue(self._visible(self.user_watch, "dealer_crm.vehicles_menu"))
        menus = self.env["ir.ui.menu"].with_user(self.user_watch).load_menus(False)
        names = {menu["xmlid"]: menu["name"] for menu in menus.values() if menu.get("xmlid")}
        self.assertEqual(names["dealer_crm.vehicles_menu"], "Watches")
        self.assertNotIn("dealer_crm.dealer_vehicle_odometer_menu", names)
        menus = self.env["ir.ui.menu"].with_user(self.user_service).load_menus(False)
        names = {menu["xmlid"]: menu["name"] for menu in menus.values() if menu.get("xmlid")}
        self.assertEqual(names["dealer_crm.vehicles_menu"], "Vehicles")

    def test_a_company_that_sells_both_sees_every_menu(self):
        for xmlid in VEHICLE_ONLY_MENUS:
            if xmlid != "dealer_crm.dealer_test_drive_menu":  # a sales menu
                self.assertTrue(self._visible(self.user_both, xmlid), xmlid)

    def test_menus_follow_a_change_of_what_the_company_sells(self):
        """The menus are cached on the user's groups, and the group follows the company."""
        odometer = "dealer_crm.dealer_vehicle_odometer_menu"
        self.assertFalse(self._visible(self.user_watch, odometer))
        self.company_watch.sudo().dealer_item_kinds = "both"
        self.assertFalse(self.user_watch.has_group(NO_VEHICLES))
        self.assertTrue(self._visible(self.user_watch, odometer))
        self.company_watch.sudo().dealer_item_kinds = "watch"
        self.assertTrue(self.user_watch.has_group(NO_VEHICLES))
        self.assertFalse(self._visible(self.user_watch, odometer))

    def test_menus_follow_the_users_companies(self):
        odometer = "dealer_crm.dealer_vehicle_odometer_menu"
        self.user_watch.write({"company_ids": [Command.link(self.env.company.id)]})
        self.assertFalse(self.user_watch.has_group(NO_VEHICLES))
        self.assertTrue(self._visible(self.user_watch, odometer))
        self.user_watch.write({"company_ids": [Command.unlink(self.env.company.id)]})
        self.assertTrue(self.user_watch.has_group(NO_VEHICLES))
        self.assertFalse(self._visible(self.user_watch, odometer))

    # Labels ---------------------------------------------------------------------
    def test_a_vehicle_dealer_reads_vehicle(self):
        env = self._as(self.user_service)
        arch = env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Vehicles Owned", arch)
        visit = env["dealer.service.record"].fields_get(["vehicle_id", "service_type"])
        self.assertEqual(visit["vehicle_id"]["string"], "Vehicle")
        self.assertIn("recall", dict(visit["service_type"]["selection"]))
        arch = env["dealer.service.record"].get_views([(False, "list")])["views"]["list"]
        self.assertIn('name="odometer"', arch["arch"])
        action = env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.fleet_vehicle_model_brand_action"
        )
        self.assertEqual(action["name"], "Vehicle Makes")

    def test_a_watch_retailer_reads_watch(self):
        env = self._as(self.user_watch)
        views = env["res.partner"].get_views([(False, "form"), (False, "search")])["views"]
        form = _texts(views["form"]["arch"])
        self.assertIn("Watches Owned", form)
        self.assertNotIn("Vehicle", form)
        self.assertNotIn("Recall", form)
        self.assertIn("Watch (serial number)", _texts(views["search"]["arch"]))
        visit = env["dealer.service.record"].fields_get(["vehicle_id", "service_type"])
        self.assertEqual(visit["vehicle_id"]["string"], "Watch")
        self.assertNotIn("recall", dict(visit["service_type"]["selection"]), "a vehicle's only")
        views = env["dealer.service.record"].get_views([(False, "list"), (False, "form")])
        for view in views["views"].values():
            self.assertNotIn('name="odometer"', view["arch"])
            self.assertNotIn("Vehicle", _texts(view["arch"]))
        action = env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.fleet_vehicle_model_brand_action"
        )
        self.assertEqual(action["name"], "Watch Brands")
        # the record's own data is not reworded: only the labels are
        self.assertEqual(env["ir.actions.act_window"].browse(action["id"]).name, "Vehicle Makes")

    def test_a_company_that_sells_both_reads_vehicle_and_watch_fields(self):
        env = self._as(self.user_both)
        arch = env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Vehicles Owned", arch)
        item = env["dealer.vehicle"].fields_get(["vin", "serial_number", "item_kind"])
        self.assertEqual(item["vin"]["string"], "VIN")
        self.assertIn("serial_number", item)
        self.assertEqual(dict(item["item_kind"]["selection"]).get("vehicle"), "Vehicle")

    def test_a_watch_retailer_in_chinese(self):
        """Both sides of a term are read in the user's language (zh_HK)."""
        self.env["res.lang"]._activate_lang("zh_HK")
        self.user_watch.lang = "zh_HK"
        self.user_service.lang = "zh_HK"
        key = ("dealer_crm", "zh_HK")
        terms = {
            **code_translations.get_python_translations(*key),
            "Vehicle": "車輛",
            "Watch": "手錶",
        }
        base_module._no_vehicle_rewording.cache_clear()
        self.addCleanup(base_module._no_vehicle_rewording.cache_clear)
        with patch.dict(code_translations.python_translations, {key: terms}):
            dealer = self._as(self.user_service, lang="zh_HK")["dealer.service.record"]
            watch = self._as(self.user_watch, lang="zh_HK")["dealer.service.record"]
            # the field's label is 車輛 where zh_HK.po is loaded, else still English
            label = dealer.fields_get(["vehicle_id"])["vehicle_id"]["string"]
            self.assertIn(label, ("車輛", "Vehicle"))
            self.assertEqual(watch.fields_get(["vehicle_id"])["vehicle_id"]["string"], "手錶")
            self.assertEqual(watch._dealer_reword("車輛"), "手錶")
            self.assertEqual(watch._dealer_reword("Vehicle"), "手錶", "an untranslated term")
            self.assertEqual(dealer._dealer_reword("車輛"), "車輛")

    def test_words_not_parts_of_words(self):
        reword = compile_wording(
            [("Make", "Brand")], [("Vehicles", "Watches"), ("Vehicle", "Watch"), ("car", "watch")]
        )
        self.assertEqual(reword("Vehicles and a Vehicle"), "Watches and a Watch")
        self.assertEqual(reword("care, card and scar"), "care, card and scar")
        self.assertEqual(reword("Make"), "Brand")
        self.assertEqual(reword("Make an offer"), "Make an offer")

    def test_the_catalog_of_a_watch_retailer_holds_watch_references(self):
        Model = self.env["fleet.vehicle.model"]
        car = Model.search([("vehicle_type", "=", "car")], limit=1)
        self.assertTrue(car, "the demo catalog has car models")
        watch_env = self._as(self.user_watch_manager)
        self.assertFalse(watch_env["fleet.vehicle.model"].search([("id", "=", car.id)]))
        self.assertTrue(Model.with_user(self.user_manager).search([("id", "=", car.id)]))
        defaults = watch_env["fleet.vehicle.model"].default_get(["vehicle_type"])
        self.assertEqual(defaults["vehicle_type"], "watch")
        self.assertNotEqual(
            Model.with_user(self.user_manager).default_get(["vehicle_type"]).get("vehicle_type"),
            "watch",
        )

    # Shared configuration: each company sees its own ------------------------------
    def test_a_watch_retailer_is_not_offered_vehicle_needs(self):
        Tag = self.env["dealer.need.tag"]
        child_seat = self.env.ref("dealer_crm.need_tag_child_seat")
        self.assertEqual(child_seat.item_kind, "vehicle", "a shipped need is a vehicle's")
        any_customer = Tag.create({"name": "Prefers mornings", "item_kind": False})
        watch_env = self._as(self.user_watch_manager)
        engraving = watch_env["dealer.need.tag"].create({"name": "Engraving"})
        self.assertEqual(engraving.item_kind, "watch", "a watch retailer's need is a watch's")
        seen = watch_env["dealer.need.tag"].search([]).ids
        self.assertNotIn(child_seat.id, seen)
        self.assertIn(any_customer.id, seen)
        self.assertIn(engraving.id, seen)
        self.assertFalse(watch_env["dealer.need.tag"].name_search("Child seat"))
        # a vehicle dealer keeps its needs, and one selling both adds needs of any customer
        self.assertIn(child_seat, Tag.with_user(self.user_manager).search([]))
        self.assertEqual(
            Tag.with_user(self.user_manager).create({"name": "Tow bar"}).item_kind, "vehicle"
        )
        self.assertIn(child_seat, Tag.with_user(self.user_both).search([]))
        self.assertFalse(
            self._as(self.user_both)["dealer.need.tag"].default_get(["item_kind"]).get("item_kind")
        )

    def test_another_companys_workshop_combinations_are_not_shown(self):
        car_combination = self.env.ref(
            "dealer_crm.resource_booking_combination_bay_1_technician_1_car"
        )
        self.assertIn(
            "Courtesy Car 1", car_combination.resource_ids.mapped("name"), "the shipped one"
        )
        Combination = self.env["resource.booking.combination"]
        self.assertIn(car_combination, Combination.with_user(self.user_manager).search([]))
        self.assertNotIn(car_combination, Combination.with_user(self.user_watch_manager).search([]))
        # the watch retailer's own combination, of its own bench and watchmaker
        bench, watchmaker = (
            self.env["resource.resource"]
            .with_company(self.company_watch)
            .create(
                [
                    {"name": "Bench", "resource_type": "material", "dealer_workshop_role": role}
                    for role in ("bay", "technician")
                ]
            )
        )
        own = Combination.create({"resource_ids": [Command.set((bench | watchmaker).ids)]})
        self.assertEqual(bench.company_id, self.company_watch)
        self.assertIn(own, Combination.with_user(self.user_watch_manager).search([]))
        self.assertNotIn(own, Combination.with_user(self.user_manager).search([]))

    def test_a_watch_retailer_sees_the_brands_of_its_references(self):
        Brand = self.env["fleet.vehicle.model.brand"]
        toyota = self.env.ref("fleet.brand_toyota")
        self.assertTrue(toyota.model_ids, "the demo catalog has Toyota's car models")
        watch_brand = Brand.create({"name": "Test Watchmaker"})
        new_brand = Brand.create({"name": "Brand Without References"})
        self.env["fleet.vehicle.model"].create(
            {"name": "Diver 300", "brand_id": watch_brand.id, "vehicle_type": "watch"}
        )
        seen = Brand.with_user(self.user_watch_manager).search([])
        self.assertNotIn(toyota, seen)
        self.assertIn(watch_brand, seen)
        self.assertIn(new_brand, seen, "a brand with no reference yet may be a watch brand")
        seen = Brand.with_user(self.user_manager).search([])
        self.assertIn(toyota, seen)
        self.assertIn(watch_brand, seen)

    # What the reviewer saw before the labels (issue 32's review, finding 2) ---------
    def test_a_watch_retailer_delivers_and_registers_a_watch(self):
        seller = self._create_user("t_watch_seller", "dealer_crm.group_sales", self.company_watch)
        env = self._as(seller)
        order = env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('string="Deliver Watch"', order)
        self.assertNotIn("Deliver Vehicle", order)
        wizard = env["dealer.vehicle.delivery"].get_views([(False, "form")])["views"]["form"]
        self.assertIn("a watch by its serial number", wizard["arch"])
        self.assertNotIn("VIN", wizard["arch"].replace('name="vin"', ""))
        dealer = self._as(self.user_sales)["dealer.vehicle.delivery"]
        self.assertIn(
            "a vehicle by its VIN", dealer.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Wording Horlogerie"})
        reference = self.env["fleet.vehicle.model"].create(
            {"name": "Diver 300", "brand_id": brand.id, "vehicle_type": "watch"}
        )
        watch = (
            self.env["dealer.vehicle"]
            .with_company(self.company_watch)
            .create(
                {
                    "item_kind": "watch",
                    "serial_number": "WORD-1",
                    "model_id": reference.id,
                    "company_id": self.company_watch.id,
                }
            )
        )
        # the chatter's first line (core's "Customer Vehicle created")
        self.assertEqual(watch._creation_message(), "Watch registered")
        self.assertIn("Customer Vehicle", self._create_vehicle()._creation_message())

    def test_deliver_speaks_of_a_watch_to_a_watch_retailer(self):
        seller = self._create_user("t_watch_sales", "dealer_crm.group_sales", self.company_watch)
        customer = self.env["res.partner"].create({"name": "Chan Tai Man"})
        order = (
            self.env["sale.order"]
            .with_company(self.company_watch)
            .create({"partner_id": customer.id, "company_id": self.company_watch.id})
        )
        with self.assertRaisesRegex(UserError, "No item of this order is waiting"):
            order.with_user(seller).action_dealer_deliver_vehicle()
