# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 24's numbered cases: what a workflow records, no client rewrites."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from . import test_import_history as history
from . import test_loyalty
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestEvidenceCasesSales(DealerCrmCase):
    """Enquiries, customers, loyalty tiers, deliveries and service reminders."""

    # the Import button, pressed as the history import's tests press it
    _import = history.TestImportHistory._import
    _import_ok = history.TestImportHistory._import_ok

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = cls.env.ref("fleet.model_corolla_ts")
        cls.product = cls.env["product.product"].create(
            {
                "name": "Corolla 2027",
                "list_price": 250000,
                "dealer_is_vehicle": True,
                "dealer_model_id": cls.model.id,
            }
        )

    # Case 1 -------------------------------------------------------------------
    def _trade_in_enquiry(self, value=90000):
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.trade_in_limit", 50000)
        old = self._create_vehicle(vin="WVWZZZ1KZAW700021", owner_id=self.customer.id)
        return self.env["crm.lead"].create(
            {
                "name": "Trade up",
                "partner_id": self.customer.id,
                "dealer_trade_in_vehicle_id": old.id,
                "dealer_trade_in_value": value,
            }
        )

    def test_sales_cannot_approve_a_trade_in_above_the_limit_by_writing_it(self):
        lead = self._trade_in_enquiry()
        as_sales = lead.with_user(self.user_sales)
        forged = {
            "dealer_trade_in_state": "approved",
            "dealer_trade_in_approved_by_id": self.user_manager.id,
        }
        with self.assertRaises(AccessError):
            as_sales.write(forged)
        with self.assertRaises(AccessError):  # no context key opens it
            as_sales.with_context(dealer_manager=True, import_file=True).write(forged)
        with self.assertRaises(AccessError):
            as_sales.write({"dealer_trade_in_appraiser_id": self.user_manager.id})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_sales).create(
                {
                    "name": "Already approved",
                    "partner_id": self.customer.id,
                    "dealer_trade_in_vehicle_id": lead.dealer_trade_in_vehicle_id.id,
                    "dealer_trade_in_value": 90000,
                    **forged,
                }
            )
        self.assertEqual(lead.dealer_trade_in_state, "none")
        self.assertFalse(lead.dealer_trade_in_approved_by_id)
        # the workflow: sales appraises, the offer above the limit waits for a manager
        as_sales.action_dealer_appraise()
        self.assertEqual(lead.dealer_trade_in_state, "to_approve")
        self.assertEqual(lead.dealer_trade_in_appraiser_id, self.user_sales)
        with self.assertRaises(AccessError):
            as_sales.action_dealer_approve_trade_in()
        with self.assertRaises(AccessError):
            as_sales.write({"dealer_trade_in_state": "approved"})
        self.assertEqual(lead.dealer_trade_in_state, "to_approve")
        lead.with_user(self.user_manager).action_dealer_approve_trade_in()
        self.assertEqual(lead.dealer_trade_in_state, "approved")
        self.assertEqual(lead.dealer_trade_in_approved_by_id, self.user_manager)
        with self.assertRaises(UserError):  # appraised once: a new value is appraised again
            as_sales.action_dealer_appraise()

    # Case 3 -------------------------------------------------------------------
    def test_customer_relations_cannot_appraise_or_approve_a_trade_in(self):
        lead = self._trade_in_enquiry()
        as_relations = lead.with_user(self.user_relations)
        self.assertEqual(as_relations.dealer_trade_in_state, "none", "relations read the enquiry")
        with self.assertRaises(AccessError):
            as_relations.action_dealer_appraise()
        with self.assertRaises(AccessError):
            as_relations.action_dealer_approve_trade_in()
        self.assertEqual(lead.dealer_trade_in_state, "none")
        self.assertFalse(lead.dealer_trade_in_appraiser_id)
        # neither does a department that is not the sale's, nor a user in none
        for user in (self.user_service, self.user_plain):
            with self.assertRaises(AccessError):
                lead.with_user(user).action_dealer_appraise()
        self.assertEqual(lead.dealer_trade_in_state, "none")

    # Case 2 -------------------------------------------------------------------
    def test_service_cannot_type_a_tier_and_the_visit_is_billed_in_full(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        program = test_loyalty.TestLoyalty._make_program(self.env)
        platinum = self.env["dealer.loyalty.tier"].create(
            {
                "program_id": program.id,
                "name": "Platinum",
                "threshold_points": 10000,
                "service_discount": 15,
            }
        )
        card = program._dealer_card(self.customer)
        self.assertFalse(card.points)
        for record in (self.customer, card):
            with self.assertRaises(AccessError):
                record.with_user(self.user_service).write({"dealer_tier_id": platinum.id})
        with self.assertRaises(AccessError):
            record.with_user(self.user_manager).write({"dealer_tier_id": platinum.id})
        other = self.env["res.partner"].create({"name": "Wong Siu Ming"})
        with self.assertRaises(AccessError):
            self.env["loyalty.card"].with_user(self.user_manager).create(
                {"program_id": program.id, "partner_id": other.id, "dealer_tier_id": platinum.id}
            )
        self.assertFalse(self.customer.dealer_tier_id)
        self.assertFalse(card.dealer_tier_id)
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        Visit = self.env["dealer.service.record"].with_user(self.user_service)
        visit = Visit.create({"vehicle_id": vehicle.id, "amount": 1000})
        visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.amount, 1000, "no tier, no discount")
        self.assertFalse(visit.dealer_tier_discount)
        # nor is a discount typed on the visit, nor the visit done by writing it
        for vals in (
            {"dealer_tier_discount": 15},
            {"dealer_amount_before_discount": 2000},
            {"state": "scheduled"},
            {"name": "SRV-FORGED"},
        ):
            with self.assertRaises(AccessError):
                visit.write(vals)
        with self.assertRaises(AccessError):
            Visit.create({"vehicle_id": vehicle.id, "amount": 1000, "state": "done"})
        # a visit done cannot be started again, to be done (and discounted) twice
        with self.assertRaises(UserError):
            visit.action_start()

    # Case 4 -------------------------------------------------------------------
    def test_sales_cannot_write_the_evaluation_nor_the_anonymised_flag(self):
        customer = self.customer.with_user(self.user_sales)
        forged = {
            "dealer_rfm_segment": "champion",
            "dealer_value_tier": "A",
            "dealer_lifetime_spend": 1e9,
            "dealer_anonymized": True,
        }
        for name, value in forged.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                customer.write({name: value})
            with self.subTest(field=name), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(self.user_sales).create(
                    {"name": "Forged", name: value}
                )
        self.assertFalse(self.customer.dealer_rfm_segment)
        self.assertFalse(self.customer.dealer_value_tier)
        self.assertFalse(self.customer.dealer_lifetime_spend)
        self.assertFalse(self.customer.dealer_anonymized)
        # the customer stays in the retention erasure's scope
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        self.assertTrue(vehicle.ownership_ids)
        cutoff = fields.Datetime.now() + relativedelta(days=1)
        self.env.flush_all()
        in_scope = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search(self.env["dealer.personal.data"]._retention_domain(cutoff))
        )
        self.assertIn(self.customer.id, list(in_scope))
        # a value the customer already has is no change: Odoo's forms may send it back
        customer.write({"dealer_anonymized": False, "name": "Chan Tai Man"})

    def test_the_evaluation_still_records_its_figures(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        visit = self.env["dealer.service.record"].create({"vehicle_id": vehicle.id, "amount": 700})
        visit.with_user(self.user_service).action_done()
        self.customer.with_user(self.user_sales).action_dealer_evaluate()
        self.assertEqual(self.customer.dealer_lifetime_spend, 700)
        self.assertTrue(self.customer.dealer_evaluated_on)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_plain).action_dealer_evaluate()

    # Case 7 -------------------------------------------------------------------
    def test_a_delivered_line_is_never_delivered_twice(self):
        order = self._create_order(self.customer, self.product, user_id=self.user_sales.id)
        line = order.order_line
        as_sales = order.with_user(self.user_sales)
        as_sales._dealer_deliver(line, "WVWZZZ1KZAW700031", "NEW 31", self._today(), 5)
        vehicle = line.dealer_vehicle_id
        self.assertTrue(vehicle)
        with self.assertRaises(AccessError):
            line.with_user(self.user_sales).write({"dealer_vehicle_id": False})
        other = self._create_vehicle(vin="WVWZZZ1KZAW700032")
        with self.assertRaises(AccessError):
            line.with_user(self.user_sales).write({"dealer_vehicle_id": other.id})
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.user_sales).create(
                {"order_id": order.id, "product_id": self.product.id, "dealer_vehicle_id": other.id}
            )
        self.assertEqual(line.dealer_vehicle_id, vehicle)
        with self.assertRaises(UserError):
            as_sales._dealer_deliver(line, "WVWZZZ1KZAW700033", "NEW 33", self._today(), 5)
        with self.assertRaises(UserError):
            as_sales.action_dealer_deliver_vehicle()
        sold = self.env["dealer.vehicle.ownership"].search(
            [("vehicle_id.sale_order_id", "=", order.id), ("origin", "=", "sale")]
        )
        self.assertEqual(sold.vehicle_id, vehicle, "one line, one vehicle sold by us")
        # and only sales delivers
        with self.assertRaises(AccessError):
            order.with_user(self.user_service).action_dealer_deliver_vehicle()

    def test_sold_by_and_contacted_by_are_recorded_by_their_workflow(self):
        """ "Sold by us" comes from a delivery, "Contacted By" and a consent's "Recorded
        By" from who saved them: typed or sent by a client, they are refused."""
        order = self._create_order(self.customer, self.product, user_id=self.user_sales.id)
        order.with_user(self.user_sales)._dealer_deliver(
            order.order_line, "WVWZZZ1KZAW700041", "NEW 41", self._today(), 5
        )
        vehicle = order.order_line.dealer_vehicle_id
        self.assertEqual(vehicle.seller_id, self.user_sales)
        self.assertEqual(vehicle.sale_order_id, order)
        registered = self._create_vehicle(vin="WVWZZZ1KZAW700042", owner_id=self.customer.id)
        for user in (self.user_sales, self.user_service, self.user_manager):
            for vals in ({"seller_id": user.id}, {"sale_order_id": order.id}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    registered.with_user(user).write(vals)
        self.assertFalse(registered.seller_id or registered.sale_order_id)

        team = self.env["helpdesk.ticket.team"].create({"name": "Evidence Team"})
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.user_relations)
            .create(
                {
                    "name": "Noise",
                    "description": "Rattle",
                    "partner_id": self.customer.id,
                    "team_id": team.id,
                }
            )
        )
        with self.assertRaises(AccessError):
            ticket.write({"dealer_contact_user_id": self.user_manager.id})
        ticket.write({"dealer_contact_date": fields.Datetime.now()})
        self.assertEqual(ticket.dealer_contact_user_id, self.user_relations)

    # Service reminders ----------------------------------------------------------
    def test_the_reminder_dates_are_recorded_by_the_reminder_job_only(self):
        owner = self.env["res.partner"].create({"name": "Archived Owner"})
        vehicle = self._create_vehicle(
            owner_id=owner.id, purchase_date=self._today() - relativedelta(years=3)
        )
        for user in (self.user_service, self.user_manager):
            for name in ("service_reminder_date", "service_reminder_skip_date"):
                with self.assertRaises(AccessError):
                    vehicle.with_user(user).write({name: self._today()})
        with self.assertRaises(AccessError):
            owner.with_user(self.user_service).write({"dealer_last_reminder_date": self._today()})
        self.assertLessEqual(vehicle.next_service_date, self._today())
        owner.action_archive()
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertEqual(vehicle.service_reminder_skip_date, self._today(), "the skip is noted")
        owner.action_unarchive()
        self.env["dealer.service.reminder"]._cron_service_reminders()
        self.assertEqual(vehicle.service_reminder_date, self._today())
        self.assertFalse(vehicle.service_reminder_skip_date)

    # Imported history and merged contacts -----------------------------------------
    def test_imported_history_records_its_states_through_the_workflow(self):
        vehicles = self._import_ok(
            "dealer.vehicle",
            b"External ID,VIN,Model,Purchase Date\n"
            b"ev_veh_1,WVWZZZ1KZAW700041,Corolla TS,2015-03-01\n",
        )
        self.assertEqual(vehicles.service_reminder_date, self._today(), "counts as reminded")
        visits = self._import_ok(
            "dealer.service.record",
            b"Vehicle/External ID,Date,Amount,State\n"
            b"ev_veh_1,2016-05-17,900,Done\n"
            b"ev_veh_1,2017-05-17,400,Cancelled\n"
            b"ev_veh_1,2018-05-17,500,Scheduled\n",
        )
        self.assertEqual(visits.mapped("state"), ["done", "cancelled", "scheduled"])
        self.assertNotIn("New", visits.mapped("name"), "numbered by the sequence")
        self.assertEqual(visits[0].amount, 900, "history: no discount taken again")
        # the state's own method checks the importer: sales may not record visits
        with self.assertRaises(AccessError):
            self.env["dealer.service.record"].with_user(self.user_sales).with_context(
                import_file=True
            ).create({"vehicle_id": vehicles.id, "date": "2016-05-17", "state": "done"})

    def test_merging_contacts_carries_the_recorded_figures(self):
        source = self.env["res.partner"].create({"name": "Lam Mei", "email": "lam@example.com"})
        destination = self.env["res.partner"].create(
            {"name": "Lam Mei", "email": "LAM@example.com"}
        )
        reminded = self._today() - relativedelta(days=20)
        source.sudo().write({"dealer_last_reminder_date": reminded, "dealer_churn_risk": True})
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=(source | destination).ids)
            .create({})
        )
        wizard.dst_partner_id = destination
        wizard.action_merge()
        self.assertFalse(source.exists())
        self.assertEqual(destination.dealer_last_reminder_date, reminded)
