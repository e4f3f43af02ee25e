# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""dealer_crm's erasure as an extension of OCA's privacy_partner_to_be_forgotten (issue 31).

OCA's module clears the contact, the messages about or by them and their files. A
dealer's customer is named in many more places: interactions, leads, tickets, service
notes, a sold vehicle's chatter. These tests measure what OCA's anonymisation alone
leaves behind, and show that each entry point (OCA's wizard and API, dealer_crm's
wizard) runs the one whole-database erasure, logged in the Erasure Log.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.privacy_partner_to_be_forgotten.models.res_partner import (
    ResPartner as OcaResPartner,
)

from ..hooks import uninstall_hook
from . import test_erasure_scan
from .common import DealerCrmCase

OCA_GROUP = "privacy_partner_to_be_forgotten.group_partner_anonymize"


@tagged("post_install", "-at_install")
class TestErasureOnOca(DealerCrmCase):
    def _customer_with_history(self, name, email, phone, vin):
        """A customer named in the places a dealer's history names them."""
        customer = self.env["res.partner"].create({"name": name, "email": email, "phone": phone})
        self.env["res.partner"].create(
            {"name": f"{name} (work)", "email": f"w.{email}", "parent_id": customer.id}
        )
        vehicle = self._create_vehicle(
            vin=vin, owner_id=customer.id, purchase_date=self._today() - timedelta(days=30)
        )
        self.env["dealer.interaction"].create(
            {"partner_id": customer.id, "channel": "phone", "subject": f"{name} called"}
        )
        self.env["crm.lead"].create(
            {"name": f"{name} wants an SUV", "partner_id": customer.id, "email_from": email}
        )
        self.env["helpdesk.ticket"].create(
            {
                "name": f"{name} complains",
                "description": "<p>Noise</p>",
                "partner_id": customer.id,
                "partner_name": name,
                "partner_email": email,
            }
        )
        vehicle.message_post(body=f"{name} collected the car, call {phone}")
        customer.message_post(body=f"Note about {name}")
        return customer

    def _scan(self, secrets):
        return test_erasure_scan.TestErasureScan._scan(self, secrets)

    def test_oca_alone_leaves_the_customer_named_where_ours_clears_it(self):
        """The measured difference: OCA's anonymize_partner_data alone, as the module
        ships it, against the same call with dealer_crm's extension."""
        oca_secrets = ("Wong Siu Ming", "wong.sm@example.com", "+852 6000 1111")
        ours_secrets = ("Lee Ka Yan", "lee.ky@example.com", "+852 6000 2222")
        theirs = self._customer_with_history(*oca_secrets, vin="WVWZZZ1KZAW000101")
        ours = self._customer_with_history(*ours_secrets, vin="WVWZZZ1KZAW000102")
        # OCA's own code, without dealer_crm's override (on the contact and its child,
        # as OCA's wizard would call it)
        for partner in theirs.with_context(active_test=False).search(
            [("id", "child_of", theirs.id)]
        ):
            OcaResPartner.anonymize_partner_data(partner)
        ours.anonymize_partner_data()
        self.env.cr.precommit.run()
        left = {hit.split(":")[0] for hit in self._scan(oca_secrets)}
        # the contact itself is cleared by both ...
        self.assertEqual(theirs.name, "WSM Anonymized")
        self.assertNotIn("res_partner.name", left)
        # ... but OCA's alone leaves the name wherever the dealer's history holds it
        for where in (
            "dealer_interaction.subject",
            "crm_lead.name",
            "helpdesk_ticket.partner_email",
            "helpdesk_ticket.name",
            "helpdesk_ticket.partner_name",
            "mail_message.body",
        ):
            self.assertIn(where, left)
        self.assertFalse(theirs.dealer_anonymized, "nor does it flag the customer")
        hits = self._scan(ours_secrets)
        self.assertFalse(hits, "\n".join(hits))
        self.assertEqual(ours.name, "LKY Anonymized")
        self.assertTrue(ours.dealer_anonymized)

    def test_oca_wizard_runs_the_whole_erasure_and_our_log(self):
        secrets = ("Ho Wai Kit", "ho.wk@example.com", "+852 6000 3333")
        customer = self._customer_with_history(*secrets, vin="WVWZZZ1KZAW000103")
        child = customer.child_ids
        with Form(
            self.env["partner.anonymize.wizard"]
            .with_user(self.user_manager)
            .with_context(active_ids=customer.ids, default_partner_ids=customer.ids)
        ) as form:
            wizard = form.save()
        self.assertEqual(wizard.partner_ids, customer | child, "OCA lists the contacts under")
        wizard.action_confirm()
        self.env.cr.precommit.run()
        hits = self._scan(secrets)
        self.assertFalse(hits, "\n".join(hits))
        self.assertTrue((customer | child).mapped("dealer_anonymized") == [True, True])
        self.assertEqual(customer.name, "HWK Anonymized")
        self.assertRegex(customer.email, r"^hwk_[\d-]+_\d+@anonymized\.oca$")
        # dealer_crm's log, once per customer asked for (the child went with its parent)
        log = self.env["dealer.erasure.log"].search([("partner_id", "in", (customer | child).ids)])
        self.assertEqual(log.partner_id, customer)
        self.assertEqual(
            (log.reason, log.user_id, log.state), ("request", self.user_manager, "done")
        )
        # OCA's note in each contact's chatter, and nothing else about them
        for partner in customer | child:
            self.assertEqual(len(partner.message_ids), 1)
            self.assertIn("anonymized", partner.message_ids.body)

    def test_dealer_wizard_leaves_oca_s_note(self):
        self.env["dealer.partner.anonymize"].with_user(self.user_manager).create(
            {"partner_id": self.customer.id, "confirmation": "Chan Tai Man"}
        ).action_anonymize()
        self.assertEqual(self.customer.name, "CTM Anonymized")
        self.assertIn("has been anonymized", self.customer.message_ids.body)
        self.assertIn(self.user_manager.name, self.customer.message_ids.body)

    def test_one_group_and_one_menu_entry(self):
        """A dealer manager holds OCA's right to anonymise; nobody else in the dealership
        does, whichever entry point they try. The form's Anonymise... button is the one
        way in the screens: OCA's Action menu entry is unbound."""
        self.assertTrue(self.user_manager.has_group(OCA_GROUP))
        for user in (self.user_sales, self.user_service, self.user_relations):
            self.assertFalse(user.has_group(OCA_GROUP))
            with self.assertRaises(AccessError):
                self.customer.with_user(user).anonymize_partner_data()
        self.assertFalse(self.customer.dealer_anonymized)
        action = self.env.ref("privacy_partner_to_be_forgotten.action_partner_anonymize")
        self.assertFalse(action.binding_model_id)
        # uninstalling dealer_crm gives OCA its entry back
        uninstall_hook(self.env)
        self.assertEqual(action.binding_model_id, self.env.ref("base.model_res_partner"))

    def test_a_portal_customer_is_anonymised_with_their_login(self):
        """Their portal account no longer blocks the erasure: it is archived, its login
        replaced, as OCA does; a manager cannot anonymise their own account."""
        user = self._create_portal_user(self.customer, "chan@example.com")
        # an archived account of a contact under them, with their address as login
        child = self.env["res.partner"].create(
            {"name": "Chan (home)", "parent_id": self.customer.id}
        )
        former = self._create_portal_user(child, "chan.home@example.com")
        former.active = False
        self.customer.with_user(self.user_manager).anonymize_partner_data()
        self.assertRegex(former.with_context(active_test=False).login, r"@anonymized\.oca$")
        user = user.with_context(active_test=False)
        self.assertFalse(user.active)
        self.assertEqual(user.login, self.customer.email)
        self.assertRegex(user.login, r"@anonymized\.oca$")
        self.assertTrue(self.customer.dealer_anonymized)
        with self.assertRaisesRegex(UserError, "your own user account"):
            self.user_manager.partner_id.with_user(self.user_manager).anonymize_partner_data()
        self.assertTrue(self.user_manager.active)

    def test_a_manager_cannot_anonymise_a_colleague_nor_a_company(self):
        """Erasing an employee's contact archives their account (review F13): a Settings
        administrator's decision, or the account archived first."""
        colleague = self.env["res.users"].create(
            {
                "name": "Wong Colleague",
                "login": "wong.colleague@example.com",
                "groups_id": [Command.link(self.env.ref("base.group_user").id)],
            }
        )
        partner = colleague.partner_id.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "colleague"):
            partner.anonymize_partner_data()
        self.assertTrue(colleague.active)
        self.assertEqual(colleague.login, "wong.colleague@example.com")
        with self.assertRaisesRegex(UserError, "one of your companies"):
            self.env.company.partner_id.with_user(self.user_manager).anonymize_partner_data()
        self.assertFalse(self.env["dealer.erasure.log"].search([("partner_id", "=", partner.id)]))
        # once they have left (their account archived), their contact is erased
        colleague.active = False
        partner.anonymize_partner_data()
        self.assertTrue(partner.dealer_anonymized)
        self.assertRegex(colleague.login, r"@anonymized\.oca$")

    def test_an_already_anonymised_customer_is_not_erased_twice(self):
        self.customer.anonymize_partner_data()
        name = self.customer.name
        self.customer.anonymize_partner_data()
        self.assertEqual(self.customer.name, name)
        self.assertEqual(
            self.env["dealer.erasure.log"].search_count([("partner_id", "=", self.customer.id)]),
            1,
        )

    def test_upgrade_flags_contacts_oca_anonymised_before(self):
        """migrations/18.0.1.9.0/post-erasure.py"""
        OcaResPartner.anonymize_partner_data(self.customer)
        self.assertFalse(self.customer.dealer_anonymized)
        path = Path(__file__).parent.parent / "migrations/18.0.1.9.0/post-erasure.py"
        spec = importlib.util.spec_from_file_location("dealer_crm_post_erasure_1_9", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.1.8.0")
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.dealer_anonymized)
        self.assertTrue(self.user_sales.partner_id.active, "nobody else is touched")
