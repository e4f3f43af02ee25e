# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

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
                **({"tz": TEST_TZ} if TEST_TZ else {}),
            )
        )
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
    def _create_vehicle(cls, vin="1M8GDM9AXKP042788", **vals):
        return cls.env["dealer.vehicle"].create(
            {
                "vin": vin,
                "license_plate": vals.pop("license_plate", "AB 1234"),
                "model_id": cls.env.ref("fleet.model_corolla_ts").id,
                **vals,
            }
        )
