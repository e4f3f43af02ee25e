# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""'Log and Confirm' confirms a quotation on the contact just logged about it, never on a
contact logged before the quotation last changed (issue 25 review): a verification logged
on a quotation since cancelled and set back to draft (or edited) is not the customer's
word on the quotation as it now stands."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestConfirmFreshContact(DealerCrmCase):
    def _verified(self, order):
        return (
            self.env["dealer.interaction"]
            .with_user(self.user_sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "subject": "Confirmed",
                    "outcome": "verified",
                    "sale_order_id": order.id,
                }
            )
        )

    def test_a_contact_older_than_the_quotation_does_not_confirm_it(self):
        product = self.env["product.product"].create({"name": "Roof rack", "list_price": 300})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_sales.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        old = self._verified(order)
        old.flush_recordset()
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(
            SQL("UPDATE dealer_interaction SET create_date = %s WHERE id = %s", yesterday, old.id)
        )
        old.invalidate_recordset(["create_date"])
        order.with_user(self.user_sales).action_cancel()
        order.with_user(self.user_sales).action_draft()
        with self.assertRaisesRegex(UserError, "Verified"):
            old.action_dealer_confirm_order()
        self.assertEqual(order.state, "draft")
        self._verified(order).action_dealer_confirm_order()
        self.assertEqual(order.state, "sale", "a contact logged now confirms it")
