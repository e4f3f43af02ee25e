# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.dealer_consent import PURPOSES
from ..tools.channels import CONSENT_CHANNELS
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestPersonalData(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Consent = cls.env["dealer.consent"]
        cls.customer.write(
            {"mobile": "+852 6111 2222", "street": "1 Nathan Road", "city": "Kowloon"}
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Wong Other", "email": "other@example.com", "phone": "+852 9999 0000"}
        )
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id, license_plate="PD 1")
        cls.other_vehicle = cls._create_vehicle(
            vin="WVWZZZ1KZAW000001", owner_id=cls.other.id, license_plate="PD 2"
        )

    def _consent(self, partner, purpose, channel, state="granted"):
        return self.Consent.create(
            {"partner_id": partner.id, "purpose": purpose, "channel": channel, "state": state}
        )

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def _tracked(self, record):
        values = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", record._name),
                    ("mail_message_id.res_id", "=", record.id),
                ]
            )
        )
        return values.field_id.mapped("name")

    # Consent gate -------------------------------------------------------
    def test_consent_evaluated_per_purpose_and_channel(self):
        for purpose, _label in PURPOSES:
            for channel, _clabel in CONSENT_CHANNELS:
                allowed = self.Consent._allowed_partners(self.customer, purpose, channel)
                self.assertFalse(allowed, f"never asked must refuse {purpose}/{channel}")
                consent = self._consent(self.customer, purpose, channel)
                allowed = self.Consent._allowed_partners(self.customer, purpose, channel)
                self.assertEqual(allowed, self.customer, f"{purpose}/{channel}")
                # granted for one purpose and channel says nothing about the others
                # granted for one purpose says nothing about the others (all withdrawn
                # or never asked at this point)
                for other_purpose, _l in PURPOSES:
                    if other_purpose != purpose:
                        self.assertFalse(
                            self.Consent._allowed_partners(self.customer, other_purpose, channel)
                        )
                consent.action_withdraw()
                self.assertFalse(
                    self.Consent._allowed_partners(self.customer, purpose, channel),
                    f"withdrawn after granted must refuse {purpose}/{channel}",
                )

    def test_consent_needs_a_usable_contact_detail(self):
        self._consent(self.other, "marketing", "post")
        self.assertFalse(self.Consent._allowed_partners(self.other, "marketing", "post"))
        self._consent(self.other, "marketing", "email")
        self.assertTrue(self.Consent._allowed_partners(self.other, "marketing", "email"))
        self.env["mail.blacklist"].sudo()._add(self.other.email)
        self.other.invalidate_recordset(["is_blacklisted"])
        self.assertFalse(self.Consent._allowed_partners(self.other, "marketing", "email"))

    def test_gate_is_set_based_and_notes_refusals(self):
        self._consent(self.customer, "service_reminder", "email")
        partners = self.customer | self.other
        allowed, refused = self.Consent._gate(
            partners, "service_reminder", "email", records={self.other: self.other_vehicle}
        )
        self.assertEqual(allowed, self.customer)
        self.assertEqual(refused, self.other)
        note = self.other_vehicle.message_ids[:1]
        self.assertIn("not sent", note.body)

    def test_consent_is_unique_per_purpose_and_channel(self):
        self._consent(self.customer, "marketing", "sms")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._consent(self.customer, "marketing", "sms")

    def test_consent_history_kept_in_chatter(self):
        consent = self._consent(self.customer, "survey", "email").with_context(
            mail_notrack=False, tracking_disable=False
        )
        self._flush_tracking()  # the creation is committed before the change
        consent.action_withdraw()
        self._flush_tracking()
        self.assertIn("state", self._tracked(consent))

    # Sensitive fields ----------------------------------------------------
    def test_sensitive_fields_hidden_from_sales_and_service(self):
        self.customer.dealer_birthdate = "1980-01-01"
        for user in (self.user_sales, self.user_service):
            with self.assertRaises(AccessError):
                self.customer.with_user(user).read(["dealer_birthdate"])
            with self.assertRaises(AccessError):
                self.customer.with_user(user).read(["dealer_identity_number"])
            self.assertTrue(self.customer.with_user(user).read(["name", "phone"]))
        for user in (self.user_relations, self.user_manager):
            data = self.customer.with_user(user).read(["dealer_birthdate", "dealer_home_address"])
            self.assertEqual(str(data[0]["dealer_birthdate"]), "1980-01-01")

    def test_personal_data_changes_are_tracked(self):
        partner = self.customer.with_context(mail_notrack=False, tracking_disable=False)
        self._flush_tracking()
        partner.write({"email": "new.address@example.com", "dealer_licence_number": "DL-1"})
        self._flush_tracking()
        self.assertIn("email", self._tracked(partner))
        self.assertIn("dealer_licence_number", self._tracked(partner))

    # Access request ------------------------------------------------------
    def _export(self, fmt, user=None):
        wizard = (
            self.env["dealer.access.export"]
            .with_user(user or self.user_relations)
            .create({"partner_id": self.customer.id, "file_format": fmt})
        )
        wizard.action_export()
        return base64.b64decode(wizard.data)

    def test_access_export_holds_the_customer_and_nobody_else(self):
        self._consent(self.customer, "marketing", "email")
        self.env["sale.order"].create({"partner_id": self.customer.id})
        self.env["sale.order"].create({"partner_id": self.other.id})
        content = json.loads(self._export("json"))
        self.assertEqual(content["res.partner"][0]["Name"], "Chan Tai Man")
        self.assertEqual([v["VIN"] for v in content["dealer.vehicle"]], [self.vehicle.vin])
        self.assertEqual(len(content["dealer.vehicle.ownership"]), 1)
        self.assertEqual(len(content["dealer.consent"]), 1)
        self.assertEqual(len(content["sale.order"]), 1)
        dump = json.dumps(content)
        for secret in ("Wong Other", "other@example.com", self.other_vehicle.vin):
            self.assertNotIn(secret, dump)

    def test_access_export_as_xlsx(self):
        book = load_workbook(io.BytesIO(self._export("xlsx")))
        # each model's records on a sheet named as users know the model
        self.assertIn("Customer Vehicle", book.sheetnames)
        values = [c.value for row in book["Customer Vehicle"].iter_rows() for c in row]
        self.assertIn(self.vehicle.vin, values)
        self.assertNotIn(self.other_vehicle.vin, values)

    def test_access_export_not_for_sales(self):
        with self.assertRaises(AccessError):
            self._export("json", user=self.user_sales)

    # Anonymisation -------------------------------------------------------
    def _anonymize(self, user=None, confirmation="Chan Tai Man"):
        wizard = (
            self.env["dealer.partner.anonymize"]
            .with_user(user or self.user_manager)
            .create({"partner_id": self.customer.id, "confirmation": confirmation})
        )
        return wizard.action_anonymize()

    def test_anonymisation_leaves_no_trace_but_keeps_figures(self):
        secrets = ("Chan Tai Man", "chan@example.com", "+852 9123 4567", "+852 6111 2222")
        self.customer.dealer_licence_number = "DL-12345"
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.env["crm.lead"].create(
            {
                "name": "Interest in a new car",
                "partner_id": self.customer.id,
                "contact_name": "Chan Tai Man",
                "email_from": "chan@example.com",
            }
        )
        self.vehicle.message_post(body="Called Chan Tai Man on +852 9123 4567")
        self.customer.message_post(body="Prefers calls after 6pm")
        self.vehicle._transfer_owner(self.other, self._today())
        vehicles_before = self.env["dealer.vehicle"].search_count([])

        self._anonymize()

        partner = self.customer.with_context(active_test=False)
        self.assertFalse(partner.active)
        self.assertTrue(partner.dealer_anonymized)
        self.assertFalse(partner.phone or partner.mobile or partner.street)
        # the address is privacy_partner_to_be_forgotten's placeholder, not the customer's
        self.assertRegex(partner.email, r"^ctm_[\d-]+_\d+@anonymized\.oca$")
        self.assertEqual(partner.name, "CTM Anonymized")
        self.assertFalse(partner.sudo().dealer_licence_number)
        records = self.env["dealer.personal.data"]._records_of(partner)
        texts = [partner.name]
        for recs in records.values():
            for rec in recs:
                for name, field in rec._fields.items():
                    if field.type in ("char", "text", "html") and field.store:
                        texts.append(str(rec[name] or ""))
                if "message_ids" in rec._fields:
                    texts += [str(b) for b in rec.message_ids.mapped("body")]
                    texts += rec.message_ids.tracking_value_ids.mapped("old_value_char")
        texts += [str(b) for b in partner.message_ids.mapped("body")]
        blob = "\n".join(t for t in texts if t)
        for secret in secrets:
            self.assertNotIn(secret, blob)
        # the figures stay: the order, the vehicle and its ownership history
        self.assertEqual(order.partner_id, partner)
        self.assertEqual(self.env["dealer.vehicle"].search_count([]), vehicles_before)
        self.assertIn(partner, self.vehicle.ownership_ids.partner_id)
        log = self.env["dealer.erasure.log"].search([("partner_id", "=", partner.id)])
        self.assertEqual(log.reason, "request")
        self.assertEqual(log.user_id, self.user_manager)

    def test_anonymisation_needs_confirmation_and_a_manager(self):
        with self.assertRaises(UserError):
            self._anonymize(confirmation="yes")
        with self.assertRaises(AccessError):
            self._anonymize(user=self.user_relations)
        self.assertTrue(self.customer.active)
        self.assertEqual(self.customer.name, "Chan Tai Man")

    # Retention -----------------------------------------------------------
    def _age(self, records, years):
        when = fields.Datetime.now() - timedelta(days=365 * years + 10)
        records.flush_recordset()
        self.env.cr.execute(
            f"UPDATE {records._table} SET create_date = %s, write_date = %s WHERE id IN %s",
            (when, when, tuple(records.ids)),
        )
        records.invalidate_recordset()

    def test_retention_job_anonymises_only_long_inactive_customers(self):
        old_order = self.env["sale.order"].create({"partner_id": self.other.id})
        old_order.date_order = fields.Datetime.now() - timedelta(days=365 * 6)
        recent = self.env["res.partner"].create({"name": "Recent Buyer"})
        self.env["sale.order"].create({"partner_id": recent.id})
        self._age(self.other | recent, 6)
        for records in (self.other_vehicle, self.other_vehicle.ownership_ids, old_order):
            self._age(records, 6)
        cron = self.env.ref("dealer_crm.ir_cron_dealer_retention")
        self.assertFalse(cron.active, "retention is off by default")
        self.env["dealer.personal.data"]._cron_retention()
        self.assertTrue(self.other.active, "0 years keeps everyone")
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.retention_years", 5)
        self.env["dealer.personal.data"]._cron_retention()
        self.assertTrue(self.other.dealer_anonymized)
        self.assertFalse(recent.dealer_anonymized, "a recent order keeps the customer")
        self.assertFalse(self.customer.dealer_anonymized, "a customer created now stays")
        log = self.env["dealer.erasure.log"].search([("partner_id", "=", self.other.id)])
        self.assertEqual(log.reason, "retention")

    # Coverage ------------------------------------------------------------
    def test_every_addon_model_declares_its_personal_data(self):
        """Fails when a dealer_crm model is not joined to the personal data registry."""
        undeclared, unlisted = [], []
        for name, model in self.env.registry.items():
            if model._original_module != "dealer_crm" or model._abstract or model._transient:
                continue
            partner_fields = model._dealer_partner_fields
            if partner_fields is None:
                undeclared.append(name)
                continue
            exempt = set(getattr(model, "_dealer_not_personal_links", ()))
            for fname, field in model._fields.items():
                if (
                    field.type == "many2one"
                    and field.comodel_name == "res.partner"
                    and (fname not in partner_fields and fname not in exempt and not field.related)
                ):
                    unlisted.append(f"{name}.{fname}")
            for fname in (*partner_fields, *model._dealer_personal_fields):
                self.assertIn(fname, model._fields, f"{name} declares unknown field {fname}")
        self.assertFalse(undeclared, "models that do not declare _dealer_partner_fields")
        self.assertFalse(unlisted, "links to a customer missing from _dealer_partner_fields")
        covered = self.env["dealer.personal.data"]._covered_models()
        for name in (
            "dealer.vehicle",
            "dealer.vehicle.ownership",
            "dealer.consent",
            "sale.order",
            "crm.lead",
            "helpdesk.ticket",
            "loyalty.card",
        ):
            self.assertIn(name, covered)


