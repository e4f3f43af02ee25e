# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from datetime import date
from pathlib import Path
from unittest.mock import patch

from odoo.tests import tagged

from ..hooks import create_partner_columns
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestInstallAtScale(DealerCrmCase):
    def test_the_install_hook_fills_the_stored_tier_with_one_statement(self):
        """The stored loyalty tier on res.partner is created and filled by SQL at install
        (a large database is not recomputed row by row), to the value the ORM computes."""
        # a member who earned a tier today, whatever day the suite runs (the demo's earnings
        # may be older than the 12 months a tier counts)
        tier = self.env["dealer.loyalty.tier"].search([], order="threshold_points desc", limit=1)
        member = self.env["res.partner"].create({"name": "Tier Member"})
        card = self.env["loyalty.card"].create(
            {"program_id": tier.program_id.id, "partner_id": member.id}
        )
        card._dealer_move(tier.threshold_points + 1, "Purchase", "earn")
        partners = self.env["loyalty.card"].search([("dealer_tier_id", "!=", False)]).partner_id
        self.assertIn(member, partners)
        expected = {p.id: p.dealer_tier_id.id for p in partners}
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET dealer_tier_id = NULL")
        self.env.invalidate_all()
        queries = []
        execute = type(self.env.cr).execute

        def count(cr, query, params=None, log_exceptions=True):
            queries.append(query)
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", count):
            create_partner_columns(self.env.cr)
        self.assertLessEqual(len(queries), 4, "column checks and one UPDATE, not one per partner")
        self.env.invalidate_all()
        self.assertEqual({p.id: p.dealer_tier_id.id for p in partners}, expected)

    def test_the_upgrade_turns_private_customers_into_regular_ones(self):
        path = Path(__file__).parent.parent / "migrations/18.0.1.1.0/pre-migration.py"
        spec = importlib.util.spec_from_file_location("dealer_crm_pre_migration_1_1", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        partner = self.env["res.partner"].create({"name": "Old Private"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET dealer_customer_type = 'private' WHERE id = %s", [partner.id]
        )
        migration.migrate(self.env.cr, "18.0.1.0.0")
        partner.invalidate_recordset()
        self.assertEqual(partner.dealer_customer_type, "regular")

    def _migration(self, version, kind="post"):
        path = Path(__file__).parent.parent / f"migrations/{version}/{kind}-migration.py"
        spec = importlib.util.spec_from_file_location(f"dealer_crm_{kind}_{version}", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        return migration

    def test_the_upgrade_retries_customers_the_audit_trail_stopped(self):
        stopped, other = self.env["res.partner"].create([{"name": "Bought"}, {"name": "Other"}])
        self.env["dealer.erasure.log"].create(
            [
                {
                    "partner_id": stopped.id,
                    "reason": "retention",
                    "state": "failed",
                    "error": "You cannot remove parts of the audit trail.",
                },
                {
                    "partner_id": other.id,
                    "reason": "retention",
                    "state": "failed",
                    "error": "Other",
                },
            ]
        )
        (stopped | other).sudo().write({"dealer_erasure_failed": True})
        self.env.flush_all()
        self._migration("18.0.1.3.0").migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertFalse(stopped.dealer_erasure_failed, "retried by the next retention run")
        self.assertTrue(other.dealer_erasure_failed, "a failure for another reason stays")

    def test_the_upgrade_dates_figures_measured_before(self):
        migration = self._migration("18.0.1.2.0")
        measured, never = self.env["res.partner"].create([{"name": "Measured"}, {"name": "Never"}])
        self.env["dealer.customer.score"]._evaluate(measured.ids, date(2026, 10, 14))
        self.env.flush_all()
        # a database upgraded from 1.1 still has the partner's column (1.4 reads the
        # snapshot instead, and a new database never had it): it is added here as 1.1 had it
        self.env.cr.execute(
            """ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS dealer_evaluated_on date;
               UPDATE res_partner SET dealer_evaluated_on = NULL WHERE id = %s;
               UPDATE dealer_customer_score SET write_date = '2026-10-14 22:00'
                WHERE partner_id = %s
            """,
            [measured.id, measured.id],
        )
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.cr.execute(
            "SELECT id, dealer_evaluated_on FROM res_partner WHERE id IN %s",
            [(measured.id, never.id)],
        )
        evaluated_on = dict(self.env.cr.fetchall())
        self.assertEqual(evaluated_on[measured.id], date(2026, 10, 14))
        self.assertFalse(evaluated_on[never.id])
