# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 30: dealer_crm in Traditional Chinese for Hong Kong.

- ``i18n/dealer_crm.pot`` holds the terms of the addon as installed (``make pot``);
- messages, XLSX files, the trend report and the analyses are in the user's language,
  tools/ messages included (checked with a few test-only translations, so that these
  tests do not depend on the wording of ``zh_HK.po``);
- a zh_HK user reads Odoo's own modules in their Taiwan Chinese (Odoo has no zh_HK).
"""

import io
from contextlib import contextmanager
from unittest.mock import patch

import polib
from openpyxl import load_workbook

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationImporter, code_translations, trans_export

from .common import DealerCrmCase, load_migration

POT = "dealer_crm/i18n/dealer_crm.pot"
LANG = "zh_HK"
#: a few terms of the Python code, as a translator would write them in zh_HK.po
CODE_TERMS = {
    "A VIN has %(length)s characters; %(vin)s has %(count)s.": (
        "車架號碼有 %(length)s 個字元；%(vin)s 有 %(count)s 個。"
    ),
    "Figures": "數據",
    "Figure": "項目",
    "Period": "期間",
    "Target Met": "達標",
    "Segment Movements": "客戶類別變動",
    "Service visits completed": "已完成保養",
    "Trend report %(from)s to %(to)s": "趨勢報告 %(from)s 至 %(to)s",
    "Complaints": "投訴",
    "Number": "編號",
    "Kind": "類別",
    "Customers": "客戶",
    "Customer": "客戶",
    "No reason given": "未有提供原因",
    "Date": "日期",
    "Author": "作者",
    "Subject": "主旨",
    "Body": "內容",
}
#: a few terms of the records (selections), by the reference a .po gives them
RECORD_TERMS = {
    "model:ir.model.fields.selection,name:"
    "dealer_crm.selection__dealer_trend_report_line__status__met": ("Met", "已達標"),
    "model:ir.model.fields.selection,name:"
    "dealer_crm.selection__dealer_trend_report_item__segment_before__loyal": ("Loyal", "忠誠"),
    "model:ir.model.fields.selection,name:"
    "dealer_crm.selection__dealer_trend_report_item__segment_before__at_risk": (
        "At Risk",
        "流失風險",
    ),
    "model:ir.model.fields.selection,name:"
    "dealer_crm.selection__helpdesk_ticket__dealer_feedback_kind__complaint": ("Complaint", "投訴"),
}


def _terms(catalogue):
    """{msgid: set of references} of a PO catalogue."""
    return {entry.msgid: set(entry.occurrences) for entry in catalogue if entry.msgid}


@tagged("post_install", "-at_install")
class TestTranslations(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.user_hk = cls._create_user(
            "t_hk_manager", "dealer_crm.group_manager", lang=LANG, email="hk@example.com"
        )

    @contextmanager
    def _zh_hk(self):
        """The test's zh_HK terms: the Python ones over those of ``zh_HK.po`` (as Odoo
        reads them, per module and language), the records' loaded as a .po is."""
        catalogue = polib.POFile()
        catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        for reference, (source, translation) in RECORD_TERMS.items():
            entry = polib.POEntry(msgid=source, msgstr=translation, comment="module: dealer_crm")
            entry.occurrences = [(reference, "")]
            catalogue.append(entry)
        source = io.BytesIO(str(catalogue).encode())
        source.name = "test terms"  # Odoo's reader looks for the .pot beside a .po
        importer = TranslationImporter(self.env.cr, verbose=False)
        importer.load(source, "po", LANG)
        importer.save(overwrite=True)
        self.env.registry.clear_cache()  # the selections' labels, cached per language
        key = ("dealer_crm", LANG)
        terms = {**code_translations.get_python_translations(*key), **CODE_TERMS}
        with patch.dict(code_translations.python_translations, {key: terms}):
            yield self.env(user=self.user_hk, context={**self.env.context, "lang": LANG})

    # The template ----------------------------------------------------------------
    def test_the_pot_holds_the_terms_of_the_installed_addon(self):
        """``make pot`` was run after the last change of a term: the committed template
        is Odoo's export of the addon as installed (terms and where each is used)."""
        buffer = io.BytesIO()
        trans_export(False, ["dealer_crm"], buffer, "po", self.env.cr)
        exported = _terms(polib.pofile(buffer.getvalue().decode()))
        committed = _terms(polib.pofile(file_path(POT)))
        missing = sorted(set(exported) - set(committed))
        # demo records' terms are exported only where the demo data is installed
        with_demo = self.env.ref("base.module_dealer_crm").demo
        extra = sorted(set(committed) - set(exported)) if with_demo else []
        moved = sorted(
            msgid
            for msgid in set(exported) & set(committed)
            if exported[msgid] - committed[msgid]
            or (with_demo and committed[msgid] - exported[msgid])
        )
        self.assertFalse(
            missing or extra or moved,
            f"{POT} is stale: run `make pot`.\n"
            f"Not in it ({len(missing)}): {missing[:40]}\n"
            f"No longer in the addon ({len(extra)}): {extra[:40]}\n"
            f"Used in other places now ({len(moved)}): {moved[:40]}",
        )

    def test_tools_messages_are_in_the_pot(self):
        """tools/ imports nothing of Odoo: its messages are marked for the export all
        the same, and the models translate them from the same source text."""
        committed = _terms(polib.pofile(file_path(POT)))
        for message, path in (
            ("A VIN has %(length)s characters; %(vin)s has %(count)s.", "tools/vin.py"),
            ("Every evaluation boundary must be at least 1.", "tools/rfm.py"),
        ):
            self.assertTrue(message in committed, f"{message!r} is not in {POT}")
            self.assertIn((f"code:addons/dealer_crm/{path}", "0"), committed[message])

    # Messages --------------------------------------------------------------------
    def test_a_vin_problem_from_tools_reaches_a_zh_hk_user_in_chinese(self):
        vehicle = self._create_vehicle()
        with self._zh_hk() as env:
            with self.assertRaisesRegex(ValidationError, "^車架號碼有 17 個字元；'ABC' 有 3 個。$"):
                vehicle.with_env(env).write({"vin": "ABC"})
        # in English for an English reader, as tools/vin.py says it
        with self.assertRaisesRegex(ValidationError, "^A VIN has 17 characters; 'ABC' has 3.$"):
            vehicle.with_context(lang="en_US").write({"vin": "ABC"})

    # Reports ---------------------------------------------------------------------
    def _workbook(self, env, report_name, records):
        content, kind = env["ir.actions.report"]._render(report_name, records.ids)
        self.assertEqual(kind, "xlsx")
        return load_workbook(io.BytesIO(content))

    def test_the_trend_report_and_its_xlsx_are_in_the_readers_language(self):
        report = self.env["dealer.trend.report"].create(
            {"date_from": self._today().replace(day=1), "date_to": self._today()}
        )
        # a movement recorded by an English reader's refresh
        item = (
            self.env["dealer.trend.report.item"]
            .sudo()
            .create(
                {
                    "report_id": report.id,
                    "kind": "movement",
                    "name": "Loyal → At Risk",
                    "segment_before": "loyal",
                    "segment_after": "at_risk",
                    "count": 2,
                }
            )
        )
        with self._zh_hk() as env:
            report_hk = report.with_env(env)
            title = f"趨勢報告 {report.date_from} 至 {report.date_to}"
            self.assertEqual(report_hk.display_name, title)
            visits = report_hk.line_ids.filtered(lambda line: line.code == "visits")
            self.assertEqual(visits.name, "已完成保養")
            self.assertEqual(item.with_env(env).label, "忠誠 → 流失風險")
            book = self._workbook(env, "dealer_crm.trend_report_xlsx", report)
            self.assertEqual(book.sheetnames[0], "數據")
            self.assertIn("客戶類別變動", book.sheetnames)
            figures = book["數據"]
            header = [cell.value for cell in figures[1]]
            self.assertEqual(header[:2], ["期間", "項目"])
            self.assertIn("達標", header)
            rows = list(figures.iter_rows(min_row=2, values_only=True))
            self.assertEqual({row[0] for row in rows}, {title})
            self.assertIn("已完成保養", [row[1] for row in rows])
            movements = list(book["客戶類別變動"].iter_rows(min_row=2, values_only=True))
            self.assertIn((title, "忠誠 → 流失風險", 2), movements)
        # the English reader reads the same report in English
        self.assertEqual(item.sudo(False).label, "Loyal → At Risk")
        self.assertTrue(report.display_name.startswith("Trend report "))

    def test_the_registers_are_in_the_readers_language(self):
        ticket = self._create_ticket(self.customer, dealer_feedback_kind="complaint")
        with self._zh_hk() as env:
            book = self._workbook(env, "dealer_crm.complaint_register", ticket)
            self.assertEqual(book.sheetnames, ["投訴"])
            header = [cell.value for cell in book["投訴"][1]]
            self.assertEqual(header[0], "編號")
            kind = book["投訴"].cell(2, header.index("類別") + 1).value
            self.assertEqual(kind, "投訴")
            book = self._workbook(env, "dealer_crm.customer_register", self.customer)
            self.assertEqual(book.sheetnames, ["客戶"])
            self.assertEqual(book["客戶"].cell(1, 1).value, "客戶")

    def test_an_analysis_copies_its_choices_in_the_readers_language(self):
        """A selection copied from another model (a function) is not translated by
        Odoo: the analyses take the source field's translated labels."""
        with self._zh_hk() as env:
            kinds = dict(env["dealer.complaint.report"].fields_get(["kind"])["kind"]["selection"])
            self.assertEqual(kinds["complaint"], "投訴")
        kinds = dict(self.env["dealer.complaint.report"].fields_get(["kind"])["kind"]["selection"])
        self.assertEqual(kinds["complaint"], "Complaint")

    def test_an_enquiry_lost_for_no_reason_given_says_so_in_the_readers_language(self):
        lead = self.env["crm.lead"].create({"name": "7 seats", "partner_id": self.customer.id})
        lead.action_set_lost()
        self.env.flush_all()
        domain = [("partner_id", "=", self.customer.id), ("kind", "=", "lost_enquiry")]
        with self._zh_hk() as env:
            self.assertEqual(env["dealer.unmet.need.report"].search(domain).name, "未有提供原因")
        report = self.env["dealer.unmet.need.report"].with_context(lang="en_US")
        self.assertEqual(report.search(domain).name, "No reason given")

    def test_texts_made_in_a_comprehension_are_in_the_readers_language(self):
        """Odoo's ``_()`` finds no language in a comprehension's own frame: the
        access export's message columns are the environment's (``self.env._``)."""
        self.customer.message_post(body="Hello", subject="Visit")
        Export = self.env["dealer.access.export"]
        with self._zh_hk() as env:
            content = Export.with_env(env)._dealer_content(self.customer, self.env.companies)
            self.assertEqual(list(content["mail.message"][0]), ["日期", "作者", "主旨", "內容"])
        content = Export.with_context(lang="en_US")._dealer_content(
            self.customer, self.env.companies
        )
        self.assertEqual(list(content["mail.message"][0]), ["Date", "Author", "Subject", "Body"])

    # SMS -------------------------------------------------------------------------
    def _queued_sms(self, record, xmlid, partner):
        """The body of the SMS ``record`` queues to ``partner`` with template ``xmlid``."""
        record._message_sms_with_template(
            template=self.env.ref(xmlid), partner_ids=partner.ids, put_in_queue=True
        )
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)]).body

    def test_an_sms_is_in_its_recipients_language(self):
        """The SMS templates render in the recipient's language, not the sender's (the
        daily job's): checked with a test-only translation of each body."""
        for xmlid in ("sms_template_service_reminder", "sms_template_service_delay"):
            template = self.env.ref(f"dealer_crm.{xmlid}")
            template.with_context(lang=LANG).body = "{{ object.company_id.name }}：你好"
        Partner = self.env["res.partner"]
        owners = ((LANG, "：你好", "WVWZZZ1KZAW000001"), ("en_US", "sorry", "WVWZZZ1KZAW700009"))
        for lang, hello, vin in owners:
            owner = Partner.create(
                {"name": f"Owner {lang}", "lang": lang, "mobile": "+85291234567"}
            )
            vehicle = self._create_vehicle(vin=vin, owner_id=owner.id, license_plate=lang)
            body = self._queued_sms(vehicle, "dealer_crm.sms_template_service_reminder", owner)
            self.assertEqual(body.endswith("：你好"), lang == LANG, body)
            self.env["sms.sms"].sudo().search([("partner_id", "=", owner.id)]).unlink()
            visit = self._create_visit(
                vehicle, dealer_promised_ready=fields.Datetime.now(), dealer_delay_reason="Parts"
            )
            body = self._queued_sms(visit, "dealer_crm.sms_template_service_delay", owner)
            self.assertIn(hello, body)

    def test_the_upgrade_gives_sms_templates_their_recipients_language(self):
        """1.8: a template without a language gets its recipient's; a dealer's own is
        kept."""
        migration = load_migration("18.0.1.8.0")
        reminder = self.env.ref("dealer_crm.sms_template_service_reminder")
        delay = self.env.ref("dealer_crm.sms_template_service_delay")
        reminder.lang = False
        delay.lang = "zh_HK"
        self.env.flush_all()
        migration.set_recipient_langs(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual(reminder.lang, "{{ object.owner_id.lang }}")
        self.assertEqual(delay.lang, "zh_HK", "the dealer's own is kept")

    # Odoo's own modules ----------------------------------------------------------
    def test_zh_hk_takes_the_taiwan_chinese_of_odoo_modules_without_their_own(self):
        """Odoo ships zh_TW.po and no zh_HK.po: loading zh_HK loads each module's zh_TW
        terms, then its own zh_HK ones over them (models/ir_module_module.py)."""
        taiwan = polib.pofile(f"{get_module_path('fleet')}/i18n/zh_TW.po")
        reference = (
            "model:ir.model.fields,field_description:fleet.field_fleet_vehicle__driver_id",
            "",
        )
        [expected] = [entry.msgstr for entry in taiwan if reference in entry.occurrences]
        field = self.env["ir.model.fields"]._get("fleet.vehicle", "driver_id")
        self.env["ir.module.module"]._load_module_terms(["fleet"], [LANG])
        field.invalidate_recordset()
        self.assertEqual(field.with_context(lang=LANG).field_description, expected)
        self.assertNotEqual(expected, field.with_context(lang="en_US").field_description)

    def test_zh_hk_takes_dealer_crms_terms_of_modules_without_chinese(self):
        """helpdesk_mgmt ships no Chinese: loading zh_HK loads dealer_crm's terms for it
        (``i18n_peers/helpdesk_mgmt/zh_HK.po``), its stages and its form's tabs."""
        peer = polib.pofile(file_path("dealer_crm/i18n_peers/helpdesk_mgmt/zh_HK.po"))
        terms = {entry.msgid: entry.msgstr for entry in peer if entry.msgstr}
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt"], [LANG])
        self.env.invalidate_all()
        stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(stage.with_context(lang=LANG).name, terms["Done"])
        self.assertEqual(stage.with_context(lang="en_US").name, "Done")
        form = self.env.ref("helpdesk_mgmt.ticket_view_form").with_context(lang=LANG)
        self.assertIn(f'string="{terms["Description"]}"', form.arch_db)

    def test_the_web_client_speaks_taiwan_chinese_to_a_zh_hk_user(self):
        """The web client's own terms (Odoo's JavaScript) too: "Save" is no longer
        English for a zh_HK user."""
        translations, _params = self.env["ir.http"].get_translations_for_webclient(["web"], LANG)
        messages = {message["id"]: message["string"] for message in translations["web"]["messages"]}
        taiwan = code_translations.get_web_translations("web", "zh_TW")["messages"]
        self.assertEqual(messages["Save"], {m["id"]: m["string"] for m in taiwan}["Save"])
        self.assertNotEqual(messages["Save"], "Save")
