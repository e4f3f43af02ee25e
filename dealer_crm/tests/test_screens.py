# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the screens need, checked without a browser: each was a defect seen in Chromium."""

from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestScreens(DealerCrmCase):
    def test_action_contexts_evaluate_as_the_browser_does(self):
        """The browser knows uid, active_id and context_today(), never ref()."""
        browser_globals = {
            "uid": self.env.uid,
            "active_id": 1,
            "active_ids": [1],
            "active_model": "res.partner",
            "context_today": fields.Date.context_today,
            "allowed_company_ids": self.env.companies.ids,
            "current_company_id": self.env.company.id,
        }
        actions = self.env["ir.model.data"].search(
            [("module", "=", "dealer_crm"), ("model", "=", "ir.actions.act_window")]
        )
        self.assertTrue(actions)
        for data in actions:
            action = self.env["ir.actions.act_window"].browse(data.res_id)
            with self.subTest(action=data.name):
                self.assertIsInstance(safe_eval(action.context or "{}", browser_globals), dict)

    def test_complaints_action_opens_the_customer_relations_team(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("dealer_crm.helpdesk_ticket_action")
        context = safe_eval(action["context"], {"uid": self.env.uid})
        self.assertEqual(
            context["default_team_id"],
            self.env.ref("dealer_crm.helpdesk_team_customer_relations").id,
        )

    def test_customer_relations_opens_a_customer_with_orders(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env.ref("product.product_product_4").id,
                            "price_unit": 100,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.env.invalidate_all()
        form = Form(self.customer.with_user(self.user_relations))
        self.assertEqual(form.dealer_sales_spend, order.amount_total)
        # Read-only: they see the order, they do not change it.
        with self.assertRaises(AccessError):
            order.with_user(self.user_relations).write({"note": "changed"})

    def test_customer_relations_has_the_loyalty_menu(self):
        Menu = self.env["ir.ui.menu"].with_user(self.user_relations)
        visible = Menu._visible_menu_ids()
        for xmlid in ("loyalty_menu", "loyalty_card_menu", "dealer_loyalty_action_menu"):
            self.assertIn(self.env.ref(f"dealer_crm.{xmlid}").id, visible, xmlid)
        self.assertNotIn(self.env.ref("dealer_crm.loyalty_program_menu").id, visible)

    def test_customer_form_shows_loyalty_tier_balance_and_expiring_points(self):
        arch = self.customer.with_user(self.user_relations).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        for name in ("dealer_tier_id", "dealer_loyalty_points", "dealer_expiring_points"):
            self.assertIn(f'name="{name}"', arch)

    def test_open_promises_lists_only_open_ones(self):
        Promise = self.env["dealer.promise"]
        today = self._today()
        kept, broken, open_ = (
            Promise.create({"name": name, "partner_id": self.customer.id, "date_due": today})
            for name in ("kept", "broken", "open")
        )
        kept.action_kept()
        broken.action_broken()
        self.assertEqual(self.customer.dealer_open_promise_ids, open_)
        self.assertEqual(len(self.customer.dealer_promise_ids), 3)

    def test_banners_for_stale_details_and_consent_never_asked(self):
        self.assertTrue(self.customer.dealer_details_stale)
        self.assertTrue(self.customer.dealer_consent_missing)
        self.customer.action_dealer_verified()
        self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "withdrawn",
            }
        )
        self.assertFalse(self.customer.dealer_details_stale)
        self.assertFalse(self.customer.dealer_consent_missing)

    def test_ticket_notes_read_only_for_who_may_not_edit(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Door seal whistles",
                "description": "<p>Whistle at speed</p>",
                "partner_id": self.customer.id,
                "user_id": self.user_relations.id,
            }
        )
        self._create_vehicle(owner_id=self.customer.id, seller_id=self.user_sales.id)
        self.env.invalidate_all()
        self.assertFalse(ticket.with_user(self.user_sales).dealer_can_write)
        self.assertTrue(ticket.with_user(self.user_relations).dealer_can_write)
        new = self.env["helpdesk.ticket"].with_user(self.user_sales).new({"name": "x"})
        self.assertTrue(new.dealer_can_write)

    def test_redeem_only_against_the_members_own_quotation(self):
        program = self.env.ref("dealer_crm.loyalty_program_dealer_club_demo")
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.customer.id}
        )
        card._dealer_move(1000, "Opening balance", "earn")
        stranger = self.env["res.partner"].create({"name": "Somebody Else"})
        quotation = self.env["sale.order"].create({"partner_id": stranger.id})
        wizard = (
            self.env["dealer.loyalty.redeem"]
            .with_user(self.user_sales)
            .create(
                {
                    "card_id": card.id,
                    "reward_id": program.reward_ids[0].id,
                    "sale_order_id": quotation.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "member's own"):
            wizard.action_confirm()
        self.assertEqual(card.points, 1000)

    def test_vehicle_catalog_counts_customer_vehicles_without_fleet_rights(self):
        model = self.env.ref("fleet.model_corolla_ts").with_user(self.user_manager)
        before = self.env["dealer.vehicle"].search_count([("model_id", "=", model.id)])
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        self.assertFalse(self.user_manager.has_group("fleet.fleet_group_user"))
        form = Form(model, view="dealer_crm.fleet_vehicle_model_view_form")
        self.assertEqual(form.dealer_vehicle_count, before + 1)
        action = model.action_dealer_view_vehicles()
        self.assertIn(vehicle, self.env["dealer.vehicle"].search(action["domain"]))


#: every distance a dealer screen shows, by model: in whole units (109,710 km), never
#: with the two decimals of a plain float column (issue 30)
DISTANCE_FIELDS = {
    "dealer.vehicle": {"odometer", "next_service_odometer", "warranty_mileage_limit"},
    "dealer.service.record": {"odometer"},
    "dealer.vehicle.odometer": {"value"},
    "dealer.vehicle.delivery": {"odometer"},
    "dealer.maintenance.plan": {"interval_distance"},
    "fleet.vehicle.model": {"dealer_warranty_distance"},
}
WHOLE_UNITS = "[12, 0]"


def _distance_nodes(env, model, arch):
    """(model, field node) of every distance field shown by ``arch`` of ``model``,
    those of its one-to-many lists with their own model."""
    for node in arch.iter("field"):
        owner = node.getparent()
        while owner is not None and owner.tag != "field":
            owner = owner.getparent()
        if owner is not None:
            continue  # a sub-view's field: walked with the sub-view's model below
        field = env[model]._fields.get(node.get("name"))
        if field is None:
            continue
        if field.type in ("one2many", "many2many"):
            for sub in node:
                if sub.tag in ("list", "kanban", "form"):
                    yield from _distance_nodes(env, field.comodel_name, sub)
        elif field.name in DISTANCE_FIELDS.get(model, ()):
            yield model, node


@tagged("post_install", "-at_install")
class TestDepartmentScreens(DealerCrmCase):
    """What each department looks for first (issue 30)."""

    def _arch(self, model, view_xmlid=None, view_type="form", user=None):
        Model = self.env[model].with_user(user or self.user_manager)
        view_id = self.env.ref(view_xmlid).id if view_xmlid else False
        views = Model.get_views([(view_id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_every_distance_field_is_listed(self):
        """A new float field named like a distance is shown in whole units too."""
        for model_name in self.env.registry:
            if self.env[model_name]._abstract or not (
                model_name.startswith("dealer.") or model_name == "fleet.vehicle.model"
            ):
                continue
            for name, field in self.env[model_name]._fields.items():
                if field.type == "float" and any(
                    word in name for word in ("odometer", "mileage", "distance")
                ):
                    with self.subTest(field=f"{model_name}.{name}"):
                        self.assertIn(name, DISTANCE_FIELDS.get(model_name, ()))

    def test_distances_show_in_whole_units_in_every_view(self):
        """Every list, form and kanban that shows a distance shows it without decimals,
        its column type unchanged (a plain float: no ALTER of a big table)."""
        views = self.env["ir.ui.view"].search(
            [
                ("model", "in", list(DISTANCE_FIELDS)),
                ("type", "in", ("list", "form", "kanban")),
                ("mode", "=", "primary"),
            ]
        )
        shown = set()
        for view in views:
            arch = self._arch(view.model, view.xml_id or None, view.type) if view.xml_id else None
            if arch is None:
                continue
            for model, node in _distance_nodes(self.env, view.model, arch):
                shown.add((model, node.get("name")))
                with self.subTest(view=view.xml_id, field=f"{model}.{node.get('name')}"):
                    self.assertEqual(node.get("digits"), WHOLE_UNITS)
        for model, names in DISTANCE_FIELDS.items():
            for name in names:
                self.assertIn((model, name), shown, "shown on some screen")
                column = self.env[model]._fields[name].column_type
                self.assertEqual(column[0], "float8", "the column stays a plain float")

    def test_complaints_list_names_the_customer(self):
        """The customer is the ticket's contact: helpdesk_mgmt's free-text name is empty
        on tickets not typed in by hand."""
        arch = self._arch(
            "helpdesk.ticket", "dealer_crm.helpdesk_ticket_view_list", "list", self.user_relations
        )
        names = [node.get("name") for node in arch.iter("field")]
        for name in (
            "partner_id",
            "dealer_vehicle_id",
            "dealer_severity_id",
            "stage_id",
            "dealer_resolution_deadline",
            "user_id",
        ):
            node = arch.find(f".//field[@name='{name}']")
            self.assertIsNotNone(node, name)
            self.assertNotIn(node.get("optional"), ("hide",), name)
            self.assertFalse(node.get("column_invisible"), name)
        self.assertLess(names.index("partner_id"), names.index("name"), "the customer first")
        self.assertNotIn("partner_name", names)
        action = self.env["ir.actions.act_window"]._for_xml_id("dealer_crm.helpdesk_ticket_action")
        self.assertIn(
            (self.env.ref("dealer_crm.helpdesk_ticket_view_list").id, "list"),
            [tuple(view) for view in action["views"]],
        )
        # the open complaints first: helpdesk_mgmt's Open filter is on by default
        context = safe_eval(action["context"], {"ref": self.env.ref})
        self.assertTrue(context.get("search_default_open"))
        search = self._arch("helpdesk.ticket", None, "search")
        self.assertEqual(
            search.find(".//filter[@name='open']").get("domain").replace(" ", ""),
            "[('closed','=',False)]",
        )
        # helpdesk_mgmt's own list shows the contact by default too
        core = self._arch("helpdesk.ticket", "helpdesk_mgmt.ticket_view_tree", "list")
        self.assertEqual(core.find(".//field[@name='partner_id']").get("optional"), "show")
        self.assertEqual(core.find(".//field[@name='partner_name']").get("optional"), "hide")

    def test_customer_form_opens_on_the_summary_and_the_customer_360(self):
        arch = self._arch("res.partner", user=self.user_service)
        sheet = arch.find(".//sheet")
        children = list(sheet)
        summary = sheet.find("group[@name='dealer_summary']")
        self.assertIsNotNone(summary, "the summary sits on the sheet itself")
        contact = next(c for c in children if c.tag == "group" and c is not summary)
        self.assertLess(children.index(summary), children.index(contact), "above Odoo's fields")
        for name in (
            "dealer_next_service_date",
            "helpdesk_ticket_active_count",
            "dealer_open_promise_count",
            "dealer_last_contact_date",
            "dealer_consent_summary",
        ):
            self.assertIsNotNone(summary.find(f".//field[@name='{name}']"), name)
        badges = arch.find(".//div[@name='dealer_badges']")
        for name in ("dealer_customer_type", "dealer_tier_id", "dealer_rfm_segment"):
            self.assertIsNotNone(badges.find(f".//field[@name='{name}']"), name)
        pages = arch.findall(".//notebook/page")
        self.assertEqual(pages[0].get("name"), "dealer_360")
        self.assertEqual([p.get("name") for p in pages if p.get("autofocus")], ["dealer_360"])

    def test_customer_summary_reads_the_soonest_service_promises_contact_and_consents(self):
        today = self._today()
        later = self._create_vehicle(
            vin="WVWZZZ1KZAW000101", license_plate="SUM 2", owner_id=self.customer.id
        )
        sooner = self._create_vehicle(
            vin="WVWZZZ1KZAW000102", license_plate="SUM 1", owner_id=self.customer.id
        )
        # the due dates as the plan computes them are not what this test is about
        self.env.flush_all()
        for vehicle, days in ((later, 40), (sooner, -3)):
            self.env.cr.execute(
                SQL(
                    "UPDATE dealer_vehicle SET next_service_date = %s WHERE id = %s",
                    today + timedelta(days=days),
                    vehicle.id,
                )
            )
        Promise = self.env["dealer.promise"]
        for days in (5, 2):
            Promise.create(
                {
                    "name": "Call back",
                    "partner_id": self.customer.id,
                    "date_due": today + timedelta(days=days),
                }
            )
        Promise.create(
            {"name": "Kept", "partner_id": self.customer.id, "date_due": today}
        ).action_kept()
        self.env["dealer.interaction"].create(
            {"partner_id": self.customer.id, "channel": "phone", "subject": "Called"}
        )
        for purpose, channel, state in (
            ("service_reminder", "sms", "granted"),
            ("service_reminder", "email", "granted"),
            ("marketing", "email", "withdrawn"),
        ):
            self.env["dealer.consent"].create(
                {
                    "partner_id": self.customer.id,
                    "purpose": purpose,
                    "channel": channel,
                    "state": state,
                }
            )
        self.env.invalidate_all()
        customer = self.customer.with_user(self.user_relations)
        self.assertEqual(customer.dealer_next_service_vehicle_id, sooner)
        self.assertEqual(customer.dealer_next_service_date, today - timedelta(days=3))
        self.assertEqual(customer.dealer_next_service_state, "overdue")
        self.assertEqual(customer.dealer_open_promise_count, 2)
        self.assertEqual(customer.dealer_promise_next_due, today + timedelta(days=2))
        self.assertTrue(customer.dealer_last_contact_date)
        self.assertEqual(customer.dealer_consent_summary, "Service reminders: Email, SMS")
        stranger = self.env["res.partner"].create({"name": "Nobody Yet"})
        self.assertFalse(stranger.dealer_next_service_vehicle_id)
        self.assertEqual(stranger.dealer_open_promise_count, 0)
        self.assertFalse(stranger.dealer_consent_summary)

    def test_pipeline_card_shows_vehicle_trade_in_and_channel_for_departments_only(self):
        arch = self._arch("crm.lead", "crm.crm_case_kanban_view_leads", "kanban", self.user_sales)
        card = arch.find(".//t[@t-name='card']")
        for name in (
            "dealer_vehicle_model_id",
            "dealer_trade_in_vehicle_id",
            "dealer_enquiry_channel",
        ):
            self.assertIsNotNone(card.find(f".//field[@name='{name}']"), name)
        salesman = new_test_user(
            self.env, login="t_plain_salesman", groups="sales_team.group_sale_salesman"
        )
        arch = self._arch("crm.lead", "crm.crm_case_kanban_view_leads", "kanban", salesman)
        self.assertIsNone(arch.find(".//div[@name='dealer_vehicle']"))

    def test_vehicle_form_puts_owner_and_next_service_first(self):
        arch = self._arch("dealer.vehicle", "dealer_crm.dealer_vehicle_view_form")
        titles = [g.get("string") for g in arch.findall(".//sheet/group/group")]
        self.assertEqual(titles[:2], ["Owner and Sale", "Next Service"])
        kanban = self._arch("dealer.vehicle", "dealer_crm.dealer_vehicle_view_kanban", "kanban")
        for name in ("license_plate", "model_id", "owner_id", "odometer", "next_service_date"):
            self.assertIsNotNone(kanban.find(f".//field[@name='{name}']"), name)

    def test_customer_list_opens_on_customers_not_every_contact(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("dealer_crm.res_partner_action")
        context = safe_eval(action["context"], {"uid": self.env.uid})
        self.assertTrue(context.get("search_default_dealer_customers"))
        Partner = self.env["res.partner"].with_user(self.user_sales)
        vendor = self.env["res.partner"].create({"name": "Parts Supplier Ltd", "is_company": True})
        owner = self.env["res.partner"].create({"name": "Owner Only"})
        self._create_vehicle(vin="WVWZZZ1KZAW000103", license_plate="CUS 1", owner_id=owner.id)
        typed = Partner.with_context(**context).create({"name": "Walk-in Prospect"})
        customers = Partner.search([("dealer_is_customer", "=", True)])
        self.assertIn(owner, customers)
        self.assertIn(typed, customers, "created from Customers: declared a customer")
        self.assertNotIn(vendor, customers)
        self.assertIn(vendor, Partner.search([("dealer_is_customer", "=", False)]))
        self.assertEqual(
            (vendor | owner).with_user(self.user_sales).mapped("dealer_is_customer"),
            [False, True],
        )

    def test_enquiries_open_on_my_pipeline_but_the_managers_on_the_team(self):
        menu = self.env.ref("dealer_crm.crm_lead_menu")
        self.assertEqual(menu.action, self.env.ref("dealer_crm.crm_lead_enquiries_action"))

        def context(user):
            action = menu.action.with_user(user).run()
            self.assertEqual(action["res_model"], "crm.lead")
            context = action["context"]
            if isinstance(context, str):
                context = safe_eval(context, {"uid": user.id})
            return context

        self.assertTrue(context(self.user_sales).get("search_default_assigned_to_me"))
        manager = context(self.user_manager)
        self.assertNotIn("search_default_assigned_to_me", manager)
        self.assertEqual(manager.get("default_type"), "opportunity")

    def test_customer_search_is_per_company(self):
        """A customer with a history only in this company is no customer of a second
        company's user."""
        _company_b, sales_b = self._create_company_b(
            "Screens B", t_sales_b_cus="dealer_crm.group_sales"
        )
        owner = self.env["res.partner"].create({"name": "Owner In A Only"})
        self._create_vehicle(vin="WVWZZZ1KZAW000104", license_plate="CUS 2", owner_id=owner.id)
        domain = [("dealer_is_customer", "=", True), ("id", "=", owner.id)]
        self.assertEqual(self.env["res.partner"].with_user(self.user_sales).search(domain), owner)
        self.assertFalse(self.env["res.partner"].with_user(sales_b).search(domain))
        self.assertFalse(owner.with_user(sales_b).dealer_is_customer)
        # reading it takes a department (Odoo 18 checks the groups of stored fields
        # only when searching: a search method field is not checked there)
        with self.assertRaises(AccessError):
            owner.with_user(self.user_plain).read(["dealer_is_customer"])
