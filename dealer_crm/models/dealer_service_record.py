# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

#: who records a visit's progress (the manager implies it)
SERVICE_GROUP = "dealer_crm.group_service"

SERVICE_TYPES = [
    ("maintenance", "Maintenance"),
    ("repair", "Repair"),
    ("warranty", "Warranty"),
    ("recall", "Recall"),
    ("inspection", "Inspection"),
    ("bodywork", "Bodywork"),
    ("other", "Other"),
]


class DealerServiceRecord(models.Model):
    _name = "dealer.service.record"
    _description = "Service Visit"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "dealer.interaction.mixin",
        "dealer.import.mixin",
        "dealer.service.recall.mixin",
        "dealer.service.late.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("customer_remarks", "work_done")
    _dealer_date_field = "date"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    vehicle_id = fields.Many2one(
        "dealer.vehicle", required=True, index=True, tracking=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="The vehicle's owner on the visit date; it stays with them after a transfer.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    odometer = fields.Float(tracking=True)
    odometer_unit = fields.Selection(related="vehicle_id.odometer_unit", string="Unit")
    vehicle_item_kind = fields.Selection(related="vehicle_id.item_kind", string="Kind of Item")
    odometer_reading_id = fields.Many2one("dealer.vehicle.odometer", readonly=True, copy=False)
    service_type = fields.Selection(
        SERVICE_TYPES, required=True, default="maintenance", tracking=True
    )
    advisor_id = fields.Many2one(
        "res.users", string="Service Advisor", default=lambda self: self.env.user, tracking=True
    )
    work_done = fields.Html()
    customer_remarks = fields.Text()
    amount = fields.Monetary(
        tracking=True,
        help="The visit's amount as recorded. Neither a loyalty reward redeemed on the visit "
        "nor the tier discount changes it: they are the Loyalty and Tier Discounts.",
    )
    dealer_loyalty_discount = fields.Monetary(
        string="Loyalty Discount",
        readonly=True,
        copy=False,
        tracking=True,
        help="What the rewards redeemed with loyalty points on this visit take off its amount.",
    )
    dealer_amount_net = fields.Monetary(
        string="Net Amount",
        compute="_compute_dealer_amount_net",
        store=True,
        help="What the customer pays: the amount less the loyalty and tier discounts. "
        "Service revenue, lifetime spend and the points earned are counted on it.",
    )
    dealer_tier_discount = fields.Float(
        string="Tier Discount (%)",
        readonly=True,
        copy=False,
        help="The loyalty tier's service discount, applied when the visit was completed.",
    )
    dealer_tier_discount_amount = fields.Monetary(
        string="Tier Discount",
        readonly=True,
        copy=False,
        tracking=True,
        help="What the loyalty tier's service discount takes off the visit when it is "
        "completed: its share of what is left to pay after any loyalty reward.",
    )
    dealer_amount_before_discount = fields.Monetary(
        string="Amount Before Tier Discount (until 1.5)",
        readonly=True,
        copy=False,
        help="History: until 1.5 the tier discount was taken off the amount, and the amount "
        "as recorded was kept here. Since 1.5 the amount is never rewritten.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    sale_order_id = fields.Many2one("sale.order", tracking=True, check_company=True)
    invoice_ids = fields.Many2many(related="sale_order_id.invoice_ids", string="Invoices")
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="scheduled",
        required=True,
        tracking=True,
        copy=False,
        group_expand=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    dealer_booking_ids = fields.One2many(
        "resource.booking",
        "dealer_visit_id",
        string="Workshop Bookings",
        help="The workshop booking this visit was when the customer arrived.",
    )
    dealer_booking_count = fields.Integer(
        string="Bookings", compute="_compute_dealer_booking_count"
    )

    #: recorded by the visit's buttons (state, tier discount), a redemption (loyalty
    #: discount) and its own numbering; the
    #: state stays importable (not readonly): an imported row's state is recorded by its
    #: button's method (dealer.import.mixin), and the screens show it read-only
    _dealer_protected_fields = frozenset(
        {
            "name",
            "odometer_reading_id",
            "dealer_tier_discount",
            "dealer_tier_discount_amount",
            "dealer_amount_before_discount",
            "dealer_loyalty_discount",
            "dealer_amount_net",
            "state",
            "dealer_late",
            "dealer_done_at",
            "dealer_delay_reason",
        }
    )
    _dealer_import_state_methods = {
        "in_progress": "action_start",
        "done": "action_done",
        "cancelled": "action_cancel",
    }

    _sql_constraints = [
        ("odometer_check", "CHECK(odometer >= 0)", "An odometer reading cannot be negative."),
        ("amount_check", "CHECK(amount >= 0)", "A service amount cannot be negative."),
        (
            "loyalty_discount_check",
            "CHECK(dealer_loyalty_discount >= 0)",
            "A loyalty discount cannot be negative.",
        ),
        (
            "tier_discount_amount_check",
            "CHECK(dealer_tier_discount_amount >= 0)",
            "A tier discount cannot be negative.",
        ),
    ]

    def _compute_dealer_booking_count(self):
        counts = dict(
            self.env["resource.booking"]
            .with_context(active_test=False)
            ._read_group([("dealer_visit_id", "in", self.ids)], ["dealer_visit_id"], ["__count"])
        )
        for visit in self:
            visit.dealer_booking_count = counts.get(visit, 0)

    @api.depends("vehicle_id", "date")
    def _compute_partner_id(self):
        for record in self:
            if record.vehicle_id and record.date:
                record.partner_id = (
                    record.vehicle_id._owner_at(record.date) or record.vehicle_id.owner_id
                )

    @api.depends("amount", "dealer_loyalty_discount", "dealer_tier_discount_amount")
    def _compute_dealer_amount_net(self):
        for record in self:
            record.dealer_amount_net = (
                record.amount - record.dealer_loyalty_discount - record.dealer_tier_discount_amount
            )

    @api.constrains("amount", "dealer_loyalty_discount", "dealer_tier_discount_amount")
    def _check_dealer_amount_net(self):
        # the discounts stand beside the amount (1.5): an amount corrected below them
        # would leave a negative net in revenue, lifetime spend and points
        for record in self:
            if record.currency_id.compare_amounts(record.dealer_amount_net, 0) < 0:
                raise ValidationError(
                    _(
                        "%(visit)s: the amount cannot be less than its loyalty and tier "
                        "discounts (%(discounts)s).",
                        visit=record.display_name,
                        discounts=record.dealer_loyalty_discount
                        + record.dealer_tier_discount_amount,
                    )
                )

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Service Visits"),
                "template": "/dealer_crm/static/xls/dealer_service_record.csv",
            }
        ]

    @api.model_create_multi
    def create(self, vals_list):
        new = _("New")
        numbered = [vals.get("name", new) == new for vals in vals_list]
        states = self._dealer_import_pop_states(vals_list)
        records = super().create(vals_list)
        for record, to_number in zip(records, numbered, strict=True):
            if to_number:
                record.sudo().name = (
                    self.env["ir.sequence"].next_by_code("dealer.service.record") or new
                )
        records._sync_odometer()
        done = records.filtered(lambda r: r.state == "done")
        (done - done._dealer_imported_history("date"))._on_done()
        records._dealer_import_apply_states(states)
        return records

    def write(self, vals):
        [imported_state] = self._dealer_import_pop_states([vals])
        newly_done = (
            self.filtered(lambda r: r.state != "done")
            if vals.get("state") == "done"
            else self.browse()
        )
        res = super().write(vals)
        if {"odometer", "date", "vehicle_id"} & set(vals):
            self._sync_odometer()
        (newly_done - newly_done._dealer_imported_history("date"))._on_done()
        if imported_state:
            moved = self.filtered(lambda r: r.state != imported_state)
            moved._dealer_import_apply_states([imported_state] * len(moved))
        return res

    def _apply_tier_discount(self):
        """The owner's loyalty tier takes its service discount off the visit, once: its
        share of what is left to pay after any reward redeemed on the visit, recorded as
        the Tier Discount beside the amount (never taken off it)."""
        for record in self.filtered(lambda r: r.dealer_amount_net and not r.dealer_tier_discount):
            tier = record.partner_id.sudo().dealer_tier_id
            if not tier.service_discount:
                continue
            due = record.dealer_amount_net
            off = due - record.currency_id.round(due * (1 - tier.service_discount / 100))
            record.sudo().write(
                {
                    "dealer_tier_discount": tier.service_discount,
                    "dealer_tier_discount_amount": off,
                }
            )
            record.message_post(
                body=_(
                    "%(tier)s tier: %(discount)s%% service discount, %(before)s to %(after)s.",
                    tier=tier.name,
                    discount=tier.service_discount,
                    before=due,
                    after=record.dealer_amount_net,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "vehicle_id": self.vehicle_id.id,
            "service_record_id": self.id,
            "subject": self.name,
        }

    def action_view_bookings(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.resource_booking_action", "dealer_visit_id", active_test=False
        )

    def action_start(self):
        self._dealer_check_caller(groups=SERVICE_GROUP)
        if any(r.state != "scheduled" for r in self):
            raise UserError(_("Only a scheduled visit can be started."))
        self.sudo().write({"state": "in_progress"})

    def action_done(self):
        self._dealer_check_caller(groups=SERVICE_GROUP)
        # the visits' rows first: completing one twice at once awards it once (the second
        # waits, fails in a way Odoo retries, and its retry finds it done) (issue 27)
        self._dealer_lock_rows()
        for record in self:
            if record.state == "cancelled":
                raise UserError(_("A cancelled visit cannot be completed; schedule a new one."))
        self.filtered(lambda r: r.state != "done").sudo().write({"state": "done"})

    def action_cancel(self):
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        if any(r.state == "done" for r in self):
            raise UserError(_("A completed visit cannot be cancelled: it is part of the history."))
        self.sudo().write({"state": "cancelled"})

    def _dealer_add_loyalty_discount(self, amount, label):
        """Record a reward redeemed on this visit: its discount, beside the amount (never
        taken off it). The redemption wizard has checked the caller."""
        self.ensure_one()
        self.sudo().dealer_loyalty_discount += amount
        self.message_post(
            body=_("Loyalty reward %(reward)s: %(amount)s off.", reward=label, amount=amount)
        )

    @api.constrains("odometer", "vehicle_id")
    def _check_odometer_on_road_vehicle(self):
        """A watch's visit has no odometer reading (issue 32): refused in words, before
        the reading it would record."""
        self.filtered("odometer").sudo().vehicle_id._dealer_check_road(_("an odometer reading"))

    def _sync_odometer(self):
        """Record the visit's reading in the vehicle's odometer log."""
        Reading = self.env["dealer.vehicle.odometer"]
        for record in self.filtered("odometer"):
            vals = {
                "vehicle_id": record.vehicle_id.id,
                "date": record.date,
                "value": record.odometer,
                "source": "service",
            }
            if record.odometer_reading_id:
                record.odometer_reading_id.write(vals)
            else:
                record.sudo().odometer_reading_id = Reading.create(vals)

    def _on_done(self):
        """Follow-up steps after a service visit (not for a past visit imported as done:
        see dealer.import.mixin)."""
        self._dealer_record_done_time()
        self.env["dealer.followup.step"]._schedule("service_done", self)
        self.env["survey.user_input"]._dealer_send("service", self)
        self._apply_tier_discount()
        for record in self:
            self.env["loyalty.program"]._dealer_award(
                record.partner_id,
                record,
                "service",
                [(record.dealer_amount_net, None, record.service_type)],
                _("Service %s", record.name),
            )
