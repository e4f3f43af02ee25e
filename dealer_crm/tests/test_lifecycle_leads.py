# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lifecycle leads (issue 28): a warranty about to end, a vehicle of replacement age or
distance and a need no current vehicle meets each open one opportunity for the
customer's salesperson, once; and what the dealer offers for the customer's needs is shown
on the customer and the enquiry."""

from datetime import timedelta

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DealerCrmCase, JobCaseMixin


class LifecycleCase(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["dealer.lifecycle.lead"]
        cls.Lead = cls.env["crm.lead"].with_context(active_test=False)
        cls.customer.user_id = cls.user_sales
        cls.today = cls._today()
        cls.model_ev = cls.env["fleet.vehicle.model"].create(
            {"name": "e-Lifecycle", "brand_id": cls.env.ref("fleet.brand_toyota").id}
        )
        cls.ev = cls.env["product.product"].create(
            {
                "name": "e-Lifecycle (new vehicle)",
                "dealer_is_vehicle": True,
                "dealer_model_id": cls.model_ev.id,
            }
        )
        cls.charger = cls.env["product.product"].create({"name": "Home charger", "type": "service"})
        cls.tag_ev = cls.env["dealer.need.tag"].create(
            {"name": "Lifecycle EV", "product_ids": [Command.set((cls.ev | cls.charger).ids)]}
        )
        cls.tag_service = cls.env["dealer.need.tag"].create(
            {"name": "Lifecycle courtesy car", "product_ids": [Command.set(cls.charger.ids)]}
        )
        # the leads of the demo vehicles are not this test's: they are opened first
        cls.Job._cron_lifecycle_leads(batch_size=100000)

    @classmethod
    def _vehicle(cls, n, **vals):
        vals.setdefault("owner_id", cls.customer.id)
        vals.setdefault("model_year", cls._today().year - 1)
        return cls._create_vehicle(vin=f"WVWZZZ1KZ{n:08d}", license_plate=f"LC {n}", **vals)

    def _leads(self, vehicle=None, need=None):
        if need is not None:
            return self.Lead.search([("dealer_lifecycle_need_id", "=", need.id)])
        return self.Lead.search([("dealer_lifecycle_vehicle_id", "=", vehicle.id)])

    def _run(self):
        return self.Job._cron_lifecycle_leads(batch_size=100000)

    def _need(self, partner, tag, **vals):
        return self.env["dealer.customer.need"].create(
            {"partner_id": partner.id, "tag_id": tag.id, **vals}
        )


@tagged("post_install", "-at_install")
class TestLifecycleLeads(LifecycleCase):
    # ------------------------------------------------------------------ created once
    def test_each_lead_is_created_once_even_lost_or_archived(self):
        vehicle = self._vehicle(1, warranty_end_date=self.today + timedelta(days=10))
        first = self._run()
        lead = self._leads(vehicle)
        self.assertEqual(len(lead), 1)
        self.assertIn(lead, first)
        self.assertEqual(lead.dealer_lifecycle_reason, "warranty_end")
        self.assertEqual(lead.type, "opportunity")
        self.assertFalse(self._run(), "a second run opens nothing")
        lead.action_set_lost()
        self.assertEqual(lead.dealer_lifecycle_outcome, "lost")
        self.assertFalse(self._run(), "a lost lead is not opened again")
        lead.action_unarchive()
        lead.action_archive()
        self.assertFalse(self._run(), "nor an archived one")
        self.assertEqual(len(self._leads(vehicle)), 1)

    def test_two_triggers_on_one_vehicle_open_one_lead_each(self):
        vehicle = self._vehicle(
            2, warranty_end_date=self.today + timedelta(days=30), model_year=self.today.year - 9
        )
        self._run()
        self._run()
        self.assertEqual(
            sorted(self._leads(vehicle).mapped("dealer_lifecycle_reason")),
            ["replacement", "warranty_end"],
        )

    def test_the_database_refuses_a_second_lead_for_the_same_vehicle_reason_and_owner(self):
        vehicle = self._vehicle(3, warranty_end_date=self.today + timedelta(days=1))
        lead = self._run()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.Lead.sudo().create(
                    {
                        "name": "Forged",
                        "partner_id": vehicle.owner_id.id,
                        "dealer_lifecycle_reason": "warranty_end",
                        "dealer_lifecycle_vehicle_id": vehicle.id,
                    }
                )
        copy = lead.copy()
        self.assertFalse(copy.dealer_lifecycle_reason, "a copy is no lifecycle lead")

    # ------------------------------------------------------------------ whom for
    def test_the_lead_is_for_the_customers_salesperson_else_the_seller_else_the_team(self):
        other = self._create_user("t_seller", "dealer_crm.group_sales")
        with_salesperson = self._vehicle(4, model_year=self.today.year - 10)
        nobody = self.env["res.partner"].create({"name": "No salesperson"})
        sold = self._vehicle(
            5, owner_id=nobody.id, model_year=self.today.year - 10, seller_id=other.id
        )
        nobody_else = self.env["res.partner"].create({"name": "Walk-in"})
        unassigned = self._vehicle(6, owner_id=nobody_else.id, model_year=self.today.year - 10)
        self._run()
        self.assertEqual(self._leads(with_salesperson).user_id, self.user_sales)
        self.assertEqual(self._leads(sold).user_id, other)
        lead = self._leads(unassigned)
        self.assertFalse(lead.user_id)
        self.assertTrue(lead.team_id, "it waits in the default sales team")
        for vehicle in (with_salesperson, sold, unassigned):
            self.assertEqual(self._leads(vehicle).company_id, vehicle.company_id)
            self.assertEqual(self._leads(vehicle).partner_id, vehicle.owner_id)

    def test_second_company_leads_stay_in_their_company(self):
        company_b, sales_b = self._create_company_b("Dealer B", t_sales_b="dealer_crm.group_sales")
        owner = self.env["res.partner"].create({"name": "B customer", "user_id": sales_b.id})
        vehicle = self._vehicle(
            7, owner_id=owner.id, company_id=company_b.id, model_year=self.today.year - 12
        )
        # a salesperson of company A only is not given company B's lead
        vehicle_a_user = self._vehicle(
            8,
            owner_id=self.customer.id,
            company_id=company_b.id,
            model_year=self.today.year - 12,
        )
        self._run()
        lead = self._leads(vehicle)
        self.assertEqual(lead.company_id, company_b)
        self.assertEqual(lead.user_id, sales_b)
        self.assertFalse(self._leads(vehicle_a_user).user_id)
        self.env.invalidate_all()
        self.assertFalse(
            self.env["crm.lead"].with_user(self.user_sales).search([("id", "=", lead.id)]),
            "company A's salesperson does not see company B's lead",
        )

    # ------------------------------------------------------------------ warranty
    def test_warranty_window_edges(self):
        days = self.env["dealer.settings.mixin"]._dealer_get("dealer_lifecycle_warranty_days")
        self.assertEqual(days, 60)
        today = self._vehicle(10, warranty_end_date=self.today)
        last_day = self._vehicle(11, warranty_end_date=self.today + timedelta(days=days))
        too_early = self._vehicle(12, warranty_end_date=self.today + timedelta(days=days + 1))
        ended = self._vehicle(13, warranty_end_date=self.today - timedelta(days=1))
        self._run()
        self.assertTrue(self._leads(today))
        self.assertTrue(self._leads(last_day))
        self.assertFalse(self._leads(too_early))
        self.assertFalse(self._leads(ended))
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_crm.lifecycle_warranty_days", days + 1
        )
        self._run()
        self.assertTrue(self._leads(too_early), "the window follows its setting")

    # ------------------------------------------------------------------ replacement
    def test_replacement_by_age_from_the_model_year_else_the_purchase_date(self):
        old = self._vehicle(20, model_year=self.today.year - 8)
        young = self._vehicle(21, model_year=self.today.year - 7)
        bought_old = self._vehicle(
            22, model_year=0, purchase_date=self.today.replace(year=self.today.year - 8)
        )
        bought_young = self._vehicle(
            23,
            model_year=0,
            purchase_date=self.today.replace(year=self.today.year - 8) + timedelta(days=1),
        )
        self._run()
        self.assertEqual(self._leads(old).dealer_lifecycle_reason, "replacement")
        self.assertFalse(self._leads(young))
        self.assertTrue(self._leads(bought_old))
        self.assertFalse(self._leads(bought_young))

    def test_replacement_by_distance_in_the_vehicles_own_unit(self):
        miles = self._vehicle(30, odometer=100000, odometer_unit="miles")  # 160,934 km
        few_miles = self._vehicle(31, odometer=99000, odometer_unit="miles")  # 159,325 km
        km = self._vehicle(32, odometer=160000)
        under = self._vehicle(33, odometer=150000)
        self._run()
        self.assertTrue(self._leads(miles))
        self.assertIn("100,000 mi", str(self._leads(miles).description))
        self.assertFalse(self._leads(few_miles))
        self.assertTrue(self._leads(km))
        self.assertFalse(self._leads(under))

    # ------------------------------------------------------------------ who counts
    def test_a_transferred_vehicle_counts_for_its_new_owner_only(self):
        vehicle = self._vehicle(40, model_year=self.today.year - 10)
        new_owner = self.env["res.partner"].create({"name": "New owner"})
        vehicle._transfer_owner(new_owner, self.today)
        self._run()
        self.assertEqual(self._leads(vehicle).partner_id, new_owner)

    def test_a_vehicle_sold_on_after_its_lead_opens_one_for_its_new_owner_once(self):
        vehicle = self._vehicle(44, model_year=self.today.year - 10)
        self._run()
        first = self._leads(vehicle)
        self.assertEqual(first.partner_id, vehicle.owner_id)
        buyer = self.env["res.partner"].create({"name": "Second owner"})
        vehicle._transfer_owner(buyer, self.today)
        self._run()
        self._run()
        leads = self._leads(vehicle)
        self.assertEqual(len(leads), 2)
        self.assertEqual((leads - first).partner_id, buyer)
        self.assertEqual(set(leads.mapped("dealer_lifecycle_reason")), {"replacement"})

    def test_a_vehicle_taken_in_by_the_dealer_opens_nothing(self):
        vehicle = self._vehicle(41, model_year=self.today.year - 10)
        vehicle._transfer_owner(vehicle.company_id.partner_id, self.today, origin="trade_in")
        self._run()
        self.assertFalse(self._leads(vehicle))

    def test_archived_and_anonymised_customers_get_no_lead(self):
        archived = self.env["res.partner"].create({"name": "Archived"})
        anonymised = self.env["res.partner"].create({"name": "Anonymised"})
        v_archived = self._vehicle(42, owner_id=archived.id, model_year=self.today.year - 10)
        v_anonymised = self._vehicle(43, owner_id=anonymised.id, model_year=self.today.year - 10)
        archived.action_archive()
        anonymised.sudo().dealer_anonymized = True
        self._run()
        self.assertFalse(self._leads(v_archived))
        self.assertFalse(self._leads(v_anonymised))
        self.assertFalse(self._leads(need=self._need(anonymised, self.tag_ev)))

    # ------------------------------------------------------------------ unmet need
    def test_a_need_no_current_vehicle_meets_opens_a_lead_at_once(self):
        need = self._need(self.customer, self.tag_ev)
        lead = self._leads(need=need)
        self.assertEqual(lead.dealer_lifecycle_reason, "unmet_need")
        self.assertEqual(lead.user_id, self.user_sales)
        self.assertEqual(lead.dealer_vehicle_model_id, self.model_ev)
        self._run()
        self.assertEqual(len(self._leads(need=need)), 1)

    def test_a_need_a_current_vehicle_meets_opens_nothing(self):
        owner = self.env["res.partner"].create({"name": "EV owner"})
        self._vehicle(50, owner_id=owner.id, model_id=self.model_ev.id)
        self.assertFalse(self._leads(need=self._need(owner, self.tag_ev)))
        # a vehicle sold on no longer meets it
        former = self.env["res.partner"].create({"name": "Former EV owner"})
        sold = self._vehicle(51, owner_id=former.id, model_id=self.model_ev.id)
        sold._transfer_owner(owner, self.today)
        self.assertTrue(self._leads(need=self._need(former, self.tag_ev)))

    def test_the_same_need_recorded_twice_opens_one_lead(self):
        first = self._need(self.customer, self.tag_ev)
        again = self._need(self.customer, self.tag_ev)
        both = self.env["dealer.customer.need"].create(
            [
                {"partner_id": self.customer.id, "tag_id": self.tag_ev.id},
                {"partner_id": self.customer.id, "tag_id": self.tag_ev.id},
            ]
        )
        self.assertEqual(len(self._leads(need=first)), 1)
        self.assertFalse(self._leads(need=again))
        self.assertFalse(self._leads(need=both[0]) | self._leads(need=both[1]))

    def test_a_need_that_offers_no_vehicle_opens_nothing(self):
        self.assertFalse(self._leads(need=self._need(self.customer, self.tag_service)))

    def test_a_need_recorded_through_the_customer_form_opens_its_lead(self):
        with Form(self.customer.with_user(self.user_sales)) as form:
            form.dealer_need_ids.add(self.tag_ev)
        need = self.customer.dealer_need_line_ids.filtered(lambda n: n.tag_id == self.tag_ev)
        self.assertTrue(self._leads(need=need))

    def test_an_imported_need_of_the_past_opens_nothing(self):
        Need = self.env["dealer.customer.need"].with_context(import_file=True)
        past = Need.create(
            {
                "partner_id": self.customer.id,
                "tag_id": self.tag_ev.id,
                "date": self.today - timedelta(days=30),
            }
        )
        self.assertFalse(self._leads(need=past))
        today = Need.create({"partner_id": self.customer.id, "tag_id": self.tag_ev.id})
        self.assertTrue(self._leads(need=today), "the key spares only history")

    # ------------------------------------------------------------------ attacks
    def test_a_salesperson_cannot_write_or_create_the_lifecycle_fields(self):
        vehicle = self._vehicle(60, model_year=self.today.year - 10)
        lead = self._run()
        other = self._vehicle(61, warranty_end_date=self.today + timedelta(days=500))
        as_sales = self.env["crm.lead"].with_user(self.user_sales)
        for vals in (
            {"dealer_lifecycle_reason": "warranty_end"},
            {"dealer_lifecycle_vehicle_id": other.id},
            {"dealer_lifecycle_reason": False},
        ):
            with self.assertRaises(AccessError):
                lead.with_user(self.user_sales).write(vals)
        with self.assertRaises(AccessError):
            as_sales.create(
                {
                    "name": "Forged",
                    "dealer_lifecycle_reason": "replacement",
                    "dealer_lifecycle_vehicle_id": other.id,
                }
            )
        with self.assertRaises(AccessError):
            as_sales.with_context(default_dealer_lifecycle_reason="replacement").create(
                {"name": "Forged", "dealer_lifecycle_vehicle_id": other.id}
            )
        self.assertEqual(self._leads(vehicle), lead)
        # the salesperson still works the lead: stage, won
        lead.with_user(self.user_sales).action_set_won()
        self.assertEqual(lead.dealer_lifecycle_outcome, "won")

    def test_settings_must_be_positive(self):
        settings = self.env["res.config.settings"].create({})
        for name in (
            "dealer_lifecycle_warranty_days",
            "dealer_lifecycle_replacement_years",
            "dealer_lifecycle_replacement_km",
        ):
            settings[name] = 0
            with self.assertRaises(ValidationError):
                settings._dealer_check_settings()
            settings[name] = 5

    # ------------------------------------------------------------------ information for staff
    def test_offers_shown_for_the_active_recorded_needs_only(self):
        seat = self.env["product.product"].create({"name": "Child seat", "type": "service"})
        tag_seat = self.env["dealer.need.tag"].create({"name": "Lifecycle child seat"})
        # the link is made from the product's side too (same relation)
        seat.product_tmpl_id.dealer_need_tag_ids = tag_seat
        self.assertEqual(tag_seat.product_ids, seat)
        self._need(self.customer, self.tag_service)
        need_seat = self._need(self.customer, tag_seat)
        lead = self.env["crm.lead"].create({"name": "Enquiry", "partner_id": self.customer.id})
        self.env.invalidate_all()
        partner = self.customer.with_user(self.user_sales)
        self.assertEqual(partner.dealer_offer_product_ids, self.charger | seat)
        self.assertEqual(
            lead.with_user(self.user_sales).dealer_offer_product_ids, self.charger | seat
        )
        need_seat.action_archive()
        self.env.invalidate_all()
        self.assertEqual(partner.dealer_offer_product_ids, self.charger)
        stranger = self.env["res.partner"].create({"name": "No needs"})
        self.assertFalse(stranger.dealer_offer_product_ids)

    def test_a_plain_crm_user_opens_a_lifecycle_lead(self):
        vehicle = self._vehicle(70, model_year=self.today.year - 10)
        self._run()
        lead = self._leads(vehicle)
        salesman = new_test_user(
            self.env, login="t_crm_only", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.env.invalidate_all()
        with Form(lead.with_user(salesman), view="crm.crm_lead_view_form") as form:
            form.name = "Renamed by a plain salesman"
        self.assertEqual(lead.name, "Renamed by a plain salesman")

    def test_the_vehicle_shows_its_lifecycle_leads(self):
        vehicle = self._vehicle(71, model_year=self.today.year - 10)
        self._run()
        self.assertEqual(vehicle.lifecycle_lead_count, 1)
        action = vehicle.with_user(self.user_sales).action_view_lifecycle_leads()
        self.assertEqual(self.Lead.search(action["domain"]), self._leads(vehicle))

    def test_the_figure_counts_the_lifecycle_leads_won(self):
        vehicle = self._vehicle(72, model_year=self.today.year - 10)
        self._run()
        self._leads(vehicle).action_set_won()
        Figure = self.env["dealer.figure"]
        values = Figure._dealer_compute(
            ["lifecycle_leads_won"], vehicle.company_id, self.today, self.today
        )
        self.assertEqual(values["lifecycle_leads_won"], 1)


@tagged("post_install", "-at_install")
class TestLifecycleJobAtOnce(JobCaseMixin, DealerCrmCase):
    def test_the_job_run_twice_at_once_opens_each_lead_once(self):
        def build(env):
            factories = self._factories(env)
            partner = env["res.partner"].create({"name": "Lifecycle race"})
            year = factories._today().year - 10
            return [
                factories._create_vehicle(
                    vin=f"WVWZZZ1KZ{900 + n:08d}", owner_id=partner.id, model_year=year
                ).id
                for n in range(6)
            ]

        ids = self._committed(build)
        self._hold_others("dealer.vehicle", ids)

        def run(env):
            return env["dealer.lifecycle.lead"]._cron_lifecycle_leads(batch_size=4).ids

        outcomes = self._race(run, run)
        self.assertTrue(all(outcome.ok for outcome in outcomes), outcomes)
        self._run_job("dealer.lifecycle.lead", "_cron_lifecycle_leads", 4)

        def read(env):
            leads = (
                env["crm.lead"]
                .with_context(active_test=False)
                .search([("dealer_lifecycle_vehicle_id", "in", ids)])
            )
            return sorted(leads.mapped("dealer_lifecycle_vehicle_id").ids), len(leads)

        vehicles, count = self._fresh(read)
        self.assertEqual(vehicles, sorted(ids))
        self.assertEqual(count, 6, "one lead per vehicle")
