# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A visit's net amount is never negative (issue 25 review): until 1.4 the discounts were
taken off the amount, which cannot be negative; since 1.5 they stand beside it, so an
amount corrected below them would leave a negative net in revenue, lifetime spend and
points."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestNetAmountFloor(DealerCrmCase):
    def test_amount_below_the_loyalty_discount_is_refused(self):
        program = self._create_loyalty_program(
            "Floor Club", rewards=[{"discount": 50, "required_points": 100}]
        )
        card = program._dealer_card(self.customer)
        card._dealer_move(100, "Welcome", "earn")
        visit = self._create_visit(self._create_vehicle(owner_id=self.customer.id), amount=400)
        self._redeem_on_visit(card, program.reward_ids, visit, self.user_service)
        self.assertEqual(visit.dealer_amount_net, 200)
        with self.assertRaises(ValidationError):
            visit.with_user(self.user_service).write({"amount": 100})
        visit.with_user(self.user_service).write({"amount": 300})
        self.assertEqual(visit.dealer_amount_net, 100, "a correction above it is fine")

    def test_visit_without_discounts_may_go_to_zero(self):
        visit = self._create_visit(self._create_vehicle(owner_id=self.customer.id), amount=400)
        visit.with_user(self.user_service).write({"amount": 0})
        self.assertEqual(visit.dealer_amount_net, 0)
