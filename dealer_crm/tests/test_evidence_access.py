# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 24: survey answers on their scale, who reads the staff rating, managers' own
settings, and the licence a consultant records at a test drive without reading it."""

import base64
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DealerCrmCase
from .ui_common import DealerHttpCase


@tagged("post_install", "-at_install")
class TestEvidenceAccess(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("dealer_crm.survey_after_service")
        cls.question = cls.env.ref("dealer_crm.survey_after_service_q_score")
        cls.portal = new_test_user(
            cls.env, login="t_ev_portal", groups="base.group_portal", partner_id=cls.customer.id
        )
        # an internal user of no department, who may export what they read
        cls.exporter = new_test_user(
            cls.env, login="t_ev_exporter", groups="base.group_user,base.group_allow_export"
        )
        cls.customer.sudo().write(
            {"dealer_staff_rating": "2", "dealer_staff_rating_reason": "Rude to the advisors"}
        )
        cls.demonstrator = cls._create_vehicle(vin="WVWZZZ1KZAW700031", license_plate="DEMO 31")

    # 8. A survey answer out of scale ---------------------------------------------
    def _survey_answer(self, **vals):
        return self.survey.sudo()._create_answer(
            partner=self.customer, check_attempts=False, dealer_survey_occasion="service", **vals
        )

    def _scale_line(self, answer, value):
        return self.env["survey.user_input.line"].create(
            {
                "user_input_id": answer.id,
                "survey_id": self.survey.id,
                "question_id": self.question.id,
                "answer_type": "scale",
                "value_scale": value,
            }
        )

    def test_a_survey_answer_off_its_scale_is_refused(self):
        answer = self._survey_answer()
        for value in (1000, 0, 6, -3):
            with self.subTest(value=value), self.assertRaises(ValidationError) as caught:
                self._scale_line(answer, value)
            self.assertIn("between 1 and 5", str(caught.exception))
        line = self._scale_line(answer, 4)
        with self.assertRaises(ValidationError):
            line.write({"value_scale": 1000})
        with self.assertRaises(ValidationError):
            answer.write({"user_input_line_ids": [Command.update(line.id, {"value_scale": 9})]})
        self.assertEqual(line.value_scale, 4)
        self.assertEqual(answer.dealer_score, 4.0)

    def test_a_numerical_answer_stays_in_the_questions_range(self):
        question = self.env["survey.question"].create(
            {
                "survey_id": self.survey.id,
                "title": "How many cars do you own?",
                "question_type": "numerical_box",
                "validation_required": True,
                "validation_min_float_value": 0,
                "validation_max_float_value": 20,
            }
        )
        answer = self._survey_answer()
        vals = {
            "user_input_id": answer.id,
            "survey_id": self.survey.id,
            "question_id": question.id,
            "answer_type": "numerical_box",
        }
        with self.assertRaises(ValidationError):
            self.env["survey.user_input.line"].create({**vals, "value_numerical_box": 1000})
        self.env["survey.user_input.line"].create({**vals, "value_numerical_box": 3})
        self.assertIn(question.id, question.validate_question("1000"))
        self.assertEqual(question.validate_question("3"), {})

    def test_the_survey_route_refuses_an_answer_off_the_scale(self):
        self.assertIn(self.question.id, self.question.validate_question("1000"))
        self.assertIn(self.question.id, self.question.validate_question("three"))
        self.assertEqual(self.question.validate_question("5"), {})

    def test_an_answer_off_scale_stored_before_the_check_scores_nothing(self):
        answer = self._survey_answer()
        line = self._scale_line(answer, 5)
        self.env.flush_all()
        # as a database from before this check could hold it
        self.env.cr.execute(
            "UPDATE survey_user_input_line SET value_scale = 1000 WHERE id = %s", [line.id]
        )
        self.env.invalidate_all()
        self.env.add_to_compute(answer._fields["dealer_score"], answer)
        answer.flush_recordset()
        self.assertEqual(line.value_scale, 1000)
        self.assertLessEqual(answer.dealer_score, 5)
        self.assertNotEqual(answer.dealer_score, 1000)

    def test_what_a_survey_answer_recorded_is_not_rewritten(self):
        answer = self._survey_answer(
            dealer_staff_id=self.user_service.id,
        )
        self._scale_line(answer, 4)
        # managers are survey users: they edit answers, not what the invitation recorded
        as_manager = answer.with_user(self.user_manager)
        for vals in (
            {"dealer_score": 5.0},
            {"dealer_survey_occasion": "sale"},
            {"dealer_staff_id": self.user_sales.id},
            {"dealer_followup_done": True},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_manager.with_context(dealer_workflow=True).write(vals)
        with self.assertRaises(AccessError):
            self.env["survey.user_input"].with_user(self.user_manager).create(
                {"survey_id": self.survey.id, "dealer_survey_occasion": "service"}
            )
        self.assertEqual(answer.dealer_score, 4.0)
        self.assertEqual(answer.dealer_staff_id, self.user_service)

    def test_only_who_may_fill_an_answer_opens_it(self):
        answer = self._survey_answer()
        for user in (self.user_sales, self.user_service, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                answer.with_user(user).action_dealer_open_answer()
        action = answer.with_user(self.user_manager).action_dealer_open_answer()
        self.assertIn(answer.access_token, action["url"])

    # 10. Who reads the staff rating -----------------------------------------------
    def test_the_customer_and_users_of_no_department_do_not_read_the_staff_rating(self):
        readers = (self.user_relations, self.user_manager)
        for user in (
            self.portal,
            self.user_plain,
            self.exporter,
            self.user_sales,
            self.user_service,
        ):
            customer = self.customer.with_user(user)
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                self.assertTrue(customer.read(["name"]))
                for field in ("dealer_staff_rating", "dealer_staff_rating_reason"):
                    with self.assertRaises(AccessError):
                        customer.read([field])
                    with self.assertRaises(AccessError):
                        customer.search([(field, "!=", False)])
                    self.assertNotIn(field, customer.fields_get())
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.exporter).export_data(["dealer_staff_rating_reason"])
        for user in readers:
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                customer = self.customer.with_user(user)
                self.assertEqual(
                    customer.read(["dealer_staff_rating_reason"])[0]["dealer_staff_rating_reason"],
                    "Rude to the advisors",
                )
                self.assertEqual(customer.search([("dealer_staff_rating", "=", "2")]), customer)
        self.env.invalidate_all()
        exported = self.customer.with_user(self.user_manager).export_data(["dealer_staff_rating"])
        self.assertEqual(exported["datas"], [["Fair"]])

    def test_the_monthly_snapshot_keeps_the_staff_rating_as_private(self):
        score = self.env["dealer.customer.score"]
        self.assertTrue(score._fields["staff_rating"].groups)
        self.assertEqual(
            score._fields["staff_rating"].groups,
            self.env["res.partner"]._fields["dealer_staff_rating"].groups,
        )
        self.assertNotIn("staff_rating", score.with_user(self.user_sales).fields_get())

    def test_the_customer_form_shows_the_staff_rating_to_its_readers_only(self):
        view = self.env.ref("base.view_partner_form")
        for user, shown in (
            (self.user_sales, False),
            (self.user_plain, False),
            (self.user_relations, True),
        ):
            arch = self.env["res.partner"].with_user(user).get_views([(view.id, "form")])
            arch = arch["views"]["form"]["arch"]
            with self.subTest(user=user.login):
                self.assertEqual("dealer_staff_rating_reason" in arch, shown)

    # Managers configure dealer_crm -------------------------------------------------
    def _param(self, key):
        return self.env["ir.config_parameter"].sudo().get_param(f"dealer_crm.{key}")

    def test_a_manager_sets_the_trade_in_limit_and_a_target(self):
        Settings = self.env["dealer.settings"].with_user(self.user_manager)
        defaults = Settings.default_get(list(Settings._fields))
        self.assertEqual(defaults["dealer_comeback_days"], int(self._param("comeback_days") or 30))
        settings = Settings.create(
            {**defaults, "dealer_trade_in_limit": 70000, "dealer_target_satisfaction": 4.5}
        )
        settings.action_save()
        self.assertEqual(float(self._param("trade_in_limit")), 70000)
        self.assertEqual(float(self._param("target_satisfaction")), 4.5)
        again = Settings.default_get(["dealer_trade_in_limit"])
        self.assertEqual(again["dealer_trade_in_limit"], 70000)

    def test_a_manager_cannot_store_nonsense(self):
        Settings = self.env["dealer.settings"].with_user(self.user_manager)
        defaults = Settings.default_get(list(Settings._fields))
        before = self._param("trade_in_limit")
        with self.assertRaises(ValidationError):
            Settings.create({**defaults, "dealer_trade_in_limit": -1}).action_save()
        self.assertEqual(self._param("trade_in_limit"), before)

    def test_a_sales_user_does_not_change_the_settings(self):
        settings = self.env["dealer.settings"].create({"dealer_trade_in_limit": 1})
        for user in (self.user_sales, self.user_service, self.user_relations, self.user_plain):
            Settings = self.env["dealer.settings"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Settings.create({"dealer_trade_in_limit": 1})
                with self.assertRaises(AccessError):
                    Settings.default_get(["dealer_trade_in_limit"])
                with self.assertRaises(AccessError):
                    settings.with_user(user).action_save()
        self.assertNotEqual(self._param("trade_in_limit"), "1")

    def test_the_managers_settings_reach_only_dealer_crm_parameters(self):
        Settings = self.env["dealer.settings"].with_user(self.user_manager)
        parameters = Settings._dealer_parameters()
        self.assertIn("dealer_trade_in_limit", parameters)
        self.assertTrue(all(key.startswith("dealer_crm.") for key in parameters.values()))
        # every setting of Settings > Dealer CRM is here too
        admin_side = {
            field.config_parameter
            for field in self.env["res.config.settings"]._fields.values()
            if getattr(field, "config_parameter", "").startswith("dealer_crm.")
        }
        self.assertEqual(set(parameters.values()), admin_side)
        # Odoo's own settings stay with administrators
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.user_manager).create({})
        with self.assertRaises(ValueError):
            Settings.create({"auth_signup_uninvited": "b2c"})

    def test_an_administrator_still_uses_odoos_settings(self):
        admin = self.env.ref("base.user_admin")
        settings = self.env["res.config.settings"].with_user(admin).create({})
        settings.dealer_trade_in_limit = 65000
        settings.execute()
        self.assertEqual(float(self._param("trade_in_limit")), 65000)

    # The consultant records the licence ------------------------------------------
    def _drive_vals(self, **vals):
        return {
            "partner_id": self.customer.id,
            "vehicle_id": self.demonstrator.id,
            "start": datetime(2031, 5, 1, 10, 0),
            **vals,
        }

    def test_the_consultant_records_the_licence_without_reading_it_back(self):
        Drive = self.env["dealer.test.drive"].with_user(self.user_sales)
        with self.assertRaises(ValidationError):
            Drive.create(self._drive_vals())
        drive = Drive.create(self._drive_vals(licence_number_entry="  HK-DL-7777777 "))
        self.assertEqual(self.customer.sudo().dealer_licence_number, "HK-DL-7777777")
        self.env.invalidate_all()
        self.assertTrue(drive.licence_on_file)
        self.assertFalse(drive.licence_number_entry)
        self.assertFalse(drive.read(["licence_number_entry"])[0]["licence_number_entry"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_sales).read(["dealer_licence_number"])
        self.assertNotIn(
            "dealer_licence_number", self.customer.with_user(self.user_sales).fields_get()
        )
        drive.action_done()
        self.assertEqual(drive.state, "done")
        # customer relations read it, and the access export still holds it
        self.env.invalidate_all()
        self.assertEqual(
            self.customer.with_user(self.user_relations).dealer_licence_number, "HK-DL-7777777"
        )
        wizard = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations)
            .create({"partner_id": self.customer.id, "file_format": "json"})
        )
        wizard.action_export()
        self.assertIn("HK-DL-7777777", base64.b64decode(wizard.data).decode())

    def test_the_licence_entry_neither_replaces_nor_checks_one_on_file(self):
        self.customer.sudo().dealer_licence_number = "HK-DL-1111111"
        Drive = self.env["dealer.test.drive"].with_user(self.user_sales)
        drive = Drive.create(self._drive_vals())
        # the same number or another: the answer tells nothing about the one on file
        for number in ("HK-DL-1111111", "FORGED"):
            with self.subTest(number=number), self.assertRaises(AccessError):
                drive.write({"licence_number_entry": number})
            with self.subTest(number=number), self.assertRaises(AccessError):
                Drive.create(self._drive_vals(licence_number_entry=number))
        self.assertEqual(self.customer.sudo().dealer_licence_number, "HK-DL-1111111")

    def test_only_a_consultant_records_a_licence(self):
        self.customer.sudo().dealer_licence_number = "HK-DL-2222222"
        drive = self.env["dealer.test.drive"].with_user(self.user_sales).create(self._drive_vals())
        self.customer.sudo().dealer_licence_number = False
        for user in (self.user_service, self.user_relations, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                drive.with_user(user).write({"licence_number_entry": "HK-DL-3333333"})
        self.assertFalse(self.customer.sudo().dealer_licence_number)
        drive.action_cancel()
        with self.assertRaises(UserError):
            drive.with_user(self.user_sales).write({"licence_number_entry": "HK-DL-3333333"})
        self.assertFalse(self.customer.sudo().dealer_licence_number)


@tagged("post_install", "-at_install")
class TestEvidenceAccessUi(DealerHttpCase):
    def test_the_public_survey_route_refuses_an_answer_off_the_scale(self):
        survey = self.env.ref("dealer_crm.survey_after_service")
        question = self.env.ref("dealer_crm.survey_after_service_q_score")
        customer = self.env["res.partner"].create({"name": "Route Customer"})
        answer = survey.sudo()._create_answer(
            partner=customer, check_attempts=False, dealer_survey_occasion="service"
        )

        def submit(answer, value):
            url = f"/survey/submit/{survey.access_token}/{answer.access_token}"
            response = self.opener.post(
                url=survey.get_base_url() + url,
                json={"params": {str(question.id): value, "token": answer.access_token}},
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("result", response.json(), response.text)
            return response.json()["result"]

        _correct, result = submit(answer, "1000")
        self.assertEqual(result.get("error"), "validation")
        self.assertIn("between 1 and 5", result["fields"][str(question.id)])
        self.assertFalse(answer.user_input_line_ids.filtered(lambda l: l.value_scale == 1000))
        # a second attempt, on the scale
        answer = survey.sudo()._create_answer(
            partner=customer, check_attempts=False, dealer_survey_occasion="service"
        )
        _correct, result = submit(answer, "4")
        self.assertNotEqual(result.get("error"), "validation")
        answer.invalidate_recordset()
        lines = answer.user_input_line_ids.filtered(lambda line: line.question_id == question)
        self.assertEqual(lines.mapped("value_scale"), [4])
        self.assertEqual(answer.dealer_score, 4.0)

    def test_a_manager_sets_the_trade_in_limit_on_the_dealer_settings_screen(self):
        self.start_tour("/odoo", "dealer_crm_settings_tour", login="manager", timeout=300)
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(float(params.get_param("dealer_crm.trade_in_limit")), 75000)
        self.assertEqual(float(params.get_param("dealer_crm.target_satisfaction")), 4.2)

    def test_a_consultant_books_a_test_drive_typing_the_licence(self):
        customer = self.env["res.partner"].create({"name": "Licence Tour Customer"})
        self._create_vehicle(vin="WVWZZZ1KZAW700024", license_plate="TOUR 24")
        self.start_tour("/odoo", "dealer_crm_test_drive_licence_tour", login="sales", timeout=300)
        drive = self.env["dealer.test.drive"].search([("partner_id", "=", customer.id)])
        self.assertEqual(drive.state, "booked")
        self.assertEqual(customer.dealer_licence_number, "HK-DL-2424242")
