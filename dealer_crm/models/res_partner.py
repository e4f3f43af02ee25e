# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS, RATING_GROUP, RATING_READERS
from ..tools.phone import national_forms, normalize_phone, number_region, phone_digits
from ..tools.rfm import SEGMENTS, VALUE_TIERS
from .dealer_consent import CONTACTABLE_DOMAIN
from .dealer_customer_score import PARTNER_FIGURES
from .dealer_followup_step import department_user
from .dealer_interaction import CHANNELS

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


def _evaluation(figure):
    """A customer field showing ``figure`` of the customer's latest evaluation snapshot
    in the current company (read-only; searched, grouped and sorted through SQL)."""

    def search(self, operator, value):
        return self._dealer_search_figure(figure, operator, value)

    return {
        "compute": "_compute_dealer_evaluation",
        "search": search,
        "readonly": True,
        "copy": False,
    }


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "dealer.department.fields.mixin"]
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
    dealer_consent_ids = fields.One2many(
        "dealer.consent", "partner_id", string="Consents", groups=DEALER_GROUPS
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
    dealer_last_verified_date = fields.Date(
        string="Details Verified On",
        tracking=True,
        help="When the customer last confirmed their details were current.",
    )
    dealer_details_stale = fields.Boolean(
        string="Details Stale",
        compute="_compute_dealer_details_stale",
        search="_search_dealer_details_stale",
        help="The details were never verified, or not within the months set in the settings.",
    )
    dealer_consent_missing = fields.Boolean(
        string="Consent Never Asked",
        compute="_compute_dealer_consent_missing",
        search="_search_dealer_consent_missing",
        help="No consent was ever recorded, granted or withdrawn, for this customer.",
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
    dealer_loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_card_ids = fields.One2many(
        "loyalty.card", "partner_id", domain=[("dealer_scheme", "=", True)]
    )
    # Stored to be filtered and grouped by; the column is created and filled by SQL at
    # install (hooks.py), so a large database installs fast.
    dealer_tier_id = fields.Many2one(
        "dealer.loyalty.tier",
        string="Loyalty Tier",
        compute="_compute_dealer_tier_id",
        store=True,
        index="btree_not_null",
    )
    # Evaluation: measured by dealer.customer.score._evaluate, nightly and on demand, in
    # each company apart. The customer shows the latest snapshot of the current company:
    # a customer shared between companies never shows another company's figures.
    dealer_rfm_segment = fields.Selection(SEGMENTS, string="Segment", **_evaluation("segment"))
    dealer_value_tier = fields.Selection(
        VALUE_TIERS,
        string="Value Tier",
        help="A: the customers who make the first 80% of the last 12 months' revenue in "
        "this company; B: the next 15%; C: the rest.",
        **_evaluation("value_tier"),
    )
    dealer_last_activity_date = fields.Date(
        string="Last Purchase or Visit", **_evaluation("last_activity_date")
    )
    dealer_recency_days = fields.Integer(
        string="Days Since Last Purchase or Visit",
        compute="_compute_dealer_recency_days",
        help="Counted from the last purchase or visit to today, whenever it is read.",
    )
    dealer_evaluated_on = fields.Date(
        string="Evaluated On",
        help="The day the segment, value tier and the figures of the window were measured.",
        **_evaluation("evaluated_on"),
    )
    dealer_frequency = fields.Integer(
        string="Purchases and Visits in Window", **_evaluation("frequency")
    )
    dealer_eval_currency_id = fields.Many2one("res.currency", **_evaluation("currency_id"))
    dealer_monetary = fields.Monetary(
        string="Revenue in Window",
        currency_field="dealer_eval_currency_id",
        **_evaluation("monetary"),
    )
    dealer_revenue_12m = fields.Monetary(
        string="Revenue, 12 Months",
        currency_field="dealer_eval_currency_id",
        **_evaluation("revenue_12m"),
    )
    dealer_lifetime_spend = fields.Monetary(
        string="Lifetime Spend",
        currency_field="dealer_eval_currency_id",
        help="Confirmed sales and completed visits of this company, untaxed, in the company "
        "currency.",
        **_evaluation("lifetime_spend"),
    )
    dealer_satisfaction_avg = fields.Float(
        string="Average Satisfaction",
        aggregator="avg",
        digits=(3, 1),
        **_evaluation("satisfaction_avg"),
    )
    dealer_complaint_count = fields.Integer(string="Complaints", **_evaluation("complaint_count"))
    dealer_churn_risk = fields.Boolean(
        string="Churn Risk",
        help="Owns a vehicle and was not seen for service in this company for the months set.",
        **_evaluation("churn_risk"),
    )
    dealer_staff_rating = fields.Selection(
        STAFF_RATINGS, string="Staff Rating", tracking=True, copy=False, groups=RATING_READERS
    )
    dealer_staff_rating_reason = fields.Text(
        string="Rating Reason", tracking=True, copy=False, groups=RATING_READERS
    )
    dealer_can_rate = fields.Boolean(compute="_compute_dealer_can_rate")
    dealer_email_marketing_ok = fields.Boolean(
        string="Email Marketing Allowed",
        compute="_compute_dealer_email_marketing_ok",
        search="_search_dealer_email_marketing_ok",
        help="Granted marketing by email to the current company, has an email address and "
        "is not blacklisted: the consent gate, as a filter to build a mailing list.",
        groups=DEALER_GROUPS,
    )
    dealer_loyalty_points = fields.Float(string="Points", compute="_compute_dealer_loyalty")
    dealer_expiring_points = fields.Float(
        string="Points Expiring Soon", compute="_compute_dealer_loyalty"
    )
    dealer_loyalty_action_ids = fields.One2many(
        "dealer.loyalty.action",
        "partner_id",
        string="Loyalty Actions",
        groups=DEALER_GROUPS,
    )
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
    dealer_service_count = fields.Integer(
        string="Service Visits Count",
        compute="_compute_dealer_history",
        groups=DEALER_GROUPS,
    )
    dealer_sales_spend = fields.Monetary(
        string="Lifetime Sales",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
        groups=DEALER_GROUPS,
        help="Confirmed orders of this company, untaxed, in the company currency at each "
        "order's date.",
    )
    dealer_service_spend = fields.Monetary(
        string="Lifetime Service Spend",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
        groups=DEALER_GROUPS,
        help="Completed visits of this company, in the company currency at each visit's date.",
    )
    dealer_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_dealer_history",
        string="History Currency",
        groups=DEALER_GROUPS,
    )

    dealer_vehicle_ids = fields.One2many(
        "dealer.vehicle", "owner_id", string="Vehicles", groups=DEALER_GROUPS
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
    dealer_vehicle_ownership_ids = fields.One2many(
        "dealer.vehicle.ownership",
        "partner_id",
        string="Vehicle Ownerships",
        groups=DEALER_GROUPS,
    )
    dealer_vehicle_count = fields.Integer(
        string="Vehicles Owned", compute="_compute_vehicle_counts", groups=DEALER_GROUPS
    )
    dealer_past_vehicle_count = fields.Integer(
        string="Vehicles Owned Before",
        compute="_compute_vehicle_counts",
        groups=DEALER_GROUPS,
    )

    @api.model
    def _dealer_verify_cutoff(self):
        """Details verified before this date are stale (setting: months, default 12)."""
        months = self.env["ir.config_parameter"].sudo().get_param("dealer_crm.verify_months")
        try:
            months = max(int(months or 12), 1)
        except ValueError:
            months = 12
        return fields.Date.context_today(self) - relativedelta(months=months)

    @api.depends("dealer_last_verified_date")
    def _compute_dealer_details_stale(self):
        limit = self._dealer_verify_cutoff()
        for partner in self:
            verified = partner.dealer_last_verified_date
            partner.dealer_details_stale = not verified or verified < limit

    def _search_dealer_details_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Details Stale' with 'is set' or 'is not set'."))
        stale = [
            "|",
            ("dealer_last_verified_date", "=", False),
            ("dealer_last_verified_date", "<", self._dealer_verify_cutoff()),
        ]
        return stale if (operator == "=") == value else ["!", *stale]

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

    def _search_dealer_consent_missing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Consent Never Asked' with 'is set' or 'is not set'."))
        asked = [("dealer_consent_ids", "any", [("state", "!=", "never_asked")])]
        return ["!", *asked] if (operator == "=") == value else asked

    @api.depends("dealer_loyalty_card_ids.dealer_tier_id", "dealer_loyalty_card_ids.points")
    def _compute_dealer_tier_id(self):
        for partner in self:
            cards = partner.dealer_loyalty_card_ids.sorted(lambda c: (-c.points, c.id))
            partner.dealer_tier_id = cards[:1].dealer_tier_id

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

    @api.depends("dealer_last_activity_date")
    def _compute_dealer_recency_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.dealer_last_activity_date
            partner.dealer_recency_days = (today - last).days if last else 0

    @api.depends_context("company")
    def _compute_dealer_evaluation(self):
        """The figures of each customer's latest snapshot in the current company."""
        scores = (
            self.env["dealer.customer.score"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("company_id", "=", self.env.company.id),
                    ("latest", "=", True),
                ]
            )
        )
        by_partner = {score.partner_id.id: score for score in scores}
        for partner in self:
            score = by_partner.get(partner._origin.id)
            for name, figure in PARTNER_FIGURES.items():
                partner[name] = score[figure] if score else False

    def _dealer_search_figure(self, figure, operator, value):
        """Search a figure of the customers' latest snapshot in the current company."""
        negate = False
        if operator in ("=", "!=") and value is False:
            negate, operator = operator == "=", "!="
        elif operator in ("!=", "not in"):
            negate, operator = True, {"!=": "=", "not in": "in"}[operator]
        query = (
            self.env["dealer.customer.score"]
            .sudo()
            ._search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("latest", "=", True),
                    (figure, operator, value),
                ]
            )
        )
        return [("id", "not in" if negate else "in", query.subselect("partner_id"))]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The evaluation figures in SQL (to group and sort customers by them): the value
        of the customer's latest snapshot in the current company."""
        figure = PARTNER_FIGURES.get(fname)
        if not figure:
            return super()._field_to_sql(alias, fname, query, flush)
        return SQL(
            "(SELECT dealer_s.%s FROM dealer_customer_score dealer_s"
            " WHERE dealer_s.partner_id = %s AND dealer_s.company_id = %s AND dealer_s.latest)",
            SQL.identifier(figure),
            SQL.identifier(alias, "id"),
            self.env.company.id,
        )

    @api.depends_context("uid")
    def _compute_dealer_can_rate(self):
        self.dealer_can_rate = self.env.su or self.env.user.has_group(RATING_GROUP)

    @api.depends_context("company")
    def _compute_dealer_email_marketing_ok(self):
        allowed = self.env["dealer.consent"]._allowed_partners(self, "marketing", "email")
        for partner in self:
            partner.dealer_email_marketing_ok = partner in allowed

    def _search_dealer_email_marketing_ok(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'Email Marketing Allowed' with 'is set' or 'is not set'."))
        allowed = [
            (
                "dealer_consent_ids",
                "any",
                [
                    ("purpose", "=", "marketing"),
                    ("channel", "=", "email"),
                    ("state", "=", "granted"),
                    ("company_id", "=", self.env.company.id),
                ],
            ),
            ("email", "!=", False),
            ("is_blacklisted", "=", False),
            *CONTACTABLE_DOMAIN,
        ]
        allowed = expression.AND([[leaf] for leaf in allowed])
        return allowed if (operator == "=") == value else ["!", *allowed]

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

    def action_dealer_evaluate(self):
        """Evaluate these customers now, as the nightly job would."""
        self._dealer_check_caller(groups=DEALER_GROUPS, operation="read")
        # in the user's current company (checked against their companies before sudo)
        self.env["dealer.customer.score"].sudo()._evaluate(self.ids, company=self.env.company)
        return True

    @api.model
    def get_import_templates(self):
        return super().get_import_templates() + [
            {
                "label": _("Import Template for Dealer Customers"),
                "template": "/dealer_crm/static/xls/res_partner_dealer.csv",
            }
        ]

    @api.model
    def _cron_dealer_verify_details(self, batch_size=500):
        """Ask the responsible staff member to verify details not verified for the months
        set: one activity per customer, never a second while the first is open."""
        activity_type = self.env.ref("dealer_crm.mail_activity_type_verify_details")
        domain = [
            ("dealer_details_stale", "=", True),
            ("dealer_anonymized", "=", False),
            ("is_company", "=", False),
            "|",
            ("customer_rank", ">", 0),
            ("dealer_customer_type", "!=", False),
            ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
        ]
        partners = self.search(domain, limit=batch_size, order="id")
        if partners:
            self.env["mail.activity"].sudo().create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": partner.id,
                        "activity_type_id": activity_type.id,
                        "summary": _("Verify the customer's details"),
                        "date_deadline": fields.Date.context_today(self),
                        "user_id": partner._dealer_responsible().id,
                    }
                    for partner in partners
                ]
            )
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return partners

    def _dealer_responsible(self):
        """The salesperson of the customer if they work here, else a sales consultant."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return department_user(self.env, "sales", company, self.user_id)

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
            partner.dealer_vehicle_count = current.get(partner, 0)
            partner.dealer_past_vehicle_count = past.get(partner, 0)

    @api.depends_context("company")
    def _compute_dealer_history(self):
        """Counts and lifetime spend over the whole set in three grouped queries.

        Spend as the evaluation counts it: confirmed sales and completed visits,
        untaxed, each converted to the company currency at its own date
        (res.currency._dealer_company_sums)."""
        partners = self.with_context(active_test=False)
        Currency = self.env["res.currency"]
        services = Currency._dealer_company_sums(
            "dealer.service.record",
            [("partner_id", "in", partners.ids), ("state", "=", "done")],
            "amount",
            "date",
            groupby="partner_id",
        )
        all_services = dict(
            self.env["dealer.service.record"]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
            )
        )
        sales = Currency._dealer_company_sums(
            "sale.order",
            [("partner_id", "in", partners.ids), ("state", "=", "sale")],
            "amount_untaxed",
            "date_order",
            groupby="partner_id",
        )
        for partner in self:
            partner.dealer_service_count = all_services.get(partner, 0)
            partner.dealer_service_spend = services.get(partner.id, 0.0)
            partner.dealer_sales_spend = sales.get(partner.id, 0.0)
            partner.dealer_currency_id = self.env.company.currency_id

    def action_dealer_view_services(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
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
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._log_action({"partner_id": self.id})

    def action_dealer_refer(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._refer_action(self, self.id)

    def action_dealer_verified(self):
        """The customer confirmed their details: the verification activity is done."""
        self._dealer_check_caller()
        self.write({"dealer_last_verified_date": fields.Date.context_today(self)})
        activity_type = self.env.ref("dealer_crm.mail_activity_type_verify_details")
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        ).action_feedback(feedback=_("Details verified."))

    def action_dealer_view_interactions(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_interaction_action", "partner_id")

    def action_dealer_view_vehicles(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_vehicle_action", "owner_id")

    def action_dealer_view_past_vehicles(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_vehicle_ownership_action",
            "partner_id",
            name=_("Vehicles Owned Before"),
            domain=[("date_end", "!=", False)],
            create=False,
        )

    def action_dealer_view_loyalty(self):
        """The customer's membership card, or the members list to enrol them."""
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        card = self.dealer_loyalty_card_id
        if not card:
            return self._dealer_related_action(
                "dealer_crm.loyalty_card_dealer_action", "partner_id"
            )
        # the card itself, with the members list's own context (no default_partner_id
        # for what the card's buttons create)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_crm.loyalty_card_dealer_action"
        )
        form = self.env.ref("dealer_crm.loyalty_card_view_form_dealer")
        action.update(res_id=card.id, view_mode="form", views=[(form.id, "form")])
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
        self._dealer_check_caller(groups=RATING_GROUP, operation="read")
        return self._dealer_open_wizard("dealer.access.export", _("Access Request"))

    def action_dealer_anonymize(self):
        self.ensure_one()
        self._dealer_check_caller(groups="dealer_crm.group_manager")
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

    # Phone lookups ---------------------------------------------------------------
    @api.model
    def _dealer_phone_domain(self, value, prefix=""):
        """A domain for the partners whose phone or mobile is the number ``value``,
        however either was typed (``prefix`` is the path to the partner, such as
        ``"owner_id."``). Every phone lookup of the addon asks this one method.

        ``value`` is normalised to E.164 with the company's country for a number
        without one (tools/phone.py). It then matches, set-based: Odoo's sanitised
        number; a phone or mobile stored with its country in any format (+ or 00);
        one stored without a country, as dialled in the company's country or in the
        contact's own. A value that is no valid number where it is dialled from (a
        local number of another country, ``(852) 9123-4567`` typed in a US company) is
        matched on its digits, as Odoo's own contact search matches it. A value that
        is no phone number matches nobody.
        """
        region = self.env.company.country_id.code
        # phone_mobile_search reads the columns in SQL: write pending changes first
        self.flush_model(["phone", "mobile"])
        own_region = number_region(value, region)
        if not own_region:
            # Not a valid number where it would be dialled from (a local number of
            # another country, a number typed with its country in brackets): match as
            # Odoo's own contact search does, on the digits, if there are enough of them.
            digits = phone_digits(value)
            if not digits:
                return expression.FALSE_DOMAIN
            return [(f"{prefix}phone_mobile_search", "ilike", digits)]
        e164 = normalize_phone(value, region)
        domains = [
            [(f"{prefix}phone_sanitized", "=", e164)],
            [(f"{prefix}phone_mobile_search", "=", e164)],
        ]
        # stored without their country, as dialled in the company's country ...
        domains += [
            [(f"{prefix}phone_mobile_search", "=", digits)]
            for digits in national_forms(value, region)
        ]
        # ... or in the contact's own country
        if own_region != (region or "").upper():
            domains += [
                [
                    (f"{prefix}country_id.code", "=", own_region),
                    (f"{prefix}phone_mobile_search", "=", digits),
                ]
                for digits in national_forms(value, own_region)
            ]
        return expression.OR(domains)

    @api.model
    def _dealer_find_by_phone(self, number):
        """The contacts whose phone or mobile is ``number``, however typed: the match of
        an inbound call or message. Record rules apply: only contacts the user may see."""
        return self.search(self._dealer_phone_domain(number))
