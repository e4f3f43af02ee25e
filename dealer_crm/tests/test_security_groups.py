# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestSecurityGroups(DealerCrmCase):
    def test_each_department_implies_what_its_people_need(self):
        expected = {
            self.user_sales: [
                "base.group_user",
                "base.group_partner_manager",
                "sales_team.group_sale_salesman",
                "sales_team.group_sale_salesman_all_leads",
                "helpdesk_mgmt.group_helpdesk_user_own",
            ],
            self.user_service: [
                "base.group_user",
                "base.group_partner_manager",
                "sales_team.group_sale_salesman_all_leads",
                "helpdesk_mgmt.group_helpdesk_user_own",
            ],
            self.user_relations: [
                "base.group_user",
                "base.group_partner_manager",
                "helpdesk_mgmt.group_helpdesk_user",
            ],
            self.user_manager: [
                "dealer_crm.group_sales",
                "dealer_crm.group_service",
                "dealer_crm.group_customer_relations",
                "sales_team.group_sale_manager",
                "helpdesk_mgmt.group_helpdesk_manager",
            ],
        }
        for user, groups in expected.items():
            for group in groups:
                self.assertTrue(user.has_group(group), f"{user.login} should be in {group}")

    def test_departments_get_no_more_than_they_need(self):
        for user in (self.user_sales, self.user_service, self.user_relations):
            for group in (
                "dealer_crm.group_manager",
                "sales_team.group_sale_manager",
                "helpdesk_mgmt.group_helpdesk_manager",
                "fleet.fleet_group_user",
                "base.group_system",
                "base.group_erp_manager",
            ):
                self.assertFalse(user.has_group(group), f"{user.login} must not be in {group}")
        # departments stay apart from each other
        self.assertFalse(self.user_sales.has_group("dealer_crm.group_service"))
        self.assertFalse(self.user_sales.has_group("dealer_crm.group_customer_relations"))
        self.assertFalse(self.user_service.has_group("dealer_crm.group_sales"))
        self.assertFalse(self.user_relations.has_group("dealer_crm.group_sales"))
        self.assertFalse(self.user_relations.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.user_manager.has_group("base.group_system"))
        self.assertFalse(self.user_manager.has_group("fleet.fleet_group_user"))

    def test_every_department_sees_the_dealer_crm_menu(self):
        root = self.env.ref("dealer_crm.dealer_crm_root_menu")
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_manager):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(root.id, visible, f"{user.login} should see Dealer CRM")
        visible = self.env["ir.ui.menu"].with_user(self.user_plain)._visible_menu_ids()
        self.assertNotIn(root.id, visible)

    def test_configuration_and_reporting_menus_are_for_managers(self):
        """Configuration, the dashboard and the company-wide reports are for managers;
        each department opens its own analysis under Reporting."""
        manager = self.env.ref("dealer_crm.group_manager")
        for xmlid in (
            "dealer_crm.configuration_menu",
            "dealer_crm.dealer_dashboard_menu",
            "dealer_crm.dealer_trend_report_menu",
            "dealer_crm.dealer_customer_report_menu",
            "dealer_crm.dealer_satisfaction_report_menu",
            "dealer_crm.dealer_promise_analysis_menu",
        ):
            self.assertEqual(self.env.ref(xmlid).groups_id, manager)
        own = {
            "dealer_crm.dealer_service_report_menu": "dealer_crm.group_service",
            "dealer_crm.dealer_complaint_report_menu": "dealer_crm.group_customer_relations",
            "dealer_crm.dealer_retention_report_menu": "dealer_crm.group_sales",
            "dealer_crm.dealer_unmet_need_report_menu": "dealer_crm.group_sales",
        }
        for xmlid, group in own.items():
            self.assertEqual(self.env.ref(xmlid).groups_id, self.env.ref(group))

    def test_demo_users_exist_one_per_department(self):
        for xmlid, group in (
            ("dealer_crm.user_sales_demo", "dealer_crm.group_sales"),
            ("dealer_crm.user_service_demo", "dealer_crm.group_service"),
            ("dealer_crm.user_relations_demo", "dealer_crm.group_customer_relations"),
            ("dealer_crm.user_manager_demo", "dealer_crm.group_manager"),
        ):
            user = self.env.ref(xmlid)
            self.assertTrue(user.has_group(group))
