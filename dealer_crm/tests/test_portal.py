# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer portal (issue 29), tested as the customer and as another customer.

Two customers with portal access, each with a vehicle, a service visit, an open recall,
a loyalty card, a complaint and consents. The first customer opens every page with the
second customer's ids, reads the models by JSON-RPC, changes consents (also for a
company and a purpose not theirs) and downloads their personal data.
"""

import json
import re

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .ui_common import DealerHttpCase

#: texts staff type into internal fields: no portal page may show them
INTERNAL_MARKS = (
    "INTERNAL-VEHICLE-NOTE",
    "INTERNAL-RESOLUTION",
    "INTERNAL-ROOT-CAUSE",
    "INTERNAL-RATING-REASON",
    "INTERNAL-TICKET-NOTES",
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalCase(DealerHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager = cls._create_user("t_manager", "dealer_crm.group_manager")
        cls.user_relations = cls._create_user("t_relations", "dealer_crm.group_customer_relations")
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Chan Portal", "email": "chan@example.com"})
        cls.other = Partner.create({"name": "Other Secret Customer", "email": "o@example.com"})
        cls.portal = cls._create_portal_user(cls.customer, "t_portal_a")
        cls.portal_other = cls._create_portal_user(cls.other, "t_portal_b")
        cls.program = cls._create_loyalty_program("Portal Club")
        cause = cls.env["dealer.complaint.root.cause"].create({"name": "INTERNAL-ROOT-CAUSE"})
        cls.mine, cls.theirs = {}, {}
        for data, partner, vin in (
            (cls.mine, cls.customer, cls._recall_vin(1)),
            (cls.theirs, cls.other, cls._recall_vin(2)),
        ):
            vehicle = cls._create_vehicle(
                vin=vin, owner_id=partner.id, note="<p>INTERNAL-VEHICLE-NOTE</p>"
            )
            data["vehicle"] = vehicle
            data["visit"] = cls._create_visit(
                vehicle, work_done=f"<p>Work for {partner.name}</p>", service_type="maintenance"
            )
            data["card"] = cls.program._dealer_card(partner)
            data["card"]._dealer_move(120, f"Points of {partner.name}", "earn")
            data["ticket"] = cls._create_ticket(
                partner,
                name=f"Complaint of {partner.name}",
                dealer_resolution="<p>INTERNAL-RESOLUTION</p>",
                dealer_root_cause_id=cause.id,
                notes="<p>INTERNAL-TICKET-NOTES</p>",
            )
            data["consent"] = cls.env["dealer.consent"].create(
                {
                    "partner_id": partner.id,
                    "purpose": "marketing",
                    "channel": "email",
                    "state": "granted",
                    "source": "form",
                }
            )
        cls.campaign = cls._create_recall_campaign("24V-777")
        cls.campaign.action_match_models()
        for data in (cls.mine, cls.theirs):
            data["recall"] = cls.campaign.line_ids.filtered(
                lambda r, v=data["vehicle"]: r.vehicle_id == v
            )
        cls.customer.with_user(cls.user_manager).write(
            {"dealer_staff_rating": "1", "dealer_staff_rating_reason": "INTERNAL-RATING-REASON"}
        )

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return CSRF.search(response.text).group(1)

    def _assert_no_internal_field(self, url, text):
        for mark in INTERNAL_MARKS:
            self.assertNotIn(mark, text, f"{url} shows the internal text {mark}")


@tagged("post_install", "-at_install")
class TestPortalIsolation(PortalCase):
    def test_pages_show_the_customers_own_records(self):
        self.authenticate("t_portal_a", "t_portal_a")
        mine, theirs = self.mine, self.theirs
        page = self.url_open("/my/vehicles")
        self.assertEqual(page.status_code, 200)
        self.assertIn(mine["vehicle"].vin, page.text)
        self.assertNotIn(theirs["vehicle"].vin, page.text)
        page = self.url_open(f"/my/vehicles/{mine['vehicle'].id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(mine["visit"].name, page.text, "the service history")
        self.assertIn("Work for Chan Portal", page.text)
        self.assertIn("24V-777", page.text, "the open recall")
        self.assertIn("dealer_next_service", page.text)
        self.assertNotIn("Other Secret Customer", page.text)
        page = self.url_open("/my/loyalty")
        self.assertIn(mine["card"].code, page.text)
        self.assertNotIn(theirs["card"].code, page.text)
        page = self.url_open(f"/my/loyalty_card/{mine['card'].id}/history")
        self.assertIn("Points of Chan Portal", page.text, "the loyalty history")
        page = self.url_open("/my/tickets")
        self.assertIn("Complaint of Chan Portal", page.text)
        self.assertNotIn("Complaint of Other Secret Customer", page.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dealer_vehicle_count", "dealer_loyalty_count"]}
        )
        self.assertEqual(counters, {"dealer_vehicle_count": 1, "dealer_loyalty_count": 1})

    def test_a_second_customers_ids_give_no_data(self):
        self.authenticate("t_portal_a", "t_portal_a")
        theirs = self.theirs
        page = self.url_open(f"/my/vehicles/{theirs['vehicle'].id}")
        self.assertEqual(page.status_code, 404)
        self.assertNotIn(theirs["vehicle"].vin, page.text)
        # an id that does not exist gets the same answer
        missing = self.env["dealer.vehicle"].search([], order="id desc", limit=1).id + 1000
        self.assertEqual(self.url_open(f"/my/vehicles/{missing}").status_code, 404)
        for url in (
            f"/my/loyalty_card/{theirs['card'].id}/history",
            f"/my/ticket/{theirs['ticket'].id}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url, allow_redirects=False)
                self.assertIn(page.status_code, (303, 302))
                self.assertTrue(page.headers["Location"].endswith("/my"), url)
        values = self.make_jsonrpc_request(f"/my/loyalty_card/{theirs['card'].id}/values")
        self.assertEqual(values, {})

    def test_no_page_shows_an_internal_field(self):
        self.authenticate("t_portal_a", "t_portal_a")
        mine = self.mine
        for url in (
            "/my",
            "/my/vehicles",
            f"/my/vehicles/{mine['vehicle'].id}",
            "/my/loyalty",
            "/my/consents",
            "/my/personal_data",
            "/my/tickets",
            f"/my/ticket/{mine['ticket'].id}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self._assert_no_internal_field(url, page.text)

    def test_json_rpc_reads_nothing_of_others_and_no_internal_field(self):
        self.authenticate("t_portal_a", "t_portal_a")
        mine, theirs = self.mine, self.theirs
        for model, key in (
            ("dealer.vehicle", "vehicle"),
            ("dealer.service.record", "visit"),
            ("dealer.recall.vehicle", "recall"),
            ("dealer.consent", "consent"),
            ("loyalty.card", "card"),
        ):
            for data in (mine, theirs):
                with self.subTest(model=model, whose=data["vehicle"].vin):
                    with self.assertRaises(JsonRpcException):
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": model,
                                "method": "read",
                                "args": [data[key].ids, ["display_name"]],
                                "kwargs": {},
                            },
                        )
        # a complaint of their own: its public fields, never the internal ones
        call = {"model": "helpdesk.ticket", "method": "read", "kwargs": {}}
        own = self.make_jsonrpc_request(
            "/web/dataset/call_kw", {**call, "args": [mine["ticket"].ids, ["name"]]}
        )
        self.assertEqual(own[0]["name"], "Complaint of Chan Portal")
        for fields in (
            ["notes"],
            ["dealer_root_cause_id"],
            ["dealer_resolution"],
            ["dealer_severity_id"],
        ):
            with self.subTest(fields=fields), self.assertRaises(JsonRpcException):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw", {**call, "args": [mine["ticket"].ids, fields]}
                )
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw", {**call, "args": [theirs["ticket"].ids, ["name"]]}
            )

    def test_own_records_hide_internal_fields_from_the_orm(self):
        """The same read as the portal user in the ORM: every internal field of their own
        complaint and contact is refused."""
        self.env.invalidate_all()
        ticket = self.mine["ticket"].with_user(self.portal)
        self.assertEqual(ticket.name, "Complaint of Chan Portal")
        for name in (
            "notes",
            "dealer_root_cause_id",
            "dealer_resolution",
            "dealer_severity_id",
            "dealer_responsible_party",
            "dealer_response_deadline",
            "dealer_resolution_deadline",
            "dealer_resolution_remaining",
            "dealer_sla_breached",
            "dealer_escalated_response",
            "dealer_escalated_resolution",
            "ticket_sla_ids",
            "sla_deadline",
            "dealer_satisfaction_low",
            "dealer_low_satisfaction_followup",
            "dealer_contact_user_id",
        ):
            with self.subTest(field=name), self.assertRaises(AccessError):
                ticket.read([name])
        partner = self.customer.with_user(self.portal)
        for name in ("dealer_staff_rating", "dealer_rfm_segment", "dealer_churn_risk"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                partner.read([name])
        for model in ("dealer.vehicle", "dealer.service.record", "dealer.consent"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.portal).search([])

    def test_a_contact_of_a_company_customer_sees_the_companys_vehicles(self):
        fleet = self.env["res.partner"].create({"name": "Fleet Ltd", "is_company": True})
        driver = self.env["res.partner"].create({"name": "Driver", "parent_id": fleet.id})
        self._create_portal_user(driver, "t_portal_driver")
        vehicle = self._create_vehicle(vin=self._recall_vin(3), owner_id=fleet.id)
        sibling = self.env["res.partner"].create({"name": "Sibling", "parent_id": fleet.id})
        not_theirs = self._create_vehicle(vin=self._recall_vin(4), owner_id=sibling.id)
        self.authenticate("t_portal_driver", "t_portal_driver")
        page = self.url_open("/my/vehicles")
        self.assertIn(vehicle.vin, page.text)
        self.assertNotIn(not_theirs.vin, page.text, "a colleague's own vehicle is theirs")
        self.assertEqual(self.url_open(f"/my/vehicles/{vehicle.id}").status_code, 200)
        self.assertEqual(self.url_open(f"/my/vehicles/{not_theirs.id}").status_code, 404)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        page = self.url_open(f"/my/vehicles/{self.mine['vehicle'].id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        self.assertIn("/web/login", page.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalConsents(PortalCase):
    def _answer(self, **values):
        token = self._csrf("/my/consents")
        return self.url_open(
            "/my/consents", data={"csrf_token": token, **values}, allow_redirects=False
        )

    def test_a_change_is_recorded_as_evidence(self):
        self.authenticate("t_portal_a", "t_portal_a")
        company = self.env.company
        response = self._answer(
            purpose="service_reminder", channel="sms", company_id=company.id, state="granted"
        )
        self.assertEqual(response.status_code, 303)
        consent = self.env["dealer.consent"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("purpose", "=", "service_reminder"),
                ("channel", "=", "sms"),
                ("company_id", "=", company.id),
            ]
        )
        self.assertRecordValues(
            consent,
            [
                {
                    "state": "granted",
                    "source": "website",
                    "user_id": self.portal.id,
                    "date": self._today_of(self.portal),
                }
            ],
        )
        self.assertTrue(consent.note)
        # withdrawn: the line already there is updated, its history on its timeline
        response = self._answer(
            purpose="marketing", channel="email", company_id=company.id, state="withdrawn"
        )
        self.assertEqual(response.status_code, 303)
        marketing = self.mine["consent"]
        marketing.invalidate_recordset()
        self.assertRecordValues(
            marketing,
            [{"state": "withdrawn", "source": "website", "user_id": self.portal.id}],
        )
        tracked = marketing.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(tracked.mapped("old_value_char"), ["Granted"])
        self.assertEqual(marketing.message_ids[:1].author_id, self.customer)
        # the gate follows at once
        allowed = self.env["dealer.consent"]._allowed_partners(
            self.customer, "marketing", "email", company
        )
        self.assertFalse(allowed)
        # the other customer's consent is untouched
        self.assertEqual(self.theirs["consent"].state, "granted")
        page = self.url_open("/my/consents")
        self.assertIn("Withdraw", page.text)

    def test_a_change_is_refused_for_what_the_customer_cannot_change(self):
        self.authenticate("t_portal_a", "t_portal_a")
        company_b = self._create_company("Dealer B")
        before = self.env["dealer.consent"].search_count([])
        marketing = self.mine["consent"]
        for values in (
            {"purpose": "marketing", "channel": "email", "company_id": company_b.id},
            {"purpose": "staff_notes", "channel": "email", "company_id": self.env.company.id},
            {"purpose": "marketing", "channel": "pigeon", "company_id": self.env.company.id},
            {"purpose": "marketing", "channel": "email", "company_id": "1 OR 1=1"},
        ):
            with self.subTest(values=values):
                response = self._answer(state="withdrawn", **values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_dealer_consent_error", response.text)
        response = self._answer(
            purpose="marketing",
            channel="email",
            company_id=self.env.company.id,
            state="never_asked",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["dealer.consent"].search_count([]), before)
        marketing.invalidate_recordset()
        self.assertEqual(marketing.state, "granted")
        # without the form's token, nothing either
        response = self.url_open(
            "/my/consents",
            data={
                "purpose": "marketing",
                "channel": "email",
                "company_id": self.env.company.id,
                "state": "withdrawn",
            },
        )
        self.assertEqual(response.status_code, 400)
        marketing.invalidate_recordset()
        self.assertEqual(marketing.state, "granted")


@tagged("post_install", "-at_install")
class TestPortalPersonalData(PortalCase):
    def _download(self, file_format):
        token = self._csrf("/my/personal_data")
        return self.url_open(
            "/my/personal_data/download", data={"csrf_token": token, "file_format": file_format}
        )

    def test_the_download_is_the_staff_export_of_their_own_data(self):
        # the tracking of the set-up's writes is recorded, as at the end of a transaction
        self.env.cr.precommit.run()
        staff = (
            self.env["dealer.access.export"]
            .with_user(self.user_relations)
            .create({"partner_id": self.customer.id, "file_format": "json"})
        )
        expected = json.loads(json.dumps(staff._collect(), default=str))
        self.authenticate("t_portal_a", "t_portal_a")
        response = self._download("json")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(response.json(), expected)
        self.assertEqual(
            {row["VIN"] for row in response.json()["dealer.vehicle"]}, {self.mine["vehicle"].vin}
        )
        self.assertNotIn("Other Secret Customer", response.text)
        self.assertNotIn(self.theirs["vehicle"].vin, response.text)
        note = self.customer.message_ids[:1]
        self.assertIn("downloaded by the customer", note.body)
        xlsx = self._download("xlsx")
        self.assertEqual(xlsx.status_code, 200)
        self.assertEqual(xlsx.content[:2], b"PK")

    def test_an_unknown_format_gives_nothing(self):
        self.authenticate("t_portal_a", "t_portal_a")
        self.assertEqual(self._download("csv").status_code, 404)


@tagged("post_install", "-at_install")
class TestPortalCrawl(DealerHttpCase):
    """The crawl of the portal, as the demo customer: every /my page linked from the
    home page and from those pages opens, and a browser shows them without an error."""

    LOGIN = "chan"

    def test_crawl_portal(self):
        self.assertTrue(
            self.env["res.users"].search([("login", "=", self.LOGIN)]),
            "the demo portal user is missing: the crawl needs the demo data",
        )
        self.authenticate(self.LOGIN, self.LOGIN)
        link = re.compile(r'href="(/my/[\w/]+)"')
        seen, queue = set(), ["/my"]
        while queue:
            url = queue.pop(0)
            if url in seen or len(seen) > 60:
                continue
            seen.add(url)
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertNotIn("Traceback", page.text, url)
            self._assert_no_internal_text(url, page.text)
            queue.extend(u for u in link.findall(page.text) if u not in seen)
        for expected in ("/my/vehicles", "/my/loyalty", "/my/consents", "/my/personal_data"):
            self.assertIn(expected, seen)
        self.assertTrue(any(re.match(r"/my/vehicles/\d+$", u) for u in seen), seen)
        self.assertTrue(any(re.match(r"/my/loyalty_card/\d+/history$", u) for u in seen), seen)
        vehicle = min(u for u in seen if re.match(r"/my/vehicles/\d+$", u))
        for url in ("/my", "/my/vehicles", vehicle, "/my/consents"):
            self.browser_js(
                url,
                "if (document.querySelector('.o_error_dialog')) { console.error('error on "
                + url
                + "') } else { console.log('test successful') }",
                login=self.LOGIN,
            )

    def _assert_no_internal_text(self, url, text):
        demo = self.env.ref("dealer_crm.partner_chan_demo")
        for internal in filter(None, [demo.sudo().dealer_staff_rating_reason]):
            self.assertNotIn(internal, text, url)
