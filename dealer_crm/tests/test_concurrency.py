# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two transactions at once (issue 27): the same vehicle transferred, the same points
redeemed, the same visit completed, the same order confirmed. Each ends consistent, or
the loser gets an error Odoo retries or a message in the user's words; never a half
state. The transactions are real (committed, in threads): see ``ConcurrentCaseMixin``."""

from itertools import pairwise

from psycopg2.errors import DeadlockDetected

from odoo import Command
from odoo.exceptions import UserError
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
        winner, loser = self._one_winner(outcomes)
        self.assertTrue(loser.retryable, loser)
        self.assertCleanLoss(loser)
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


class _Ids(dict):
    """The committed fixture's ids, as attributes."""

    __getattr__ = dict.__getitem__


@tagged("post_install", "-at_install")
class TestConcurrency(ConcurrentCaseMixin, DealerCrmCase):
    """The committed world: a customer with a card of a scheme earning 1 point per unit
    of service and 0.1 per unit of sales, a 100-point reward, a vehicle, two staff."""

    def _world(self, points=0, owner=True):
        def build(env):
            factories = self._factories(env)
            ids = _Ids(
                sales=factories._create_user("conc_sales", "dealer_crm.group_sales").id,
                service=factories._create_user("conc_service", "dealer_crm.group_service").id,
            )
            partners = env["res.partner"].create(
                [{"name": name} for name in ("Race Owner", "Race Buyer", "Race Other")]
            )
            ids.update(dict(zip(("owner", "buyer", "other"), partners.ids, strict=True)))
            program = factories._create_loyalty_program(
                "Race Club",
                rewards=[{"discount": 10, "required_points": 100, "description": "Race reward"}],
                dealer_rule_ids=[
                    Command.create({"source": "service", "points_per_unit": 1}),
                    Command.create({"source": "vehicle_sale", "points_per_unit": 0.1}),
                ],
            )
            card = program._dealer_card(partners[0])
            if points:
                card._dealer_move(points, "Opening balance", "adjust")
            vehicle = factories._create_vehicle(
                vin="RACE0000000000001",
                purchase_date=factories._today().replace(year=factories._today().year - 2),
                **({"owner_id": partners[0].id} if owner else {}),
            )
            ids.update(
                program=program.id,
                reward=program.reward_ids.id,
                card=card.id,
                vehicle=vehicle.id,
                product=env["product.product"].create({"name": "Race car", "list_price": 1}).id,
            )
            return ids

        return self._committed(build)

    # Assertions on the committed state ---------------------------------------------
    def _assert_ownership_consistent(self, vehicle_id):
        """One open period, the vehicle's owner; the periods follow each other."""

        def read(env):
            vehicle = env["dealer.vehicle"].browse(vehicle_id)
            lines = vehicle.ownership_ids.sorted(lambda line: (line.date_start, line.id))
            return vehicle.owner_id.id, [
                (ln.partner_id.id, ln.date_start, ln.date_end) for ln in lines
            ]

        owner, lines = self._fresh(read)
        open_lines = [line for line in lines if not line[2]]
        self.assertEqual(len(open_lines), 1, lines)
        self.assertEqual(open_lines[0][0], owner, "the vehicle's owner is the open period's")
        for earlier, later in pairwise(lines):
            self.assertEqual(earlier[2], later[1], f"periods overlap or leave a gap: {lines}")
        return owner, lines

    def _ledger(self, card_id):
        """The card's balance and its history as (kind, origin model, origin id, +, -)."""

        def read(env):
            card = env["loyalty.card"].browse(card_id)
            return card.points, [
                (h.dealer_kind, h.order_model, h.order_id, h.issued, h.used)
                for h in card.history_ids.sorted("id")
            ]

        points, history = self._fresh(read)
        self.assertGreaterEqual(points, 0)
        self.assertAlmostEqual(points, sum(h[3] - h[4] for h in history), msg=history)
        return points, history

    def _assert_earned_once(self, ids, model, record_id, points):
        """The card earned ``points`` for the record, once; its balance and history."""
        balance, history = self._ledger(ids.card)
        earned = [h for h in history if h[:3] == ("earn", model, record_id)]
        self.assertEqual([h[3] for h in earned], [points], f"earned once, for {model}")
        return balance, history

    def _race(self, *fns, **kwargs):
        """Every race here: no deadlock (the workflows lock in one order), and a loser
        lost cleanly."""
        outcomes = super()._race(*fns, **kwargs)
        self._assert_no_deadlock(outcomes)
        return outcomes

    def _assert_no_deadlock(self, outcomes):
        for outcome in outcomes:
            for error in [outcome.error, *outcome.retried]:
                self.assertNotIsInstance(error, DeadlockDetected, outcome)
            if not outcome.ok:
                self.assertCleanLoss(outcome)

    # Racers --------------------------------------------------------------------------
    @staticmethod
    def _transfer(ids, user, partner):
        def fn(env):
            env = env(user=ids[user])
            wizard = env["dealer.vehicle.transfer"].create(
                {"vehicle_id": ids.vehicle, "new_owner_id": ids[partner]}
            )
            wizard.action_confirm()

        return fn

    @staticmethod
    def _redeem(ids, user, origin=None, wizard_id=None):
        def fn(env):
            env = env(user=ids[user])
            Redeem = env["dealer.loyalty.redeem"]
            if wizard_id:
                wizard = Redeem.browse(wizard_id)
            else:
                wizard = Redeem.create(
                    {"card_id": ids.card, "reward_id": ids.reward, **(origin or {})}
                )
            wizard.action_confirm()

        return fn

    @staticmethod
    def _complete(ids, user, visit_id):
        return lambda env: (
            env(user=ids[user])["dealer.service.record"].browse(visit_id).action_done()
        )

    @staticmethod
    def _confirm(ids, user, order_id):
        return lambda env: env(user=ids[user])["sale.order"].browse(order_id).action_confirm()

    # Transfer ------------------------------------------------------------------------
    def test_transfer_same_vehicle_twice_one_wins_the_other_retries(self):
        ids = self._world()
        outcomes = self._race(
            self._transfer(ids, "sales", "buyer"), self._transfer(ids, "service", "other")
        )
        winner, loser = self._one_winner(outcomes)
        self.assertTrue(loser.retryable, loser)
        owner, lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual(owner, ids[("buyer", "other")[winner.index]])
        self.assertEqual(len(lines), 2)

    def test_transfer_same_vehicle_twice_retried_both_in_turn(self):
        ids = self._world()
        outcomes = self._race(
            self._transfer(ids, "sales", "buyer"),
            self._transfer(ids, "service", "other"),
            retry=True,
        )
        self.assertTrue(all(o.ok for o in outcomes), outcomes)
        owner, lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual([line[0] for line in lines][:1], [ids.owner])
        self.assertEqual(len(lines), 3)
        self.assertEqual(owner, lines[-1][0])

    def test_transfer_to_same_buyer_twice_the_retry_is_told(self):
        ids = self._world()
        outcomes = self._race(
            self._transfer(ids, "sales", "buyer"),
            self._transfer(ids, "service", "buyer"),
            retry=True,
        )
        _winner, loser = self._one_winner(outcomes)
        self.assertIsInstance(loser.error, UserError)
        self.assertIn("already owns", str(loser.error))
        owner, lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual((owner, len(lines)), (ids.buyer, 2))

    def test_transfers_opened_before_either_is_confirmed_the_second_is_told(self):
        """As in the web client: both users open (save) the transfer, then confirm. The
        second confirmation, retried after the first commits, is told the vehicle changed
        hands instead of silently moving it on again."""
        ids = self._world()

        def opened(user, partner):
            return self._committed(
                lambda env: (
                    env(user=ids[user])["dealer.vehicle.transfer"]
                    .create({"vehicle_id": ids.vehicle, "new_owner_id": ids[partner]})
                    .id
                )
            )

        wizards = (opened("sales", "buyer"), opened("service", "other"))

        def confirm(user, wizard_id):
            return lambda env: (
                env(user=ids[user])["dealer.vehicle.transfer"].browse(wizard_id).action_confirm()
            )

        outcomes = self._race(
            confirm("sales", wizards[0]), confirm("service", wizards[1]), retry=True
        )
        winner, loser = self._one_winner(outcomes)
        self.assertIsInstance(loser.error, UserError)
        self.assertIn("changed hands while this transfer was open", str(loser.error))
        owner, lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual(owner, ids[("buyer", "other")[winner.index]])
        self.assertEqual(len(lines), 2, "the first owner, then the winner's buyer only")

    def test_transfer_of_vehicle_without_owner_twice_one_wins_the_other_retries(self):
        """No open period to fight over: the vehicle's row is what both take first."""
        ids = self._world(owner=False)
        outcomes = self._race(
            self._transfer(ids, "sales", "buyer"), self._transfer(ids, "service", "other")
        )
        _winner, loser = self._one_winner(outcomes)
        self.assertTrue(loser.retryable, loser)
        owner, lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual(len(lines), 1)
        self.assertIn(owner, (ids.buyer, ids.other))

    def test_transfer_wizard_and_owner_typed_on_form_take_locks_in_one_order(self):
        ids = self._world()

        def typed_on_form(env):
            env(user=ids.service)["dealer.vehicle"].browse(ids.vehicle).write(
                {"owner_id": ids.other, "color": "Red"}
            )

        for _round in range(3):
            self._race(self._transfer(ids, "sales", "buyer"), typed_on_form)
            self._assert_ownership_consistent(ids.vehicle)

    def test_open_ownership_typed_twice_for_vehicle_without_owner_the_retry_is_told(self):
        ids = self._world(owner=False)
        manager = self._committed(
            lambda env: (
                self._factories(env)._create_user("conc_manager", "dealer_crm.group_manager").id
            )
        )

        def typed(partner):
            return lambda env: env(user=manager)["dealer.vehicle.ownership"].create(
                {
                    "vehicle_id": ids.vehicle,
                    "partner_id": ids[partner],
                    "date_start": self._today(),
                    "origin": "register",
                }
            )

        outcomes = self._race(typed("buyer"), typed("other"), retry=True)
        _winner, loser = self._one_winner(outcomes)
        self.assertTrue(loser.retried, "the loser waited for the vehicle, then was retried")
        self.assertIsInstance(loser.error, UserError)
        self.assertIn("already has a current owner", str(loser.error))
        self._assert_ownership_consistent(ids.vehicle)

    # Redemption ----------------------------------------------------------------------
    def test_redeem_same_points_twice_one_wins_the_other_is_refused(self):
        ids = self._world(points=100)
        outcomes = self._race(self._redeem(ids, "sales"), self._redeem(ids, "service"), retry=True)
        _winner, loser = self._one_winner(outcomes)
        self.assertIsInstance(loser.error, UserError)
        self.assertIn("cannot be taken", str(loser.error))
        points, history = self._ledger(ids.card)
        self.assertEqual(points, 0)
        self.assertEqual([h[0] for h in history], ["adjust", "redeem"])

    def test_redeem_same_points_twice_unretried_loser_gets_retryable_error(self):
        ids = self._world(points=100)
        outcomes = self._race(self._redeem(ids, "sales"), self._redeem(ids, "service"))
        self.assertTrue(self._one_winner(outcomes)[1].retryable, outcomes)
        points, history = self._ledger(ids.card)
        self.assertEqual((points, len(history)), (0, 2))

    def test_one_redemption_confirmed_twice_redeems_once(self):
        """A double click: the same wizard confirmed by two requests at once."""
        ids = self._world(points=300)
        wizard_id = self._committed(
            lambda env: (
                env["dealer.loyalty.redeem"]
                .create({"card_id": ids.card, "reward_id": ids.reward})
                .id
            ),
            uid=ids.sales,
        )
        outcomes = self._race(
            self._redeem(ids, "sales", wizard_id=wizard_id),
            self._redeem(ids, "sales", wizard_id=wizard_id),
            retry=True,
        )
        _winner, loser = self._one_winner(outcomes)
        self.assertIsInstance(loser.error, UserError)
        points, history = self._ledger(ids.card)
        self.assertEqual(points, 200)
        self.assertEqual([h[0] for h in history], ["adjust", "redeem"])

    # Service visit ---------------------------------------------------------------------
    def _visit(self, ids, amount=300, odometer=12000):
        def build(env):
            visit = self._factories(env)._create_visit(
                env["dealer.vehicle"].browse(ids.vehicle),
                amount=amount,
                odometer=odometer,
                advisor=env["res.users"].browse(ids.service),
            )
            visit.action_start()
            return visit.id

        return self._committed(build)

    def _assert_visit_awarded_once(self, ids, visit_id, points):
        def read(env):
            visit = env["dealer.service.record"].browse(visit_id)
            readings = env["dealer.vehicle.odometer"].search_count(
                [("vehicle_id", "=", ids.vehicle), ("value", "=", visit.odometer)]
            )
            return visit.state, visit.partner_id.id, readings

        state, partner, readings = self._fresh(read)
        self.assertEqual(state, "done")
        self.assertEqual(partner, ids.owner, "the visit stays with the owner of its day")
        self.assertEqual(readings, 1, "one odometer reading for the visit")
        return self._assert_earned_once(ids, "dealer.service.record", visit_id, points)

    def test_complete_same_visit_twice_awards_once(self):
        ids = self._world()
        for retry, odometer in ((False, 12000), (True, 15000)):
            visit_id = self._visit(ids, odometer=odometer)
            outcomes = self._race(
                self._complete(ids, "service", visit_id),
                self._complete(ids, "service", visit_id),
                retry=retry,
            )
            if retry:  # the retry finds it done: nothing more to do
                self.assertTrue(all(o.ok for o in outcomes), outcomes)
            else:
                self.assertTrue(self._one_winner(outcomes)[1].retryable, outcomes)
            self._assert_visit_awarded_once(ids, visit_id, 300)
        self.assertEqual(self._ledger(ids.card)[0], 600)

    def test_complete_visit_while_vehicle_is_transferred_awards_the_visits_owner(self):
        ids = self._world()
        visit_id = self._visit(ids)
        outcomes = self._race(
            self._complete(ids, "service", visit_id),
            self._transfer(ids, "sales", "buyer"),
            retry=True,
        )
        self.assertTrue(all(o.ok for o in outcomes), outcomes)
        self._assert_visit_awarded_once(ids, visit_id, 300)
        owner, _lines = self._assert_ownership_consistent(ids.vehicle)
        self.assertEqual(owner, ids.buyer)

    def _assert_redeem_races_completion(self, origin_field, make_origin, finish, done):
        """A redemption against a quotation or visit while it is confirmed or completed,
        three times: no deadlock (see ``_race``), the ledger balances, and what was
        completed has its award, once."""
        ids = self._world(points=300)
        model = self.env["dealer.loyalty.redeem"]._fields[origin_field].comodel_name
        for _round in range(3):
            origin_id = make_origin(ids)
            outcomes = self._race(
                self._redeem(ids, "sales", origin={origin_field: origin_id}),
                finish(ids, "service" if done == "done" else "sales", origin_id),
            )
            self.assertTrue(any(o.ok for o in outcomes), outcomes)
            _points, history = self._ledger(ids.card)
            state = self._fresh(lambda env, o=origin_id: env[model].browse(o).state)
            earned = [h for h in history if h[:3] == ("earn", model, origin_id)]
            self.assertEqual(len(earned), int(state == done), history)

    def test_redeem_on_visit_while_it_is_completed_takes_locks_in_one_order(self):
        self._assert_redeem_races_completion(
            "service_record_id", self._visit, self._complete, "done"
        )

    # Sale order --------------------------------------------------------------------------
    def _quotation(self, ids, amount=10000):
        def build(env):
            factories = self._factories(env)
            return factories._create_order(
                env["res.partner"].browse(ids.owner),
                env["product.product"].browse(ids.product),
                amount,
                confirm=False,
            ).id

        return self._committed(build)

    def _assert_order_awarded_once(self, ids, order_id, points):
        state = self._fresh(lambda env: env["sale.order"].browse(order_id).state)
        self.assertEqual(state, "sale")
        return self._assert_earned_once(ids, "sale.order", order_id, points)[0]

    def test_confirm_same_order_twice_awards_once(self):
        ids = self._world()
        order_id = self._quotation(ids)
        outcomes = self._race(
            self._confirm(ids, "sales", order_id), self._confirm(ids, "sales", order_id)
        )
        self.assertTrue(self._one_winner(outcomes)[1].retryable, outcomes)
        self.assertEqual(self._assert_order_awarded_once(ids, order_id, 1000), 1000)

    def test_confirm_same_order_twice_retried_the_retry_is_told(self):
        ids = self._world()
        order_id = self._quotation(ids)
        outcomes = self._race(
            self._confirm(ids, "sales", order_id),
            self._confirm(ids, "sales", order_id),
            retry=True,
        )
        self.assertIsInstance(self._one_winner(outcomes)[1].error, UserError)
        self.assertEqual(self._assert_order_awarded_once(ids, order_id, 1000), 1000)

    def test_redeem_on_quotation_while_it_is_confirmed_takes_locks_in_one_order(self):
        self._assert_redeem_races_completion(
            "sale_order_id", self._quotation, self._confirm, "sale"
        )
