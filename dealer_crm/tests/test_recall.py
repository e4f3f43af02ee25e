# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Recall campaigns (issue 28): matching, the legal-notice channel fallback, closing by
a visit, follow-ups, and what a department user may send by RPC."""

import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestRecall(DealerCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["dealer.recall.vehicle"]
        cls.owner = cls.env["res.partner"].create(
            {"name": "Wong Siu Ming", "email": "wong@example.com", "street": "1 Queen's Road"}
        )
        cls.model = cls.env["fleet.vehicle.model"].create(
            {
                "name": "Recall Test Model",
                "brand_id": cls.env.ref("fleet.model_corolla_ts").brand_id.id,
            }
        )
        cls.vehicle = cls._vehicle(1, owner_id=cls.owner.id, model_year=2018)

    @classmethod
    def _vehicle(cls, number, **vals):
        return cls._create_vehicle(cls._recall_vin(number), model_id=cls.model.id, **vals)

    def _campaign(self, name="24V-001", **vals):
        return self._create_recall_campaign(name, models=self.model, **vals)

    def _consent(self, partner, channel, state="granted"):
        return self.env["dealer.consent"].create(
            {
                "partner_id": partner.id,
                "purpose": "service_reminder",
                "channel": channel,
                "state": state,
            }
        )

    def _line(self, campaign, vehicle=None):
        return self.Line.search(
            [("campaign_id", "=", campaign.id), ("vehicle_id", "=", (vehicle or self.vehicle).id)]
        )

    def _interactions(self, partner):
        return self.env["dealer.interaction"].search(
            [("partner_id", "=", partner.id), ("subject", "like", "Recall")]
        )

    # Matching ------------------------------------------------------------------------
    def test_matching_by_model_and_years_skips_archived_other_companies_and_adds_nothing_twice(
        self,
    ):
        in_range = self._vehicle(2, model_year=2020)
        too_old = self._vehicle(3, model_year=2010)
        no_year = self._vehicle(4)
        archived = self._vehicle(5, model_year=2018)
        archived.active = False
        company_b = self._create_company("Dealer B")
        elsewhere = self._vehicle(6, model_year=2018, company_id=company_b.id)
        campaign = self._campaign(year_from=2015, year_to=2022)
        campaign.action_match_models()
        matched = campaign.line_ids.vehicle_id
        self.assertEqual(matched, self.vehicle | in_range)
        for left_out in (too_old, no_year, archived, elsewhere):
            self.assertNotIn(left_out, matched)
        self.assertEqual(self._line(campaign).partner_id, self.owner)
        campaign.action_match_models()
        campaign.invalidate_recordset()
        self.assertEqual(len(campaign.line_ids), 2, "a rerun adds nothing twice")
        self.assertEqual(campaign.to_notify_count, 2)

    def test_a_campaign_with_years_backwards_is_refused_in_words(self):
        with self.assertRaisesRegex(ValidationError, "backwards"):
            self._campaign(year_from=2022, year_to=2015)

    def test_a_vin_list_reports_bad_and_unknown_vins_and_keeps_them_in_the_chatter(self):
        other = self._vehicle(7, model_year=2001)
        campaign = self._campaign()
        wizard = self.env["dealer.recall.vin.import"].create(
            {
                "campaign_id": campaign.id,
                "vin_text": "VIN\n%s\n wvwzzz1kz-00000007 \nSHORT123\n%s\n%s"
                % (self._recall_vin(1), self._recall_vin(99), self._recall_vin(1)),
            }
        )
        wizard.action_import()
        self.assertEqual(campaign.line_ids.vehicle_id, self.vehicle | other)
        self.assertIn("2 vehicles added", wizard.result)
        self.assertIn("SHORT123", wizard.result)
        self.assertIn("A VIN has 17 characters", wizard.result)
        self.assertIn(self._recall_vin(99), wizard.result)
        self.assertIn("No active vehicle", wizard.result)
        self.assertIn(self._recall_vin(99), campaign.message_ids[0].body)
        wizard2 = self.env["dealer.recall.vin.import"].create(
            {"campaign_id": campaign.id, "vin_text": self._recall_vin(1)}
        )
        wizard2.action_import()
        self.assertIn("0 vehicles added", wizard2.result)
        with self.assertRaisesRegex(UserError, "no VIN"):
            self.env["dealer.recall.vin.import"].create(
                {"campaign_id": campaign.id, "vin_text": "\n \n"}
            ).action_import()

    def test_a_pasted_list_separated_by_commas_and_a_csv_files_first_column_are_read_whole(self):
        second, third = self._vehicle(11, model_year=2019), self._vehicle(12, model_year=2020)
        campaign = self._campaign()
        Import = self.env["dealer.recall.vin.import"]
        pasted = Import.create(
            {
                "campaign_id": campaign.id,
                "vin_text": "%s,%s;%s" % tuple(self._recall_vin(n) for n in (1, 11, 12)),
            }
        )
        pasted.action_import()
        self.assertEqual(campaign.line_ids.vehicle_id, self.vehicle | second | third)
        self.assertIn("3 vehicles added", pasted.result)
        fourth = self._vehicle(13, model_year=2021)
        csv = "VIN,Model,Year\n%s,Corolla,2021\n%s;Corolla;2019\n" % (
            self._recall_vin(13),
            self._recall_vin(11),
        )
        from_file = Import.create(
            {"campaign_id": campaign.id, "vin_file": base64.b64encode(csv.encode())}
        )
        from_file.action_import()
        self.assertIn(fourth, campaign.line_ids.vehicle_id)
        self.assertIn("1 vehicles added", from_file.result)
        self.assertNotIn("Corolla", from_file.result, "a CSV's other columns are no VINs")

    def test_matching_takes_as_many_queries_for_100_vehicles_as_for_10(self):
        Model = self.env["fleet.vehicle.model"]
        brand = self.env.ref("fleet.model_corolla_ts").brand_id
        counts = []
        for start, count in ((1000, 10), (2000, 100)):
            model = Model.create({"name": f"Recall model {count}", "brand_id": brand.id})
            for number in range(start, start + count):
                self._create_vehicle(self._recall_vin(number), model_id=model.id, model_year=2019)
            campaign = self._create_recall_campaign(f"Q-{count}", models=model)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            campaign._match_models()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(campaign.line_ids), count)
        self.assertEqual(counts[0], counts[1])

    # Change of owner -------------------------------------------------------------------
    def test_a_vehicle_transferred_after_the_notice_reaches_its_new_owner_not_the_former(self):
        self._consent(self.owner, "email")
        campaign = self._campaign()
        campaign.action_match_models()
        campaign.action_notify()
        line = self._line(campaign)
        self.assertEqual(line.state, "notified")
        self.assertEqual(line.notified_partner_id, self.owner)
        buyer = self.env["res.partner"].create({"name": "Lee Buyer", "email": "lee@example.com"})
        self._consent(buyer, "email")
        self.vehicle._transfer_owner(buyer, self._today())
        self.assertEqual(line.partner_id, buyer)
        self.assertEqual(line.state, "to_notify", "the new owner is still to be told")
        campaign.action_notify()
        self.assertEqual(line.state, "notified")
        self.assertEqual(line.notified_partner_id, buyer)
        self.assertEqual(len(self._interactions(buyer)), 1)
        self.assertEqual(len(self._interactions(self.owner)), 1, "the former owner once only")

    # The legal-basis channel fallback ------------------------------------------------
    def test_a_safety_recall_falls_back_to_post_then_phone_and_never_skips_for_lack_of_consent(
        self,
    ):
        Partner = self.env["res.partner"]
        by_email = self.owner
        self._consent(by_email, "email")
        by_post = Partner.create(
            {"name": "Post Only", "street": "2 Nathan Road", "email": "p@example.com"}
        )
        withdrawn = Partner.create(
            {"name": "Withdrawn", "city": "Kowloon", "email": "w@example.com"}
        )
        self._consent(withdrawn, "email", state="withdrawn")
        by_phone = Partner.create({"name": "Phone Only", "phone": "+852 9000 0001"})
        nothing = Partner.create({"name": "No Details"})
        archived = Partner.create(
            {"name": "Archived", "email": "a@example.com", "street": "3 Road"}
        )
        self._consent(archived, "email")
        anonymised = Partner.create({"name": "Anon", "email": "x@example.com", "street": "4 Road"})
        owners = [by_post, withdrawn, by_phone, nothing, archived, anonymised]
        vehicles = {by_email: self.vehicle}
        for number, owner in enumerate(owners, start=10):
            vehicles[owner] = self._vehicle(number, owner_id=owner.id, model_year=2018)
        archived.active = False
        anonymised.sudo().dealer_anonymized = True
        campaign = self._campaign(user_id=self.user_manager.id)
        self.assertEqual(campaign.lawful_basis, "legal_obligation")
        campaign.action_match_models()
        campaign.action_notify()
        expected = {
            by_email: ("notified", "email"),
            by_post: ("notified", "post"),
            withdrawn: ("notified", "post"),
            by_phone: ("notified", "phone"),
            nothing: ("unreachable", False),
            archived: ("unreachable", False),
            anonymised: ("unreachable", False),
        }
        for owner, (state, channel) in expected.items():
            line = self._line(campaign, vehicles[owner])
            with self.subTest(owner=owner.name):
                self.assertEqual((line.state, line.notify_channel), (state, channel))
                if state == "notified":
                    self.assertEqual(line.lawful_basis, "legal_obligation")
                    interaction = self._interactions(owner)
                    self.assertEqual(len(interaction), 1)
                    self.assertEqual(interaction.vehicle_id, vehicles[owner])
                    self.assertEqual(
                        interaction.channel,
                        {"email": "email", "post": "letter", "phone": "phone"}[channel],
                    )
                else:
                    self.assertFalse(self._interactions(owner))
        phone_line = self._line(campaign, vehicles[by_phone])
        self.assertEqual(phone_line.activity_ids.user_id, self.user_manager)
        self.assertEqual(
            phone_line.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        email_line = self._line(campaign)
        self.assertTrue(
            email_line.message_ids.filtered(lambda m: by_email in m.partner_ids),
            "the recall email went to the owner",
        )
        # the letters print
        letters = campaign.line_ids.filtered(lambda line: line.notify_channel == "post")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "dealer_crm.dealer_recall_vehicle_letter_report", letters.ids
        )[0]
        self.assertIn(b"24V-001", html)

    def test_a_recall_that_is_no_safety_recall_goes_by_consent_only(self):
        campaign = self._campaign(is_safety=False)
        self.assertEqual(campaign.lawful_basis, "legitimate_interest")
        campaign.action_match_models()
        campaign.action_notify()
        self.assertEqual(self._line(campaign).state, "unreachable")
        self.assertFalse(self._interactions(self.owner))

    def test_the_nightly_job_notifies_once(self):
        self._consent(self.owner, "email")
        campaign = self._campaign()
        campaign.action_match_models()
        self.env["dealer.recall.campaign"]._cron_recalls()
        self.env["dealer.recall.campaign"]._cron_recalls()
        self.assertEqual(self._line(campaign).state, "notified")
        self.assertEqual(len(self._interactions(self.owner)), 1)

    # Closing by a visit ----------------------------------------------------------------
    def test_a_visit_shows_books_and_closes_the_recall_and_a_cancelled_visit_puts_it_back(self):
        campaign = self._campaign()
        campaign.action_match_models()
        line = self._line(campaign)
        Visit = self.env["dealer.service.record"].with_user(self.user_service)
        visit = Visit.create({"vehicle_id": self.vehicle.id, "date": self._today()})
        self.assertEqual(visit.dealer_recall_open_ids, line)
        self.assertEqual(self.vehicle.dealer_recall_open_count, 1)
        self.assertEqual(self.owner.with_user(self.user_service).dealer_recall_open_count, 1)
        visit.dealer_recall_line_ids = line
        self.assertEqual(line.state, "booked")
        visit.action_cancel()
        self.assertEqual(line.state, "to_notify", "a cancelled visit puts the line back")
        visit2 = Visit.create(
            {
                "vehicle_id": self.vehicle.id,
                "date": self._today(),
                "dealer_recall_line_ids": line.ids,
            }
        )
        self.assertEqual(line.state, "booked")
        visit2.action_done()
        self.assertEqual(line.state, "done")
        self.assertEqual(line.service_record_id, visit2)
        self.assertEqual(line.done_date, self._today())
        self.assertEqual(campaign.done_count, 1)
        self.vehicle.invalidate_recordset()
        self.assertEqual(self.vehicle.dealer_recall_open_count, 0)

    def test_a_visit_cannot_perform_another_vehicles_recall(self):
        other = self._vehicle(8, model_year=2018)
        campaign = self._campaign()
        campaign.action_match_models()
        visit = self._create_visit(other)
        with self.assertRaisesRegex(ValidationError, "another vehicle"):
            visit.with_user(self.user_service).dealer_recall_line_ids = self._line(campaign)

    def test_a_visit_cannot_tick_a_closed_campaigns_or_a_done_recall(self):
        campaign = self._campaign()
        campaign.action_match_models()
        line = self._line(campaign)
        done_by = self._create_visit(self.vehicle)
        done_by.with_user(self.user_service).dealer_recall_line_ids = line
        done_by.action_done()
        later = self._create_visit(self.vehicle).with_user(self.user_service)
        with self.assertRaisesRegex(ValidationError, "already done"):
            later.dealer_recall_line_ids = line
        self.assertEqual(line.service_record_id, done_by, "the first visit keeps the remedy")
        other = self._campaign("24V-002")
        other.action_match_models()
        other.action_close()
        with self.assertRaisesRegex(ValidationError, "not open"):
            later.write({"dealer_recall_line_ids": [Command.link(self._line(other).id)]})
        with self.assertRaisesRegex(ValidationError, "not open"):
            self.env["dealer.service.record"].with_user(self.user_service).create(
                {
                    "vehicle_id": self.vehicle.id,
                    "date": self._today(),
                    "dealer_recall_line_ids": self._line(other).ids,
                }
            )
        self.assertEqual(self._line(other).state, "to_notify")

    # Follow-ups ---------------------------------------------------------------------------
    def test_followups_come_once_per_interval_up_to_the_maximum(self):
        today = self._today()
        campaign = self._campaign(followup_interval_days=7, followup_max=2)
        campaign.action_match_models()
        campaign.action_notify()
        line = self._line(campaign)
        followup = self.env.ref("dealer_crm.mail_activity_type_recall_followup")
        Campaign = self.env["dealer.recall.campaign"]

        def followups():
            return line.activity_ids.filtered(lambda a: a.activity_type_id == followup)

        Campaign._cron_recalls()
        self.assertFalse(followups(), "not before the interval")
        with freeze_time(today + timedelta(days=7)):
            Campaign._cron_recalls()
            Campaign._cron_recalls()
            self.assertEqual(len(followups()), 1)
            self.assertEqual(followups().user_id, campaign.user_id)
        with freeze_time(today + timedelta(days=14)):
            Campaign._cron_recalls()
            self.assertEqual(len(followups()), 1, "never two open follow-ups")
            followups().action_done()
        with freeze_time(today + timedelta(days=21)):
            Campaign._cron_recalls()
            self.assertEqual(len(followups()), 1)
            self.assertEqual(line.followup_count, 2)
            followups().action_done()
        with freeze_time(today + timedelta(days=60)):
            Campaign._cron_recalls()
            self.assertFalse(followups(), "no more than the maximum")

    # Attacks --------------------------------------------------------------------------------
    def test_a_department_user_cannot_write_the_workflow_of_a_line_by_rpc(self):
        campaign = self._campaign()
        campaign.action_match_models()
        line = self._line(campaign).with_user(self.user_service)
        visit = self._create_visit(self.vehicle)
        for vals in (
            {"state": "done"},
            {"service_record_id": visit.id},
            {"partner_id": self.customer.id},
            {"notify_channel": "email"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                line.write(vals)
        with self.assertRaises(AccessError):
            self.Line.with_user(self.user_service).create(
                {"campaign_id": campaign.id, "vehicle_id": self.vehicle.id, "state": "done"}
            )
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_service).write({"state": "closed"})
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_service).action_match_models()
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_manager).write({"state": "closed"})
        # the line's own actions are theirs
        line.action_mark_unreachable()
        self.assertEqual(line.state, "unreachable")
        # ... while the campaign is open
        other = self._campaign("24V-003")
        other.action_match_models()
        other.action_close()
        with self.assertRaisesRegex(UserError, "open campaign"):
            self._line(other).with_user(self.user_service).action_mark_unreachable()
        self.assertEqual(self._line(other).state, "to_notify")

    def test_a_second_company_cannot_read_the_recalls(self):
        campaign = self._campaign()
        campaign.action_match_models()
        _company_b, service_b = self._create_company_b(
            "Dealer B", t_service_b="dealer_crm.group_service"
        )
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            campaign.with_user(service_b).read(["name"])
        with self.assertRaises(AccessError):
            self._line(campaign).with_user(service_b).read(["state"])

    def test_merged_contacts_keep_their_recall_lines(self):
        self._consent(self.owner, "email")
        campaign = self._campaign()
        campaign.action_match_models()
        campaign.action_notify()
        line = self._line(campaign)
        twin = self.env["res.partner"].create(
            {"name": "Wong Siu Ming", "email": "WONG@example.com"}
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="res.partner", active_ids=(self.owner | twin).ids)
            .create({})
        )
        wizard.dst_partner_id = twin
        wizard.action_merge()
        self.env.invalidate_all()
        self.assertEqual(line.partner_id, twin)
        self.assertEqual(line.notified_partner_id, twin)
        self.assertEqual(line.state, "notified")
