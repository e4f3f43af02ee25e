# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from . import test_loyalty
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestEvidenceReview(DealerCrmCase):
    """A fresh reviewer's attacks on issue 24, as the departments would try them."""

    def _scheme(self, name="Club", dealer=True):
        program = test_loyalty.TestLoyalty._make_program(self.env)
        # a program without cards may still change kind
        program.write({"name": name, "dealer_scheme": dealer})
        return program

    def test_card_moved_into_a_dealer_scheme_with_points(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme = self._scheme()
        plain = self._scheme("Gift", dealer=False)
        card = self.env["loyalty.card"].create(
            {"program_id": plain.id, "partner_id": self.customer.id}
        )
        with self.assertRaises(UserError):
            card.with_user(self.user_sales).write({"program_id": scheme.id, "points": 99999})
        self.assertFalse(card.points)

    def test_card_moved_out_then_back(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme = self._scheme()
        plain = self._scheme("Gift", dealer=False)
        card = scheme._dealer_card(self.customer)
        card.sudo()._dealer_move(10, "Opening", "adjust")
        with self.assertRaises(UserError):
            card.with_user(self.user_sales).write({"program_id": plain.id})
            card.with_user(self.user_sales).write({"points": 99999})
            card.with_user(self.user_sales).write({"program_id": scheme.id})
        self.assertEqual(card.points, 10)

    def test_card_created_with_default_program(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme = self._scheme()
        other = self.env["res.partner"].create({"name": "Wong"})
        Card = (
            self.env["loyalty.card"]
            .with_user(self.user_manager)
            .with_context(default_program_id=scheme.id)
        )
        try:
            card = Card.create({"partner_id": other.id, "points": 99999})
        except UserError:
            return
        self.fail(f"created {card.program_id.name} card with {card.sudo().points} points")

    def test_trade_in_state_by_default_context(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        lead = Lead.with_context(default_trade_in_state="approved").create({"name": "X"})
        self.assertNotEqual(lead.dealer_trade_in_state, "approved")

    def test_history_line_by_default_card(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme = self._scheme()
        card = scheme._dealer_card(self.customer)
        History = self.env["loyalty.history"].with_user(self.user_sales)
        with self.assertRaises(UserError):
            History.with_context(default_card_id=card.id).create(
                {"description": "Forged", "issued": 5000}
            )

    def test_manager_turns_scheme_off_to_edit_points(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        scheme = self._scheme()
        card = scheme._dealer_card(self.customer)
        with self.assertRaises(UserError):
            scheme.with_user(self.user_manager).write({"dealer_scheme": False})
            card.with_user(self.user_manager).write({"points": 99999})
            scheme.with_user(self.user_manager).write({"dealer_scheme": True})
        self.assertFalse(card.points)

    def test_vehicle_tied_to_an_order_by_hand(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        with self.assertRaises(UserError):
            vehicle.with_user(self.user_sales).write({"sale_order_id": order.id})
        with self.assertRaises(UserError):
            order.with_user(self.user_sales).write(
                {"dealer_vehicle_ids": [Command.link(vehicle.id)]}
            )
        with self.assertRaises(UserError):
            self.env["dealer.vehicle"].with_user(self.user_sales).create(
                {
                    "vin": "JTDBR32E720123457",
                    "license_plate": "XY 1",
                    "model_id": self.env.ref("fleet.model_corolla_ts").id,
                    "sale_order_id": order.id,
                }
            )
        self.assertFalse(order.dealer_vehicle_ids)

    def test_no_search_on_what_cannot_be_read(self):
        self.customer.sudo().write({"dealer_licence_number": "A1234567"})
        for user, model, domain in (
            (self.user_sales, "res.partner", [("dealer_licence_number", "=like", "A%")]),
            (
                self.user_sales,
                "dealer.test.drive",
                [("partner_id.dealer_licence_number", "=like", "A%")],
            ),
            (self.user_sales, "res.partner", [("dealer_staff_rating", "=", "1")]),
            (self.user_plain, "res.partner", [("dealer_staff_rating_reason", "!=", False)]),
            (self.user_sales, "dealer.customer.score", [("staff_rating", "=", "1")]),
        ):
            with self.subTest(user=user.login, domain=domain), self.assertRaises(AccessError):
                self.env[model].with_user(user).search(domain)

    def test_lost_enquiry_at_2330_local_on_the_last_day(self):
        for tz, closed in (
            ("America/New_York", datetime(2011, 2, 1, 4, 30)),  # 23:30 on 31 January
            ("Asia/Hong_Kong", datetime(2011, 1, 31, 15, 30)),  # 23:30 on 31 January
            ("Asia/Hong_Kong", datetime(2011, 1, 31, 16, 30)),  # 00:30 on 1 February
        ):
            lead = self.env["crm.lead"].create({"name": "Lost", "type": "opportunity"})
            lead.action_set_lost()
            lead.sudo().write({"date_closed": closed, "probability": 0})
            lead.flush_recordset()
            Report = self.env["dealer.trend.report"].with_context(tz=tz)
            january = Report._figures(date(2011, 1, 1), date(2011, 1, 31), self.company)
            february = Report._figures(date(2011, 2, 1), date(2011, 2, 28), self.company)
            local = closed.hour + (8 if tz == "Asia/Hong_Kong" else -5)
            in_january = local < 24 if closed.day == 31 else local < 0
            with self.subTest(tz=tz, closed=closed):
                self.assertEqual(january["lost_enquiries"] or 0, 1 if in_january else 0)
                self.assertEqual(february["lost_enquiries"] or 0, 0 if in_january else 1)
            lead.sudo().unlink()

    def test_promise_kept_late_is_not_made_on_time_by_moving_its_due_date(self):
        Promise = self.env["dealer.promise"].with_user(self.user_sales)
        promise = Promise.create(
            {
                "name": "Call back with the quote",
                "partner_id": self.customer.id,
                "date_due": self._today() - relativedelta(days=3),
            }
        )
        # overdue: the date the customer was told stays
        with self.assertRaises(UserError):
            promise.write({"date_due": self._today() + relativedelta(days=1)})
        promise.action_kept()
        self.assertFalse(promise.kept_on_time)
        for due in (self._today(), self._today() + relativedelta(days=7)):
            with self.assertRaises(UserError):
                promise.write({"date_due": due})
        # nor by reopening it first
        promise.action_reopen()
        with self.assertRaises(UserError):
            promise.write({"date_due": self._today()})
        promise.action_kept()
        self.assertFalse(promise.kept_on_time)
        self.assertEqual(promise.on_time_score, 0)
        # a promise still open and not yet due may be moved, as agreed with the customer
        later = Promise.create(
            {"name": "Deliver the mats", "partner_id": self.customer.id, "date_due": self._today()}
        )
        later.write({"date_due": self._today() + relativedelta(days=2)})
        self.assertEqual(later.date_due, self._today() + relativedelta(days=2))
