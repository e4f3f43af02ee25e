# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.dealer_consent import PURPOSES, never_asked_sql
from ..tools.channels import (
    CONSENT_CHANNEL_OF,
    CONSENT_CHANNELS,
    CONTACT_FIELDS,
    INTERACTION_CHANNELS,
    PHONE_CHANNELS,
)
from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestConsentGate(DealerCrmCase):
    """Issue 25: one consent gate. Its Python form, its search domain and the SQL twin of
    "consent never asked" agree, and every outreach (the reminder job included) refuses
    exactly whom the gate refuses, with the gate's note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls._today()
        cls.company_b = cls._create_company("Gate Dealer B")
        Partner = cls.env["res.partner"]

        def partner(name, **vals):
            return Partner.create(
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@gate.example.com",
                    "mobile": f"+8526{len(name):03d}{sum(map(ord, name)) % 10000:04d}",
                    "street": "1 Nathan Road",
                    **vals,
                }
            )

        cls.given = partner("Gina Given")
        cls.long_ago = partner("Larry Longago")
        cls.withdrawn = partner("Walt Withdrawn")
        cls.never_line = partner("Nell Neverline")
        cls.nothing = partner("Nora Nothing")
        cls.sms_only = partner("Sam Smsonly")
        cls.no_email = partner("Ned Noemail", email=False)
        cls.no_phone = partner("Phil Nophone", mobile=False, phone=False)
        cls.email_blacklisted = partner("Bella Blacklisted")
        cls.phone_blacklisted = partner("Pete Phoneblack")
        cls.company_b_only = partner("Bert Bonly")
        cls.archived = partner("Archie Archived")
        cls.anonymised = partner("Anna Anonymised")
        cls.everyone = (
            cls.given
            | cls.long_ago
            | cls.withdrawn
            | cls.never_line
            | cls.nothing
            | cls.sms_only
            | cls.no_email
            | cls.no_phone
            | cls.email_blacklisted
            | cls.phone_blacklisted
            | cls.company_b_only
            | cls.archived
            | cls.anonymised
        )
        every_channel = [channel for channel, _label in CONSENT_CHANNELS]
        every_purpose = [purpose for purpose, _label in PURPOSES]
        vals = []

        def consent(who, state="granted", channels=every_channel, company=cls.company, **extra):
            vals.extend(
                {
                    "partner_id": who.id,
                    "purpose": purpose,
                    "channel": channel,
                    "state": state,
                    "company_id": company.id,
                    **extra,
                }
                for purpose in every_purpose
                for channel in channels
            )

        for who in (
            cls.given,
            cls.no_email,
            cls.no_phone,
            cls.email_blacklisted,
            cls.phone_blacklisted,
            cls.archived,
            cls.anonymised,
        ):
            consent(who)
        # consents do not expire: one granted years ago still stands
        consent(cls.long_ago, date=cls.today - relativedelta(years=6))
        consent(cls.withdrawn, state="withdrawn")
        consent(cls.never_line, state="never_asked")
        consent(cls.sms_only, channels=["sms"])
        consent(cls.company_b_only, company=cls.company_b)
        cls.env["dealer.consent"].create(vals)
        cls.env["mail.blacklist"].sudo()._add(cls.email_blacklisted.email)
        cls.env["phone.blacklist"].sudo().add(cls.phone_blacklisted.mobile)
        cls.archived.action_archive()
        cls.anonymised.sudo().write({"dealer_anonymized": True})
        cls.everyone.invalidate_recordset()

    # The Python check the gate had before the domain became its definition, kept as the
    # test's oracle: contactable, a consent granted to that company for that purpose and
    # channel, the channel's contact detail, not blacklisted.
    def _oracle(self, partner, purpose, channel, company):
        if not partner.active or partner.dealer_anonymized:
            return False
        granted = partner.sudo().dealer_consent_ids.filtered(
            lambda c: (
                (c.purpose, c.channel, c.state, c.company_id)
                == (purpose, channel, "granted", company)
            )
        )
        if not granted or not any(partner[name] for name in CONTACT_FIELDS[channel]):
            return False
        if channel == "email" and partner.is_blacklisted:
            return False
        return not (channel in PHONE_CHANNELS and partner.phone_sanitized_blacklisted)

    def _everyone_where(self, domain):
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "in", self.everyone.ids), *domain])
        )

    def _assert_partner_flag(self, env, field, expected):
        """The partner's boolean ``field``, read and searched in ``env``, is set on
        ``expected`` among everyone, and only there."""
        Partner = env["res.partner"].with_context(active_test=False)
        env.invalidate_all()
        key = (env.user.login, env.company.name, field)
        computed = Partner.browse(self.everyone.ids).filtered(field)
        self.assertEqual(set(computed.ids), set(expected.ids), key)
        for value, want in ((True, expected), (False, self.everyone - expected)):
            found = Partner.search([("id", "in", self.everyone.ids), (field, "=", value)])
            self.assertEqual(set(found.ids), set(want.ids), (*key, value))

    # The gate: Python == search domain == the former Python check ----------------------
    def test_gate_python_and_domain_agree_for_every_purpose_channel_and_company(self):
        Consent = self.env["dealer.consent"]
        for company in (self.company, self.company_b):
            for purpose, _label in PURPOSES:
                for channel, _clabel in CONSENT_CHANNELS:
                    key = (company.name, purpose, channel)
                    allowed = Consent._allowed_partners(self.everyone, purpose, channel, company)
                    expected = self.everyone.filtered(
                        lambda p, k=(purpose, channel, company): self._oracle(p, *k)
                    )
                    self.assertEqual(allowed, expected, key)
                    found = self._everyone_where(Consent._gate_domain(purpose, channel, company))
                    self.assertEqual(found, expected, key)

    def test_gate_lets_through_exactly_the_granted_and_reachable(self):
        Consent = self.env["dealer.consent"]

        def allowed(channel, company=None):
            return Consent._allowed_partners(self.everyone, "marketing", channel, company)

        self.assertEqual(
            allowed("email"), self.given | self.long_ago | self.no_phone | self.phone_blacklisted
        )
        self.assertEqual(
            allowed("sms"),
            self.given | self.long_ago | self.sms_only | self.no_email | self.email_blacklisted,
        )
        self.assertEqual(
            allowed("post"),
            self.given
            | self.long_ago
            | self.no_email
            | self.no_phone
            | self.email_blacklisted
            | self.phone_blacklisted,
        )
        self.assertEqual(allowed("email", self.company_b), self.company_b_only)

    def test_email_marketing_filter_is_the_gate_for_every_reader(self):
        for user in (self.user_sales, self.user_relations, self.user_manager):
            for company in (self.company, self.company_b):
                user.sudo().company_ids |= company
                env = self.env(user=user, context={"allowed_company_ids": company.ids})
                expected = self.everyone.filtered(
                    lambda p, c=company: self._oracle(p, "marketing", "email", c)
                )
                self._assert_partner_flag(env, "dealer_email_marketing_ok", expected)

    # "Consent never asked": Python == domain == SQL ----------------------------------
    def test_never_asked_python_domain_and_sql_agree(self):
        Consent = self.env["dealer.consent"]
        expected = self.never_line | self.nothing  # in the order of self.everyone
        self.assertEqual(Consent._never_asked_partners(self.everyone), expected)
        self.assertEqual(self._everyone_where(Consent._never_asked_domain()), expected)
        self.assertEqual(
            self._everyone_where(
                [
                    (
                        "id",
                        "in",
                        SQL(
                            "(SELECT p.id FROM res_partner p WHERE %s)",
                            never_asked_sql(SQL("p.id")),
                        ),
                    )
                ]
            ),
            expected,
        )
        # the same on the partner, as computed, as searched, whoever reads it
        for user in (self.user_sales, self.user_relations):
            self._assert_partner_flag(self.env(user=user), "dealer_consent_missing", expected)

    def test_data_quality_lists_the_never_asked_customers(self):
        customers = (self.everyone - self.archived - self.anonymised).filtered("active")
        customers.write({"dealer_customer_type": "regular"})
        self.env.flush_all()
        rows = self.env["dealer.data.quality"].search(
            [("issue", "=", "no_consent"), ("partner_id", "in", customers.ids)]
        )
        self.assertEqual(
            rows.partner_id, self.env["dealer.consent"]._never_asked_partners(customers)
        )

    # The reminder job asks the gate, and notes what the gate notes ----------------------
    def test_reminder_job_refuses_exactly_whom_the_gate_refuses(self):
        Plan = self.env["dealer.maintenance.plan"]
        Plan.search([]).action_archive()
        Plan.create({"name": "Gate Plan", "interval_months": 12, "interval_distance": 15000})
        self.env["dealer.vehicle"].search([]).write({"active": False})
        vehicles = {}
        for index, owner in enumerate(self.everyone.with_context(active_test=False)):
            vehicles[owner] = self._create_vehicle(
                vin=f"WVWZZZ1KZAW5{index:05d}",
                license_plate=f"GATE {index}",
                owner_id=owner.id,
                purchase_date=self.today - relativedelta(years=3),
            )
        self.env["dealer.service.reminder"]._cron_service_reminders()
        Consent = self.env["dealer.consent"]
        by_email = Consent._allowed_partners(self.everyone, "service_reminder", "email")
        by_sms = Consent._allowed_partners(self.everyone - by_email, "service_reminder", "sms")
        contactable = Consent._contactable_partners(self.everyone)
        for owner, vehicle in vehicles.items():
            notes = vehicle.message_ids.filtered(
                lambda m: m.subtype_id == self.env.ref("mail.mt_note") and m.message_type != "sms"
            )
            emailed = vehicle.message_ids.filtered(lambda m: "due for service" in (m.subject or ""))
            texted = self.env["sms.sms"].search([("partner_id", "=", owner.id)])
            self.assertEqual(bool(emailed), owner in by_email, owner.name)
            self.assertEqual(bool(texted), owner in by_sms, owner.name)
            if owner in by_email | by_sms:
                self.assertFalse(notes, owner.name)
            elif owner in contactable:
                self.assertEqual(len(notes), 1, owner.name)
                self.assertIn(
                    f"Service reminders not sent to {owner.name} by Email or SMS: no consent "
                    "on record (or no usable contact detail).",
                    str(notes.body),
                )
            else:
                word = "anonymised" if owner.dealer_anonymized else "archived"
                self.assertEqual(len(notes), 1, owner.name)
                self.assertIn(
                    f"Service reminders skipped for {owner.name}: the customer is {word}.",
                    str(notes.body),
                )
                self.assertEqual(vehicle.service_reminder_skip_date, self.today)
        self.assertEqual(
            by_email, self.given | self.long_ago | self.no_phone | self.phone_blacklisted
        )
        self.assertEqual(by_sms, self.sms_only | self.no_email | self.email_blacklisted)

    def test_reminder_job_lives_in_its_own_model_and_cron(self):
        cron = self.env.ref("dealer_crm.ir_cron_dealer_service_reminders")
        self.assertEqual(cron.model_id.model, "dealer.service.reminder")
        self.assertIn("_cron_service_reminders", cron.code)
        self.assertFalse(hasattr(self.env["dealer.vehicle"], "_cron_service_reminders"))
        self.assertTrue(callable(self.env[cron.model_id.model]._cron_service_reminders))

    # Tier notices go through the gate too ----------------------------------------------
    def test_tier_notice_is_sent_only_to_whom_the_gate_allows(self):
        self.env["loyalty.program"].search([("dealer_scheme", "=", True)]).write({"active": False})
        program = self._create_loyalty_program(
            "Gate Club",
            dealer_tier_ids=[Command.create({"name": "Silver", "threshold_points": 50})],
        )
        for member in (self.given, self.withdrawn, self.nothing):
            card = program._dealer_card(member)
            card._dealer_move(100, "Purchase", "earn")
            card._dealer_update_tiers()
            note = card.message_ids.filtered(lambda m: "Tier changed" in str(m.body))
            self.assertTrue(note, member.name)
            self.assertEqual(note.partner_ids, member if member == self.given else member.browse())

    # One word per idea: interaction channels against consent channels ------------------
    def test_every_mapped_channel_is_a_real_selection_value(self):
        def values(model, field):
            return {v for v, _l in self.env[model]._fields[field]._description_selection(self.env)}

        interaction = {value for value, _label in INTERACTION_CHANNELS}
        consent = {value for value, _label in CONSENT_CHANNELS}
        self.assertEqual(values("dealer.interaction", "channel"), interaction)
        self.assertEqual(values("crm.lead", "dealer_enquiry_channel"), interaction)
        self.assertEqual(values("res.partner", "dealer_preferred_channel"), interaction)
        self.assertEqual(values("dealer.consent", "channel"), consent)
        self.assertEqual(set(CONSENT_CHANNEL_OF), interaction)
        self.assertLessEqual(set(CONSENT_CHANNEL_OF.values()) - {None}, consent)
        self.assertEqual(set(CONTACT_FIELDS), consent)

    def test_the_gate_maps_an_interaction_channel_to_its_consent_channel(self):
        Consent = self.env["dealer.consent"]
        for interaction, _label in INTERACTION_CHANNELS:
            reachable = Consent._reachable_partners(self.everyone, "marketing", interaction)
            channel = CONSENT_CHANNEL_OF[interaction]
            if channel:
                expected = Consent._allowed_partners(self.everyone, "marketing", channel)
            else:  # the customer came to us: only "may be contacted at all"
                expected = self.everyone - self.archived - self.anonymised
            self.assertEqual(reachable, expected, interaction)
        with self.assertRaises(ValueError):
            Consent._allowed_partners(self.everyone, "marketing", "letter")