@tagged("post_install", "-at_install")
class TestErasureNeverFails(DealerCrmCase):
    def test_anonymising_a_customer_with_an_interaction_completes(self):
        interaction = self.env["dealer.interaction"].create(
            {"partner_id": self.customer.id, "channel": "phone", "subject": "Chan Tai Man called"}
        )
        self.env["dealer.personal.data"]._anonymize(self.customer)
        self.assertTrue(self.customer.dealer_anonymized)
        self.assertNotIn("Chan", interaction.subject)
        self.assertTrue(interaction.subject, "a required subject keeps a placeholder")

    def test_retention_skips_and_logs_a_customer_that_fails_and_goes_on(self):
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.retention_years", 1)
        old = fields.Datetime.now() - relativedelta(years=3)
        partners = self.env["res.partner"].create(
            [{"name": f"Old Customer {i}", "email": f"old{i}@example.com"} for i in range(3)]
        )
        self.env["sale.order"].create([{"partner_id": p.id} for p in partners])
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET create_date = %s, write_date = %s WHERE id IN %s",
                old,
                old,
                tuple(partners.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET create_date = %s, write_date = %s, date_order = %s "
                "WHERE partner_id IN %s",
                old,
                old,
                old,
                tuple(partners.ids),
            )
        )
        self.env.invalidate_all()
        broken = partners[1]
        PersonalData = type(self.env["dealer.personal.data"])
        original = PersonalData._anonymize

        def failing(model, customers, reason="request"):
            if broken in customers:
                raise UserError(model.env._("injected failure"))
            return original(model, customers, reason=reason)

        # the failure is logged as an error, once (kept out of the run's log, where
        # odoo-bin --test-enable counts every ERROR line as a failure)
        logger = "odoo.addons.dealer_crm.models.dealer_personal_data"
        with (
            patch.object(PersonalData, "_anonymize", failing),
            self.assertLogs(logger, "ERROR") as logs,
        ):
            self.env["dealer.personal.data"]._cron_retention(batch_size=50)
        self.assertEqual(len(logs.records), 1)
        self.assertIn(f"could not anonymise partner {broken.id}", logs.output[0])
        self.assertTrue(partners[0].dealer_anonymized)
        self.assertTrue(partners[2].dealer_anonymized)
        self.assertFalse(broken.dealer_anonymized)
        self.assertTrue(broken.dealer_erasure_failed)
        log = self.env["dealer.erasure.log"].search([("partner_id", "=", broken.id)])
        self.assertEqual(log.state, "failed")
        self.assertIn("injected failure", log.error)
        # The next run does not stumble on the same customer again.
        with patch.object(PersonalData, "_anonymize", failing):
            self.env["dealer.personal.data"]._cron_retention(batch_size=50)
        self.assertEqual(
            self.env["dealer.erasure.log"].search_count([("partner_id", "=", broken.id)]), 1
        )

    def test_access_export_includes_archived_contacts(self):
        self.env["res.partner"].create(
            {
                "name": "Chan's old office",
                "email": "old.office@example.com",
                "parent_id": self.customer.id,
                "active": False,
            }
        )
        wizard = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations)
            .create({"partner_id": self.customer.id, "file_format": "json"})
        )
        wizard.action_export()
        content = json.loads(base64.b64decode(wizard.data))
        self.assertIn("old.office@example.com", json.dumps(content["res.partner"]))
