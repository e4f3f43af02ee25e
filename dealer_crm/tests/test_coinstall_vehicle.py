# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""dealer_crm beside OCA's fleet_vehicle_ownership (issue 31): we keep ``dealer.vehicle``
and its dated ``dealer.vehicle.ownership``.

fleet_vehicle_ownership puts one owner on a ``fleet.vehicle`` (the company's own fleet),
without dates: a change of owner forgets the earlier one. These tests measure it, and
check that the two registers do not count each other's vehicles and that the partner
form shows no two smart buttons alike.
"""

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import tagged

from .common import VEHICLE_MODEL, DealerCoinstallCase, same_label_pairs


@tagged("post_install", "-at_install")
class TestCoinstallFleetVehicleOwnership(DealerCoinstallCase):
    _coinstalled_module = "fleet_vehicle_ownership"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        cls.buyer = cls.env["res.partner"].create({"name": "Second Owner"})

    def _fleet_vehicle(self, owner):
        return (
            self.env["fleet.vehicle"]
            .sudo()
            .create(
                {
                    "model_id": self.env.ref(VEHICLE_MODEL).id,
                    "license_plate": "FLEET 1",
                    "owner_id": owner.id,
                }
            )
        )

    def test_fleet_owner_change_forgets_the_earlier_owner(self):
        """Theirs: a new owner replaces the old one, and nothing dated says who owned the
        vehicle before. Ours: a transfer closes the first owner's period at its date, so
        the register answers "who owned it then"."""
        fleet_vehicle = self._fleet_vehicle(self.customer)
        fleet_vehicle.owner_id = self.buyer
        self.assertFalse(self.customer.vehicle_ids)
        self.assertEqual(self.customer.vehicle_count, 0)
        self.assertFalse(
            [
                name
                for name, field in fleet_vehicle._fields.items()
                if field.type == "one2many"
                and field.comodel_name != "mail.message"
                and "owner" in name
            ],
            "fleet_vehicle_ownership has no ownership history",
        )

        bought, sold = self.today - relativedelta(years=3), self.today - relativedelta(months=2)
        vehicle = self._create_vehicle(owner_id=self.customer.id, purchase_date=bought)
        vehicle._transfer_owner(self.buyer, sold)
        self.assertEqual(vehicle.owner_id, self.buyer)
        self.assertEqual(vehicle._owner_at(sold - relativedelta(days=1)), self.customer)
        self.assertEqual(vehicle._owner_at(sold), self.buyer)
        first = vehicle.ownership_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual((first.date_start, first.date_end), (bought, sold))
        self.assertEqual(self.customer.dealer_past_vehicle_count, 1)
        self.assertEqual(self.customer.dealer_vehicle_count, 0)

    def test_registers_do_not_count_each_other(self):
        """A customer's own vehicle (ours) is not a fleet vehicle they own (theirs), and
        the other way round: each smart button counts its own register."""
        self._create_vehicle(owner_id=self.customer.id)
        self._fleet_vehicle(self.buyer)
        self.env.invalidate_all()
        self.assertEqual((self.customer.dealer_vehicle_count, self.customer.vehicle_count), (1, 0))
        self.assertEqual((self.buyer.dealer_vehicle_count, self.buyer.vehicle_count), (0, 1))

    def test_vehicle_fields_have_distinct_labels(self):
        """No dealer field of the partner, the user or the fleet models shares its label
        with one of another module (Odoo's install warning)."""
        for model in (
            "res.partner",
            "res.users",
            "fleet.vehicle",
            "fleet.vehicle.model",
            "fleet.vehicle.model.brand",
        ):
            self.assertEqual(same_label_pairs(self.env[model]), [], model)

    def test_partner_form_smart_buttons_are_told_apart(self):
        """On the partner form of a user who has every app (dealer manager, fleet,
        privacy), no two smart buttons bear one label: ours says "Vehicles Owned", theirs
        "Vehicles"; privacy_consent's "Consents" has no twin of ours. No two tabs alike
        either."""
        groups = ["dealer_crm.group_manager", "fleet.fleet_group_manager"]
        if self.env.ref("privacy.group_data_protection_user", raise_if_not_found=False):
            groups.append("privacy.group_data_protection_user")
        user = self._create_user("t_all_apps", ",".join(groups))
        Partner = self.env["res.partner"].with_user(user)
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        labels = {}
        for button in etree.fromstring(arch).xpath("//div[@name='button_box']/button"):
            label = stat_button_label(Partner, button)
            # one action shown in alternatives (singular, plural) is one button
            labels.setdefault(label.casefold(), set()).add(button.get("name"))
        self.assertEqual(labels["vehicles owned"], {"action_dealer_view_vehicles"})
        self.assertEqual(labels["vehicles"], {"action_view_vehicles"})
        self.assertEqual({k: v for k, v in labels.items() if len(v) > 1}, {})
        pages = [page.get("string") for page in etree.fromstring(arch).xpath("//notebook/page")]
        self.assertEqual(len(pages), len(set(pages)), pages)

    def test_their_fleet_button_is_for_fleet_users_only(self):
        """Their button opens ``fleet.vehicle``, which only fleet users read: a
        department user does not see it (a click ended in an access error in the
        crawl); a fleet user sees it and reads the customer's fleet vehicles."""
        vehicle = self._fleet_vehicle(self.customer)
        fleet_user = self._create_user(
            "t_fleet_sales", "dealer_crm.group_sales,fleet.fleet_group_manager"
        )
        for user, shown in (
            (self.user_sales, False),
            (self.user_manager, False),
            (fleet_user, True),
        ):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
                buttons = etree.fromstring(arch).xpath("//button[@name='action_view_vehicles']")
                self.assertEqual(bool(buttons), shown)
        opened = (
            self.env["fleet.vehicle"]
            .with_user(fleet_user)
            .search([("owner_id", "=", self.customer.id)])
        )
        self.assertEqual(opened, vehicle)


def stat_button_label(model, button):
    """The text a smart button shows: its ``o_stat_text``, its ``statinfo`` field's
    ``string`` or that field's label, else its own ``string``."""
    texts = button.xpath(".//*[contains(@class, 'o_stat_text')]//text()")
    if texts:
        return " ".join("".join(texts).split())
    for field in button.xpath(".//field[@widget='statinfo']"):
        return field.get("string") or model._fields[field.get("name")].string
    return " ".join((button.get("string") or "".join(button.itertext())).split())
