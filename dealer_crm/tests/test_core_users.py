# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Users of Odoo's own apps outside the dealer departments (a receptionist with Sales
rights, an accountant, a helpdesk agent) open the records dealer_crm extends as in
plain Odoo: no field that dealer_crm adds locks them out."""

from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import DealerCrmCase

CORE_APPS = (  # Odoo's own apps, managers of each, and no dealer department
    "base.group_user,base.group_partner_manager,sales_team.group_sale_manager,"
    "helpdesk_mgmt.group_helpdesk_manager,fleet.fleet_group_manager,"
    "event.group_event_manager,survey.group_survey_manager"
)


@tagged("post_install", "-at_install")
class TestCoreUsersOutsideDepartments(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_core = new_test_user(cls.env, login="t_core_apps", groups=CORE_APPS)
        cls.user_salesman = new_test_user(
            cls.env, login="t_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.customer.dealer_licence_number = "HK-DL-7654321"
        vehicle = cls._create_vehicle(owner_id=cls.customer.id)
        demonstrator = cls._create_vehicle(vin="WVWZZZ1KZAW700009", license_plate="DEMO 9")
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Family SUV",
                "partner_id": cls.customer.id,
                "dealer_vehicle_model_id": cls.env.ref("fleet.model_corolla_ts").id,
                "dealer_trade_in_vehicle_id": vehicle.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.env["dealer.test.drive"].create(
            {
                "lead_id": cls.lead.id,
                "partner_id": cls.customer.id,
                "vehicle_id": demonstrator.id,
                "start": datetime(2031, 5, 1, 10, 0),
            }
        )
        product = cls.env["product.product"].create({"name": "Floor mats", "list_price": 80})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.user_salesman.id,
                "order_line": [
                    Command.create({"product_id": product.id, "dealer_vehicle_id": vehicle.id}),
                ],
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Rattle after service",
                "description": "Rattle",
                "partner_id": cls.customer.id,
                "dealer_vehicle_id": vehicle.id,
            }
        )
        cls.records = {
            "crm.lead": cls.lead,
            "sale.order": cls.order,
            "helpdesk.ticket": cls.ticket,
            "res.partner": cls.customer,
            "fleet.vehicle.model": cls.env.ref("fleet.model_corolla_ts"),
            "loyalty.program": cls.env["loyalty.program"].search([], limit=1),
        }

    def _fields_of_odoo_and_dealer_crm(self, record):
        """The fields ``record.read()`` reads for its user, but those of the OCA modules
        make test installs beside dealer_crm without depending on them: privacy_consent's
        consents lock these users out of a partner in plain Odoo too."""
        beside = {"privacy", "privacy_consent", "fleet_vehicle_ownership"}
        rows = self.env["ir.model.fields"].sudo().search([("model", "=", record._name)])
        theirs = {
            row.name for row in rows if row.modules and set(row.modules.split(", ")) <= beside
        }
        return [
            name for name in record.check_field_access_rights("read", None) if name not in theirs
        ]

    def test_whole_records_read_without_a_department(self):
        for model, record in self.records.items():
            with self.subTest(model=model):
                self.assertTrue(record, f"no {model} to read")
                self.env.invalidate_all()
                record = record.with_user(self.user_core)
                values = record.read(self._fields_of_odoo_and_dealer_crm(record))
                self.assertEqual(values[0]["id"], record[:1].id)

    def test_forms_open_and_save_without_a_department(self):
        edits = {
            "crm.lead": "name",
            "sale.order": "client_order_ref",
            "helpdesk.ticket": "name",
            "res.partner": "name",
        }
        for model, field in edits.items():
            with self.subTest(model=model):
                record = self.records[model]
                self.env.invalidate_all()
                with Form(record.with_user(self.user_core)) as form:
                    setattr(form, field, "Checked by the front desk")
                self.assertEqual(record[field], "Checked by the front desk")

    def test_a_plain_salesman_opens_his_lead_and_order(self):
        # Odoo's own crm tests open the lead form as such a user
        for record in (self.lead, self.order):
            with self.subTest(model=record._name):
                self.env.invalidate_all()
                Form(record.with_user(self.user_salesman))

    def test_dealer_fields_stay_off_core_forms_for_them_and_on_for_departments(self):
        dealer_fields = {  # form: (model of the field, field)
            "crm.lead": ("crm.lead", "dealer_test_drive_count"),
            "sale.order": ("sale.order.line", "dealer_vehicle_id"),
            "helpdesk.ticket": ("helpdesk.ticket", "dealer_vehicle_id"),
            "res.partner": ("res.partner", "dealer_vehicle_count"),
        }
        for form, (model, field) in dealer_fields.items():
            with self.subTest(form=form):
                for user, shown in ((self.user_core, False), (self.user_sales, True)):
                    views = self.env[form].with_user(user).get_views([(False, "form")])
                    fields = views["models"].get(model, {}).get("fields", {})
                    self.assertEqual(field in fields, shown, user.login)

    def test_they_duplicate_leads_and_tickets_and_the_copy_keeps_dealer_data(self):
        lead = self.lead.with_user(self.user_core).copy()
        ticket = self.ticket.with_user(self.user_core).copy()
        self.assertEqual(
            lead.sudo().dealer_trade_in_vehicle_id, self.lead.dealer_trade_in_vehicle_id
        )
        self.assertEqual(lead.sudo().dealer_vehicle_model_id, self.lead.dealer_vehicle_model_id)
        self.assertEqual(ticket.sudo().dealer_vehicle_id, self.ticket.dealer_vehicle_id)
        # a department user's duplicate is the plain one
        copy = self.lead.with_user(self.user_sales).copy()
        self.assertEqual(copy.dealer_trade_in_vehicle_id, self.lead.dealer_trade_in_vehicle_id)

    def test_they_cannot_set_dealer_fields_on_a_new_record(self):
        vehicle = self.lead.dealer_trade_in_vehicle_id
        attempts = {
            "crm.lead": {"name": "Forged", "dealer_trade_in_vehicle_id": vehicle.id},
            "helpdesk.ticket": {
                "name": "Forged",
                "description": "x",
                "dealer_vehicle_id": vehicle.id,
            },
            "sale.order.line": {
                "order_id": self.order.id,
                "product_id": self.order.order_line.product_id.id,
                "dealer_vehicle_id": vehicle.id,
            },
        }
        for model, values in attempts.items():
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(self.user_core).create(values)
                # the same record without the dealer field, or with it empty, is fine
                field = next(name for name in values if name.startswith(("dealer_", "trade_")))
                record = self.env[model].with_user(self.user_core).create({**values, field: False})
                self.assertTrue(record)

    def test_a_duplicated_contact_never_carries_identity_data(self):
        self.customer.write(
            {"dealer_identity_number": "A123456(7)", "dealer_birthdate": "1980-02-29"}
        )
        for user in (self.user_sales, self.user_relations, self.user_core):
            with self.subTest(user=user.login):
                copy = self.customer.with_user(user).copy()
                self.assertFalse(copy.sudo().dealer_identity_number)
                self.assertFalse(copy.sudo().dealer_birthdate)
                self.assertFalse(copy.sudo().dealer_licence_number)

    def test_their_search_views_offer_no_dealer_filter(self):
        dealer_filters = {
            "res.partner": ("consent_missing", "marketing_email"),
            "crm.lead": ("groupby_vehicle_model",),
            "helpdesk.ticket": ("groupby_severity",),
        }
        for model, names in dealer_filters.items():
            for user, shown in ((self.user_core, False), (self.user_sales, True)):
                with self.subTest(model=model, user=user.login):
                    arch = self.env[model].with_user(user).get_views([(False, "search")])
                    arch = arch["views"]["search"]["arch"]
                    for name in names:
                        self.assertEqual(f'name="{name}"' in arch, shown, name)
