# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every Dealer CRM screen, opened in Chromium by each demo department user.

The crawl itself is `static/tests/dealer_crawl.esm.js`: every menu item the user sees, the
first record of its list or kanban, the form's notebook tabs and smart buttons. Any
error dialog or failed RPC fails the test with the user and the menu path.
"""

import json
import logging

from odoo.tests import tagged

from .ui_common import DealerHttpCase

DEPARTMENT_LOGINS = ("sales", "service", "relations", "manager")
#: the demo watch retailer's users (issue 32): their crawl also fails on a vehicle term
WATCH_LOGINS = ("watch_sales", "watch_service", "watch_relations", "watch_manager")


class _ScreenRecorder(logging.Handler):
    """Keeps the crawl's "dealer-crawl: <user>: <menu path>" lines, to name a failure."""

    def __init__(self, screens):
        super().__init__(logging.INFO)
        self.screens = screens

    def emit(self, record):
        message = record.getMessage()
        if "dealer-crawl: " in message:
            self.screens.append(message.split("dealer-crawl: ", 1)[1])


@tagged("post_install", "-at_install")
class TestUiCrawl(DealerHttpCase):
    def _crawl(self, login, no_vehicle_terms=False):
        self.assertTrue(
            self.env["res.users"].search([("login", "=", login)]),
            f"the demo user {login!r} is missing: the crawl needs the demo data",
        )
        code = (
            f"window.dealerCrmCrawl({json.dumps(login)}, undefined, "
            f"{{noVehicleTerms: {json.dumps(no_vehicle_terms)}}}).then("
            "() => console.log('test successful'),"
            " (error) => console.error('dealer-crawl failed: ' + error.message))"
        )
        screens = []
        handler = _ScreenRecorder(screens)
        browser_logger = self._logger.getChild("browser")
        browser_logger.addHandler(handler)
        level = browser_logger.level
        browser_logger.setLevel(logging.INFO)
        try:
            self.browser_js(
                "/odoo",
                code,
                ready="Boolean(odoo.isReady && window.dealerCrmCrawl)",
                login=login,
                timeout=900,
            )
        except AssertionError as error:
            last = screens[-1] if screens else f"{login}: before the first menu"
            raise AssertionError(f"crawl failed on {last}\n{error}") from error
        finally:
            browser_logger.removeHandler(handler)
            browser_logger.setLevel(level)
        opened = {screen.split(": ", 1)[1] for screen in screens if ": " in screen}
        expected = self._visible_menu_paths(login)
        self.assertTrue(expected)
        self.assertFalse(expected - opened, f"{login}: menu items the crawl did not open")
        return opened

    def _visible_menu_paths(self, login):
        """The paths of the Dealer CRM menu items with an action that ``login`` sees."""
        user = self.env["res.users"].search([("login", "=", login)])
        Menu = self.env["ir.ui.menu"].with_user(user)
        visible_ids = Menu._visible_menu_ids()
        root = self.env.ref("dealer_crm.dealer_crm_root_menu")
        leaves = Menu.browse(visible_ids).filtered(
            lambda m: (
                m.action
                and m.parent_path.startswith(root.parent_path)
                and all(int(id_) in visible_ids for id_ in m.parent_path.split("/")[:-1])
            )
        )
        # in the user's words, as the web client shows them (a watch retailer's "Watches")
        return {Menu._dealer_reword(m.complete_name).replace("/", " > ") for m in leaves}

    def test_crawl_sales(self):
        self._crawl("sales")

    def test_crawl_service(self):
        self._crawl("service")

    def test_crawl_relations(self):
        self._crawl("relations")

    def test_crawl_manager(self):
        self._crawl("manager")

    # A company that sells no vehicles (issue 32): each screen, its New form included,
    # is read for vehicle terms (VIN, Vehicle, Odometer, Plate, Mileage, km, Test Drive,
    # Trade-in, Recall, Make, Model Year, Fuel, Car).
    def test_crawl_watch_sales(self):
        self._crawl("watch_sales", no_vehicle_terms=True)

    def test_crawl_watch_service(self):
        self._crawl("watch_service", no_vehicle_terms=True)

    def test_crawl_watch_relations(self):
        self._crawl("watch_relations", no_vehicle_terms=True)

    def test_crawl_watch_manager(self):
        self._crawl("watch_manager", no_vehicle_terms=True)

    def test_crawl_fails_on_a_vehicle_term(self):
        """The watch crawl is not blind: a vehicle term left on a screen fails it."""
        self.env.ref("dealer_crm.dealer_promise_action").name = "Promises about a VIN"
        browser = self._logger.getChild("browser")
        browser.propagate = False
        self.addCleanup(setattr, browser, "propagate", True)
        with self.assertRaises(AssertionError) as caught:
            self._crawl("watch_relations", no_vehicle_terms=True)
        self.assertIn('Interactions > Promises: the vehicle term "VIN"', str(caught.exception))

    def test_crawl_fails_on_a_broken_menu_action(self):
        """The crawl is not blind: an action whose context cannot be evaluated fails it."""
        action = self.env.ref("dealer_crm.dealer_promise_action")
        action.context = "{'default_x': ref('broken')}"
        # the browser's error is the answer here, not an error for the run's log: it
        # reaches the crawl's own recorder only
        browser = self._logger.getChild("browser")
        browser.propagate = False
        self.addCleanup(setattr, browser, "propagate", True)
        with self.assertRaises(AssertionError) as caught:
            self._crawl("manager")
        self.assertIn("Interactions > Promises", str(caught.exception))
