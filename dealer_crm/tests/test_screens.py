# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the screens need, checked without a browser: each was a defect seen in Chromium."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
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
