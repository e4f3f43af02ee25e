# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Range statements of the standards that no other test shows (docs/competency-map.md):
customers of every kind (AURSAA2002 R1, AURC362807A R2), contact on every channel
(AURSAA2002 R2, AURC362807A R2.e) and what the customer database holds about a
customer's requests and language (AURSAA2002 R3.e, AURC362807A R2.b, R2.c, R6.e)."""

from odoo.tests import tagged

from odoo.addons.dealer_crm.models.res_partner import CUSTOMER_TYPES
from odoo.addons.dealer_crm.tools.channels import INTERACTION_CHANNELS

from .common import DealerCrmCase


@tagged("post_install", "-at_install")
class TestCompetencyRange(DealerCrmCase):
    def test_a_contact_on_every_channel_is_logged_and_on_the_timeline(self):
        """Email, Facebook, face to face, surveys, telephone, Twitter, letters: each is
        an interaction a department logs, on the customer's timeline and in the analysis."""
        Interaction = self.env["dealer.interaction"].with_user(self.user_relations)
        for channel, label in INTERACTION_CHANNELS:
            Interaction.create(
                {
                    "partner_id": self.customer.id,
                    "channel": channel,
                    "direction": "inbound",
                    "subject": f"By {label}",
                }
            )
        self.env.flush_all()
        self.env.invalidate_all()  # the timeline is a view the ORM does not see written
        timeline = self.customer.with_user(self.user_sales).dealer_timeline_ids
        self.assertEqual(
            sorted(timeline.filtered(lambda row: row.kind == "interaction").mapped("name")),
            sorted(f"By {label}" for _channel, label in INTERACTION_CHANNELS),
        )
        groups = (
            self.env["dealer.interaction.report"]
            .with_user(self.user_manager)
            ._read_group([("partner_id", "=", self.customer.id)], ["channel"], ["__count"])
        )
        self.assertEqual(dict(groups), dict.fromkeys(dict(INTERACTION_CHANNELS), 1))

    def test_every_kind_of_customer_is_a_customer_and_groups_the_list(self):
        """Regular and new clients, prospects, business and fleet accounts, group listings
        (business, social, individual) and colleagues are all customers of the list."""
        Partner = self.env["res.partner"].with_user(self.user_relations)
        customers = Partner.browse()
        for kind, label in CUSTOMER_TYPES:
            values = {"name": label, "dealer_customer_type": kind}
            if kind == "group":
                values["dealer_group_kind"] = "social"
            if kind in ("business", "fleet"):
                values["is_company"] = True
            customers |= Partner.create(values)
        found = Partner.search(Partner._dealer_customer_domain()) & customers
        self.assertEqual(found, customers, "every kind is a customer, prospects and colleagues too")
        groups = Partner._read_group(
            [("id", "in", customers.ids)], ["dealer_customer_type"], ["__count"]
        )
        self.assertEqual(dict(groups), dict.fromkeys(dict(CUSTOMER_TYPES), 1))
        group = customers.filtered(lambda p: p.dealer_customer_type == "group")
        self.assertEqual(group.dealer_group_kind, "social")

    def test_special_requests_language_and_preferred_contact_are_kept_and_tracked(self):
        """A customer's special requests and needs, the language they are served in and
        how and when they like to be contacted are on the customer, and a change is
        tracked in its history."""
        self.env["res.lang"]._activate_lang("zh_HK")
        customer = self.env(context={})["res.partner"].create({"name": "Served in Cantonese"})
        self.env.flush_all()
        self.env.cr.flush()  # the creation is logged on its own
        time = customer._fields["dealer_preferred_time"].get_values(self.env)[0]
        customer.with_user(self.user_service).write(
            {
                "dealer_special_requests": "Wheelchair access; a courtesy car while in service",
                "lang": "zh_HK",
                "dealer_preferred_channel": "whatsapp",
                "dealer_preferred_time": time,
            }
        )
        self.env.flush_all()
        self.env.cr.flush()  # tracking values are written before commit
        seen = customer.with_user(self.user_sales)
        self.assertEqual(
            seen.dealer_special_requests, "Wheelchair access; a courtesy car while in service"
        )
        self.assertEqual((seen.lang, seen.dealer_preferred_channel), ("zh_HK", "whatsapp"))
        self.assertEqual(seen.dealer_preferred_time, time)
        tracked = customer.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("dealer_special_requests", tracked)
        self.assertIn("dealer_preferred_channel", tracked)
