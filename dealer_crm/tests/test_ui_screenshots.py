# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshots of each department's main screens, from the demo database.

Every `make test` takes them and checks they show the screen; `make screenshots` also
keeps them in docs/screenshots/ (DEALER_SCREENSHOTS=<folder>), where the README shows them.
"""

import base64
import json
import os
import pathlib
import tempfile

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .ui_common import DealerHttpCase

#: (file name, login, URL, a selector that shows the screen is drawn)
SCREENS = [
    ("sales-enquiries", "sales", "/odoo/action-crm.crm_lead_action_pipeline", ".o_kanban_record"),
    (
        "sales-customer-360",
        "sales",
        "/odoo/action-dealer_crm.res_partner_action/{chan}",
        ".o_form_view .o_notebook",
    ),
    (
        "service-visits",
        "service",
        "/odoo/action-dealer_crm.dealer_service_record_action",
        ".o_data_row",
    ),
    (
        "service-vehicles",
        "service",
        "/odoo/action-dealer_crm.dealer_vehicle_action",
        ".o_kanban_record",
    ),
    ("service-due", "service", "/odoo/action-dealer_crm.dealer_vehicle_due_action", ".o_list_view"),
    (
        "relations-complaints",
        "relations",
        "/odoo/action-dealer_crm.helpdesk_ticket_action",
        ".o_data_row",
    ),
    (
        "relations-loyalty-members",
        "relations",
        "/odoo/action-dealer_crm.loyalty_card_dealer_action",
        ".o_data_row",
    ),
    (
        "manager-customers",
        "manager",
        "/odoo/action-dealer_crm.res_partner_action",
        ".o_kanban_record",
    ),
    (
        "manager-promises-report",
        "manager",
        "/odoo/action-dealer_crm.dealer_promise_analysis_action",
        ".o_action",
    ),
    (
        "manager-dashboard",
        "manager",
        "/odoo/action-dealer_crm.dealer_dashboard_action",
        ".o_dealer_standards",
    ),
    (
        "manager-customer-evaluation",
        "manager",
        "/odoo/action-dealer_crm.dealer_customer_score_action",
        ".o_action",
    ),
]


@tagged("post_install", "-at_install")
class TestUiScreenshots(DealerHttpCase):
    def _screenshot(self, login, url, ready_selector):
        """The PNG of ``url`` as ``login`` sees it, once ``ready_selector`` is drawn."""
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

    def test_department_screens(self):
        folder = os.environ.get("DEALER_SCREENSHOTS")
        target = pathlib.Path(folder) if folder else pathlib.Path(tempfile.mkdtemp())
        target.mkdir(parents=True, exist_ok=True)
        chan = self.env.ref("dealer_crm.partner_chan_demo").id
        for name, login, url, ready in SCREENS:
            with self.subTest(screen=name):
                png = self._screenshot(login, url.format(chan=chan), ready)
                self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
                self.assertGreater(len(png), 20_000, f"{name}: the screenshot looks empty")
                (target / f"{name}.png").write_bytes(png)
