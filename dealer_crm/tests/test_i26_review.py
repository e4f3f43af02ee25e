# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Review of issue 26 as a user and an attacker: the cases the change missed."""

from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestI26Review(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # nine owners whose names share "Boundowner", in name order 1..9
        cls.owners = Partner.create([{"name": f"Boundowner {i}"} for i in range(1, 10)])
        cls.vehicles = cls.env["dealer.vehicle"]
        for i, owner in enumerate(cls.owners):
            cls.vehicles |= cls._create_vehicle(
                vin=f"WVWZZZ1KZAW2{i:05d}", license_plate=f"BQ {i}", owner_id=owner.id
            )

    def test_owner_lookup_with_a_domain_finds_the_owner_beyond_the_page(self):
        """The interaction form looks up the customer's vehicles
        (domain ``[('owner_id', '=', partner_id)]``, a page of 8): typing the
        customer's name finds their vehicle even when 8 other contacts of the same
        name come before them in name order."""
        last, vehicle = self.owners[-1], self.vehicles[-1]
        Vehicle = self.env["dealer.vehicle"].with_user(self.user_service)
        found = Vehicle.name_search("Boundowner", args=[("owner_id", "=", last.id)], limit=8)
        self.assertEqual([vid for vid, _name in found], vehicle.ids)

    def test_grouped_read_error_restores_jit(self):
        """An analysis whose grouped read fails (a bad groupby, caught by its caller)
        leaves the transaction's JIT setting as it was."""
        cr = self.env.cr
        cr.execute(SQL("SELECT set_config('jit', 'on', true)"))
        # caught without a savepoint (assertRaises would roll the setting back)
        try:
            self.env["dealer.data.quality"]._read_group([], ["no_such_field"], ["__count"])
        except ValueError:
            pass
        else:
            self.fail("a groupby on no field is refused")
        cr.execute(SQL("SELECT current_setting('jit')"))
        self.assertEqual(cr.fetchone()[0], "on")
