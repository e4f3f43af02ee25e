# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Answer = cls.env["survey.user_input"]
        cls.survey = cls.env.ref("dealer_crm.survey_after_service")
        cls.question = cls.env.ref("dealer_crm.survey_after_service_q_score")
        cls.vehicle = cls._create_vehicle(owner_id=cls.customer.id)

    def _consent(self, partner=None):
        return self.env["dealer.consent"].create(
            {
                "partner_id": (partner or self.customer).id,
                "purpose": "survey",
                "channel": "email",
                "state": "granted",
            }
        )

    def _visit(self):
        return self._create_visit(self.vehicle, None, self.user_service, amount=300, state="done")

    def _answers(self, **domain):
        return self.Answer.search(
            [("partner_id", "=", self.customer.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def _answer(self, answer, value):
        answer.write(
            {
                "user_input_line_ids": [
                    Command.create(
                        {
                            "survey_id": answer.survey_id.id,
                            "question_id": self.question.id,
                            "answer_type": "scale",
                            "value_scale": value,
                        }
                    )
                ]
            }
        )
        answer._mark_done()

    def test_no_survey_without_consent(self):
        visit = self._visit()
        self.assertFalse(self._answers())
        self.assertIn("not sent", visit.message_ids[:1].body)

    def test_survey_after_a_visit_is_linked_to_the_visit_and_the_advisor(self):
        self._consent()
        visit = self._visit()
        answer = self._answers(dealer_survey_occasion="service")
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.survey_id, self.survey)
        self.assertEqual(answer.dealer_service_record_id, visit)
        self.assertEqual(answer.dealer_staff_id, self.user_service)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        self.assertTrue(mail.filtered(lambda m: answer.access_token in (m.body_html or "")))

    def test_a_withdrawn_consent_stops_the_survey(self):
        self._consent().action_withdraw()
        self._visit()
        self.assertFalse(self._answers())

    def test_survey_after_a_vehicle_sale_is_linked_to_the_order_and_the_seller(self):
        self._consent()
        product = self.env["product.product"].create({"name": "Sedan", "list_price": 30000})
        order = self._create_order(self.customer, product, user_id=self.user_sales.id)
        self.env["dealer.vehicle"].with_context(dealer_ownership_origin="sale").create(
            {
                "vin": "WVWZZZ1KZAW123456",
                "license_plate": "NEW 1",
                "model_id": self.env.ref("fleet.model_corolla_ts").id,
                "owner_id": self.customer.id,
                "sale_order_id": order.id,
            }
        )
        answer = self._answers(dealer_survey_occasion="sale")
        self.assertEqual(answer.survey_id, self.env.ref("dealer_crm.survey_after_sale"))
        self.assertEqual(answer.dealer_sale_order_id, order)
        self.assertEqual(answer.dealer_staff_id, self.user_sales)

    def test_the_answer_reaches_the_evaluation(self):
        self._consent()
        self._visit()
        self._answer(self._answers(), 5)
        self.assertEqual(self._answers().dealer_score, 5.0)
        self.customer.action_dealer_evaluate()
        self.assertEqual(self.customer.dealer_satisfaction_avg, 5.0)

    def test_a_low_score_opens_a_follow_up_for_customer_relations(self):
        self._consent()
        self._visit()
        answer = self._answers()
        self._answer(answer, 1)
        self.assertEqual(answer.dealer_score, 1.0)
        activity = self.customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("dealer_crm.mail_activity_type_satisfaction_check")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("dealer_crm.group_customer_relations"))
        self.assertIn("1.0/5", activity.summary)
        answer._dealer_low_score_followup()
        self.assertEqual(len(self.customer.activity_ids.filtered(lambda a: a.id == activity.id)), 1)
        self.assertEqual(
            len(
                self.customer.activity_ids.filtered(
                    lambda a: a.activity_type_id == activity.activity_type_id
                )
            ),
            1,
            "once",
        )

    def test_a_good_score_opens_nothing(self):
        self._consent()
        self._visit()
        self._answer(self._answers(), 4)
        self.assertFalse(
            self.customer.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("dealer_crm.mail_activity_type_satisfaction_check")
                )
            )
        )

    def test_satisfaction_is_reported_per_staff_member(self):
        self._consent()
        self._visit()
        self._visit()
        first, second = self._answers()
        self._answer(first, 5)
        self._answer(second, 3)
        groups = self.Answer.with_user(self.user_manager)._read_group(
            [
                ("dealer_survey_occasion", "!=", False),
                ("state", "=", "done"),
                ("partner_id", "=", self.customer.id),
            ],
            ["dealer_staff_id"],
            ["dealer_score:avg"],
        )
        self.assertEqual(groups, [(self.user_service, 4.0)])

    def test_departments_do_not_read_raw_answers(self):
        self._consent()
        self._visit()
        for user in (self.user_sales, self.user_service, self.user_relations):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._answers().with_user(user).read(["dealer_score"])

    def test_anonymising_the_customer_erases_their_words_and_keeps_the_score(self):
        self._consent()
        self._visit()
        answer = self._answers()
        comment = self.env.ref("dealer_crm.survey_after_service_q_comment")
        answer.write(
            {
                "user_input_line_ids": [
                    Command.create(
                        {
                            "survey_id": answer.survey_id.id,
                            "question_id": comment.id,
                            "answer_type": "text_box",
                            "value_text_box": "Chan Tai Man says the advisor was rude",
                        }
                    )
                ]
            }
        )
        self._answer(answer, 2)
        self.env["dealer.personal.data"]._anonymize(self.customer)
        self.assertFalse(answer.email)
        self.assertFalse(answer.nickname)
        self.assertFalse(answer.user_input_line_ids.filtered("value_text_box"))
        self.assertEqual(answer.dealer_score, 2.0, "the figure stays for the reports")
