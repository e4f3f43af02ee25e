# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshots of each department's main screens, from the demo database.

Every `make test` takes them and checks they show the screen; `make screenshots` also
keeps them in docs/screenshots/ (DEALER_SCREENSHOTS=<folder>), where the README and the
staff guide (docs/guide/) show them. A screen may be taken in another language than
English: the user's language is set to it for that screen, and dealer_crm's terms for it
are loaded first (docs/guide/ shows the zh_HK ones).
"""

import base64
import json
import os
import pathlib
import tempfile
from typing import NamedTuple

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .ui_common import DealerHttpCase


class Screen(NamedTuple):
    """One screenshot: ``docs/screenshots/<name>.png``."""

    name: str
    login: str
    #: may name a record of RECORDS: "/odoo/action-...{visit}"
    url: str
    #: a selector that shows the screen is drawn
    ready: str
    lang: str = "en_US"
    #: a selector clicked once the screen is drawn, and scrolled to the top of the view
    #: (a notebook tab: ``.o_notebook_headers a[name=<page>]``)
    click: str = ""


#: the records a screen opens, found in the demo data: an XML id, or (model, domains
#: tried in turn, order)
RECORDS = {
    "chan": "dealer_crm.partner_chan_demo",
    "lead": (
        "crm.lead",
        [[("type", "=", "opportunity"), ("dealer_vehicle_model_id", "!=", False)]],
        "id",
    ),
    "test_drive": ("dealer.test.drive", [[("state", "=", "booked")], []], "start desc"),
    "order": (
        "sale.order",
        [
            [("state", "in", ("draft", "sent")), ("order_line.dealer_is_vehicle", "=", True)],
            [
                ("state", "=", "sale"),
                ("order_line.dealer_is_vehicle", "=", True),
                ("order_line.dealer_vehicle_id", "=", False),
            ],
        ],
        "id desc",
    ),
    "promise": ("dealer.promise", [[("state", "=", "open")], []], "date_due"),
    "booking": (
        "resource.booking",
        [
            [
                ("state", "in", ("scheduled", "confirmed")),
                ("dealer_attendance", "=", "expected"),
                ("dealer_vehicle_id", "!=", False),
            ]
        ],
        "start",
    ),
    "visit": (
        "dealer.service.record",
        [[("state", "=", "in_progress")], [("state", "=", "scheduled")]],
        "date desc, id desc",
    ),
    "vehicle": (
        "dealer.vehicle",
        [[("owner_id", "!=", False), ("next_service_date", "!=", False)]],
        "next_service_date, id",
    ),
    "complaint": (
        "helpdesk.ticket",
        [
            [
                ("dealer_feedback_kind", "=", "complaint"),
                ("dealer_root_cause_id", "!=", False),
                ("dealer_contact_date", "!=", False),
            ],
            [("dealer_feedback_kind", "=", "complaint")],
        ],
        "id desc",
    ),
    "card": ("loyalty.card", [[("program_id.dealer_scheme", "=", True)]], "points desc, id"),
    "trend_report": ("dealer.trend.report", [[]], "date_from desc, id desc"),
    "plan": ("dealer.service.plan", [[("state", "=", "active")], []], "date_from desc, id"),
    "policy": ("dealer.policy", [[]], "id"),
}

SCREENS = [
    Screen(
        "sales-enquiries", "sales", "/odoo/action-crm.crm_lead_action_pipeline", ".o_kanban_record"
    ),
    Screen(
        "sales-customer-360",
        "sales",
        "/odoo/action-dealer_crm.res_partner_action/{chan}",
        ".o_form_view .o_notebook",
    ),
    Screen(
        "service-visits",
        "service",
        "/odoo/action-dealer_crm.dealer_service_record_action",
        ".o_data_row",
    ),
    Screen(
        "service-vehicles",
        "service",
        "/odoo/action-dealer_crm.dealer_vehicle_action",
        ".o_kanban_record",
    ),
    Screen(
        "service-due",
        "service",
        "/odoo/action-dealer_crm.dealer_vehicle_due_action",
        ".o_list_view",
    ),
    Screen(
        "relations-complaints",
        "relations",
        "/odoo/action-dealer_crm.helpdesk_ticket_action",
        ".o_data_row",
    ),
    Screen(
        "relations-loyalty-members",
        "relations",
        "/odoo/action-dealer_crm.loyalty_card_dealer_action",
        ".o_data_row",
    ),
    Screen(
        "manager-customers",
        "manager",
        "/odoo/action-dealer_crm.res_partner_action",
        ".o_kanban_record",
    ),
    Screen(
        "manager-promises-report",
        "manager",
        "/odoo/action-dealer_crm.dealer_promise_analysis_action",
        ".o_action",
    ),
    Screen(
        "manager-dashboard",
        "manager",
        "/odoo/action-dealer_crm.dealer_dashboard_action",
        ".o_dealer_standards",
    ),
    Screen(
        "manager-customer-evaluation",
        "manager",
        "/odoo/action-dealer_crm.dealer_customer_score_action",
        ".o_action",
    ),
    # the staff guide (docs/guide/): each department's daily flow
    Screen(
        "sales-enquiry-vehicle",
        "sales",
        "/odoo/action-crm.crm_lead_action_pipeline/{lead}",
        ".o_form_view .o_notebook",
        click=".o_notebook_headers a[name=dealer_vehicle]",
    ),
    Screen(
        "sales-test-drive",
        "sales",
        "/odoo/action-dealer_crm.dealer_test_drive_action/{test_drive}",
        ".o_form_view .o_statusbar_status",
    ),
    Screen(
        "sales-order",
        "sales",
        "/odoo/action-sale.action_quotations_with_onboarding/{order}",
        ".o_form_view .o_statusbar_buttons",
    ),
    Screen(
        "sales-promise",
        "sales",
        "/odoo/action-dealer_crm.dealer_promise_action/{promise}",
        ".o_form_view .o_statusbar_status",
    ),
    Screen(
        "service-booking",
        "service",
        "/odoo/action-dealer_crm.resource_booking_action/{booking}",
        ".o_form_view button[name=action_dealer_arrived]",
    ),
    Screen(
        "service-visit",
        "service",
        "/odoo/action-dealer_crm.dealer_service_record_action/{visit}",
        ".o_form_view .o_statusbar_status",
    ),
    Screen(
        "service-vehicle",
        "service",
        "/odoo/action-dealer_crm.dealer_vehicle_action/{vehicle}",
        ".o_form_view .o_field_widget[name=next_service_date]",
    ),
    Screen(
        "service-recalled-vehicles",
        "service",
        "/odoo/action-dealer_crm.dealer_recall_vehicle_action",
        ".o_action",
    ),
    Screen(
        "relations-complaint",
        "relations",
        "/odoo/action-dealer_crm.helpdesk_ticket_action/{complaint}",
        ".o_form_view .o_notebook",
        click=".o_notebook_headers a[name=dealer_complaint]",
    ),
    Screen(
        "relations-loyalty-card",
        "relations",
        "/odoo/action-dealer_crm.loyalty_card_dealer_action/{card}",
        ".o_form_view",
    ),
    Screen(
        "relations-privacy",
        "relations",
        "/odoo/action-dealer_crm.res_partner_action/{chan}",
        ".o_form_view .o_notebook",
        click=".o_notebook_headers a[name=dealer_privacy]",
    ),
    Screen(
        "manager-trend-report",
        "manager",
        "/odoo/action-dealer_crm.dealer_trend_report_action/{trend_report}",
        ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
    ),
    Screen(
        "manager-service-plan",
        "manager",
        "/odoo/action-dealer_crm.dealer_service_plan_action/{plan}",
        ".o_form_view .o_field_widget[name=kpi_ids]",
    ),
    Screen(
        "manager-policy",
        "manager",
        "/odoo/action-dealer_crm.dealer_policy_action/{policy}",
        ".o_form_view",
    ),
    # the web client in Traditional Chinese (Hong Kong), shown in the README
    Screen(
        "zh_HK-customer-360",
        "sales",
        "/odoo/action-dealer_crm.res_partner_action/{chan}",
        ".o_form_view .o_notebook",
        lang="zh_HK",
    ),
    Screen(
        "zh_HK-complaint",
        "relations",
        "/odoo/action-dealer_crm.helpdesk_ticket_action/{complaint}",
        ".o_form_view .o_notebook",
        lang="zh_HK",
        click=".o_notebook_headers a[name=dealer_complaint]",
    ),
    Screen(
        "zh_HK-manager-dashboard",
        "manager",
        "/odoo/action-dealer_crm.dealer_dashboard_action",
        ".o_dealer_standards",
        lang="zh_HK",
    ),
]


@tagged("post_install", "-at_install")
class TestUiScreenshots(DealerHttpCase):
    def _screenshot(self, login, url, ready_selector, click=""):
        """The PNG of ``url`` as ``login`` sees it, once ``ready_selector`` is drawn
        (and ``click`` clicked)."""
        browser = ChromeBrowser(self, success_signal="screen ready")
        try:
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(self.base_url() + url, wait_stop=False)
            selector = json.dumps(ready_selector)
            self.assertTrue(
                browser._wait_ready(f"Boolean(odoo.isReady && document.querySelector({selector}))"),
                f"{login}: {url} never showed {ready_selector}",
            )
            if click:
                target = json.dumps(click)
                # the tab is opened and brought to the top of the form's scrolled area
                clicked = (
                    f"(() => {{ const el = document.querySelector({target});"
                    " el?.click(); el?.scrollIntoView({block: 'start'}); return Boolean(el); })()"
                )
                self.assertTrue(
                    browser._wait_ready(clicked),
                    f"{login}: {url} has no {click} to click",
                )
            # Let images and late renders settle.
            browser._wait_code_ok(
                "new Promise((r) => setTimeout(() => { console.log('screen ready'); r(); }, 800))",
                30,
            )
            shot = browser._websocket_request(
                "Page.captureScreenshot", params={"format": "png"}, timeout=30
            )
        finally:
            browser.stop()
            self._wait_remaining_requests()
        return base64.b64decode(shot["data"])

    def _record_ids(self):
        """{key of RECORDS: id of its record in the demo data}: the vehicle dealership's
        (the main company), whose department users take the screenshots; the demo watch
        retailer is another company."""
        ids = {}
        dealership = self.env.ref("base.main_company")
        for key, found_by in RECORDS.items():
            if isinstance(found_by, str):
                ids[key] = self.env.ref(found_by, raise_if_not_found=False).id
                continue
            model, domains, order = found_by
            record = self.env[model]
            field = record._fields.get("company_id")
            mine = [("company_id", "in", [False, dealership.id])] if field and field.store else []
            for domain in domains:
                record = self.env[model].search([*mine, *domain], order=order, limit=1)
                if record:
                    break
            ids[key] = record.id
        return ids

    def _use_languages(self, langs):
        """Activate ``langs`` and load the terms of every installed module in them, as
        adding a language in Settings does (dealer_crm's from its i18n/<lang>.po: without
        the file its screens stay in English)."""
        langs = sorted(set(langs) - {"en_US"})
        for code in langs:
            self.env["res.lang"]._activate_lang(code)
        if langs:
            installed = self.env["ir.module.module"].search([("state", "=", "installed")])
            installed._update_translations(langs, overwrite=True)

    def test_department_screens(self):
        folder = os.environ.get("DEALER_SCREENSHOTS")
        target = pathlib.Path(folder) if folder else pathlib.Path(tempfile.mkdtemp())
        target.mkdir(parents=True, exist_ok=True)
        ids = self._record_ids()
        self._use_languages(screen.lang for screen in SCREENS)
        logins = {screen.login for screen in SCREENS}
        users = {u.login: u for u in self.env["res.users"].search([("login", "in", list(logins))])}
        for screen in SCREENS:
            with self.subTest(screen=screen.name):
                missing = [key for key in RECORDS if f"{{{key}}}" in screen.url and not ids[key]]
                self.assertFalse(missing, f"{screen.name}: the demo data has no {missing}")
                users[screen.login].lang = screen.lang
                png = self._screenshot(
                    screen.login, screen.url.format(**ids), screen.ready, screen.click
                )
                self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
                self.assertGreater(len(png), 20_000, f"{screen.name}: the screenshot looks empty")
                (target / f"{screen.name}.png").write_bytes(png)
