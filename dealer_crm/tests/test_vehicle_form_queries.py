# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 26: the vehicle form and the due-for-service list load in a number of queries
that does not grow with the history shown."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import tagged

from .common import DealerCrmCase

#: the rows a list inside a form loads at first, as the web client asks (its default)
X2MANY_LIMIT = 40


def _fields_spec(node, model, models, level=0):
    """The ``web_read`` specification the web client builds from a view's arch:
    many2one with their display names, one-to-many tabs with their list's fields and
    a page limit."""
    spec = {}
    fields = models[model]["fields"]
    for field_node in node.xpath(f".//field[count(ancestor::field) = {level}]"):
        name = field_node.get("name")
        info = fields[name]
        if info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many"):
            sublist = field_node.find("list")
            if sublist is None:
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {
                    "fields": _fields_spec(sublist, info["relation"], models, level + 1),
                    "limit": X2MANY_LIMIT,
                }
        else:
            spec.setdefault(name, {})
    spec["display_name"] = {}
    return spec


def _view_spec(model, view_xmlid, view_type):
    views = model.get_views([(model.env.ref(view_xmlid).id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    return _fields_spec(arch, model._name, views["models"])


@tagged("post_install", "-at_install")
class TestVehicleFormQueries(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        Plan = cls.env["dealer.maintenance.plan"]
        Plan.search([]).action_archive()
        Plan.create({"name": "Default", "interval_months": 12, "interval_distance": 15000})
        cls.owners = cls.env["res.partner"].create(
            [{"name": f"Form Owner {i}", "phone": f"+1 212 555 01{i:02d}"} for i in range(31)]
        )

    def _vehicle(self, number, history):
        """A vehicle bought two years ago with ``history`` visits, odometer readings
        and owners."""
        start = self.today - relativedelta(years=2)
        vehicle = self._create_vehicle(
            vin=f"WVWZZZ1KZAW{number:06d}",
            license_plate=f"FQ {number}",
            owner_id=self.owners[0].id,
            purchase_date=start,
        )
        self.env["dealer.vehicle.odometer"].create(
            [
                {"vehicle_id": vehicle.id, "value": 1000 * (i + 1), "date": start + timedelta(i)}
                for i in range(history)
            ]
        )
        for i in range(history):
            self._create_visit(vehicle, start + timedelta(days=i), self.user_service)
        for i in range(1, history):
            vehicle._transfer_owner(self.owners[i], start + timedelta(days=i))
        return vehicle

    def _count(self, call):
        """The queries of ``call()`` as a new request runs it: records not in cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        call()
        return self.cr.sql_log_count - before

    def test_vehicle_form_same_queries_for_2_or_30_rows(self):
        # two rows, not one: with one, its owner is the vehicle's, already read
        spec = _view_spec(self.env["dealer.vehicle"], "dealer_crm.dealer_vehicle_view_form", "form")
        small = self._vehicle(1, history=2)
        large = self._vehicle(2, history=30)
        [values] = large.web_read(spec)
        self.assertEqual(len(values["service_ids"]), 30)
        self.assertEqual(len(values["odometer_ids"]), 30)
        self.assertEqual(len(values["ownership_ids"]), 30)
        self.assertEqual(values["service_count"], 30)
        counts = {
            len(vehicle.service_ids): self._count(lambda v=vehicle: v.web_read(spec))
            for vehicle in (small, large)
        }
        self.assertEqual(counts[2], counts[30], counts)
        self.env.invalidate_all()
        # the vehicle, its makes and models, owners, sellers, orders, the three counts,
        # the three tabs' rows and their display names: a change here is a regression
        # (21 since issue 28: the open recalls' count and the lifecycle leads' count; 22
        # since issue 30: the owner comes first on the form, so its contact is read before
        # the history's contacts instead of with them)
        with self.assertQueryCount(22):
            large.web_read(spec)

    def test_due_list_same_queries_for_2_or_30_vehicles(self):
        Vehicle = self.env["dealer.vehicle"]
        spec = _view_spec(Vehicle, "dealer_crm.dealer_vehicle_view_list_due", "list")
        due = ["|", ("service_due_state", "=", "due_soon"), ("service_due_state", "=", "overdue")]
        counts = {}
        vehicles = Vehicle
        for number in range(30):
            vehicle = self._vehicle(100 + number, history=1)
            vehicle.owner_id = self.owners[number]
            vehicles |= vehicle
            if len(vehicles) in (2, 30):
                domain = [("id", "in", vehicles.ids), *due]
                result = Vehicle.web_search_read(domain, spec, limit=80, order="next_service_date")
                self.assertEqual(result["length"], len(vehicles))
                counts[len(vehicles)] = self._count(
                    lambda d=domain: Vehicle.web_search_read(
                        d, spec, limit=80, order="next_service_date"
                    )
                )
        self.assertEqual(counts[2], counts[30], counts)
        self.assertEqual(counts[30], 4, "the vehicles, their owners, models and makes")
