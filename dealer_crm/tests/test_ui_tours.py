# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One day's work per department, played in Chromium on the demo database."""

import re

from odoo.tests import tagged

from .ui_common import DealerHttpCase


@tagged("post_install", "-at_install")
class TestUiTours(DealerHttpCase):
    def test_sales_enquiry_to_confirmed_order(self):
        self.start_tour("/odoo", "dealer_crm_sales_tour", login="sales", timeout=300)
        lead = self.env["crm.lead"].search([("name", "=", "Walk-in: a family car for test drive")])
        self.assertEqual(lead.dealer_enquiry_channel, "visit")
        self.assertTrue(lead.dealer_vehicle_model_id)
        order = lead.order_ids
        self.assertEqual(order.state, "sale")
        verified = self.env["dealer.interaction"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(verified.outcome, "verified")
        self.assertEqual(verified.user_id.login, "sales")
        vehicle = order.order_line.dealer_vehicle_id
        self.assertEqual(vehicle.vin, "WVWZZZ1KZAW808080")
        self.assertEqual(vehicle.owner_id, lead.partner_id)
        self.assertEqual(vehicle.ownership_ids.origin, "sale")
        self.assertTrue(vehicle.warranty_end_date)

    def test_service_visit_moves_next_service(self):
        vehicle = self.env.ref("dealer_crm.vehicle_04_demo")
        before = vehicle.next_service_date
        self.start_tour("/odoo", "dealer_crm_service_tour", login="service", timeout=300)
        visit = self.env["dealer.service.record"].search(
            [("vehicle_id", "=", vehicle.id)], order="id desc", limit=1
        )
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.advisor_id.login, "service")
        self.assertEqual(vehicle.odometer, visit.odometer)
        self.assertGreater(vehicle.next_service_date, before)

    def test_relations_complaint_to_confirmed_resolution(self):
        self.start_tour("/odoo", "dealer_crm_relations_tour", login="relations", timeout=300)
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Tour: rattle from the dashboard after service")]
        )
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.dealer_customer_confirmed)
        self.assertEqual(ticket.dealer_satisfaction, "5")

    def test_manager_360_redeem_and_promise_report(self):
        card = self.env.ref("dealer_crm.loyalty_card_chan_demo")
        points = card.points
        quotation = self.env.ref("dealer_crm.sale_order_chan_accessories_demo")
        self.start_tour("/odoo", "dealer_crm_manager_tour", login="manager", timeout=300)
        self.assertEqual(card.points, points - 500)
        discount = quotation.order_line.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(len(discount), 1)
        self.assertAlmostEqual(
            discount.price_unit, -0.1 * (quotation.amount_untaxed - discount.price_subtotal)
        )

    def test_manager_reviews_a_kpi_and_decides_an_action(self):
        kpi = self.env.ref("dealer_crm.service_kpi_satisfaction_demo")
        self.start_tour("/odoo", "dealer_crm_review_tour", login="manager", timeout=300)
        review = self.env["dealer.service.review"].search([("kpi_id", "=", kpi.id)])
        self.assertEqual(review.judgement, "off_track")
        self.assertEqual(review.actual, kpi.actual, "recorded from the data")
        action = review.action_ids
        self.assertEqual(action.name, "Call every unhappy customer within a day")
        self.assertEqual(action.state, "open")
        self.assertTrue(action.activity_ids, "tracked work for its owner")

    def test_service_visit_shows_and_books_the_open_recall(self):
        visit = self.env.ref("dealer_crm.recall_service_planned_demo")
        line = self.env["dealer.recall.vehicle"].search(
            [
                ("vehicle_id", "=", visit.vehicle_id.id),
                ("campaign_id", "=", self.env.ref("dealer_crm.recall_campaign_brake_demo").id),
            ]
        )
        self.assertNotEqual(line.state, "booked")
        self.start_tour("/odoo", "dealer_crm_recall_tour", login="service", timeout=300)
        # the vehicle's first planned visit in the list (the demo has two)
        booked_on = self.env["dealer.service.record"].search(
            [("dealer_recall_line_ids", "in", line.ids)]
        )
        self.assertEqual(booked_on.vehicle_id, visit.vehicle_id)
        self.assertEqual(booked_on.state, "scheduled")
        self.assertEqual(line.state, "booked")

    def test_customer_books_from_the_reminder_and_the_advisor_turns_it_into_a_visit(self):
        """Issue 29: the reminder's link, the customer's booking on the portal, the
        advisor's backend, and the booking turned into the visit when the customer arrives."""
        vehicle = self.env.ref("dealer_crm.vehicle_00_demo")
        customer = self.env.ref("dealer_crm.user_portal_chan_demo")
        self.assertEqual(vehicle.owner_id, customer.partner_id)
        # a workshop open round the clock: the tour does not depend on the hour it runs
        self.env["resource.booking.type"].search(
            [("dealer_service_type", "=", "maintenance")]
        ).write({"active": False})
        self._create_reminder_booking_type("maintenance")
        # Chan's car comes due, and Chan has not been reminded lately
        vehicle.sudo().write({"next_service_date": self._today(), "service_reminder_date": False})
        vehicle.owner_id.sudo().write({"dealer_last_reminder_date": False})
        self.env["dealer.service.reminder"]._cron_service_reminders(batch_size=10000)
        # one reminder per customer: on whichever of Chan's vehicles came first
        mail = customer.partner_id.dealer_vehicle_ids.message_ids.filtered(
            lambda m: "/schedule?access_token=" in str(m.body)
        )
        self.assertEqual(len(mail), 1, "the reminder carries the link")
        vehicle = vehicle.browse(mail.res_id)
        link = re.search(r'href="([^"]+/schedule\?access_token=[^"]+)"', str(mail.body)).group(1)
        link = link.replace("&amp;", "&")
        path = link[len(vehicle.get_base_url()) :]
        self.start_tour(path, "dealer_crm_portal_booking_tour", login="chan", timeout=300)
        booking = self.env["resource.booking"].search([("dealer_vehicle_id", "=", vehicle.id)])
        self.assertEqual(booking.state, "confirmed")
        self.assertEqual(booking.partner_ids, customer.partner_id)
        self.assertTrue(booking.meeting_id, "scheduled against the workshop's capacity")
        self.assertTrue(booking.combination_id, "on a free bay")
        self.assertEqual(booking.dealer_attendance, "arrived")
        visit = booking.dealer_visit_id
        self.assertEqual(visit.vehicle_id, vehicle)
        self.assertEqual(visit.partner_id, customer.partner_id)
        self.assertEqual(visit.advisor_id, booking.user_id)
        self.assertEqual(visit.dealer_booking_ids, booking)
