# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a client could send over RPC, and what another company could reach.

Each test is a back door found in review; each fails on the code before its fix.
"""

import base64
import json

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestSecurityAttacks(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls._create_loyalty_program(
            "Attack Club", rewards=[{"discount": 5, "required_points": 100}]
        )
        cls.tier = cls.env["dealer.loyalty.tier"].create(
            {"program_id": cls.program.id, "name": "Gold", "threshold_points": 1000}
        )
        cls.card = cls.program._dealer_card(cls.customer)
        cls.card._dealer_move(100, "Opening", "earn")
        cls.company_b, cls.user_relations_b = cls._create_company_b(
            "Dealer B", t_relations_b="dealer_crm.group_customer_relations"
        )

    # Loyalty --------------------------------------------------------------------
    def test_points_cannot_be_forged_with_a_context_key(self):
        for user in (self.user_sales, self.user_service, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.card.with_user(user).with_context(dealer_points_move=True).write(
                    {"points": 99999}
                )
        self.assertEqual(self.card.points, 100)

    def test_tier_cannot_be_set_by_hand(self):
        with self.assertRaises(AccessError):
            self.card.with_user(self.user_sales).write({"dealer_tier_id": self.tier.id})
        self.assertFalse(self.card.dealer_tier_id)

    def test_earned_history_cannot_be_written_by_a_department(self):
        History = self.env["loyalty.history"].with_user(self.user_sales)
        with self.assertRaises(AccessError):
            History.create(
                {"card_id": self.card.id, "issued": 5000, "dealer_kind": "earn", "description": "x"}
            )
        line = self.card.history_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.user_service).write({"issued": 5000})

    def test_a_new_member_starts_with_no_points(self):
        stranger = self.env["res.partner"].create({"name": "New Member"})
        with self.assertRaises(AccessError):
            self.env["loyalty.card"].with_user(self.user_sales).create(
                {"program_id": self.program.id, "partner_id": stranger.id, "points": 5000}
            )

    # Consent --------------------------------------------------------------------
    def test_a_consent_given_to_another_company_lets_nothing_through(self):
        self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
                "company_id": self.company_b.id,
            }
        )
        Consent = self.env["dealer.consent"]
        self.assertFalse(Consent._allowed_partners(self.customer, "marketing", "email"))
        self.assertEqual(
            Consent._allowed_partners(self.customer, "marketing", "email", self.company_b),
            self.customer,
        )

    # Deletion -------------------------------------------------------------------
    def test_a_customer_with_history_is_archived_never_deleted(self):
        consent = self.env["dealer.consent"].create(
            {"partner_id": self.customer.id, "purpose": "marketing", "channel": "email"}
        )
        for user in (self.user_sales, self.user_relations, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.customer.with_user(user).unlink()
        self.assertTrue(consent.exists())
        nobody = self.env["res.partner"].create({"name": "Typo Contact"})
        nobody.with_user(self.user_manager).unlink()
        self.assertFalse(nobody.exists())

    # Complaints -----------------------------------------------------------------
    def _ticket(self):
        return self._create_ticket(
            self.customer,
            name="Brake squeal",
            description="<p>Squeals</p>",
            dealer_resolution="<p>Internal: pads glazed, our fitting</p>",
            dealer_responsible_party="dealer",
        )

    def test_portal_customer_cannot_read_internal_complaint_fields(self):
        ticket = self._ticket()
        portal = new_test_user(
            self.env, login="t_portal", groups="base.group_portal", partner_id=self.customer.id
        )
        self.env.invalidate_all()
        as_portal = ticket.with_user(portal)
        self.assertEqual(as_portal.name, "Brake squeal")
        for name in ("dealer_resolution", "dealer_root_cause_id", "dealer_responsible_party"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_portal.read([name])

    def test_only_the_customer_reopens_a_closed_ticket(self):
        ticket = self._ticket()
        ticket.write(
            {
                "dealer_contact_date": fields.Datetime.now(),
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
            }
        )
        self.assertTrue(ticket.closed)
        stranger = self.env["res.partner"].create({"name": "Spammer", "email": "spam@example.com"})
        for author in (stranger, self.env["res.partner"]):
            ticket.message_post(
                body="Buy now",
                message_type="email",
                author_id=author.id,
                email_from="spam@example.com",
                subtype_xmlid="mail.mt_comment",
            )
            self.assertTrue(ticket.closed, f"{author.name or 'an unknown sender'} reopened it")
        ticket.message_post(
            body="Still squeals",
            message_type="email",
            author_id=self.customer.id,
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(ticket.closed)

    # Vehicles, promises, interactions ------------------------------------------
    def test_ownership_lines_are_read_only_and_owner_follows_them(self):
        vehicle = self._create_vehicle(owner_id=self.customer.id)
        line = vehicle.ownership_ids
        for user in (self.user_sales, self.user_service):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"partner_id": user.partner_id.id})
                with self.assertRaises(AccessError):
                    self.env["dealer.vehicle.ownership"].with_user(user).create(
                        {
                            "vehicle_id": vehicle.id,
                            "partner_id": user.partner_id.id,
                            "date_start": self._today(),
                        }
                    )
        buyer = self.env["res.partner"].create({"name": "Buyer"})
        vehicle.with_user(self.user_sales).with_context(dealer_ownership_sync=True).write(
            {"owner_id": buyer.id}
        )
        self.assertEqual(vehicle.owner_id, buyer)
        current = vehicle.ownership_ids.filtered(lambda o: not o.date_end)
        self.assertEqual(current.partner_id, buyer, "the context key skipped the history")

    def test_sales_cannot_mark_someone_elses_promise_kept(self):
        promise = self.env["dealer.promise"].create(
            {
                "name": "Call back",
                "partner_id": self.customer.id,
                "user_id": self.user_service.id,
                "date_due": self._today(),
            }
        )
        with self.assertRaises(AccessError):
            promise.with_user(self.user_sales).action_kept()
        self.assertEqual(promise.state, "open")
        promise.with_user(self.user_service).action_kept()
        self.assertEqual(promise.state, "kept")
        other = promise.copy({"state": "open", "user_id": self.user_sales.id})
        other.with_user(self.user_relations).action_kept()
        self.assertEqual(other.state, "kept")

    def test_an_interaction_stays_in_its_department(self):
        interaction = (
            self.env["dealer.interaction"]
            .with_user(self.user_sales)
            .create({"partner_id": self.customer.id, "channel": "phone", "subject": "Price check"})
        )
        self.assertEqual(interaction.department, "sales")
        with self.assertRaises(AccessError):
            interaction.with_user(self.user_sales).write({"department": "service"})
        with self.assertRaises(AccessError):
            interaction.with_user(self.user_sales).write({"user_id": self.user_service.id})
        self.assertEqual(interaction.department, "sales")

    # Access request across companies -------------------------------------------
    def test_access_export_answers_for_the_officers_companies_only(self):
        own = self.env["res.partner"].create(
            {"name": "Company A Only", "company_id": self.env.company.id}
        )
        wizard = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations_b)
            .create({"partner_id": own.id, "file_format": "json"})
        )
        with self.assertRaises(AccessError):
            wizard.action_export()
        # A shared customer: company B's file holds nothing of company A.
        self.env["sale.order"].create({"partner_id": self.customer.id})
        wizard = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations_b)
            .create({"partner_id": self.customer.id, "file_format": "json"})
        )
        wizard.action_export()
        content = json.loads(base64.b64decode(wizard.data))
        self.assertNotIn("sale.order", content)
        self.assertNotIn("loyalty.card", content)


@tagged("post_install", "-at_install")
class TestTimelineLeaks(DealerCrmCase):
    def _ticket(self, **vals):
        return self.env["helpdesk.ticket"].create(
            {
                "name": "Secret: staff dispute about the repair",
                "description": "<p>x</p>",
                "partner_id": self.customer.id,
                **vals,
            }
        )

    def test_timeline_ids_are_stable_and_open_their_own_record(self):
        interaction = self.env["dealer.interaction"].create(
            {"partner_id": self.customer.id, "channel": "phone", "subject": "First call"}
        )
        self.env.invalidate_all()
        before = {(row.res_model, row.res_id): row.id for row in self.customer.dealer_timeline_ids}
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self.env["dealer.interaction"].create(
            {"partner_id": other.id, "channel": "phone", "subject": "Unrelated"}
        )
        self.env.invalidate_all()
        after = {(row.res_model, row.res_id): row.id for row in self.customer.dealer_timeline_ids}
        self.assertEqual(before, after)
        row = self.env["dealer.customer.timeline"].browse(
            before[("dealer.interaction", interaction.id)]
        )
        self.assertEqual(row.action_open_record()["res_id"], interaction.id)

    def test_timeline_shows_only_that_a_ticket_exists_to_who_may_not_open_it(self):
        ticket = self._ticket()
        self.env.invalidate_all()
        as_sales = self.customer.with_user(self.user_sales).dealer_timeline_ids
        row = as_sales.filtered(lambda r: r.res_model == "helpdesk.ticket")
        self.assertEqual(len(row), 1, "the row still shows that the ticket exists")
        self.assertNotIn("Secret", row.name)
        with self.assertRaises(AccessError):
            row.action_open_record()
        self.env.invalidate_all()
        as_relations = self.customer.with_user(self.user_relations).dealer_timeline_ids
        self.assertIn(ticket.name, as_relations.mapped("name"))

    def test_timeline_keeps_other_companies_out(self):
        company_b = self._create_company("Dealer B")
        self.env["dealer.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "subject": "Company B call",
                "company_id": company_b.id,
            }
        )
        self.env.invalidate_all()
        rows = self.customer.with_user(self.user_relations).dealer_timeline_ids
        self.assertNotIn("Company B call", rows.mapped("name"))
        self.assertNotIn("Company B call", rows.mapped("source_name"))
