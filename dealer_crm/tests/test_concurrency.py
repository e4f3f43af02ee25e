# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two transactions at once (issue 27): the same vehicle transferred, the same points
redeemed, the same visit completed, the same order confirmed. Each ends consistent, or
the loser gets an error Odoo retries or a message in the user's words; never a half
state. The transactions are real (committed, in threads): see ``ConcurrentCaseMixin``."""

from odoo.tests import tagged

from .common import ConcurrentCaseMixin, DealerCrmCase


@tagged("post_install", "-at_install")
class TestConcurrencyHarness(ConcurrentCaseMixin, DealerCrmCase):
    def test_two_writers_of_one_row_one_loses_retryably(self):
        partner_id = self._committed(
            lambda env: env["res.partner"].create({"name": "Race Partner"}).id
        )

        def rename(name):
            return lambda env: env["res.partner"].browse(partner_id).write({"name": name})

        outcomes = self._race(rename("A"), rename("B"))
        self.assertEqual(sorted(o.ok for o in outcomes), [False, True], outcomes)
        loser = next(o for o in outcomes if not o.ok)
        self.assertTrue(loser.retryable, loser)
        self.assertCleanLoss(loser)
        winner = next(o for o in outcomes if o.ok)
        name = self._fresh(lambda env: env["res.partner"].browse(partner_id).name)
        self.assertEqual(name, "AB"[winner.index])

    def test_retried_writers_both_apply_in_turn(self):
        partner_id = self._committed(
            lambda env: env["res.partner"].create({"name": "Race Partner", "ref": ""}).id
        )

        def append(text):
            def fn(env):
                partner = env["res.partner"].browse(partner_id)
                partner.ref = (partner.ref or "") + text

            return fn

        outcomes = self._race(append("a"), append("b"), retry=True)
        self.assertTrue(all(o.ok for o in outcomes), outcomes)
        ref = self._fresh(lambda env: env["res.partner"].browse(partner_id).ref)
        self.assertEqual(sorted(ref), ["a", "b"])
