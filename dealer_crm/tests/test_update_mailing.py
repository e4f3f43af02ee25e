# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from ..report.dealer_customer_timeline import ID_BASE
from .common import DealerCrmCase
from .ui_common import DealerHttpCase

#: the timeline's code of the mailing rows (the 8th kind)
MAILING_CODE = 8
#: what a mail client posts to a one-click unsubscribe link (RFC 8058)
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


class UpdateMailingCommon:
    """Customers of every kind the consent gate must tell apart, and the mail queue."""

    @classmethod
    def _setup_update_mailing(cls):
        cls.company_b = cls._create_company("Mailing Dealer B")
        Partner = cls.env["res.partner"]

        def customer(name, **vals):
            return Partner.create(
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@mailing.example.com",
                    "customer_rank": 1,
                    **vals,
                }
            )

        cls.granted = customer("Greta Granted")
        cls.nothing = customer("Norm Noconsent")
        cls.withdrawn = customer("Wendy Withdrawn")
        cls.company_b_only = customer("Bram Bonly")
        cls.other_purpose = customer("Otto Otherpurpose")
        cls.blacklisted = customer("Bella Blacklisted")
        cls.archived = customer("Archie Archived")
        cls.anonymised = customer("Anna Anonymised")
        # not a customer (a supplier's contact): Odoo's rules, no consent asked
        cls.supplier = Partner.create({"name": "Sven Supplier", "email": "sven@supplier.example"})
        cls.customers = (
            cls.granted
            | cls.nothing
            | cls.withdrawn
            | cls.company_b_only
            | cls.other_purpose
            | cls.blacklisted
            | cls.archived
            | cls.anonymised
        )
        cls.everyone = cls.customers | cls.supplier
        vals = []

        def consent(who, state="granted", purpose="marketing", company=cls.env.company):
            vals.append(
                {
                    "partner_id": who.id,
                    "purpose": purpose,
                    "channel": "email",
                    "state": state,
                    "company_id": company.id,
                }
            )

        for who in (cls.granted, cls.blacklisted, cls.archived, cls.anonymised):
            consent(who)
        consent(cls.withdrawn, state="withdrawn")
        consent(cls.company_b_only, company=cls.company_b)
        consent(cls.other_purpose, purpose="service_reminder")
        # the same customer, granted by SMS only
        vals.append({**vals[-1], "purpose": "marketing", "channel": "sms"})
        cls.env["dealer.consent"].create(vals)
        cls.env["mail.blacklist"].sudo()._add(cls.blacklisted.email)
        cls.archived.action_archive()
        cls.anonymised.sudo().write({"dealer_anonymized": True})

    def _queue(self, mailing):
        """What the mailing cron does: the mailing's mails, created in the mail queue."""
        mailing.action_put_in_queue()
        mailing.env["mailing.mailing"].sudo()._process_mass_mailing_queue()
        return self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)])

    def _deliver(self, mails):
        """What the mail queue's cron does (in test mode nothing leaves the machine)."""
        self.env["mail.mail"].sudo().process_email_queue(ids=mails.ids)

    def _send(self, mailing):
        self._deliver(self._queue(mailing))
        return self._traces(mailing)

    def _traces(self, mailing):
        traces = self.env["mailing.trace"].sudo().search([("mass_mailing_id", "=", mailing.id)])
        return {trace.res_id: trace for trace in traces}

    def _evaluate(self, partner, segment):
        """``partner``'s latest evaluation, in the current company, puts them in
        ``segment``."""
        self.env["dealer.customer.score"].sudo().create(
            {
                "partner_id": partner.id,
                "month": self._today().replace(day=1),
                "company_id": self.env.company.id,
                "latest": True,
                "segment": segment,
            }
        )

    def _received(self, traces):
        return self.env["res.partner"].browse(
            res_id for res_id, trace in traces.items() if trace.trace_status == "sent"
        )


