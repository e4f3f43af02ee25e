# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Analyses grouped at scale (issue 26): read without PostgreSQL's JIT compilation,
which the planner's over-estimates would otherwise trigger on every grouped read."""

from unittest.mock import patch

from odoo.models import BaseModel
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestAnalysisScale(DealerCrmCase):
    def _jit(self):
        self.env.cr.execute(SQL("SELECT current_setting('jit')"))
        return self.env.cr.fetchone()[0]

    def test_analysis_is_grouped_without_jit_and_the_setting_restored(self):
        self.env.cr.execute(SQL("SELECT set_config('jit', 'on', true)"))
        seen = []
        original = BaseModel._read_group

        def spy(model, *args, **kwargs):
            seen.append((model._name, self._jit()))
            return original(model, *args, **kwargs)

        with patch.object(BaseModel, "_read_group", spy):
            for name in ("dealer.data.quality", "dealer.staff.scorecard"):
                self.env[name].read_group([], [], ["company_id"], lazy=False)
        self.assertEqual(seen, [("dealer.data.quality", "off"), ("dealer.staff.scorecard", "off")])
        self.assertEqual(self._jit(), "on", "the transaction's setting is back")
