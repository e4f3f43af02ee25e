# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

# ``make test-dates`` runs the suite for users in a time zone that changes to summer time.
TEST_TZ = os.environ.get("DEALER_TEST_TZ") or None


class DealerCrmCase(TransactionCase):
    """One user per department and a quiet context, shared by every test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                mail_create_nolog=True,
                mail_notrack=True,
                no_reset_password=True,
                tracking_disable=True,
                # one time zone for the test env and every test user, so "today" is
                # the same day for all of them at any hour (their own day, as in use)
                tz=TEST_TZ or cls.env.user.tz or "UTC",
            )
        )
        # The ORM dates new records with the transaction's timestamp, which a real cursor
        # takes from PostgreSQL. Take it from Python's clock, as Odoo's own test cursor
        # does, so a clock moved for the Python process (make test-dates) dates them too.
        cls.cr._now = fields.Datetime.now()
        cls.company = cls.env.company
        cls.user_sales = new_test_user(cls.env, login="t_sales", groups="dealer_crm.group_sales")
        cls.user_service = new_test_user(
            cls.env, login="t_service", groups="dealer_crm.group_service"
        )
        cls.user_relations = new_test_user(
            cls.env, login="t_relations", groups="dealer_crm.group_customer_relations"
        )
        cls.user_manager = new_test_user(
            cls.env, login="t_manager", groups="dealer_crm.group_manager"
        )
        cls.user_plain = new_test_user(cls.env, login="t_plain", groups="base.group_user")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Chan Tai Man", "email": "chan@example.com", "phone": "+852 9123 4567"}
        )

    @classmethod
    def _today(cls):
        """Today in the users' time zone: the day the code under test takes as today."""
        return fields.Date.context_today(cls.env.user)

    @classmethod
    def _create_vehicle(cls, vin="1M8GDM9AXKP042788", **vals):
        # "sold by us" (seller, order) is recorded by a delivery: arranged here in sudo
        Vehicle = cls.env["dealer.vehicle"]
        if {"seller_id", "sale_order_id"} & set(vals):
            Vehicle = Vehicle.sudo()
        return Vehicle.create(
            {
                "vin": vin,
                "license_plate": vals.pop("license_plate", "AB 1234"),
                "model_id": cls.env.ref("fleet.model_corolla_ts").id,
                **vals,
            }
        ).sudo(False)
