# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DealerCrmCase

SECRETS = (
    "Siobhan Quirke",
    "siobhan.quirke@example.com",
    "+852 6123 9876",
    "17 Quarry Lane",
    "s.quirke@newmail.example",
)


@tagged("post_install", "-at_install")
class TestErasureScan(DealerCrmCase):
    def _full_history(self):
        name, email, phone, street, new_email = SECRETS
        customer = self.env["res.partner"].create(
            {"name": name, "email": email, "phone": phone, "street": street, "city": "Kowloon"}
        )
        child = self.env["res.partner"].create(
            {"name": f"{name} (work)", "email": f"w.{email}", "parent_id": customer.id}
        )
        archived = self.env["res.partner"].create(
            {
                "name": f"{name} old",
                "email": f"old.{email}",
                "parent_id": customer.id,
                "active": False,
            }
        )
        vehicle = self._create_vehicle(
            owner_id=customer.id, purchase_date=self._today() - timedelta(days=30)
        )
        buyer = self.env["res.partner"].create({"name": "Next Owner"})
        self.env["dealer.service.record"].create(
            {
                "vehicle_id": vehicle.id,
                "date": self._today() - timedelta(days=3),
                "odometer": 100,
                "work_done": f"<p>{name} asked for {street} pickup</p>",
                "customer_remarks": phone,
            }
        )
        vehicle._transfer_owner(buyer, self._today())
        self.env["dealer.interaction"].create(
            {
                "partner_id": customer.id,
                "channel": "phone",
                "subject": f"{name} called",
                "summary": f"<p>Call {phone}</p>",
            }
        )
        self.env["dealer.promise"].create(
            {
                "partner_id": customer.id,
                "name": f"Call {name} back",
                "date_due": self._today(),
                "note": email,
            }
        )
        self.env["crm.lead"].create(
            {
                "name": f"{name} wants an SUV",
                "partner_id": customer.id,
                "email_from": email,
                "phone": phone,
            }
        )
        self._buy_and_pay(customer, name)
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": f"{name} complains",
                "description": f"<p>{email}</p>",
                "partner_id": customer.id,
                "partner_email": email,
                "partner_name": name,
            }
        )
        # Their rating of the ticket, with a comment (helpdesk_mgmt_rating, review F5)
        token = ticket.sudo()._rating_get_access_token()
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        ticket.sudo().rating_apply(
            2, rating=rating, feedback=f"{name} here, call me on {phone} or {email}"
        )
        self.assertIn(name, rating.feedback)
        self.env["dealer.consent"].create(
            {
                "partner_id": customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
                "note": phone,
            }
        )
        customer.message_post(body=f"Note about {name}, {phone}", subject=f"About {name}")
        vehicle.message_post(body=f"{name} collected the car")
        self.env["ir.attachment"].create(
            {
                "name": f"{name} licence.pdf",
                "raw": b"x",
                "res_model": "res.partner",
                "res_id": customer.id,
            }
        )
        self.env["mail.blacklist"].create({"email": email})
        self.env["mail.mail"].create(
            {
                "email_to": email,
                "subject": f"Hello {name}",
                "body_html": f"<p>Dear {name}</p>",
                "recipient_ids": [fields.Command.link(customer.id)],
            }
        )
        self.env["sms.sms"].create(
            {"number": phone, "body": f"Hi {name}", "partner_id": customer.id}
        )
        self.env["dealer.suggestion"].create(
            {
                "name": f"{name} suggests evening slots",
                "partner_id": customer.id,
                "review_note": f"Asked {phone}",
            }
        )
        customer.write({"phone": "+852 6123 9876", "city": "Sha Tin"})
        promise = self.env["dealer.promise"].search([("partner_id", "=", customer.id)])
        # An earlier tracked change of the promise's title, as the chatter keeps it.
        message = promise.message_post(body="Title changed")
        self.env["mail.tracking.value"].create(
            {
                "mail_message_id": message.id,
                "field_id": self.env["ir.model.fields"]._get("dealer.promise", "name").id,
                "old_value_char": f"Call {name} back",
                "new_value_char": "Call back on Friday",
            }
        )
        # A change of their details, tracked as Odoo's accounting audit trail keeps it
        # for a customer (a customer rank and no company on the contact).
        self.env.cr.precommit.run()
        customer.with_context(tracking_disable=False, mail_notrack=False).write(
            {"email": new_email}
        )
        self.env.cr.precommit.run()
        tracked = customer.message_ids.sudo().tracking_value_ids
        self.assertEqual(tracked.mapped("old_value_char"), [email], "the change is tracked")
        return customer | child | archived

    def _buy_and_pay(self, customer, name):
        """A confirmed sale, its posted invoice and the payment: a customer who bought."""
        self.assertTrue(
            self.env["account.journal"].search_count([("type", "=", "sale")]),
            "the database has a chart of accounts to invoice with",
        )
        product = self.env["product.product"].create(
            {"name": "Wiper blades", "type": "consu", "list_price": 100, "invoice_policy": "order"}
        )
        order = self._create_order(customer, product, client_order_ref=name)
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertGreater(customer.customer_rank, 0)
        return order, invoice

    def _scan(self, secrets):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT table_name, column_name FROM information_schema.columns
                    WHERE table_schema = 'public'
                      AND data_type IN ('character varying', 'text', 'jsonb')"""
            )
        )
        views = set()
        self.env.cr.execute(
            SQL("SELECT table_name FROM information_schema.views WHERE table_schema='public'")
        )
        views = {row[0] for row in self.env.cr.fetchall()}
        hits = []
        self.env.cr.execute(
            SQL(
                """SELECT table_name, column_name FROM information_schema.columns
                    WHERE table_schema = 'public'
                      AND data_type IN ('character varying', 'text', 'jsonb')"""
            )
        )
        for table, column in self.env.cr.fetchall():
            if table in views:
                continue
            for secret in secrets:
                self.env.cr.execute(
                    SQL(
                        "SELECT count(*) FROM %s WHERE %s::text ILIKE %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        f"%{secret}%",
                    )
                )
                if self.env.cr.fetchone()[0]:
                    hits.append(f"{table}.{column}: {secret}")
        return hits

    def test_anonymisation_leaves_nothing_behind(self):
        self._erase_and_scan(audit_trail=False)

    def test_anonymisation_with_the_accounting_audit_trail_on(self):
        self._erase_and_scan(audit_trail=True)

    def _erase_and_scan(self, audit_trail):
        if audit_trail:
            self.env.company.check_account_audit_trail = True
        self.assertEqual(self.env.company.check_account_audit_trail, audit_trail)
        partners = self._full_history()
        customer = partners[0]
        invoice = self.env["account.move"].search([("partner_id", "=", customer.id)])
        total = invoice.amount_total
        audit_entries = customer.message_ids.filtered("account_audit_log_activated")
        self.assertTrue(audit_entries, "Odoo's accounting keeps this customer's audit trail")
        self.assertTrue(self._scan(SECRETS[:1]), "the scan sees the customer before erasure")
        wizard = (
            self.env["dealer.partner.anonymize"]
            .with_user(self.user_manager)
            .create({"partner_id": partners[0].id, "confirmation": SECRETS[0]})
        )
        wizard.action_anonymize()
        self.env.cr.precommit.run()  # tracking values are written at commit
        hits = self._scan(SECRETS)
        self.assertFalse(hits, "\n".join(hits))
        # What accounting law keeps is kept, without the personal data in it ...
        self.assertTrue(audit_entries.exists() == audit_entries, "the audit trail is kept")
        change = audit_entries.sudo().tracking_value_ids.filtered(
            lambda tracking: tracking.field_id.name == "email"
        )
        self.assertEqual(change.old_value_char, "[anonymised]")
        self.assertEqual(change.mail_message_id.author_id, self.env.user.partner_id)
        self.assertEqual(invoice.amount_total, total)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_partner_display_name, customer.name)
        self.assertTrue(customer.dealer_anonymized)
        # ... and the erasure log says what was kept and why.
        log = self.env["dealer.erasure.log"].search([("partner_id", "=", customer.id)])
        self.assertEqual(log.state, "done")
        self.assertIn("audit trail", log.kept_note)
        self.assertIn("accounting law", log.kept_note)
        self.assertIn("1 invoices", log.kept_note)

    # Survey answers of every kind (review F4) ---------------------------------
    def _answered_survey(self, customer):
        """A scored survey the customer answered with a number, a date, a choice, a
        comment and their own words."""
        name, email, phone, street, _new_email = SECRETS
        survey = self.env["survey.survey"].create(
            {"title": "After the visit", "scoring_type": "scoring_without_answers"}
        )

        def question(title, question_type, **vals):
            return self.env["survey.question"].create(
                {"survey_id": survey.id, "title": title, "question_type": question_type, **vals}
            )

        mileage = question(
            "Mileage?",
            "numerical_box",
            is_scored_question=True,
            answer_numerical_box=7,
            answer_score=2,
        )
        visit = question(
            "When?", "date", is_scored_question=True, answer_date="2026-01-05", answer_score=3
        )
        choice = question(
            "Advisor?",
            "simple_choice",
            comments_allowed=True,
            comment_count_as_answer=False,
            suggested_answer_ids=[
                Command.create({"value": "Kind", "is_correct": True, "answer_score": 5}),
                Command.create({"value": "Rude", "answer_score": 0}),
            ],
        )
        words = question("Anything else?", "text_box")
        handle = question("Your name?", "char_box")
        kind = choice.suggested_answer_ids[0]
        answer = self.env["survey.user_input"].create(
            {
                "survey_id": survey.id,
                "partner_id": customer.id,
                "user_input_line_ids": [
                    Command.create(vals)
                    for vals in (
                        {
                            "question_id": mileage.id,
                            "answer_type": "numerical_box",
                            "value_numerical_box": 7,
                        },
                        {
                            "question_id": visit.id,
                            "answer_type": "date",
                            "value_date": "2026-01-05",
                        },
                        {
                            "question_id": choice.id,
                            "answer_type": "suggestion",
                            "suggested_answer_id": kind.id,
                        },
                        {
                            "question_id": choice.id,
                            "answer_type": "char_box",
                            "value_char_box": f"Ask for {name}",
                        },
                        {
                            "question_id": words.id,
                            "answer_type": "text_box",
                            "value_text_box": f"Call {phone} or write to {email}, {street}",
                        },
                        {
                            "question_id": handle.id,
                            "answer_type": "char_box",
                            "value_char_box": name,
                        },
                    )
                ],
            }
        )
        return answer

    def test_survey_answers_of_every_kind_are_erased(self):
        name, email, phone, street, _new_email = SECRETS
        customer = self.env["res.partner"].create(
            {"name": name, "email": email, "phone": phone, "street": street}
        )
        answer = self._answered_survey(customer)
        lines = answer.user_input_line_ids
        scores = {line.id: line.answer_score for line in lines}
        self.assertEqual(sorted(scores.values()), [0, 0, 0, 2, 3, 5], "the answers are scored")
        self.assertTrue(self._scan(SECRETS[:4]), "the scan sees the answers before erasure")
        self.env["dealer.personal.data"].with_user(self.user_manager)._anonymize(customer)
        hits = self._scan(SECRETS[:4])
        self.assertFalse(hits, "\n".join(hits))
        self.assertTrue(customer.dealer_anonymized)
        # The figures stay: the number, the date, the choice and every line's score.
        by_type = {line.answer_type: line for line in lines}
        self.assertEqual(by_type["numerical_box"].value_numerical_box, 7)
        self.assertEqual(str(by_type["date"].value_date), "2026-01-05")
        self.assertEqual(by_type["suggestion"].suggested_answer_id.value, "Kind")
        self.assertEqual({line.id: line.answer_score for line in lines}, scores)
        self.assertFalse(lines.filtered("value_char_box") | lines.filtered("value_text_box"))

    def test_retention_erases_a_customer_with_survey_answers(self):
        customer = self.env["res.partner"].create({"name": SECRETS[0], "email": SECRETS[1]})
        answer = self._answered_survey(customer)
        when = fields.Datetime.now() - timedelta(days=365 * 6 + 10)
        order = self.env["sale.order"].create({"partner_id": customer.id, "date_order": when})
        self.env.flush_all()
        for records in (customer, order, answer, answer.user_input_line_ids):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET create_date = %s, write_date = %s WHERE id IN %s",
                    SQL.identifier(records._table),
                    when,
                    when,
                    tuple(records.ids),
                )
            )
        self.env.invalidate_all()
        self.env["ir.config_parameter"].sudo().set_param("dealer_crm.retention_years", 5)
        self.env["dealer.personal.data"]._cron_retention()
        log = self.env["dealer.erasure.log"].search([("partner_id", "=", customer.id)])
        self.assertEqual(log.mapped("state"), ["done"], log.error)
        self.assertTrue(customer.dealer_anonymized)
        self.assertFalse(customer.dealer_erasure_failed)

    def test_the_upgrade_retries_customers_failed_by_a_survey_answer(self):
        """migrations/18.0.1.9.0/post-fixerase.py"""
        survey_failed, other_failed = self.env["res.partner"].create(
            [{"name": "Failed By Survey"}, {"name": "Failed Otherwise"}]
        )
        errors = {
            survey_failed: "float() argument must be a string or a real number, not 'NoneType'",
            other_failed: "could not serialize access due to concurrent update",
        }
        for partner, error in errors.items():
            self.env["dealer.erasure.log"].create(
                {"partner_id": partner.id, "reason": "retention", "state": "failed", "error": error}
            )
        (survey_failed | other_failed).dealer_erasure_failed = True
        self.env.flush_all()
        path = Path(__file__).parent.parent / "migrations/18.0.1.9.0/post-fixerase.py"
        spec = importlib.util.spec_from_file_location("dealer_crm_post_fixerase", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.8.0")
        self.env.invalidate_all()
        self.assertFalse(survey_failed.dealer_erasure_failed, "retried by the next run")
        self.assertTrue(other_failed.dealer_erasure_failed, "another failure stays flagged")