@tagged("post_install", "-at_install")
class TestUpdateMailing(UpdateMailingCommon, MockEmail, DealerCrmCase):
    """Issue 28: updates customers asked for, on Odoo's mass_mailing. Only the customers
    who granted the mailing's company marketing by email receive them, chosen by the
    customer filters when the mailing leaves; a withdrawal stops them at once; each
    mailing is on the customer's timeline; no department bypasses the gate by RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_update_mailing()
        # the composer leaves the mails in the queue (as for a mailing of more than 100)
        cls.env["ir.config_parameter"].sudo().set_param("mail.mail.force.send.limit", 0)

    def setUp(self):
        super().setUp()
        # the mail queue sends for real up to the SMTP connection, which Odoo's mock takes
        self.enterContext(self.mock_mail_gateway(mail_unlink_sent=False))

    def _mailing(self, partners=None, **vals):
        partners = self.everyone if partners is None else partners
        vals.setdefault("mailing_domain", repr([("id", "in", partners.ids)]))
        return self._create_update_mailing(user=self.user_manager, **vals)

    # Who receives it ---------------------------------------------------------------
    def test_a_mailing_reaches_only_the_customers_who_granted_marketing_by_email(self):
        traces = self._send(self._mailing())
        # the supplier is no customer: Odoo's rules, as without dealer_crm
        self.assertEqual(self._received(traces), self.granted | self.supplier)
        self.assertFalse(set(traces) & set((self.customers - self.granted).ids))

    def test_the_consent_counts_for_the_company_that_sends(self):
        self.user_manager.company_ids |= self.company_b
        mailing = self._mailing(dealer_company_id=self.company_b.id)
        traces = self._send(mailing)
        self.assertEqual(self._received(traces), self.company_b_only | self.supplier)

    def test_a_mailing_of_another_company_is_refused(self):
        with self.assertRaises(ValidationError):
            self._mailing(dealer_company_id=self.company_b.id)

    # The customer filters ------------------------------------------------------------
    def test_the_filters_choose_customers_by_segment_tier_brand_and_need(self):
        Partner = self.env["res.partner"]
        new = Partner.browse()
        for name in ("Sara Segment", "Tim Tier", "Bob Brand", "Nina Need", "Paul Plain"):
            new |= Partner.create(
                {"name": name, "email": f"{name[:4].lower()}@f.example.com", "customer_rank": 1}
            )
        self.env["dealer.consent"].create(
            [
                {"partner_id": p.id, "purpose": "marketing", "channel": "email", "state": "granted"}
                for p in new
            ]
        )
        segment, tier, brand, need, plain = new
        self._evaluate(segment, "loyal")
        program = self._create_loyalty_program(
            "Mailing Club",
            dealer_tier_ids=[Command.create({"name": "Gold", "threshold_points": 1})],
        )
        gold = program.dealer_tier_ids
        card = self.env["loyalty.card"].create({"program_id": program.id, "partner_id": tier.id})
        card.sudo().write({"dealer_tier_id": gold.id})
        vehicle = self._create_vehicle(owner_id=brand.id)
        self._create_vehicle(
            vin="WVWZZZ1KZAW700009",
            license_plate="VW 1",
            owner_id=plain.id,
            model_id=self.env.ref("fleet.model_golf_8").id,
        )
        ev = self.env.ref("dealer_crm.need_tag_ev")
        need.write({"dealer_need_ids": [Command.link(ev.id)]})
        # a need no longer had does not count
        plain.write({"dealer_need_ids": [Command.link(ev.id)]})
        plain.dealer_need_line_ids.action_archive()
        cases = {
            "segment": ({"dealer_segment": "loyal"}, segment),
            "tier": ({"dealer_tier_ids": [Command.set(gold.ids)]}, tier),
            "brand": ({"dealer_brand_ids": [Command.set(vehicle.brand_id.ids)]}, brand),
            "need": ({"dealer_need_tag_ids": [Command.set(ev.ids)]}, need),
        }
        chosen = {
            label: Partner.browse(self._mailing(new, **filters)._get_recipients())
            for label, (filters, _expected) in cases.items()
        }
        self.assertEqual(chosen, {label: expected for label, (_f, expected) in cases.items()})
        # every filter at once: all must match
        both = self._mailing(new, dealer_segment="loyal", dealer_tier_ids=[Command.set(gold.ids)])
        self.assertFalse(both._get_recipients())

    def test_the_audience_is_taken_when_the_mailing_leaves(self):
        mailing = self._mailing(dealer_segment="champion")
        self.assertFalse(mailing._get_recipients())
        # after the mailing was written: the customer becomes a champion
        self._evaluate(self.granted, "champion")
        traces = self._send(mailing)
        self.assertEqual(self._received(traces), self.granted)

    def test_the_filters_choose_among_contacts_only(self):
        contact_model = self.env["ir.model"]._get_id("mailing.list")
        with self.assertRaises(ValidationError):
            self._mailing(dealer_segment="loyal", mailing_model_id=contact_model)

    # Withdrawn or unsubscribed between the queue and the send --------------------------
    def test_a_consent_withdrawn_after_queueing_stops_the_mail(self):
        customer = self.env["res.partner"].create(
            {"name": "Late Withdrawer", "email": "late@mailing.example.com", "customer_rank": 1}
        )
        consent = self.env["dealer.consent"].create(
            {
                "partner_id": customer.id,
                "purpose": "marketing",
                "channel": "email",
                "state": "granted",
            }
        )
        mailing = self._mailing(self.granted | customer)
        mails = self._queue(mailing)
        self.assertEqual(len(mails), 2, "both were allowed when the mailing left")
        consent.with_user(self.user_relations).action_withdraw()
        self._deliver(mails)
        traces = self._traces(mailing)
        self.assertEqual(self._received(traces), self.granted)
        self.assertEqual(traces[customer.id].trace_status, "cancel")
        self.assertEqual(traces[customer.id].failure_type, "mail_optout")

    def test_a_consent_withdrawn_before_the_cron_leaves_them_out(self):
        mailing = self._mailing(self.granted)
        mailing.action_put_in_queue()
        self.granted.dealer_consent_ids.with_user(self.user_relations).action_withdraw()
        mailing.sudo()._process_mass_mailing_queue()
        self.assertFalse(self._traces(mailing))
        self.assertEqual(mailing.state, "done")

    def test_an_address_blacklisted_after_queueing_stops_the_mail(self):
        mails = self._queue(self._mailing(self.granted | self.supplier))
        self.env["mail.blacklist"].sudo()._add(self.granted.email)
        self._deliver(mails)
        traces = self._traces(mails.mailing_id)
        self.assertEqual(self._received(traces), self.supplier)
        self.assertEqual(traces[self.granted.id].trace_status, "cancel")

    def test_a_customer_archived_after_queueing_gets_nothing(self):
        mails = self._queue(self._mailing(self.granted | self.supplier))
        self.granted.action_archive()
        self._deliver(mails)
        self.assertEqual(self._received(self._traces(mails.mailing_id)), self.supplier)

    # Unsubscribe and mailing lists ------------------------------------------------------
    def test_an_unsubscribe_records_the_marketing_consent_as_withdrawn(self):
        mailing = self._mailing(self.granted | self.nothing)
        self.nothing.sudo().write({"email": self.granted.email})
        mailing._dealer_record_unsubscribe(self.granted.email.upper(), self.granted.id)
        consents = self.env["dealer.consent"].search(
            [
                ("partner_id", "in", (self.granted | self.nothing).ids),
                ("purpose", "=", "marketing"),
                ("channel", "=", "email"),
                ("company_id", "=", self.env.company.id),
            ]
        )
        # the customer's line, withdrawn; one created for the other holder of the address
        self.assertEqual(consents.partner_id, self.granted | self.nothing)
        self.assertEqual(set(consents.mapped("state")), {"withdrawn"})
        self.assertEqual(set(consents.mapped("source")), {"unsubscribe"})
        self.assertEqual(set(consents.mapped("date")), {self._today()})
        self.assertIn(mailing.subject, consents[0].note)
        # refused everywhere now, not only by mailings
        gate = self.env["dealer.consent"]._allowed_partners(self.granted, "marketing", "email")
        self.assertFalse(gate)
        self.assertFalse(self._received(self._send(mailing)))

    def test_a_withdrawal_in_the_crm_opts_the_address_out_of_the_mailing_lists(self):
        mailing_list = self.env["mailing.list"].create(
            {
                "name": "Newsletter",
                "contact_ids": [
                    Command.create({"name": "Greta", "email": self.granted.email.upper()}),
                    Command.create({"name": "Unknown", "email": "unknown@list.example.com"}),
                ],
            }
        )
        greta, unknown = mailing_list.contact_ids.sorted("id")
        self.granted.dealer_consent_ids.with_user(self.user_relations).action_withdraw()
        subscriptions = mailing_list.subscription_ids
        opted_out = subscriptions.filtered("opt_out").contact_id
        self.assertEqual(opted_out, greta)
        self.assertNotIn(unknown, opted_out)

    def test_a_list_mailing_gates_the_contacts_who_are_customers(self):
        mailing_list = self.env["mailing.list"].create(
            {
                "name": "Club news",
                "contact_ids": [
                    Command.create({"name": "Greta", "email": self.granted.email}),
                    Command.create({"name": "Norm", "email": self.nothing.email}),
                    Command.create({"name": "Wendy", "email": self.withdrawn.email}),
                    Command.create({"name": "Archie", "email": self.archived.email}),
                    Command.create({"name": "Unknown", "email": "unknown@list.example.com"}),
                ],
            }
        )
        mailing = self._create_update_mailing(
            user=self.user_manager,
            mailing_model_id=self.env["ir.model"]._get_id("mailing.list"),
            contact_list_ids=[Command.set(mailing_list.ids)],
        )
        traces = self._send(mailing)
        received = self.env["mailing.contact"].browse(
            res_id for res_id, trace in traces.items() if trace.trace_status == "sent"
        )
        self.assertEqual(
            sorted(received.mapped("email")), [self.granted.email, "unknown@list.example.com"]
        )

    # The timeline --------------------------------------------------------------------
    def test_the_mailing_is_on_the_customer_timeline(self):
        mailing = self._mailing(self.granted)
        trace = self._send(mailing)[self.granted.id]
        Timeline = self.env["dealer.customer.timeline"]
        rows = Timeline.with_user(self.user_manager).search(
            [("partner_id", "=", self.granted.id), ("kind", "=", "mailing")]
        )
        self.assertEqual(rows.ids, [MAILING_CODE * ID_BASE + trace.id])
        self.assertEqual(rows.name, f"{mailing.subject} (sent)")
        self.assertEqual(rows.company_id, self.env.company)
        trace.set_opened()
        rows.invalidate_recordset()
        self.assertEqual(rows.source_state, "opened")
        self.assertEqual(rows.name, f"{mailing.subject} (opened)")
        # a department that may not open mailings sees the row, not its title
        row = Timeline.with_user(self.user_sales).browse(rows.id)
        self.assertEqual(row.name, "Mailing (not yours to open)")
        # the row's id reads back the row (each branch by its own index)
        self.assertEqual(Timeline.search([("id", "=", rows.id)]), rows)

    # RPC attacks -----------------------------------------------------------------------
    def test_a_sales_user_cannot_write_or_send_a_mailing(self):
        mailing = self._mailing()
        with self.assertRaises(AccessError):
            self._create_update_mailing(user=self.user_sales)
        with self.assertRaises(AccessError):
            mailing.with_user(self.user_sales).action_send_mail(res_ids=self.everyone.ids)
        with self.assertRaises(AccessError):
            mailing.with_user(self.user_sales).write({"mailing_domain": "[]"})
        with self.assertRaises(AccessError):
            mailing.with_user(self.user_sales).action_put_in_queue()
        self.assertFalse(self._traces(mailing))

    def test_ids_sent_by_hand_pass_the_gate(self):
        refused = self.customers - self.granted
        mailing = self._mailing()
        mailing.with_user(self.user_manager).with_context(active_test=False).action_send_mail(
            res_ids=refused.ids
        )
        self._deliver(self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)]))
        traces = self._traces(mailing)
        self.assertFalse(self._received(traces))
        self.assertEqual({t.failure_type for t in traces.values()} - {"mail_bl"}, {"mail_optout"})

    def test_a_domain_written_by_hand_does_not_reach_archived_or_refused_customers(self):
        mailing = self._mailing(
            mailing_domain=repr([("id", "in", self.everyone.ids), ("active", "in", [True, False])])
        )
        traces = self._send(mailing.with_user(self.user_manager).with_context(active_test=False))
        self.assertEqual(self._received(traces), self.granted | self.supplier)

    def test_a_composer_pointed_at_a_mailing_passes_the_gate(self):
        mailing = self._mailing()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_manager)
            .with_context(active_ids=self.nothing.ids, default_composition_mode="mass_mail")
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "res.partner",
                    "mass_mailing_id": mailing.id,
                    "subject": "Hand-made",
                    "body": "<p>x</p>",
                }
            )
        )
        composer._action_send_mail()
        trace = self._traces(mailing)[self.nothing.id]
        self.assertEqual((trace.trace_status, trace.failure_type), ("cancel", "mail_optout"))

    def test_an_email_marketing_user_of_no_department_keeps_odoos_form(self):
        marketing = self._create_user("t_marketing", "mass_mailing.group_mass_mailing_user")
        self.env.invalidate_all()
        Mailing = self.env["mailing.mailing"].with_user(marketing)
        arch = Mailing.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("dealer_segment", arch)
        mailing = self._create_update_mailing(
            user=marketing, mailing_domain=repr([("id", "in", self.everyone.ids)])
        )
        # and the gate holds for them as for the manager
        self.assertEqual(self._received(self._send(mailing)), self.granted | self.supplier)
        manager = self.env["mailing.mailing"].with_user(self.user_manager)
        self.assertIn(
            "dealer_segment", manager.get_views([(False, "form")])["views"]["form"]["arch"]
        )


@tagged("post_install", "-at_install")
class TestUpdateMailingUnsubscribe(UpdateMailingCommon, DealerHttpCase):
    """The unsubscribe link of a mailing, as the customer's mail client follows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_update_mailing()

    def test_the_unsubscribe_link_withdraws_the_consent(self):
        mailing = self._create_update_mailing(
            mailing_domain=repr([("id", "=", self.granted.id)]), subject="Spring offers"
        )
        email = self.granted.email
        forged = mailing._get_unsubscribe_oneclick_url(email, self.granted.id).replace(
            "hash_token=", "hash_token=0"
        )
        # refused as Odoo refuses a forged link (its error page)
        self.assertEqual(self.url_open(forged, data=ONE_CLICK).status_code, 418)
        self.assertTrue(
            self.env["dealer.consent"]._allowed_partners(self.granted, "marketing", "email")
        )
        response = self.url_open(
            mailing._get_unsubscribe_oneclick_url(email, self.granted.id), data=ONE_CLICK
        )
        self.assertEqual(response.status_code, 200)
        consent = self.granted.dealer_consent_ids.filtered(
            lambda c: c.purpose == "marketing" and c.channel == "email"
        )
        consent.invalidate_recordset()
        # the link is followed by the public user: the day is theirs
        self.assertEqual(
            (consent.state, consent.source, consent.date),
            ("withdrawn", "unsubscribe", self._today_of(self.env.ref("base.public_user"))),
        )
        self.assertIn("Spring offers", consent.note)
        self.assertFalse(
            self.env["dealer.consent"]._allowed_partners(self.granted, "marketing", "email")
        )
