# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(DealerCrmCase):
    """Odoo's contact merge on dealer customers: duplicates found, nothing lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        cls.program = cls._create_loyalty_program(
            "Merge Club",
            dealer_expiry_months=24,
            dealer_rule_ids=[Command.create({"source": "service", "points_per_unit": 1})],
            dealer_tier_ids=[Command.create({"name": "Silver", "threshold_points": 450})],
        )
        Partner = cls.env["res.partner"]
        cls.source = Partner.create({"name": "Lee Ka Ho", "email": "Lee.KaHo@Example.com"})
        cls.destination = Partner.create({"name": "Lee Ka Ho", "email": "lee.kaho@example.com"})

    # ------------------------------------------------------------------ helpers
    def _merge(self, source, destination, user=None):
        """Merge as a user does: the wizard opened on the two contacts, Merge Contacts."""
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user or self.user_manager)
            .with_context(active_model="res.partner", active_ids=(source | destination).ids)
            .create({})
        )
        wizard.dst_partner_id = destination
        wizard.action_merge()
        self.env.invalidate_all()

    def _groups(self, **criteria):
        """The groups of contacts the wizard proposes for these criteria."""
        self.env.invalidate_all()  # as a new request starts: nothing cached
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"maximum_group": 0, **criteria}
        )
        wizard.action_start_manual_process()
        return [set(literal_eval(line.aggr_ids)) for line in wizard.line_ids]

    def _assert_grouped(self, partners, **criteria):
        groups = self._groups(**criteria)
        self.assertTrue(
            any(set(partners.ids) <= group for group in groups),
            f"{partners.mapped('name')} not proposed together by {criteria}",
        )
        return groups

    # ------------------------------------------------------------------ case 1: loyalty
    def test_merging_two_members_keeps_500_points_and_the_whole_ledger(self):
        card_a = self.program._dealer_card(self.source)
        card_a._dealer_move(300, "Service visit", "earn")
        card_b = self.program._dealer_card(self.destination)
        card_b._dealer_move(200, "Service visit", "earn")
        lines = card_a.history_ids | card_b.history_ids
        self._merge(self.source, self.destination)

        self.assertFalse(self.source.exists())
        card = self.program._dealer_card(self.destination)
        self.assertEqual(card, card_b, "the destination's card receives the points")
        self.assertEqual(card.points, 500)
        self.assertEqual(card.history_ids, lines, "no history line lost, all on the card")
        self.assertEqual(sum(card.history_ids.mapped("issued")), 500)
        self.assertEqual(
            sum(card.history_ids.mapped("issued")) - sum(card.history_ids.mapped("used")),
            card.points,
            "the ledger sums to the balance",
        )
        self.assertEqual(card.dealer_points_12m, 500)
        self.assertEqual(card.dealer_tier_id.name, "Silver", "the tier of the summed points")
        self.assertEqual(self.destination.dealer_tier_id.name, "Silver")
        self.assertEqual(self.destination.dealer_loyalty_points, 500)
        # the emptied card is kept, archived, on the customer
        self.assertTrue(card_a.exists())
        self.assertFalse(card_a.active)
        self.assertEqual(card_a.points, 0)
        self.assertEqual(card_a.partner_id, self.destination)

    def test_three_members_merged_add_up(self):
        third = self.env["res.partner"].create(
            {"name": "Lee K. H.", "email": "lee.kaho@example.com"}
        )
        points = {self.source: 300, third: 50, self.destination: 200}
        cards = self.env["loyalty.card"]
        for partner, amount in points.items():
            cards |= self.program._dealer_card(partner)
            cards[-1]._dealer_move(amount, "Service visit", "earn")
        cards[0]._dealer_redeem(100, "Reward")
        lines = cards.history_ids
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.user_manager)
        wizard._merge(
            (self.source | third | self.destination).ids, self.destination.with_env(wizard.env)
        )
        card = self.program._dealer_card(self.destination)
        self.assertEqual(card.points, 450)
        self.assertEqual(card.history_ids, lines)
        self.assertEqual(
            sum(card.history_ids.mapped("issued")) - sum(card.history_ids.mapped("used")), 450
        )
        self.assertEqual(
            self.env["loyalty.card"].search([("partner_id", "=", self.destination.id)]), card
        )

    def test_cards_of_other_programs_keep_their_history_too(self):
        """Core's loyalty sums the points of a nominative card but leaves its lines on
        the archived card; the lines go with the points."""
        program = self.env["loyalty.program"].create(
            {"name": "Plain loyalty", "program_type": "loyalty", "applies_on": "both"}
        )
        Card = self.env["loyalty.card"]
        cards = Card.create(
            [
                {"program_id": program.id, "partner_id": p.id, "points": points}
                for p, points in ((self.source, 30), (self.destination, 20))
            ]
        )
        for card in cards:
            self.env["loyalty.history"].create(
                {"card_id": card.id, "description": "Order", "issued": card.points}
            )
        self._merge(self.source, self.destination)
        card = Card.search(
            [("partner_id", "=", self.destination.id), ("program_id", "=", program.id)]
        )
        self.assertEqual(card.points, 50)
        self.assertEqual(sum(card.history_ids.mapped("issued")), 50)

    def test_a_contact_manager_outside_the_departments_merges_as_in_core(self):
        """The wizard is core's: a user with Contact Creation and no dealer department
        merges, and the dealer records still follow."""
        manager = new_test_user(
            self.env, login="t_contacts", groups="base.group_user,base.group_partner_manager"
        )
        vehicle = self._create_vehicle(owner_id=self.source.id)
        self._merge(self.source, self.destination, user=manager)
        self.assertFalse(self.source.exists())
        self.assertEqual(vehicle.owner_id, self.destination)

    def test_only_a_manager_merges_loyalty_members(self):
        """A merge adds points together: a department user (who may edit contacts) could
        pool two members' points by making them look alike. Only managers merge them."""
        self.program._dealer_card(self.source)._dealer_move(300, "Service visit", "earn")
        self.program._dealer_card(self.destination)._dealer_move(200, "Service visit", "earn")
        contacts = new_test_user(
            self.env, login="t_contacts", groups="base.group_user,base.group_partner_manager"
        )
        for user in (contacts, self.user_sales, self.user_service, self.user_relations):
            with self.assertRaisesRegex(AccessError, "only a manager"):
                self._merge(self.source, self.destination, user=user)
            self.assertTrue(self.source.exists())
        self._merge(self.source, self.destination, user=self.user_manager)
        self.assertEqual(self.program._dealer_card(self.destination).points, 500)

    def test_an_anonymised_contact_is_not_merged(self):
        self.source.sudo().dealer_anonymized = True
        with self.assertRaisesRegex(UserError, "anonymised"):
            self._merge(self.source, self.destination)
        self.assertTrue(self.source.exists())

    def test_a_member_merged_into_a_contact_without_card_keeps_the_card(self):
        card_a = self.program._dealer_card(self.source)
        card_a._dealer_move(300, "Service visit", "earn")
        self._merge(self.source, self.destination)
        self.assertEqual(self.program._dealer_card(self.destination), card_a)
        self.assertEqual(card_a.points, 300)
        self.assertEqual(len(card_a.history_ids), 1)

    def test_the_figures_of_both_customers_add_up_after_the_merge(self):
        product = self.env["product.product"].create({"name": "Service", "list_price": 1})
        for partner, amount in ((self.source, 1000), (self.destination, 500)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "price_unit": amount, "tax_id": False}
                        )
                    ],
                }
            )
            order.action_confirm()
        (self.source | self.destination).action_dealer_evaluate()
        frequency = self.source.dealer_frequency + self.destination.dealer_frequency
        spend = self.source.dealer_lifetime_spend + self.destination.dealer_lifetime_spend
        self.assertEqual(spend, 1500)
        self._merge(self.source, self.destination)
        self.assertEqual(self.destination.dealer_frequency, frequency)
        self.assertEqual(self.destination.dealer_lifetime_spend, 1500)
        score = self.env["dealer.customer.score"].search(
            [("partner_id", "=", self.destination.id), ("month", "=", self._today().replace(day=1))]
        )
        self.assertEqual(len(score), 1, "one snapshot this month, computed again")
        self.assertEqual(score.frequency, frequency)

    # ------------------------------------------------------------------ consents
    def test_consents_the_newest_answer_wins_and_both_evidences_are_kept(self):
        today = self._today()
        Consent = self.env["dealer.consent"]

        def consent(partner, purpose, state, days_ago, document):
            return Consent.create(
                {
                    "partner_id": partner.id,
                    "purpose": purpose,
                    "channel": "email",
                    "state": state,
                    "date": today - timedelta(days=days_ago),
                    "source": "form",
                    "evidence_document": document,
                    "evidence_filename": f"{partner.id}-{purpose}.pdf",
                    "note": f"note {purpose} {state}",
                }
            )

        # marketing: the source's answer is newer; survey: the destination's is
        old_marketing = consent(self.destination, "marketing", "withdrawn", 300, b"b2xk")
        new_marketing = consent(self.source, "marketing", "granted", 10, b"bmV3")
        new_survey = consent(self.destination, "survey", "withdrawn", 5, b"c3Vydg==")
        old_survey = consent(self.source, "survey", "granted", 400, b"b2xkc3Vydg==")
        never_asked = consent(self.source, "loyalty", "never_asked", 1, False)
        answered = consent(self.destination, "loyalty", "granted", 100, False)
        self._merge(self.source, self.destination)

        consents = Consent.search([("partner_id", "=", self.destination.id)])
        by_purpose = {c.purpose: c for c in consents}
        self.assertEqual(len(consents), 3, "one consent per purpose and channel")
        self.assertEqual(by_purpose["marketing"], new_marketing)
        self.assertEqual(new_marketing.state, "granted")
        self.assertEqual(by_purpose["survey"], new_survey)
        self.assertEqual(new_survey.state, "withdrawn")
        self.assertEqual(by_purpose["loyalty"], answered, "an answer beats 'never asked'")
        self.assertFalse((old_marketing | old_survey | never_asked).exists())
        for winner, loser_file, loser_note in (
            (new_marketing, f"{self.destination.id}-marketing.pdf", "note marketing withdrawn"),
            (new_survey, f"{self.source.id}-survey.pdf", "note survey granted"),
        ):
            # the winner's own evidence stands, the other's is attached to it
            self.assertTrue(winner.evidence_document)
            note = winner.message_ids.filtered(lambda m, n=loser_note: n in (m.body or ""))
            self.assertEqual(len(note), 1, "the other answer is written on the kept consent")
            self.assertEqual(note.attachment_ids.mapped("name"), [loser_file])
            self.assertTrue(note.attachment_ids.datas)
            self.assertEqual(note.attachment_ids.res_id, winner.id)

    def test_consents_without_evidence_files_merge(self):
        """Consents typed in without a document (most of them) merge as well."""
        Consent = self.env["dealer.consent"]
        vals = {"purpose": "marketing", "channel": "email", "source": "phone"}
        newer = Consent.create(
            {**vals, "partner_id": self.source.id, "state": "granted", "date": self._today()}
        )
        older = Consent.create(
            {
                **vals,
                "partner_id": self.destination.id,
                "state": "withdrawn",
                "date": self._today() - timedelta(days=300),
            }
        )
        self._merge(self.source, self.destination)
        self.assertFalse(older.exists())
        self.assertEqual(newer.partner_id, self.destination)
        self.assertEqual(newer.state, "granted")
        self.assertTrue(newer.message_ids.filtered(lambda m: "withdrawn" in (m.body or "").lower()))

    # ------------------------------------------------------------------ evaluation snapshots
    def test_snapshots_of_a_month_both_have_keep_the_destinations_and_say_so(self):
        Score = self.env["dealer.customer.score"]
        month = self._today().replace(day=1) - relativedelta(months=3)
        mine = Score.create({"partner_id": self.destination.id, "month": month})
        theirs = Score.create({"partner_id": self.source.id, "month": month, "segment": "lost"})
        earlier = Score.create(
            {"partner_id": self.source.id, "month": month - relativedelta(months=1)}
        )
        self._merge(self.source, self.destination)
        self.assertEqual(mine.partner_id, self.destination)
        self.assertEqual(earlier.partner_id, self.destination, "other months follow")
        self.assertFalse(theirs.exists())
        self.assertTrue(
            self.destination.message_ids.filtered(
                lambda m: month.strftime("%Y-%m") in (m.body or "") and "Lost" in m.body
            ),
            "the replaced snapshot's figures are noted on the customer",
        )

    # ------------------------------------------------------------------ refusals and rights
    def test_a_merge_that_cannot_keep_a_record_refuses_and_changes_nothing(self):
        """A dealer table where the two contacts' rows clash (here a unique index made
        for the test, as a model added later could have) refuses the whole merge instead
        of letting core delete the source's row."""
        Promise = self.env["dealer.promise"]
        promises = Promise.create(
            [
                {"name": "Call back", "partner_id": p.id, "date_due": self._today()}
                for p in (self.source, self.destination)
            ]
        )
        self.env.flush_all()
        # on these two contacts only: other customers (the demo's) have several promises
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX test_merge_one_promise ON dealer_promise (partner_id) "
                "WHERE partner_id IN (%s, %s)",
                self.source.id,
                self.destination.id,
            )
        )
        card = self.program._dealer_card(self.source)
        card._dealer_move(300, "Service visit", "earn")
        with self.assertRaisesRegex(UserError, "Promise.*cannot be moved.*Nothing was merged"):
            self._merge(self.source, self.destination)
        self.assertTrue(self.source.exists())
        self.assertEqual(promises.exists(), promises)
        self.assertEqual(promises.mapped("partner_id"), self.source | self.destination)
        self.assertEqual(card.partner_id, self.source)
        self.assertEqual(card.points, 300)

    def test_merging_stays_within_the_callers_rights(self):
        self.program._dealer_card(self.source)._dealer_move(300, "Service visit", "earn")
        # the wizard is for contact managers, as in core
        with self.assertRaises(AccessError):
            self._merge(self.source, self.destination, user=self.user_plain)
        # a contact of another company the user cannot see is not merged into theirs
        other = self._create_company("Other Dealer")
        self.source.company_id = other
        with self.assertRaises(AccessError):
            self._merge(self.source, self.destination, user=self.user_sales)
        self.assertTrue(self.source.exists())
        # core's rule on emails stays: different addresses need an administrator
        self.source.company_id = False
        self.source.email = "someone.else@example.com"
        with self.assertRaisesRegex(UserError, "same email"):
            self._merge(self.source, self.destination, user=self.user_sales)
        # an email typed in another case is the same email (a manager: points are merged)
        self.source.email = "LEE.KAHO@EXAMPLE.COM"
        self._merge(self.source, self.destination, user=self.user_manager)
        self.assertFalse(self.source.exists())
        self.assertEqual(self.destination.dealer_loyalty_points, 300)

    # ------------------------------------------------------------------ finding duplicates
    def test_the_wizard_offers_the_dealer_criteria(self):
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.user_service)
        arch = Wizard.get_view(view_type="form")["arch"]
        for criterion in ("group_by_dealer_vin", "group_by_dealer_phone", "group_by_dealer_name"):
            self.assertIn(f'name="{criterion}"', arch)
        with self.assertRaisesRegex(UserError, "filter"):
            Wizard.create({}).action_start_manual_process()

    def test_duplicates_by_vin_of_a_vehicle_owned(self):
        second = self._create_company("Second Dealer")
        self._create_vehicle(vin="JTDKB20U793512345", owner_id=self.source.id)
        self._create_vehicle(
            vin="jtdkb20u793512345", owner_id=self.destination.id, company_id=second.id
        )
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self._create_vehicle(vin="1M8GDM9AXKP042788", owner_id=stranger.id)
        groups = self._assert_grouped(self.source | self.destination, group_by_dealer_vin=True)
        self.assertFalse(any(stranger.id in group for group in groups))

    def test_duplicates_by_phone_typed_two_ways(self):
        hong_kong = self.env.ref("base.hk")
        self.env.company.country_id = hong_kong
        Partner = self.env["res.partner"]
        typed_international = Partner.create({"name": "Ho Wing", "phone": "+852 9123 4567"})
        typed_local = Partner.create(
            {"name": "Wing Ho", "phone": "9123-4567", "country_id": hong_kong.id}
        )
        # no country on the contact: the company's country
        typed_local_company = Partner.create({"name": "W. Ho", "mobile": "9123 4567"})
        # the same number as the phone of a contact whose mobile is another
        with_mobile = Partner.create(
            {"name": "H. Wing", "mobile": "+852 5123 4567", "phone": "(852) 9123-4567"}
        )
        # the international prefix typed as 00, as vehicle search reads it
        typed_00 = Partner.create({"name": "Ho W.", "phone": "00852 9123 4567"})
        other = Partner.create({"name": "Other", "phone": "6123 4567"})
        groups = self._assert_grouped(
            typed_international | typed_local | typed_local_company | with_mobile | typed_00,
            group_by_dealer_phone=True,
        )
        self.assertFalse(any(other.id in group for group in groups))

    def test_duplicates_by_email_whatever_its_case(self):
        Partner = self.env["res.partner"]
        a = Partner.create({"name": "Mary", "email": "Mary.Wong@Example.com"})
        b = Partner.create({"name": "M. Wong", "email": " mary.wong@EXAMPLE.COM "})
        self._assert_grouped(a | b, group_by_email=True)
        # combined with a dealer criterion, every criterion must match
        b.phone = a.phone = "+852 9876 5432"
        self._assert_grouped(a | b, group_by_email=True, group_by_dealer_phone=True)

    def test_duplicates_by_similar_name(self):
        Partner = self.env["res.partner"]
        names = ["Chan Tai-Man", "  CHAN tai man ", "Tai Man Chan", "Chân Taï Man"]
        similar = Partner.create([{"name": name} for name in names])
        different = Partner.create({"name": "Chan Tai Ming"})
        groups = self._assert_grouped(similar, group_by_dealer_name=True)
        self.assertFalse(any(different.id in group for group in groups))
        accents = Partner.create([{"name": "José Álvarez"}, {"name": "jose alvarez"}])
        self._assert_grouped(accents, group_by_dealer_name=True)

    # ------------------------------------------------------------------ THE WALK
    def _partner_links(self):
        """Every stored many2one / many2many to res.partner of the models dealer_crm
        defines or extends (ir.model lists the modules of each model).

        Left out, with their reason:
        - fields that are not stored: they hold no row of their own (a computed,
          non-stored field shows what the stored ones hold);
        - transient models (wizards): their rows are scratch data, vacuumed by Odoo;
        - SQL views (``_auto = False``, the timeline, the analyses): they read the
          stored rows checked here and have no rows of their own.
        """
        models = [
            model.model
            for model in self.env["ir.model"].search([("transient", "=", False)])
            if "dealer_crm" in (model.modules or "").split(", ")
            and model.model in self.env
            and self.env[model.model]._auto
            and not self.env[model.model]._abstract
        ]
        return self.env["ir.model.fields"].search(
            [
                ("model", "in", models),
                ("relation", "=", "res.partner"),
                ("ttype", "in", ("many2one", "many2many")),
                ("store", "=", True),
            ]
        )

    def _rows(self, link, partner, ids=None):
        """Ids of the rows of ``link`` that reference ``partner`` (read in SQL)."""
        self.env.flush_all()
        Model = self.env[link.model]
        if link.ttype == "many2one":
            query = SQL(
                "SELECT id FROM %s WHERE %s = %s",
                SQL.identifier(Model._table),
                SQL.identifier(link.name),
                partner.id,
            )
        else:
            query = SQL(
                "SELECT %s FROM %s WHERE %s = %s",
                SQL.identifier(link.column1),
                SQL.identifier(link.relation_table),
                SQL.identifier(link.column2),
                partner.id,
            )
        if ids is not None:
            query = SQL("SELECT * FROM (%s) q(id) WHERE id = ANY(%s)", query, list(ids) or [0])
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    def _long_history(self, partner, other):
        """A customer with a row in every dealer model that links to a contact."""
        today = self._today()
        vehicle = self._create_vehicle(vin="JTDKB20U793512345", owner_id=partner.id)
        bought = self._create_vehicle(vin="1HGCM82633A004352", license_plate="XY 1")
        bought._transfer_owner(other, today - timedelta(days=30), "transfer")
        bought._transfer_owner(partner, today - timedelta(days=2), "transfer")
        visit = self.env["dealer.service.record"].create({"vehicle_id": vehicle.id, "amount": 300})
        visit.action_done()
        self.env["dealer.interaction"].create({"partner_id": partner.id, "subject": "Called"})
        self.env["dealer.promise"].create(
            {"name": "Call back", "partner_id": partner.id, "date_due": today}
        )
        self.env["dealer.customer.need"].create(
            {"partner_id": partner.id, "tag_id": self.env["dealer.need.tag"].search([], limit=1).id}
        )
        self.env["dealer.consent"].create(
            [
                {"partner_id": partner.id, "purpose": "marketing", "channel": "sms"},
                {"partner_id": other.id, "purpose": "marketing", "channel": "email"},
            ]
        )
        month = today.replace(day=1)
        self.env["dealer.customer.score"].create(
            [
                {"partner_id": partner.id, "month": month - relativedelta(months=2)},
                {"partner_id": other.id, "month": month - relativedelta(months=1)},
            ]
        )
        self.env["dealer.erasure.log"].create({"partner_id": partner.id, "reason": "request"})
        self.env["dealer.loyalty.action"].create(
            {"partner_id": partner.id, "kind": "thanks_letter"}
        )
        self.env["dealer.suggestion"].create({"name": "Longer hours", "partner_id": partner.id})
        self.env["dealer.winback"].create(
            {"partner_id": partner.id, "trigger": "lost", "reason": "No service for 26 months"}
        )
        partner.dealer_licence_number = "HK-1234567"
        self.env["dealer.test.drive"].create(
            {"partner_id": partner.id, "vehicle_id": bought.id, "start": datetime.now()}
        )
        for someone in (partner, other):
            self.program._dealer_card(someone)._dealer_move(100, "Visit", "earn")
        # a recall of the customer's vehicles, notified to them (issue 28)
        recall = self._create_recall_campaign("MERGE-1", models=vehicle.model_id)
        recall.action_match_models()
        recall.action_notify()
        product = self.env["product.product"].create({"name": "Oil", "list_price": 50})
        self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        self.env["crm.lead"].create({"name": "New car", "partner_id": partner.id})
        self.env["helpdesk.ticket"].create(
            {"name": "Noise", "description": "Rattle", "partner_id": partner.id}
        )
        survey = self.env["survey.survey"].create({"title": "After the visit"})
        question = self.env["survey.question"].create(
            {"survey_id": survey.id, "title": "How was it?", "question_type": "char_box"}
        )
        self.env["survey.user_input"].create(
            {
                "survey_id": survey.id,
                "partner_id": partner.id,
                "user_input_line_ids": [
                    Command.create(
                        {
                            "question_id": question.id,
                            "answer_type": "char_box",
                            "value_char_box": "Fine",
                        }
                    )
                ],
            }
        )
        event = self.env["event.event"].create(
            {
                "name": "Owners' club",
                "date_begin": datetime.now() + timedelta(days=3),
                "date_end": datetime.now() + timedelta(days=4),
                "organizer_id": partner.id,
                "address_id": partner.id,
            }
        )
        self.env["event.registration"].create({"event_id": event.id, "partner_id": partner.id})
        self.env.ref("fleet.model_corolla_ts").vendors = [Command.link(partner.id)]
        self.env["res.partner"].create({"name": "Their driver", "parent_id": partner.id})

    def test_every_partner_link_survives_the_merge(self):
        """THE WALK: every row that references the source references the destination
        after the merge, with the same id; a dealer model linking to a contact and
        missing from the source's history fails this test until it is added."""
        source, destination = self.source, self.destination
        self._long_history(source, destination)
        links = self._partner_links()
        self.assertTrue(links)
        before = {}
        for link in links:
            rows = self._rows(link, source)
            if link.model == "res.partner":
                rows.discard(source.id)  # the merged contact itself goes, by design
            before[link] = rows
        own_models = {
            link.model for link in links if self.env[link.model]._original_module == "dealer_crm"
        }
        missing = sorted(
            model
            for model in own_models
            if not any(before[link] for link in links if link.model == model)
        )
        self.assertFalse(
            missing,
            f"dealer models linked to a contact with no row for the merged contact: {missing}; "
            "give the source a row in _long_history so the merge is checked for them",
        )

        self._merge(source, destination)

        self.assertFalse(source.exists())
        for link, rows in before.items():
            kept = self._rows(link, destination, rows)
            self.assertEqual(
                kept,
                rows,
                f"{link.model}.{link.name}: rows {sorted(rows - kept)} of the merged contact "
                "lost or not moved to the destination",
            )
