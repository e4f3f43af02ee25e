# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from pathlib import Path

from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestNamesMigration(DealerCrmCase):
    """1.6 (issue 25) gives every field added to a core model the dealer_ prefix: an
    upgraded database keeps every value, tracking value and saved filter of those fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = Path(__file__).parent.parent / "migrations/18.0.1.6.0/pre-migration.py"
        spec = importlib.util.spec_from_file_location("dealer_crm_pre_1_6", path)
        cls.migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.migration)

    def _sql(self, query, *params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def _back_to_1_5(self):
        """The database as 1.5 left it: the old columns, field rows and xml ids."""
        self.env.flush_all()
        cr = self.env.cr
        for model, names in self.migration.RENAMED.items():
            table = model.replace(".", "_")
            for old, new in names.items():
                if self._field(model, old):
                    # the old name is another module's now (fleet_vehicle_ownership's
                    # res.partner.vehicle_ids): no 1.5 database had both
                    continue
                if self._sql(
                    "SELECT 1 FROM information_schema.columns "
                    "WHERE table_name = %s AND column_name = %s",
                    table,
                    new,
                ):
                    cr.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{new}" TO "{old}"')
                    cr.execute(
                        f'ALTER INDEX IF EXISTS "{table}__{new}_index" '
                        f'RENAME TO "{table}__{old}_index"'
                    )
                for each in (model, *self.migration.DELEGATED.get(model, ())):
                    prefix = each.replace(".", "_")
                    cr.execute(
                        "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s",
                        [old, each, new],
                    )
                    cr.execute(
                        "UPDATE ir_model_data SET name = replace(name, %s, %s) "
                        "WHERE module = 'dealer_crm' AND (name = %s OR name LIKE %s)",
                        [
                            f"__{new}",
                            f"__{old}",
                            f"field_{prefix}__{new}",
                            f"selection__{prefix}__{new}__".replace("_", "\\_") + "%",
                        ],
                    )
        self.env.invalidate_all()

    def _field(self, model, name):
        rows = self._sql(
            "SELECT id FROM ir_model_fields WHERE model = %s AND name = %s", model, name
        )
        return rows[0][0] if rows else None

    def _xmlid(self, name):
        rows = self._sql(
            "SELECT res_id FROM ir_model_data WHERE module = 'dealer_crm' AND name = %s", name
        )
        return rows[0][0] if rows else None

    def test_the_upgrade_keeps_the_values_of_the_renamed_fields(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        lead = self.env["crm.lead"].create(
            {
                "name": "Trade-in",
                "partner_id": self.customer.id,
                "dealer_vehicle_model_id": self.env.ref("fleet.model_corolla_ts").id,
                "dealer_enquiry_channel": "phone",
                "dealer_trade_in_vehicle_id": vehicle.id,
                "dealer_trade_in_value": 4200.0,
                "dealer_trade_in_condition": "Scratched bumper",
            }
        )
        lead.with_user(self.user_sales).action_dealer_appraise()
        event = self.env["event.event"].create(
            {
                "name": "Clinic",
                "dealer_promotion": "clinic",
                "date_begin": "2026-12-01 09:00",
                "date_end": "2026-12-01 12:00",
            }
        )
        survey = self.env["survey.survey"].create({"title": "After service"})
        answer = survey._create_answer(
            partner=self.customer, check_attempts=False, dealer_survey_occasion="service"
        )
        calendar = self.env["resource.calendar"].create({"name": "Workshop hours"})
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Workshop", "resource_calendar_id": calendar.id}
        )
        state_field = self._field("crm.lead", "dealer_trade_in_state")
        vehicles_field = self._field("res.partner", "dealer_vehicle_ids")
        self.env["ir.filters"].create(
            {
                "name": "Appraised trade-ins",
                "model_id": "crm.lead",
                "domain": "[('dealer_trade_in_state', '=', 'appraised')]",
                "context": "{'group_by': ['dealer_vehicle_model_id']}",
            }
        )
        loyalty_filter = self.env["ir.filters"].create(
            {
                "name": "Earned",
                "model_id": "loyalty.history",
                "domain": "[('dealer_kind', '=', 'earn')]",
            }
        )
        rule = self.env.ref("dealer_crm.helpdesk_ticket_rule_sales_service")
        self._back_to_1_5()
        # a rule of a noupdate block keeps what 1.5 wrote until the migration renames it
        self.env.cr.execute(
            "UPDATE ir_rule SET domain_force = replace(domain_force, %s, %s) WHERE id = %s",
            ["partner_id.dealer_vehicle_ids.", "partner_id.vehicle_ids.", rule.id],
        )
        filter_id = self._sql("SELECT id FROM ir_filters WHERE name = 'Appraised trade-ins'")[0][0]
        self.env.cr.execute(
            "UPDATE ir_filters SET domain = %s, context = %s WHERE id = %s",
            [
                "[('trade_in_state', '=', 'appraised')]",
                "{'group_by': ['vehicle_model_id']}",
                filter_id,
            ],
        )
        self.assertEqual(self._field("crm.lead", "trade_in_state"), state_field)
        self.assertIsNone(self._field("crm.lead", "dealer_trade_in_state"))
        self.assertEqual(
            self._sql("SELECT trade_in_state FROM crm_lead WHERE id = %s", lead.id),
            [("appraised",)],
        )

        self.migration.migrate(self.env.cr, "18.0.1.5.0")
        self.migration.migrate(self.env.cr, "18.0.1.5.0")  # twice: nothing left to rename
        self.env.invalidate_all()

        self.assertEqual(lead.dealer_trade_in_state, "appraised")
        self.assertEqual(lead.dealer_trade_in_value, 4200.0)
        self.assertEqual(lead.dealer_trade_in_vehicle_id, vehicle)
        self.assertEqual(lead.dealer_trade_in_appraiser_id, self.user_sales)
        self.assertEqual(lead.dealer_trade_in_condition, "Scratched bumper")
        self.assertEqual(lead.dealer_enquiry_channel, "phone")
        self.assertEqual(lead.dealer_vehicle_model_id, self.env.ref("fleet.model_corolla_ts"))
        self.assertEqual(event.dealer_promotion, "clinic")
        self.assertEqual(answer.dealer_survey_occasion, "service")
        # helpdesk_mgmt_sla's field since 1.9: left where it is
        self.assertEqual(team.resource_calendar_id, calendar)
        self.assertEqual(self.customer.dealer_vehicle_ids, vehicle)
        # the same field rows, so tracking values and options keep pointing at them
        self.assertEqual(self._field("crm.lead", "dealer_trade_in_state"), state_field)
        self.assertEqual(self._field("res.partner", "dealer_vehicle_ids"), vehicles_field)
        self.assertIsNone(self._field("crm.lead", "trade_in_state"))
        self.assertFalse(self._xmlid("field_res_users__vehicle_ids"))
        self.assertEqual(self._xmlid("field_crm_lead__dealer_trade_in_state"), state_field)
        self.assertEqual(self._xmlid("field_res_partner__dealer_vehicle_ids"), vehicles_field)
        self.assertTrue(self._xmlid("selection__crm_lead__dealer_trade_in_state__appraised"))
        self.assertTrue(self._xmlid("selection__event_event__dealer_promotion__clinic"))
        self.assertFalse(self._xmlid("selection__crm_lead__trade_in_state__appraised"))
        self.assertEqual(
            self._sql("SELECT domain, context FROM ir_filters WHERE id = %s", filter_id),
            [
                (
                    "[('dealer_trade_in_state', '=', 'appraised')]",
                    "{'group_by': ['dealer_vehicle_model_id']}",
                )
            ],
        )
        rule.invalidate_recordset()
        self.assertIn("partner_id.dealer_vehicle_ids.seller_id", rule.domain_force)
        self.assertNotIn("partner_id.vehicle_ids", rule.domain_force)
        loyalty_filter.invalidate_recordset()
        self.assertEqual(loyalty_filter.domain, "[('dealer_kind', '=', 'earn')]")
        self.assertTrue(
            self._sql(
                "SELECT 1 FROM pg_class WHERE relname = 'event_event__dealer_promotion_index'"
            )
        )

    def test_a_new_database_is_left_alone(self):
        before = self._sql("SELECT count(*) FROM ir_model_fields WHERE name LIKE %s", "dealer_%")
        self.migration.migrate(self.env.cr, None)
        self.migration.migrate(self.env.cr, "18.0.1.5.0")  # already renamed: nothing to do
        self.assertEqual(
            self._sql("SELECT count(*) FROM ir_model_fields WHERE name LIKE %s", "dealer_%"), before
        )
        self.assertTrue(self._field("crm.lead", "dealer_trade_in_state"))
