# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What each department reads first, as Chromium draws it (issue 30): the customer in
the complaints list, distances in whole units, the customer form's summary."""

import json

from odoo.tests import tagged

from .ui_common import DealerHttpCase

#: a cell of a distance: whole units, digits grouped (109,710), never "109,710.00"
WHOLE = r"^\d{1,3}(,\d{3})*$"


@tagged("post_install", "-at_install")
class TestUiDepartmentScreens(DealerHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.partner"].create({"name": "Ho Ka Ming", "phone": "+85291112222"})
        cls.vehicle = cls._create_vehicle(
            vin="WVWZZZ1KZAW900301", license_plate="ODO 1", owner_id=cls.owner.id
        )
        cls.env["dealer.vehicle.odometer"].create(
            {"vehicle_id": cls.vehicle.id, "value": 109710.4, "date": cls._today()}
        )
        cls.visit = cls._create_visit(cls.vehicle, odometer=109710.4)
        cls.ticket = cls._create_ticket(cls.owner, name="Door seal whistles")

    def _check(self, url, login, code, ready):
        """Run ``code`` (JS returning a list of problems) on ``url`` as ``login``."""
        self.browser_js(
            url,
            f"""
            const problems = (() => {{ {code} }})();
            if (problems.length) {{
                console.error("screen check: " + JSON.stringify(problems));
            }} else {{
                console.log("test successful");
            }}
            """,
            ready=f"Boolean(odoo.isReady && document.querySelector({json.dumps(ready)}))",
            login=login,
        )

    def _distance_cells(self, column, ours=True):
        """JS: the problems with the cells of the list ``column``: each whole, and, with
        ``ours``, one for our vehicle (a register larger than a page may show it later:
        the vehicle form checks it there)."""
        return f"""
            const cells = [...document.querySelectorAll(".o_data_row td[name={column}]")]
                .map((td) => td.textContent.trim()).filter(Boolean);
            const problems = cells.filter((text) => !new RegExp({json.dumps(WHOLE)}).test(text));
            if (!cells.length) {{
                problems.push("no distance in the list");
            }}
            if ({json.dumps(ours)} && !cells.includes("109,710")) {{
                problems.push("no cell reads 109,710: " + JSON.stringify(cells));
            }}
            return problems;
        """

    def test_complaints_list_shows_the_customer(self):
        code = """
            const row = [...document.querySelectorAll(".o_data_row")].find(
                (r) => r.textContent.includes("Door seal whistles")
            );
            if (!row) { return ["the complaint is not listed"]; }
            const customer = row.querySelector("td[name=partner_id]");
            return customer && customer.textContent.includes("Ho Ka Ming")
                ? [] : ["no customer in the row: " + row.textContent];
        """
        self._check(
            "/odoo/action-dealer_crm.helpdesk_ticket_action", "relations", code, ".o_data_row"
        )

    def test_vehicle_lists_show_the_odometer_in_whole_units(self):
        # the vehicles are listed by brand and model, a page of the demo's register; the visits
        # newest first, ours among them
        for action, ours in (
            ("dealer_vehicle_action?view_type=list", False),
            ("dealer_service_record_action", True),
        ):
            with self.subTest(action=action):
                self._check(
                    f"/odoo/action-dealer_crm.{action}",
                    "service",
                    self._distance_cells("odometer", ours),
                    ".o_data_row",
                )

    def test_vehicle_form_shows_distances_in_whole_units(self):
        code = """
            const text = (name) => {
                const field = document.querySelector(`.o_form_view .o_field_widget[name=${name}]`);
                const input = field.querySelector("input");
                return (input ? input.value : field.textContent).trim();
            };
            return text("odometer") === "109,710" ? [] : ["odometer: " + text("odometer")];
        """
        self._check(
            f"/odoo/action-dealer_crm.dealer_vehicle_action/{self.vehicle.id}",
            "service",
            code,
            ".o_form_view .o_field_widget[name=odometer]",
        )

    def test_customer_form_opens_on_the_summary(self):
        code = """
            const summary = document.querySelector(".o_dealer_summary");
            if (!summary) { return ["no summary"]; }
            const problems = [];
            if (!summary.textContent.includes("ODO 1")) {
                problems.push("the vehicle due first is not named: " + summary.textContent);
            }
            const tab = document.querySelector(".o_notebook_headers .nav-link.active");
            if (!tab || !tab.textContent.includes("Customer 360")) {
                problems.push("the notebook opens on " + (tab && tab.textContent));
            }
            return problems;
        """
        self._check(
            f"/odoo/action-dealer_crm.res_partner_action/{self.owner.id}",
            "relations",
            code,
            ".o_form_view .o_dealer_summary",
        )
