# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An erasure finds the customer's name anywhere through indexes (issue 26): the mail
tables are searched by trigram index, not scanned, and still find every mention."""

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.dealer_erasure import FREE_TEXT, free_text_index
from .common import DealerCrmCase

NAME, EMAIL, PHONE = "Chan Tai Man", "chan@example.com", "+852 9123 4567"


@tagged("post_install", "-at_install")
class TestErasureScale(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create(
            {"name": "Wong Other", "email": "other@example.com", "phone": "+852 9999 0000"}
        )

    def _erase(self):
        self.env["dealer.personal.data"]._anonymize(self.customer)
        self.env.flush_all()

    def test_message_naming_them_on_another_record_is_scrubbed_and_kept(self):
        mention = self.other.message_post(
            body=f"Referred by {NAME}, call {PHONE}", subject=f"Referral from {NAME}"
        )
        unrelated = self.other.message_post(body="Prefers mornings")
        self._erase()
        self.assertTrue(mention.exists(), "a message about someone else stays")
        for text in (str(mention.body), mention.subject):
            self.assertIn("[anonymised]", text)
            self.assertNotIn(NAME, text)
        self.assertNotIn(PHONE, str(mention.body))
        self.assertEqual(str(unrelated.body), "<p>Prefers mornings</p>")

    def test_message_they_wrote_on_another_record_loses_author_and_body(self):
        message = self.other.message_post(
            body="I will bring the car back", author_id=self.customer.id
        )
        self._erase()
        self.assertFalse(message.author_id)
        self.assertFalse(message.email_from)
        self.assertNotIn("bring the car", str(message.body or ""))

    def test_tracked_change_naming_them_on_another_record_is_scrubbed(self):
        message = self.other.message_post(body="Contact changed")
        tracking = (
            self.env["mail.tracking.value"]
            .sudo()
            .create(
                {
                    "mail_message_id": message.id,
                    "field_id": self.env["ir.model.fields"]._get("res.partner", "name").id,
                    "old_value_char": f"{NAME} (via {EMAIL})",
                    "new_value_char": "Wong Other",
                }
            )
        )
        self._erase()
        self.assertEqual(tracking.old_value_char, "[anonymised] (via [anonymised])")
        self.assertEqual(tracking.new_value_char, "Wong Other")

    def test_outgoing_mail_to_their_address_is_dropped_whatever_its_form(self):
        Mail = self.env["mail.mail"].sudo()
        to_them = Mail.create({"email_to": f'"{NAME}" <{EMAIL.upper()}>', "subject": "Offer"})
        to_other = Mail.create({"email_to": "other@example.com", "subject": "Offer"})
        self._erase()
        self.assertFalse(to_them.exists())
        self.assertTrue(to_other.exists())

    def test_file_named_after_them_on_another_record_is_renamed(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{NAME} referral.pdf",
                "raw": b"x",
                "res_model": "res.partner",
                "res_id": self.other.id,
            }
        )
        self._erase()
        self.assertEqual(attachment.name, "[anonymised] referral.pdf")

    def test_free_text_searches_fit_their_trigram_index(self):
        """Each search is answered from its index, never by reading the whole table."""
        if not self.env.registry.has_trigram:
            self.skipTest("pg_trgm is not installed in this database")
        Erasure = self.env["dealer.erasure"]
        self.env.cr.execute(SQL("SET enable_seqscan = off"))
        self.addCleanup(self.env.cr.execute, SQL("RESET enable_seqscan"))
        for table in FREE_TEXT:
            index = free_text_index(table)[0]
            self.env.cr.execute(
                SQL("EXPLAIN %s", Erasure._naming_query(table, {NAME, EMAIL, "100%_sure"}))
            )
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
            self.assertIn(index, plan, plan)
            self.assertNotIn("Seq Scan", plan, plan)

    def test_free_text_search_is_one_query_however_many_secrets(self):
        mentions = self.env["mail.message"].browse(
            self.other.message_post(body=f"{NAME} called on day {day}").id for day in range(3)
        )
        Erasure = self.env["dealer.erasure"]
        self.env.flush_all()
        with self.assertQueryCount(1):
            ids = Erasure._naming("mail_message", {NAME, EMAIL, PHONE, "+852 6111 2222"})
        self.assertLessEqual(set(mentions.ids), set(ids))
