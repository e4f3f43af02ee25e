# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Departments as records (issue 25): one home for "the staff of this department in this
company" and for "the one user who takes its work" (the leader; "the manager")."""

from datetime import date

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.dealer_department import DEPARTMENTS
from ..tools.access import DEPARTMENT_GROUPS
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestDepartments(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls._create_company("Department Dealer A")
        cls.company_b = cls._create_company("Department Dealer B")
        cls.company_c = cls._create_company("Department Dealer C (nobody)")

        def user(login, groups, company=None, **vals):
            return cls._create_user(
                login, groups, company or cls.company_a, email=f"{login}@example.com", **vals
            )

        # a manager created first: a department member still comes before them
        cls.manager_a1 = user("t_dept_manager_a1", "dealer_crm.group_manager")
        cls.sales_a1 = user("t_dept_sales_a1", "dealer_crm.group_sales")
        cls.sales_a2 = user("t_dept_sales_a2", "dealer_crm.group_sales")
        cls.manager_a2 = user("t_dept_manager_a2", "dealer_crm.group_manager")
        cls.relations_a = user("t_dept_relations_a", "dealer_crm.group_customer_relations")
        cls.sales_gone = user("t_dept_sales_gone", "dealer_crm.group_sales")
        cls.sales_gone.active = False
        cls.portal_a = user("t_dept_portal_a", "base.group_portal")
        cls.sales_b = user("t_dept_sales_b", "dealer_crm.group_sales", cls.company_b)
        cls.manager_b = user("t_dept_manager_b", "dealer_crm.group_manager", cls.company_b)
        Department = cls.env["dealer.department"]
        cls.Department = Department
        # the records of every company start without a leader (demo data names some)
        cls.every_company = {
            code: Department.search([("code", "=", code), ("company_id", "=", False)])
            for code, _label in DEPARTMENTS
        }
        for record in cls.every_company.values():
            record.user_id = False

    # Staff -----------------------------------------------------------------------
    def test_staff_are_the_active_internal_people_of_the_company(self):
        staff = self.Department._dealer_staff("sales", self.company_a)
        self.assertEqual(
            staff.ids,
            (self.sales_a1 | self.sales_a2 | self.manager_a1 | self.manager_a2).ids,
            "department members first, then managers (who belong to every department)",
        )
        for outsider in (self.sales_gone, self.portal_a, self.sales_b, self.relations_a):
            self.assertNotIn(outsider, staff)
        managers = self.Department._dealer_staff("manager", self.company_a)
        self.assertEqual(managers, self.manager_a1 | self.manager_a2)

    def test_staff_never_include_the_superuser(self):
        root = self.env.ref("base.user_root")
        root.write({"company_ids": [Command.link(self.company_a.id)]})
        # Odoo refuses to activate it; a database may still have it active
        self.env.cr.execute("UPDATE res_users SET active = TRUE WHERE id = %s", [root.id])
        self.env.invalidate_all()
        self.assertTrue(root.active)
        self.assertTrue(root.has_group("dealer_crm.group_manager"))
        for code, _label in DEPARTMENTS:
            self.assertNotIn(root, self.Department._dealer_staff(code, self.company_a))
            self.assertNotEqual(self.Department._dealer_leader(code, self.company_a), root)

    # The one user who takes the work ------------------------------------------------
    def test_leader_from_company_record_then_every_company_record_then_first_member(self):
        leader = self.Department._dealer_leader
        self.assertEqual(leader("sales", self.company_a), self.sales_a1, "first member")
        self.every_company["sales"].user_id = self.sales_a2
        self.assertEqual(leader("sales", self.company_a), self.sales_a2)
        own = self.Department.create(
            {
                "name": "Sales A",
                "code": "sales",
                "company_id": self.company_a.id,
                "user_id": self.manager_a2.id,
            }
        )
        self.assertEqual(leader("sales", self.company_a), self.manager_a2, "the company's own")
        own.user_id = False
        self.assertEqual(leader("sales", self.company_a), self.sales_a2, "then every company's")
        own.user_id = self.manager_a2
        own.active = False
        self.assertEqual(leader("sales", self.company_a), self.sales_a2, "archived: not used")
        # a leader who left the department is passed over
        self.every_company["sales"].user_id = False
        own.active = True
        self.manager_a2.groups_id = [Command.unlink(self.env.ref("dealer_crm.group_manager").id)]
        self.manager_a2.groups_id = [Command.unlink(self.env.ref("dealer_crm.group_sales").id)]
        self.assertEqual(leader("sales", self.company_a), self.sales_a1)

    def test_preferred_user_kept_when_a_member(self):
        leader = self.Department._dealer_leader
        self.every_company["sales"].user_id = self.sales_a1
        self.assertEqual(leader("sales", self.company_a, preferred=self.sales_a2), self.sales_a2)
        self.assertEqual(
            leader("sales", self.company_a, preferred=self.manager_a2), self.manager_a2
        )
        for stranger in (self.sales_b, self.relations_a, self.sales_gone, self.portal_a):
            self.assertEqual(leader("sales", self.company_a, preferred=stranger), self.sales_a1)
        # a company with nobody in the department: the preferred user, else the caller
        self.assertEqual(leader("sales", self.company_c, preferred=self.sales_b), self.sales_b)
        self.assertEqual(leader("sales", self.company_c), self.env.user)

    def test_company_b_leader_never_chosen_for_company_a(self):
        leader = self.Department._dealer_leader
        self.every_company["sales"].user_id = self.sales_b
        self.Department.create(
            {
                "name": "Management B",
                "code": "manager",
                "company_id": self.company_b.id,
                "user_id": self.manager_b.id,
            }
        )
        self.assertEqual(leader("sales", self.company_b), self.sales_b)
        self.assertEqual(leader("sales", self.company_a), self.sales_a1)
        self.assertEqual(leader("manager", self.company_b), self.manager_b)
        self.assertEqual(leader("manager", self.company_a), self.manager_a1)
        # nor may a company's record be led by someone of another company
        with self.assertRaises(ValidationError):
            self.Department.create(
                {
                    "name": "Sales A",
                    "code": "sales",
                    "company_id": self.company_a.id,
                    "user_id": self.sales_b.id,
                }
            )

    def test_one_record_of_a_department_per_company(self):
        self.Department.create(
            {"name": "Sales A", "code": "sales", "company_id": self.company_a.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Department.create(
                {"name": "Sales A bis", "code": "sales", "company_id": self.company_a.id}
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Department.create({"name": "Sales again", "code": "sales"})

    def test_members_are_the_staff_of_the_company(self):
        own = self.Department.create(
            {"name": "Customer Relations A", "code": "customer_relations"}
            | {"company_id": self.company_a.id}
        )
        self.assertEqual(own.group_id, self.env.ref("dealer_crm.group_customer_relations"))
        self.assertEqual(own.member_ids, self.relations_a | self.manager_a1 | self.manager_a2)
        self.assertEqual(own.member_count, 3)

    # "The manager", picked one way everywhere ---------------------------------------
    def _management_a(self, leader):
        return self.Department.create(
            {
                "name": "Management A",
                "code": "manager",
                "company_id": self.company_a.id,
                "user_id": leader.id,
            }
        )

    def test_ticket_followups_go_to_the_manager(self):
        self._management_a(self.manager_a2)
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Team A", "company_id": self.company_a.id}
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Scratched door",
                "description": "Scratch on delivery",
                "partner_id": self.customer.id,
                "team_id": team.id,
                "company_id": self.company_a.id,
            }
        )
        self.assertEqual(ticket._dealer_manager(), self.manager_a2, "the department's leader")
        team.user_id = self.manager_a1
        self.assertEqual(ticket._dealer_manager(), self.manager_a1, "the team leader first")
        team.user_id = self.sales_a1
        self.assertEqual(ticket._dealer_manager(), self.manager_a2, "a team leader who manages")
        ticket.sudo().write(
            {
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                "dealer_satisfaction": "1",
            }
        )
        self.assertEqual(ticket.activity_ids.user_id, self.manager_a2)

    def test_overdue_promises_escalate_to_the_manager(self):
        self._management_a(self.manager_a2)
        promise = self.env["dealer.promise"].create(
            {
                "name": "Call back with the part's arrival date",
                "partner_id": self.customer.id,
                "user_id": self.user_sales.id,
                "date_due": self._today() - relativedelta(days=2),
                "company_id": self.company_a.id,
            }
        )
        self.env["dealer.promise"]._cron_escalate_overdue()
        self.assertEqual(promise.activity_ids.user_id, self.manager_a2)

    def test_policy_staff_are_the_department_staff(self):
        policy = self.env["dealer.policy"].create(
            {
                "name": "Test drive code",
                "review_date": self._today() + relativedelta(years=1),
                "company_id": self.company_a.id,
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("dealer_crm.group_sales").id,
                            self.env.ref("dealer_crm.group_customer_relations").id,
                        ]
                    )
                ],
            }
        )
        Department = self.Department
        expected = Department._dealer_staff("sales", self.company_a) | Department._dealer_staff(
            "customer_relations", self.company_a
        )
        self.assertEqual(policy._staff(), expected)
        self.assertEqual(policy.missing_user_ids, expected)

    def test_trend_report_goes_to_the_managers_of_its_company(self):
        report = self.env["dealer.trend.report"].create(
            {
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
                "company_id": self.company_a.id,
            }
        )
        self.assertEqual(report._managers(), self.manager_a1 | self.manager_a2)
        self.assertEqual(
            report._managers(), self.Department._dealer_staff("manager", self.company_a)
        )

    def test_referral_goes_to_the_department_leader(self):
        self.every_company["customer_relations"].user_id = self.relations_a
        activity = (
            self.env["dealer.referral"]
            .with_user(self.sales_a1)
            .with_company(self.company_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "department": "customer_relations",
                    "note": "Wants a callback about the warranty",
                }
            )
            .action_refer()
        )
        self.assertEqual(activity.user_id, self.relations_a)

    # Configuration, not evidence: read by every department, written by managers ----
    def test_departments_read_by_every_department_written_by_managers(self):
        record = self.every_company["service"]
        for user in (self.user_sales, self.user_service, self.user_relations):
            self.env.invalidate_all()
            self.assertEqual(record.with_user(user).read(["name"])[0]["name"], "Service")
            with self.assertRaises(AccessError):
                record.with_user(user).write({"name": "Renamed"})
            with self.assertRaises(AccessError):
                self.Department.with_user(user).create({"name": "Mine", "code": "service"})
        with self.assertRaises(AccessError):
            record.with_user(self.user_plain).read(["name"])
        record.with_user(self.user_manager).write({"user_id": self.user_service.id})
        self.assertEqual(record.user_id, self.user_service)

    def test_a_company_record_is_not_read_by_another_company(self):
        own = self._management_a(self.manager_a1)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            own.with_user(self.manager_b).read(["name"])
        self.assertNotIn(own, self.Department.with_user(self.manager_b).search([]))

    # One list of departments -------------------------------------------------------
    def test_one_list_of_departments(self):
        self.assertEqual({code for code, _label in DEPARTMENTS}, set(DEPARTMENT_GROUPS))
        for model, name in (
            ("dealer.department", "code"),
            ("dealer.followup.step", "department"),
            ("dealer.interaction", "department"),
            ("dealer.referral", "department"),
            ("dealer.satisfaction.report", "department"),
            ("dealer.interaction.report", "department"),
        ):
            field = self.env[model]._fields[name]
            self.assertEqual(field._description_selection(self.env), DEPARTMENTS, f"{model}.{name}")
        for code, _label in DEPARTMENTS:
            record = self.every_company[code]
            self.assertEqual(record.group_id, self.env.ref(DEPARTMENT_GROUPS[code]))
