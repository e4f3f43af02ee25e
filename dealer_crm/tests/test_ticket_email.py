# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import email_normalize

from .common import DealerCrmCase

EMAIL = """Return-Path: <{email}>
To: {to}
Message-ID: {msg_id}
{reply_headers}Date: Tue, 29 Nov 2026 12:43:21 +0000
From: {sender}
MIME-Version: 1.0
Subject: {subject}
Content-Type: text/plain; charset=UTF-8

{body}
"""


@tagged("post_install", "-at_install")
class TestTicketFromUnknownSender(DealerCrmCase):
    """Issue 23, case 2: a complaint by email from an address with no contact record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Email complaints"})
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.Partner = cls.env["res.partner"].with_context(active_test=False)

    def _receive(self, sender, subject, body, msg_id, reply_to=None):
        """Feed a raw email to Odoo's mail gateway, as the incoming mail server does."""
        reply_headers = f"In-Reply-To: {reply_to}\nReferences: {reply_to}\n" if reply_to else ""
        message = EMAIL.format(
            email=sender.split("<")[-1].strip(">"),
            to="complaints@dealer.example.com",
            msg_id=msg_id,
            reply_headers=reply_headers,
            sender=sender,
            subject=subject,
            body=body,
        )
        return (
            self.env["mail.thread"]
            .with_context(fetchmail_cron_running=True)
            .message_process(
                "helpdesk.ticket",
                message,
                custom_values={"team_id": self.team.id, "dealer_feedback_kind": "complaint"},
            )
        )

    def _new_complaint(self, sender='"Jane Doe" <jane@example.com>'):
        ticket_id = self._receive(sender, "Scratched door", "Scratch on delivery", "<c1@mail>")
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def _close(self, ticket):
        ticket.write(
            {
                "dealer_contact_date": "2026-11-20 10:00:00",
                "dealer_resolution": "<p>Door repainted</p>",
                "stage_id": self.stage_done.id,
            }
        )
        self.assertTrue(ticket.closed)

    def test_unknown_sender_becomes_the_contact(self):
        self.assertFalse(self.Partner.search([("email_normalized", "=", "jane@example.com")]))
        ticket = self._new_complaint()
        jane = ticket.partner_id
        self.assertTrue(jane, "the sender is recorded as the ticket's contact")
        self.assertEqual(jane.name, "Jane Doe")
        self.assertEqual(jane.email_normalized, "jane@example.com")
        self.assertEqual(email_normalize(ticket.partner_email), "jane@example.com")
        self.assertEqual(ticket.partner_name, "Jane Doe")
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(first.author_id, jane, "the email is posted by its sender")

    def test_reply_from_the_unknown_sender_reopens_the_closed_ticket(self):
        ticket = self._new_complaint()
        self._close(ticket)
        self._receive(
            "Jane Doe <jane@example.com>",
            "Re: Scratched door",
            "It is back",
            "<r1@mail>",
            reply_to="<c1@mail>",
        )
        self.assertFalse(ticket.closed, "the reply reopens the ticket")
        self.assertEqual(
            len(self.Partner.search([("email_normalized", "=", "jane@example.com")])),
            1,
            "one contact for one address",
        )

    def test_reply_in_another_case_is_the_same_sender(self):
        ticket = self._new_complaint()
        self._close(ticket)
        self._receive(
            "JANE DOE <Jane@Example.COM>",
            "Re: Scratched door",
            "Still there",
            "<r2@mail>",
            reply_to="<c1@mail>",
        )
        self.assertFalse(ticket.closed)
        reply = ticket.message_ids.filtered(lambda m: "Still there" in str(m.body))
        self.assertEqual(reply.author_id, ticket.partner_id)
        self.assertEqual(
            len(self.Partner.search([("email_normalized", "=", "jane@example.com")])), 1
        )

    def test_a_known_address_in_another_case_is_not_duplicated(self):
        ticket = self._new_complaint(sender="Chan Tai Man <CHAN@Example.com>")
        self.assertEqual(ticket.partner_id, self.customer)

    def test_a_duplicate_contact_with_the_same_address_still_reopens(self):
        ticket = self._new_complaint(sender="Chan Tai Man <chan@example.com>")
        self._close(ticket)
        # an older duplicate of the customer, with the address typed in capitals
        twin = self.Partner.create({"name": "C. T. Man", "email": "Chan@EXAMPLE.com"})
        self.assertTrue(self.env["dealer.ticket.mail"]._dealer_is_customer(ticket, twin))

    def test_reply_from_a_stranger_does_not_reopen(self):
        ticket = self._new_complaint()
        self._close(ticket)
        self._receive(
            "Mallory <mallory@example.net>",
            "Re: Scratched door",
            "Reopen!",
            "<r3@mail>",
            reply_to="<c1@mail>",
        )
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.partner_id.email_normalized, "jane@example.com")

    def test_ticket_from_before_keeps_its_sender_on_reply(self):
        """A ticket that came by email before senders were recorded has no contact: a
        reply from its address records the contact and reopens it."""
        ticket = self._new_complaint()
        jane = ticket.partner_id
        ticket.write({"partner_id": False, "partner_email": False, "partner_name": False})
        jane.unlink()
        self._close(ticket)
        self._receive(
            "Jane <JANE@example.com>",
            "Re: Scratched door",
            "Hello again",
            "<r4@mail>",
            reply_to="<c1@mail>",
        )
        self.assertEqual(ticket.partner_id.email_normalized, "jane@example.com")
        self.assertFalse(ticket.closed)

    def test_a_team_can_keep_helpdesk_behaviour(self):
        self.team.dealer_record_senders = False
        ticket = self._new_complaint()
        self.assertFalse(ticket.partner_id)
        self.assertFalse(self.Partner.search([("email_normalized", "=", "jane@example.com")]))

    def test_the_setting_is_the_managers(self):
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.team.with_user(self.user_service).write({"dealer_record_senders": False})

    def test_rpc_caller_without_helpdesk_rights_creates_nothing(self):
        msg = {"email_from": "Eve <eve@example.com>", "subject": "x", "body": "x"}
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket"].with_user(self.user_plain).message_new(
                msg, {"team_id": self.team.id}
            )
        self.assertFalse(self.Partner.search([("email_normalized", "=", "eve@example.com")]))
