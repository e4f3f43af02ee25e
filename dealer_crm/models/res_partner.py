# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.access import DEALER_GROUPS, RATING_GROUP, RATING_READERS
from ..tools.channels import INTERACTION_CHANNELS

_logger = logging.getLogger(__name__)


SENSITIVE_GROUPS = "dealer_crm.group_customer_relations,dealer_crm.group_manager"
CUSTOMER_TYPES = [
    ("new", "New customer"),
    ("regular", "Regular customer"),
    ("prospect", "Potential customer"),
    ("business", "Business account"),
    ("fleet", "Fleet account"),
    ("group", "Group listing"),
    ("colleague", "Colleague (internal customer)"),
]
STAFF_RATINGS = [
    ("0", "Not Rated"),
    ("1", "Poor"),
    ("2", "Fair"),
    ("3", "Good"),
    ("4", "Very Good"),
    ("5", "Excellent"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = [
        "res.partner",
        "dealer.department.fields.mixin",
        "dealer.consent.mixin",
        "dealer.partner.customer.mixin",
        "dealer.partner.evaluation.mixin",
        "dealer.partner.revenue.mixin",
        "dealer.partner.phone.mixin",
        "dealer.partner.loyalty.mixin",
        "dealer.partner.vehicle.mixin",
        "dealer.partner.winback.mixin",
        "dealer.partner.recall.mixin",
    ]
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
    dealer_birthdate = fields.Date(
        string="Date of Birth", groups=SENSITIVE_GROUPS, copy=False, tracking=True
    )
    dealer_identity_number = fields.Char(
        string="Identity Document No.", groups=SENSITIVE_GROUPS, copy=False, tracking=True
    )
    dealer_licence_number = fields.Char(
        string="Driving Licence No.", groups=SENSITIVE_GROUPS, copy=False, tracking=True
    )
    dealer_home_address = fields.Text(
        string="Home Address",
        groups=SENSITIVE_GROUPS,
        copy=False,
        tracking=True,
        help="A private home address, kept apart from the contact address.",
    )
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
        CUSTOMER_TYPES,
        string="Customer Type",
        tracking=True,
        index=True,
        help="New: first purchase or visit. Regular: comes back. Potential: a prospect who "
        "has not bought yet. Business and fleet accounts buy for a company. A group "
        "listing is a club, association or family buying together. A colleague is an "
        "internal customer: staff or another department.",
    )
    dealer_group_kind = fields.Selection(
        [
            ("business", "Business group"),
            ("social", "Social group"),
            ("individual", "Individual group"),
        ],
        string="Group Kind",
        tracking=True,
    )
    dealer_preferred_channel = fields.Selection(
        INTERACTION_CHANNELS, string="Preferred Channel", tracking=True
    )
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
    dealer_need_line_ids = fields.One2many(
        "dealer.customer.need",
        "partner_id",
        string="Needs Recorded",
        groups=DEALER_GROUPS,
    )
    dealer_need_ids = fields.Many2many(
        "dealer.need.tag",
        string="Needs",
        compute="_compute_dealer_need_ids",
        inverse="_inverse_dealer_need_ids",
        search="_search_dealer_need_ids",
        help="The customer's current needs. Each one is kept with the date and the staff "
        "member who recorded it; a need removed is archived, not forgotten.",
        groups=DEALER_GROUPS,
    )
    dealer_offer_product_ids = fields.Many2many(
        "product.product",
        string="What We Offer For These Needs",
        compute="_compute_dealer_offer_product_ids",
        help="The products and services linked to the customer's current needs.",
        groups=DEALER_GROUPS,
    )
    dealer_interaction_ids = fields.One2many(
        "dealer.interaction",
        "partner_id",
        string="Interactions",
        groups=DEALER_GROUPS,
    )
    dealer_interaction_count = fields.Integer(
        compute="_compute_dealer_interaction_count", groups=DEALER_GROUPS
    )
    dealer_last_contact_date = fields.Datetime(
        string="Last Contact",
        compute="_compute_dealer_interaction_count",
        help="The latest interaction logged with the customer, on any channel.",
        groups=DEALER_GROUPS,
    )
    dealer_promise_ids = fields.One2many(
        "dealer.promise", "partner_id", string="Promises", groups=DEALER_GROUPS
    )
    dealer_open_promise_ids = fields.One2many(
        "dealer.promise",
        "partner_id",
        string="Open Promises",
        domain=[("state", "=", "open")],
        groups=DEALER_GROUPS,
    )
    dealer_open_promise_count = fields.Integer(
        string="Open Promise Count", compute="_compute_dealer_open_promises", groups=DEALER_GROUPS
    )
    dealer_promise_next_due = fields.Date(
        string="Next Promise Due",
        compute="_compute_dealer_open_promises",
        help="The earliest due date of the customer's open promises.",
        groups=DEALER_GROUPS,
    )
    dealer_staff_rating = fields.Selection(
        STAFF_RATINGS, string="Staff Rating", tracking=True, copy=False, groups=RATING_READERS
    )
    dealer_staff_rating_reason = fields.Text(
        string="Rating Reason", tracking=True, copy=False, groups=RATING_READERS
    )
    dealer_can_rate = fields.Boolean(compute="_compute_dealer_can_rate")
    dealer_timeline_ids = fields.One2many(
        "dealer.customer.timeline",
        "partner_id",
        string="Timeline",
        groups=DEALER_GROUPS,
    )
    dealer_last_reminder_date = fields.Date(
        string="Last Service Reminder", readonly=True, copy=False
    )
    dealer_service_ids = fields.One2many(
        "dealer.service.record",
        "partner_id",
        string="Service Visits",
        groups=DEALER_GROUPS,
    )

    #: recorded by their workflows only: the erasure (anonymised, failed), the loyalty
    #: scheme (tier), the evaluation (segment, value tier and figures) and the service
    #: reminders (last reminder)
    _dealer_protected_fields = frozenset(
        {
            "dealer_anonymized",
            "dealer_erasure_failed",
            "dealer_tier_id",
            "dealer_rfm_segment",
            "dealer_value_tier",
            "dealer_last_activity_date",
            "dealer_evaluated_on",
            "dealer_frequency",
            "dealer_eval_currency_id",
            "dealer_monetary",
            "dealer_revenue_12m",
            "dealer_lifetime_spend",
            "dealer_satisfaction_avg",
            "dealer_complaint_count",
            "dealer_churn_risk",
            "dealer_last_reminder_date",
        }
    )
    #: a fresh evaluation measures the records the caller may read; it judges nothing
    _dealer_read_actions = frozenset({"action_dealer_evaluate"})

    @api.depends("dealer_need_line_ids.tag_id", "dealer_need_line_ids.active")
    def _compute_dealer_need_ids(self):
        for partner in self:
            partner.dealer_need_ids = partner.dealer_need_line_ids.tag_id

    def _inverse_dealer_need_ids(self):
        """A need added is recorded with today's date and its author; one removed is
        archived, so the needs of a period can still be counted."""
        Need = self.env["dealer.customer.need"]
        vals_list = []
        for partner in self:
            lines = partner.dealer_need_line_ids
            wanted = partner.dealer_need_ids
            lines.filtered(lambda n, wanted=wanted: n.tag_id not in wanted).action_archive()
            vals_list += [
                {"partner_id": partner.id, "tag_id": tag.id}
                for tag in partner.dealer_need_ids - lines.tag_id
            ]
        Need.create(vals_list)

    def _search_dealer_need_ids(self, operator, value):
        if operator in ("=", "!=") and value is False:
            operator = "!=" if operator == "=" else "="
            return [("dealer_need_line_ids", operator, False)]
        return [("dealer_need_line_ids.tag_id", operator, value)]

    @api.depends("dealer_need_line_ids.tag_id.product_ids", "dealer_need_line_ids.active")
    def _compute_dealer_offer_product_ids(self):
        offers = self._dealer_offers()
        for partner in self:
            partner.dealer_offer_product_ids = offers.get(partner.id, self.env["product.product"])

    def _dealer_offers(self):
        """{partner id: the products linked to their active recorded needs} for the whole
        set, in one grouped query on the needs and one on the products, as the reader may
        see them (record rules of the needs, tags and products)."""
        ids = [pid for pid in self.ids if pid]
        if not ids:
            return {}
        rows = self.env["dealer.customer.need"]._read_group(
            [("partner_id", "in", ids), ("tag_id.product_ids", "!=", False)],
            ["partner_id", "tag_id"],
        )
        tags = self.env["dealer.need.tag"].browse({tag.id for _partner, tag in rows})
        products = self.env["product.product"].search([("id", "in", tags.product_ids.ids)])
        offers = {}
        for partner, tag in rows:
            offers[partner.id] = offers.get(partner.id, products.browse()) | (
                tag.product_ids & products
            )
        return offers

    @api.depends_context("uid")
    def _compute_dealer_can_rate(self):
        self.dealer_can_rate = self.env.su or self.env.user.has_group(RATING_GROUP)

    @api.constrains("dealer_staff_rating", "dealer_staff_rating_reason")
    def _check_dealer_staff_rating(self):
        for partner in self:
            if (
                partner.dealer_staff_rating not in (False, "0")
                and not (partner.dealer_staff_rating_reason or "").strip()
            ):
                raise ValidationError(
                    _("Give the reason for the staff rating of %s.", partner.display_name)
                )

    def _dealer_check_rating_rights(self, vals):
        if (
            {"dealer_staff_rating", "dealer_staff_rating_reason"} & set(vals)
            and not self.env.su
            and not self.env.user.has_group(RATING_GROUP)
        ):
            raise AccessError(_("Only customer relations and managers rate customers."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dealer_check_rating_rights(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dealer_check_rating_rights(vals)
        return super().write(vals)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """fleet_vehicle_ownership (OCA), run beside dealer_crm, puts a *Vehicles* button
        on every contact form that opens the company's fleet (``fleet.vehicle``), which
        only fleet users may read: it is shown to them only, so a department user's click
        does not end in an access error. Their register is not the customers' vehicles
        (*Vehicles Owned*)."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for node in arch.xpath("//button[@name='action_view_vehicles']"):
                node.set("groups", "fleet.fleet_group_user")
        return arch, view

    @api.model
    def get_import_templates(self):
        return super().get_import_templates() + [
            {
                "label": _("Import Template for Dealer Customers"),
                "template": "/dealer_crm/static/xls/res_partner_dealer.csv",
            }
        ]

    def action_dealer_view_services(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_service_record_action", "partner_id")

    def _compute_helpdesk_ticket_count(self):
        """helpdesk_mgmt's ticket counts (the contact's and its contacts'), counted by
        stage in SQL instead of reading every ticket the customer ever opened."""
        Ticket = self.env["helpdesk.ticket"]
        for partner in self:
            groups = (
                Ticket._read_group(
                    [("partner_id", "child_of", partner._origin.id)], ["stage_id"], ["__count"]
                )
                if partner._origin.id
                else []
            )
            count = sum(n for _stage, n in groups)
            active = sum(n for stage, n in groups if not stage.closed)
            partner.helpdesk_ticket_count = count
            partner.helpdesk_ticket_active_count = active
            partner.helpdesk_ticket_count_string = f"{active} / {count}"

    def _compute_dealer_interaction_count(self):
        figures = {
            partner: (count, last)
            for partner, count, last in self.env["dealer.interaction"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count", "date:max"]
            )
        }
        for partner in self:
            count, last = figures.get(partner, (0, False))
            partner.dealer_interaction_count = count
            partner.dealer_last_contact_date = last

    def _compute_dealer_open_promises(self):
        figures = {
            partner: (count, due)
            for partner, count, due in self.env["dealer.promise"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count", "date_due:min"],
            )
        }
        for partner in self:
            count, due = figures.get(partner, (0, False))
            partner.dealer_open_promise_count = count
            partner.dealer_promise_next_due = due

    def action_dealer_log_interaction(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._log_action({"partner_id": self.id})

    def action_dealer_refer(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._refer_action(self, self.id)

    def action_dealer_view_interactions(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_interaction_action", "partner_id")

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
        self._dealer_check_caller(groups=RATING_GROUP, operation="read")
        return self._dealer_open_wizard("dealer.access.export", _("Access Request"))

    def action_dealer_anonymize(self):
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        return self._dealer_open_wizard("dealer.partner.anonymize", _("Anonymise Customer"))

    def anonymize_partner_data(self):
        """privacy_partner_to_be_forgotten's entry point (its wizard, its API) runs
        dealer_crm's whole-database erasure, logged in the Erasure Log, instead of
        clearing the contact, its messages and its files only. The caller needs OCA's
        anonymisation group (a dealer_crm manager has it) and write access to it."""
        self.ensure_one()
        self._dealer_check_caller(groups="privacy_partner_to_be_forgotten.group_partner_anonymize")
        self.env["dealer.personal.data"]._anonymize(self, reason="request")
        return True

    def _dealer_open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def _compute_resource_booking_count(self):
        """resource_booking's count of a contact's bookings, 0 for a user who may not
        read bookings (an accountant, a user of no department): the contact's form
        and a whole-record read then open without an access error (issue 29)."""
        if not self.env["resource.booking"].has_access("read"):
            self.resource_booking_count = 0
            return
        super()._compute_resource_booking_count()
