# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .dealer_interaction import CHANNELS

_logger = logging.getLogger(__name__)


SENSITIVE_GROUPS = "dealer_crm.group_customer_relations,dealer_crm.group_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"
    # The partner is the customer itself: it declares no link, and its personal fields
    # are listed in dealer_personal_data.PARTNER_PERSONAL_FIELDS.
    _dealer_partner_fields = ()

    # Changes to personal data are tracked in the chatter.
    name = fields.Char(tracking=True)
    email = fields.Char(tracking=True)
    phone = fields.Char(tracking=True)
    mobile = fields.Char(tracking=True)
    street = fields.Char(tracking=True)
    city = fields.Char(tracking=True)
    # Sensitive personal data: only the departments that need it read it.
    dealer_birthdate = fields.Date(string="Date of Birth", groups=SENSITIVE_GROUPS, tracking=True)
    dealer_identity_number = fields.Char(
        string="Identity Document No.", groups=SENSITIVE_GROUPS, tracking=True
    )
    dealer_licence_number = fields.Char(
        string="Driving Licence No.", groups=SENSITIVE_GROUPS, tracking=True
    )
    dealer_home_address = fields.Text(
        string="Home Address",
        groups=SENSITIVE_GROUPS,
        tracking=True,
        help="A private home address, kept apart from the contact address.",
    )
    dealer_consent_ids = fields.One2many("dealer.consent", "partner_id", string="Consents")
    dealer_anonymized = fields.Boolean(string="Anonymised", readonly=True, copy=False)
    dealer_erasure_failed = fields.Boolean(
        string="Erasure Failed",
        readonly=True,
        copy=False,
        help="The retention job could not anonymise this customer: see the erasure log. "
        "Skipped by the job until cleared.",
    )
    # Customer 360: who they are and how they like to be served
    dealer_customer_type = fields.Selection(
        [
            ("private", "Private customer"),
            ("business", "Business"),
            ("fleet", "Fleet"),
            ("prospect", "Prospect"),
        ],
        string="Customer Type",
        tracking=True,
    )
    dealer_preferred_channel = fields.Selection(CHANNELS, string="Preferred Channel", tracking=True)
    dealer_preferred_time = fields.Selection(
        [
            ("morning", "Morning"),
            ("afternoon", "Afternoon"),
            ("evening", "Evening"),
            ("weekend", "Weekend"),
        ],
        string="Preferred Time",
        tracking=True,
    )
    dealer_special_requests = fields.Text(string="Special Requests", tracking=True)
    dealer_need_ids = fields.Many2many("dealer.need.tag", string="Needs")
    dealer_last_verified_date = fields.Date(
        string="Details Verified On",
        tracking=True,
        help="When the customer last confirmed their details were current.",
    )
    dealer_details_stale = fields.Boolean(
        string="Details Stale",
        compute="_compute_dealer_details_stale",
        help="The details were never verified, or not within the last year.",
    )
    dealer_consent_missing = fields.Boolean(
        string="Consent Never Asked",
        compute="_compute_dealer_consent_missing",
        help="No consent was ever recorded, granted or withdrawn, for this customer.",
    )
    dealer_interaction_ids = fields.One2many(
        "dealer.interaction", "partner_id", string="Interactions"
    )
    dealer_interaction_count = fields.Integer(compute="_compute_dealer_interaction_count")
    dealer_promise_ids = fields.One2many("dealer.promise", "partner_id", string="Promises")
    dealer_open_promise_ids = fields.One2many(
        "dealer.promise",
        "partner_id",
        string="Open Promises",
        domain=[("state", "=", "open")],
    )
    dealer_loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", compute="_compute_dealer_loyalty"
    )
    dealer_tier_id = fields.Many2one(
        "dealer.loyalty.tier", string="Loyalty Tier", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_points = fields.Float(string="Points", compute="_compute_dealer_loyalty")
    dealer_expiring_points = fields.Float(
        string="Points Expiring Soon", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_action_ids = fields.One2many(
        "dealer.loyalty.action", "partner_id", string="Loyalty Actions"
    )
    dealer_timeline_ids = fields.One2many(
        "dealer.customer.timeline", "partner_id", string="Timeline"
    )
    dealer_last_reminder_date = fields.Date(
        string="Last Service Reminder", readonly=True, copy=False
    )
    dealer_service_ids = fields.One2many(
        "dealer.service.record", "partner_id", string="Service Visits"
    )
    dealer_service_count = fields.Integer(
        string="Service Visits Count", compute="_compute_dealer_history"
    )
    dealer_sales_spend = fields.Monetary(
        string="Lifetime Sales",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
    )
    dealer_service_spend = fields.Monetary(
        string="Lifetime Service Spend",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
    )
    dealer_currency_id = fields.Many2one(
        "res.currency", compute="_compute_dealer_history", string="History Currency"
    )

    vehicle_ids = fields.One2many("dealer.vehicle", "owner_id", string="Vehicles")
    vehicle_ownership_ids = fields.One2many(
        "dealer.vehicle.ownership", "partner_id", string="Vehicle Ownerships"
    )
    vehicle_count = fields.Integer(string="Vehicles Owned", compute="_compute_vehicle_counts")
    past_vehicle_count = fields.Integer(
        string="Vehicles Owned Before", compute="_compute_vehicle_counts"
    )

    @api.depends("dealer_last_verified_date")
    def _compute_dealer_details_stale(self):
        limit = fields.Date.context_today(self) - relativedelta(years=1)
        for partner in self:
            verified = partner.dealer_last_verified_date
            partner.dealer_details_stale = not verified or verified < limit

    @api.depends("dealer_consent_ids.state")
    def _compute_dealer_consent_missing(self):
        asked = {
            partner.id
            for [partner] in self.env["dealer.consent"]._read_group(
                [("partner_id", "in", self.ids), ("state", "!=", "never_asked")], ["partner_id"]
            )
        }
        for partner in self:
            partner.dealer_consent_missing = partner.id not in asked

    def _compute_vehicle_counts(self):
        Ownership = self.env["dealer.vehicle.ownership"]
        current = dict(
            Ownership._read_group(
                [("partner_id", "in", self.ids), ("date_end", "=", False)],
                ["partner_id"],
                ["__count"],
            )
        )
        past = dict(
            Ownership._read_group(
                [("partner_id", "in", self.ids), ("date_end", "!=", False)],
                ["partner_id"],
                ["vehicle_id:count_distinct"],
            )
        )
        for partner in self:
            partner.vehicle_count = current.get(partner, 0)
            partner.past_vehicle_count = past.get(partner, 0)

    def _compute_dealer_history(self):
        """Counts and lifetime spend over the whole set in three grouped queries."""
        partners = self.with_context(active_test=False)
        services = {
            partner: (count, amount)
            for partner, count, amount in self.env["dealer.service.record"]._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "done")],
                ["partner_id"],
                ["__count", "amount:sum"],
            )
        }
        all_services = dict(
            self.env["dealer.service.record"]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
            )
        )
        sales = dict(
            self.env["sale.order"]._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "sale")],
                ["partner_id"],
                ["amount_total:sum"],
            )
        )
        for partner in self:
            partner.dealer_service_count = all_services.get(partner, 0)
            partner.dealer_service_spend = services.get(partner, (0, 0.0))[1]
            partner.dealer_sales_spend = sales.get(partner, 0.0)
            partner.dealer_currency_id = self.env.company.currency_id

    def action_view_dealer_services(self):
        return self._dealer_related_action("dealer_crm.dealer_service_record_action", "partner_id")

    def _compute_dealer_loyalty(self):
        cards = self.env["loyalty.card"].search(
            [("partner_id", "in", self.ids), ("program_id.dealer_scheme", "=", True)],
            order="points desc, id",
        )
        by_partner = {}
        for card in cards:
            by_partner.setdefault(card.partner_id, card)
        for partner in self:
            card = by_partner.get(partner, self.env["loyalty.card"])
            partner.dealer_loyalty_card_id = card
            partner.dealer_tier_id = card.dealer_tier_id
            partner.dealer_loyalty_points = card.points
            partner.dealer_expiring_points = card.dealer_expiring_points

    def _compute_dealer_interaction_count(self):
        counts = dict(
            self.env["dealer.interaction"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dealer_interaction_count = counts.get(partner, 0)

    def action_dealer_log_interaction(self):
        self.ensure_one()
        return self.env["dealer.interaction"]._log_action({"partner_id": self.id})

    def action_dealer_refer(self):
        self.ensure_one()
        return self.env["dealer.interaction"]._refer_action(self, self.id)

    def action_dealer_verified(self):
        self.write({"dealer_last_verified_date": fields.Date.context_today(self)})

    def action_dealer_view_interactions(self):
        return self._dealer_related_action("dealer_crm.dealer_interaction_action", "partner_id")

    def action_view_vehicles(self):
        return self._dealer_related_action("dealer_crm.dealer_vehicle_action", "owner_id")

    def action_view_past_vehicles(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.dealer_vehicle_ownership_action"
        )
        action["name"] = _("Vehicles Owned Before")
        action["domain"] = [("partner_id", "=", self.id), ("date_end", "!=", False)]
        action["context"] = {"create": False}
        return action

    def action_dealer_view_loyalty(self):
        """The customer's membership card, or the members list to enrol them."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.loyalty_card_dealer_action"
        )
        card = self.dealer_loyalty_card_id
        if card:
            form = self.env.ref("dealer_crm.loyalty_card_view_form_dealer")
            action.update(res_id=card.id, view_mode="form", views=[(form.id, "form")])
        else:
            action["domain"] = [("partner_id", "=", self.id)]
            action["context"] = {"default_partner_id": self.id}
        return action

    def unlink(self):
        """Customer history is archived, never deleted: only a partner with no record held
        about them (orders, vehicles, visits, tickets, consents...) may be deleted."""
        held = self.env["dealer.personal.data"]._records_of(self)
        with_history = (
            self.browse(
                {
                    partner.id
                    for name, records in held.items()
                    if name != "res.partner"
                    for field in self.env[name]._dealer_partner_fields
                    for partner in records[field]
                }
            )
            & self
        )
        if with_history:
            raise UserError(
                _(
                    "These customers have a history and cannot be deleted; archive them "
                    "instead (or anonymise them on request): %s",
                    ", ".join(with_history.mapped("display_name")),
                )
            )
        return super().unlink()

    def action_dealer_access_export(self):
        self.ensure_one()
        return self._dealer_open_wizard("dealer.access.export", _("Access Request"))

    def action_dealer_anonymize(self):
        self.ensure_one()
        return self._dealer_open_wizard("dealer.partner.anonymize", _("Anonymise Customer"))

    def _dealer_open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
