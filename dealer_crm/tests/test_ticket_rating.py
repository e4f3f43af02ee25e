# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer ratings on OCA helpdesk_mgmt_rating (issue 31): a ticket resolved asks its
customer for a rating through the consent gate, and the rating is the ticket's
satisfaction, which the evaluation and the satisfaction analysis read."""

from markupsafe import Markup

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DealerCrmCase, DealerFactories, load_migration


class TicketRatingMixin:
    """Shared by the transaction and the browser cases: a consent, a complaint ready to
    close, and its closing."""

    @classmethod
    def _rating_setup(cls):
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.template = cls.env.ref("helpdesk_mgmt_rating.rating_ticket_email_template")

    def _survey_consent(self, partner, state="granted"):
        return self.env["dealer.consent"].create(
            {"partner_id": partner.id, "purpose": "survey", "channel": "email", "state": state}
        )

    def _complaint(self, partner, **vals):
        """A complaint of ``partner``, answered and with a resolution: ready to close."""
        return self.Ticket.create(
            {
                "name": "Door rattles",
                "description": "x",
                "partner_id": partner.id,
                "dealer_feedback_kind": "complaint",
                "dealer_contact_date": fields.Datetime.now(),
                "dealer_resolution": Markup("<p>Door seal replaced.</p>"),
                **vals,
            }
        )

    def _close(self, ticket, stage=None):
        """Move ``ticket`` to ``stage`` (the resolved one by default): its customer's
        ratings after."""
        ticket.write({"stage_id": (stage or self.stage_done).id})
        return self._requests(ticket)[0]

    def _requests(self, ticket):
        """The rating requests ``ticket`` sent: its customer's ratings, and the messages
        to them that carry the rating link."""
        ratings = ticket.sudo().rating_ids.filtered(lambda r: not r.is_internal)
        messages = ticket.message_ids.filtered(
            lambda m: ticket.partner_id in m.partner_ids and "/rate/" in (m.body or "")
        )
        return ratings, messages


@tagged("post_install", "-at_install")
class TestTicketRating(TicketRatingMixin, DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rating_setup()

    def _apply_as_the_route(self, ticket, rate):
        """Rate ``ticket`` as the public route /rate/<token>/<rate> does with the link of
        the rating email: the rating found by its token in sudo, applied on the ticket in
        sudo."""
        token = self._requests(ticket)[0].access_token
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        ticket.sudo().rating_apply(rate, rating=rating, feedback="Customer rated.")
        return rating

    # Asking ------------------------------------------------------------------------
    def test_the_resolved_stage_carries_the_rating_template(self):
        self.assertEqual(self.stage_done.rating_mail_template_id, self.template)
        for xmlid in ("cancelled", "rejected"):
            stage = self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}")
            self.assertFalse(stage.rating_mail_template_id, xmlid)

    def test_the_upgrade_gives_the_resolved_stage_the_template_unless_the_dealer_chose(self):
        migration = load_migration("18.0.1.9.0", "post", "rating")
        self.stage_done.rating_mail_template_id = False
        migration.migrate(self.env.cr, "18.0.1.8.0")
        self.assertEqual(self.stage_done.rating_mail_template_id, self.template)
        own = self.template.copy({"name": "Our own rating email"})
        self.stage_done.rating_mail_template_id = own
        migration.migrate(self.env.cr, "18.0.1.8.0")
        self.assertEqual(self.stage_done.rating_mail_template_id, own)

    def test_a_resolved_ticket_asks_a_consenting_customer_for_a_rating(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.with_user(self.user_relations).write({"stage_id": self.stage_done.id})
        ratings, messages = self._requests(ticket)
        self.assertEqual(ratings.partner_id, self.customer)
        self.assertFalse(ratings.consumed)
        self.assertEqual(len(messages), 1)
        self.assertIn(ratings.access_token, messages.body)

    def test_no_consent_no_rating_request_and_the_gate_notes_it(self):
        ticket = self._complaint(self.customer)
        ticket.with_user(self.user_relations).write({"stage_id": self.stage_done.id})
        ratings, messages = self._requests(ticket)
        self.assertFalse(ratings)
        self.assertFalse(messages)
        note = ticket.message_ids.filtered(lambda m: "not sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Surveys not sent to Chan Tai Man by Email", note.body)

    def test_a_withdrawn_survey_consent_stops_the_rating_request(self):
        self._survey_consent(self.customer, state="withdrawn")
        # a consent for another purpose is no consent to be surveyed
        self.env["dealer.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        ticket = self._complaint(self.customer)
        self.assertFalse(self._close(ticket))

    def test_an_archived_customer_is_not_asked(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        self.customer.action_archive()
        self.assertFalse(self._close(ticket))
        self.assertIn("archived", ticket.message_ids[:1].body)

    def test_a_ticket_cancelled_or_rejected_asks_nothing(self):
        self._survey_consent(self.customer)
        for xmlid in ("cancelled", "rejected"):
            stage = self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}")
            ticket = self._complaint(self.customer)
            self.assertFalse(self._close(ticket, stage), xmlid)
            self.assertTrue(ticket.closed)

    def test_a_stage_with_the_template_that_does_not_close_asks_nothing(self):
        self._survey_consent(self.customer)
        self.stage_progress.rating_mail_template_id = self.template
        ticket = self._complaint(self.customer)
        self.assertFalse(self._close(ticket, self.stage_progress))

    def test_a_ticket_closed_again_does_not_ask_twice(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        ticket.write({"stage_id": self.stage_progress.id})
        ticket.write({"stage_id": self.stage_done.id})
        ratings, messages = self._requests(ticket)
        self.assertEqual(len(ratings), 1)
        self.assertEqual(len(messages), 1)
        # nor once the customer has answered
        self._apply_as_the_route(ticket, 5)
        ticket.write({"stage_id": self.stage_progress.id})
        ticket.write({"stage_id": self.stage_done.id})
        self.assertEqual(len(self._requests(ticket)[0]), 1)

    def test_an_imported_ticket_closed_asks_nothing(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.with_context(import_file=True).write({"stage_id": self.stage_done.id})
        self.assertFalse(self._requests(ticket)[0])
        # and a ticket imported straight into the resolved stage neither
        imported = self._complaint(self.customer, stage_id=self.stage_done.id)
        self.assertFalse(self._requests(imported)[0])

    def test_a_ticket_set_not_to_rate_asks_nothing(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer, rating_status="no_rate")
        self.assertFalse(self._close(ticket))

    # The rating is the satisfaction ---------------------------------------------------
    def test_the_rating_reaches_the_evaluation_and_the_satisfaction_report(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        rating = self._apply_as_the_route(ticket, 5)
        self.assertTrue(rating.consumed)
        self.assertEqual(ticket.dealer_satisfaction, "5")
        self.assertTrue(ticket.dealer_satisfaction_rated)
        self.customer.action_dealer_evaluate()
        self.assertEqual(self.customer.dealer_satisfaction_avg, 5.0)
        self.env.flush_all()
        [[score, count]] = self.env["dealer.satisfaction.report"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["score:avg", "__count"]
        )
        self.assertEqual((score, count), (5.0, 1))

    def test_each_smiley_is_its_score_and_a_low_one_opens_the_follow_up(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        self._apply_as_the_route(ticket, 3)
        self.assertEqual(ticket.dealer_satisfaction, "3")
        # the customer changes their mind on the feedback page: their rating, replaced
        self._apply_as_the_route(ticket, 1)
        self.assertEqual(ticket.dealer_satisfaction, "1")
        self.assertTrue(ticket.dealer_low_satisfaction_followup)
        self.assertTrue(ticket.activity_ids.filtered(lambda a: "Low satisfaction" in a.summary))

    def test_a_satisfaction_staff_recorded_from_a_call_is_kept(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.with_user(self.user_relations).write(
            {"stage_id": self.stage_done.id, "dealer_satisfaction": "4"}
        )
        self._apply_as_the_route(ticket, 1)
        self.assertEqual(ticket.dealer_satisfaction, "4")
        self.assertFalse(ticket.dealer_satisfaction_rated)
        self.assertIn("is kept", ticket.message_ids[:1].body)

    # Nobody sets it but the customer's rating ---------------------------------------------
    def test_a_customer_rating_is_not_changed_by_hand(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        self._apply_as_the_route(ticket, 1)
        for user in (self.user_relations, self.user_manager):
            with self.assertRaises(UserError):
                ticket.with_user(user).write({"dealer_satisfaction": "5"})
            with self.assertRaises(UserError):
                ticket.with_user(user).write({"dealer_satisfaction": False})
        self.assertEqual(ticket.dealer_satisfaction, "1")

    def test_the_rated_flag_is_evidence(self):
        ticket = self._complaint(self.customer)
        for user in (self.user_relations, self.user_manager):
            with self.assertRaises(AccessError):
                ticket.with_user(user).write(
                    {"dealer_satisfaction": "5", "dealer_satisfaction_rated": True}
                )
            with self.assertRaises(AccessError):
                self._complaint(self.customer).with_user(user).copy(
                    {"dealer_satisfaction_rated": True}
                )
        self.assertFalse(ticket.dealer_satisfaction_rated)

    def test_a_rating_applied_over_rpc_sets_no_satisfaction(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        token = ticket.sudo()._rating_get_access_token()
        # staff cannot look a rating up by its link's token
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_relations).rating_apply(5, token=token)
        # given the rating: Odoo records it, not a satisfaction
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        ticket.with_user(self.user_relations).rating_apply(5, rating=rating.with_env(self.env))
        self.assertFalse(ticket.dealer_satisfaction)
        # nor may anyone but a manager change the rating once answered
        self.env.invalidate_all()
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        for user in (self.user_plain, self.user_relations, self.user_service):
            with self.assertRaises(AccessError):
                rating.with_user(user).write({"rating": 1})
        self.assertEqual(rating.rating, 5)
        self.assertFalse(ticket.dealer_satisfaction)
        # a portal user (the customer) neither, but through the link
        portal = self._create_user("t_portal_rating", "base.group_portal")
        with self.assertRaises(AccessError):
            ticket.with_user(portal).rating_apply(5, token=token)
        with self.assertRaises(AccessError):
            ticket.with_user(portal).write({"dealer_satisfaction": "5"})
        self.assertFalse(ticket.dealer_satisfaction)

    # Only the rating the request made counts (review F2) -----------------------------
    def test_staff_cannot_make_or_read_the_rating_of_a_ticket(self):
        ticket = self._complaint(self.customer)
        ticket_model = self.env["ir.model"]._get_id("helpdesk.ticket")
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_plain):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["rating.rating"].with_user(user).create(
                    {
                        "res_model_id": ticket_model,
                        "res_id": ticket.id,
                        "partner_id": self.customer.id,
                        "access_token": "forgedtoken0002",
                    }
                )
        self._survey_consent(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        rating = self._requests(ticket)[0]
        self.assertTrue(rating.dealer_requested)
        for user in (self.user_sales, self.user_service, self.user_relations):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["rating.rating"].with_user(user).search_read(
                    [("res_id", "=", ticket.id)], ["access_token"]
                )
            with self.assertRaises(AccessError, msg=user.login):
                rating.with_user(user).write({"partner_id": self.user_manager.partner_id.id})
        # nor moves another rating onto a ticket
        other = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "partner_id": self.customer.id,
            }
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_relations).write(
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": ticket.id,
                }
            )
        # nobody marks a rating as requested, a manager neither
        for user in (self.user_relations, self.user_manager):
            with self.assertRaises(AccessError, msg=user.login):
                rating.with_user(user).write({"dealer_requested": True})

    def test_a_rating_the_request_did_not_make_sets_no_satisfaction(self):
        ticket = self._complaint(self.customer)
        forged = (
            self.env["rating.rating"]
            .with_user(self.user_manager)
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": ticket.id,
                    "partner_id": self.customer.id,
                }
            )
        )
        self.assertFalse(forged.sudo().dealer_requested)
        ticket.sudo().rating_apply(1, rating=forged.sudo())
        self.assertTrue(forged.sudo().consumed)
        self.assertFalse(ticket.dealer_satisfaction)
        self.assertFalse(ticket.dealer_satisfaction_rated)
        self.assertFalse(ticket.dealer_low_satisfaction_followup)

    def test_the_upgrade_marks_the_ratings_a_rating_email_asked_for(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        asked = self._close(ticket)
        forged = (
            self.env["rating.rating"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": ticket.id,
                    "partner_id": self.customer.id,
                }
            )
        )
        (asked | forged).write({"dealer_requested": False})
        self.env.flush_all()
        load_migration("18.0.1.9.0", "post", "fixrating").migrate(self.env.cr, "18.0.1.8.0")
        self.env.invalidate_all()
        self.assertTrue(asked.dealer_requested)
        self.assertFalse(forged.dealer_requested)

    # The consent on every ticket (review F3) ---------------------------------------------
    def _question(self, partner):
        """A ticket of ``partner`` with no feedback kind, as sales and service raise."""
        return self.Ticket.create(
            {"name": "Brake check question", "description": "x", "partner_id": partner.id}
        )

    def test_a_ticket_without_a_kind_does_not_ask_who_withdrew_consent(self):
        self._survey_consent(self.customer, state="withdrawn")
        ticket = self._question(self.customer)
        ticket.with_user(self.user_relations).write({"stage_id": self.stage_done.id})
        ratings, messages = self._requests(ticket)
        self.assertFalse(ratings)
        self.assertFalse(messages)
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )
        note = ticket.message_ids.filtered(lambda m: "not sent" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Surveys not sent to Chan Tai Man by Email", note.body)

    def test_a_ticket_without_a_kind_does_not_ask_a_blacklisted_or_archived_customer(self):
        self.env["mail.blacklist"].sudo()._add(self.customer.email)
        self.assertFalse(self._close(self._question(self.customer)))
        other = self.env["res.partner"].create({"name": "Lee Ka Yan", "email": "lee@example.com"})
        ticket = self._question(other)
        other.action_archive()
        self.assertFalse(self._close(ticket))
        self.assertIn("archived", ticket.message_ids[:1].body)

    def test_a_ticket_without_a_kind_still_asks_a_customer_never_asked(self):
        """helpdesk_mgmt_rating's own rule for other tickets (its test_ticket_stage_done):
        only a feedback ticket needs the consent granted."""
        ticket = self._question(self.customer)
        ratings = self._close(ticket)
        self.assertEqual(ratings.partner_id, self.customer)
        self.assertTrue(ratings.dealer_requested)
        # a feedback ticket of the same customer asks nothing
        self.assertFalse(self._close(self._complaint(self.customer)))


@tagged("post_install", "-at_install")
class TestTicketRatingRoute(TicketRatingMixin, DealerFactories, HttpCase):
    """The customer clicks a smiley in the rating email: the public route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rating_setup()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Wong Siu Ming", "email": "wong@example.com"}
        )

    def test_a_smiley_clicked_in_the_email_is_the_satisfaction_of_the_figures(self):
        self._survey_consent(self.customer)
        ticket = self._complaint(self.customer)
        ticket.write({"stage_id": self.stage_done.id})
        ratings, _messages = self._requests(ticket)
        response = self.url_open(f"/rate/{ratings.access_token}/5")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(ticket.dealer_satisfaction, "5")
        self.assertTrue(ticket.dealer_satisfaction_rated)
        self.customer.action_dealer_evaluate()
        self.assertEqual(self.customer.dealer_satisfaction_avg, 5.0)
        # a made-up token rates nothing
        response = self.url_open("/rate/not-a-token/1")
        self.assertEqual(response.status_code, 404)
        self.env.invalidate_all()
        self.assertEqual(ticket.dealer_satisfaction, "5")

    def test_a_forged_rating_answered_through_the_route_sets_no_satisfaction(self):
        """Review F2: a rating someone made with a token of their choice, answered
        anonymously through /rate, is not the customer's."""
        ticket = self._complaint(self.customer)
        self.env["rating.rating"].sudo().create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.customer.id,
                "access_token": "forgedtoken0002",
            }
        )
        response = self.url_open("/rate/forgedtoken0002/1")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertFalse(ticket.dealer_satisfaction)
        self.assertFalse(ticket.dealer_satisfaction_rated)
        self.assertFalse(ticket.activity_ids.filtered(lambda a: "Low satisfaction" in a.summary))
