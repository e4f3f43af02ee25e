# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""dealer_crm beside OCA's privacy_consent (issue 31): we keep ``dealer.consent``.

privacy_consent records one answer per partner and data processing activity
(``privacy.consent``). A dealer needs one per purpose *and channel* and per company, and
no contact from silence. These tests measure what it lacks, and check that the two sit on
one partner without two labels alike or a second record for one answer.
"""

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DealerCoinstallCase, DealerCoinstallMixin, same_label_pairs


def bridge_activity(activity, partners, purpose="marketing", channel="email"):
    """The bridge (README, *Personal data protection*): ``activity`` asks ``partners``
    about ``purpose`` by ``channel``; its server action records each answer as the
    dealer.consent line, and it does not ask customers who already answered that line
    (its subjects filter)."""
    env = activity.env
    action = env["ir.actions.server"].create(
        {
            "name": "Record the answer as a dealer consent",
            "model_id": env["ir.model"]._get_id("privacy.consent"),
            "state": "code",
            "code": "env['dealer.consent']._dealer_record_privacy_answers("
            f"records, {purpose!r}, {channel!r})",
        }
    )
    answered = [("purpose", "=", purpose), ("channel", "=", channel)]
    answered += [("state", "!=", "never_asked")]
    activity.write(
        {
            "server_action_id": action.id,
            "subject_domain": repr(
                [("id", "in", partners.ids), ("dealer_consent_ids", "not any", answered)]
            ),
        }
    )


@tagged("post_install", "-at_install")
class TestCoinstallPrivacyConsent(DealerCoinstallCase):
    _coinstalled_module = "privacy_consent"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.mobile = "+852 9123 4567"
        cls.activity = cls.env["privacy.activity"].create(
            {
                "name": "Marketing",
                "subject_find": True,
                "subject_domain": repr([("id", "=", cls.customer.id)]),
                "consent_required": "manual",
            }
        )

    def _privacy_consent(self, **vals):
        return self.env["privacy.consent"].create(
            {"partner_id": self.customer.id, "activity_id": self.activity.id, **vals}
        )

    # What privacy.consent lacks ----------------------------------------------------
    def test_privacy_consent_cannot_answer_per_channel(self):
        """Yes to marketing by email, no to marketing by SMS: privacy_consent refuses the
        second answer for the same activity (one line per partner and activity, no
        channel); dealer.consent holds both and the gate follows each."""
        self.assertNotIn("channel", self.env["privacy.consent"]._fields)
        self._privacy_consent(accepted=True)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._privacy_consent(accepted=False)

        Consent = self.env["dealer.consent"]
        Consent.create(
            [
                {
                    "partner_id": self.customer.id,
                    "purpose": "marketing",
                    "channel": channel,
                    "state": state,
                }
                for channel, state in (("email", "granted"), ("sms", "withdrawn"))
            ]
        )
        self.assertEqual(
            Consent._allowed_partners(self.customer, "marketing", "email"), self.customer
        )
        self.assertFalse(Consent._allowed_partners(self.customer, "marketing", "sms"))

    def test_privacy_consent_is_not_per_company(self):
        """A privacy.consent answer is the same for every dealership in the database;
        a dealer.consent is given to one company and lets nothing through for another."""
        self.assertNotIn("company_id", self.env["privacy.consent"]._fields)
        company_b = self._create_company("Consent Dealer B")
        Consent = self.env["dealer.consent"]
        Consent.create(
            {
                "partner_id": self.customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        self.assertEqual(
            Consent._allowed_partners(self.customer, "marketing", "email"), self.customer
        )
        self.assertFalse(
            Consent._allowed_partners(self.customer, "marketing", "email", company=company_b)
        )

    def test_privacy_consent_takes_silence_as_yes(self):
        """An activity "accepted by default" counts a customer who never answered as
        accepting; dealer.consent keeps "never asked" apart, and the gate refuses it."""
        self.activity.default_consent = True
        self.activity.action_new_consents()
        asked = self.activity.consent_ids
        self.assertEqual(asked.partner_id, self.customer)
        self.assertEqual((asked.state, asked.accepted), ("draft", True))

        Consent = self.env["dealer.consent"]
        line = Consent.create(
            {"partner_id": self.customer.id, "purpose": "marketing", "channel": "email"}
        )
        self.assertEqual(line.state, "never_asked")
        self.assertFalse(Consent._allowed_partners(self.customer, "marketing", "email"))
        self.assertTrue(self.customer.dealer_consent_missing)

    # One answer, one record ---------------------------------------------------------
    def test_privacy_consent_answer_writes_no_dealer_consent(self):
        """privacy_consent's own flow (requests made, the customer rejects by the email's
        link) creates no dealer.consent line and changes no gate."""
        Consent = self.env["dealer.consent"].with_context(active_test=False)
        before = Consent.search_count([])
        self.activity.action_new_consents()
        self.activity.consent_ids.with_context(subject_answering=True).action_answer(False, "test")
        self.assertEqual(self.activity.consent_ids.state, "answered")
        self.assertEqual(Consent.search_count([]), before)
        self.assertTrue(self.customer.dealer_consent_missing)

    def test_dealer_answer_writes_no_privacy_consent(self):
        """dealer_crm's answers (staff, unsubscribe link, portal) write dealer.consent
        only, never privacy.consent."""
        PrivacyConsent = self.env["privacy.consent"].with_context(active_test=False)
        before = PrivacyConsent.search_count([])
        Consent = self.env["dealer.consent"]
        line = Consent.with_user(self.user_relations).create(
            {"partner_id": self.customer.id, "purpose": "marketing", "channel": "sms"}
        )
        line.with_user(self.user_relations).action_grant()
        Consent._dealer_record_answer(
            self.customer, "marketing", "email", self.env.company, "withdrawn", "unsubscribe", "t"
        )
        self.assertEqual(PrivacyConsent.search_count([]), before)
        self.assertFalse(self.customer.privacy_consent_ids)

    # The bridge: their request by email, our consent line ---------------------------
    def test_privacy_answer_is_recorded_as_the_dealer_consent_line(self):
        """With the bridge, the customer's answer by privacy_consent's email link is their
        marketing-by-email consent line (granted, then withdrawn: one line), the customer
        who already answered at the counter is not asked again, and silence records
        nothing."""
        self.counter_customer = self.env["res.partner"].create(
            {"name": "Counter Customer", "email": "counter@example.com"}
        )
        Consent = self.env["dealer.consent"]
        Consent.create(
            {
                "partner_id": self.counter_customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "withdrawn",
                "source": "form",
            }
        )
        bridge_activity(self.activity, self.customer | self.counter_customer)
        self.activity.default_consent = True  # silence taken as yes: not by us
        self.activity.action_new_consents()
        request = self.activity.consent_ids
        self.assertEqual(request.partner_id, self.customer, "the counter's answer stands")
        self.assertFalse(self.customer.dealer_consent_ids, "an unanswered request is no consent")

        # the controller's answer (privacy_consent/controllers/main.py), as the public user
        answer = request.with_context(subject_answering=True).sudo()
        answer.action_answer(True, "User agent: test\nRemote IP: 192.0.2.7")
        line = self.customer.dealer_consent_ids
        self.assertEqual(
            (line.purpose, line.channel, line.state, line.source, line.company_id),
            ("marketing", "email", "granted", "email", self.env.company),
        )
        self.assertIn("192.0.2.7", line.note)
        self.assertEqual(
            Consent._allowed_partners(self.customer, "marketing", "email"), self.customer
        )
        self.assertFalse(Consent._allowed_partners(self.customer, "marketing", "sms"))

        answer.action_answer(False, "User agent: test\nRemote IP: 192.0.2.8")
        self.assertEqual(self.customer.dealer_consent_ids, line)
        self.assertEqual(line.state, "withdrawn")
        self.assertFalse(Consent._allowed_partners(self.customer, "marketing", "email"))
        self.activity.action_new_consents()
        self.assertEqual(self.activity.consent_ids, request, "asked once")

    def test_bridge_records_only_privacy_requests(self):
        """The bridge takes privacy.consent requests and known purposes and channels
        only."""
        with self.assertRaises(UserError):
            self.env["dealer.consent"]._dealer_record_privacy_answers(
                self.customer, "marketing", "email"
            )
        with self.assertRaises(UserError):
            self.env["dealer.consent"]._dealer_record_privacy_answers(
                self.env["privacy.consent"], "marketing", "fax"
            )

    # Labels -------------------------------------------------------------------------
    def test_partner_consent_fields_have_distinct_labels(self):
        """Odoo warns at install when two fields of a model share a label: ours is
        "Consents by Channel", theirs "Consents", on the partner and on the user."""
        for model in ("res.partner", "res.users"):
            fields_ = self.env[model]._fields
            self.assertEqual(fields_["privacy_consent_count"].string, "Consents")
            self.assertEqual(fields_["dealer_consent_ids"].string, "Consents by Channel")
            self.assertEqual(same_label_pairs(self.env[model]), [], model)


@tagged("post_install", "-at_install")
class TestCoinstallPrivacyConsentLink(DealerCoinstallMixin, HttpCase):
    _coinstalled_module = "privacy_consent"

    def test_answer_by_the_emails_link_is_the_dealer_consent_line(self):
        """The customer follows the reject link of privacy_consent's email (its own
        controller, as the public user): the bridge records their marketing-by-email
        consent withdrawn, by email, with the link's IP, for the controller's company
        and recorded by no staff member."""
        customer = self.env["res.partner"].create(
            {"name": "Link Customer", "email": "link@example.com"}
        )
        activity = self.env["privacy.activity"].create(
            {"name": "Newsletter", "subject_find": True, "consent_required": "manual"}
        )
        bridge_activity(activity, customer)
        activity.action_new_consents()
        request = activity.consent_ids
        self.assertEqual(request.partner_id, customer)

        response = self.url_open(request._url(False))
        self.assertEqual(response.status_code, 200)
        line = customer.dealer_consent_ids
        self.assertEqual(
            (line.purpose, line.channel, line.state, line.source),
            ("marketing", "email", "withdrawn", "email"),
        )
        self.assertEqual(line.company_id, activity.controller_id.company_id or self.env.company)
        self.assertFalse(line.user_id)
        self.assertIn("127.0.0.1", line.note)
        self.assertEqual(request.state, "answered")
