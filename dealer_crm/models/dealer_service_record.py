# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .dealer_consent import contactable_domain

#: who records a visit's progress (the manager implies it)
SERVICE_GROUP = "dealer_crm.group_service"
#: the consent a visit's estimate and collection notice go by (service messages), and
#: its channels in order of preference
NOTICE_PURPOSE = "service_reminder"
NOTICE_CHANNELS = ("email", "sms")

SERVICE_TYPES = [
    ("maintenance", "Maintenance"),
    ("repair", "Repair"),
    ("warranty", "Warranty"),
    ("recall", "Recall"),
    ("inspection", "Inspection"),
    ("bodywork", "Bodywork"),
    ("other", "Other"),
]

#: where a visit's estimate stands (issue 32)
ESTIMATE_STATES = [
    ("none", "No Estimate"),
    ("waiting", "Waiting for Approval"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
]
#: how the customer gave their answer
ESTIMATE_CHANNELS = [("portal", "Portal"), ("phone", "Phone")]


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
    # Intake, estimate and collection (issue 32): every kind of item, one code path
    dealer_condition = fields.Text(
        string="Condition at Intake",
        help="The item's condition when the customer left it: marks, scratches, what works.",
    )
    dealer_intake_photo_ids = fields.Many2many(
        "ir.attachment",
        "dealer_service_record_intake_photo_rel",
        "visit_id",
        "attachment_id",
        string="Intake Photos",
        help="Photographs of the item taken at intake; they belong to the visit.",
    )
    dealer_diagnosis = fields.Text(string="Diagnosis")
    dealer_estimate_order_id = fields.Many2one(
        "sale.order",
        string="Estimate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The quotation the customer approves or refuses before the work starts.",
    )
    dealer_estimate_state = fields.Selection(
        ESTIMATE_STATES,
        string="Estimate Status",
        required=True,
        default="none",
        readonly=True,
        copy=False,
        tracking=True,
    )
    dealer_estimate_decided_on = fields.Datetime(
        string="Estimate Decided On", readonly=True, copy=False
    )
    dealer_estimate_channel = fields.Selection(
        ESTIMATE_CHANNELS, string="Estimate Decided By", readonly=True, copy=False
    )
    dealer_estimate_interaction_id = fields.Many2one(
        "dealer.interaction",
        string="Estimate Call",
        readonly=True,
        copy=False,
        check_company=True,
        help="The recorded call in which the customer gave their answer.",
    )
    dealer_ready_date = fields.Date(
        string="Ready for Collection On", readonly=True, copy=False, tracking=True
    )
    dealer_collected_date = fields.Date(
        string="Collected On", readonly=True, copy=False, tracking=True
    )
    dealer_collection_followup_date = fields.Date(
        string="Collection Followed Up On",
        readonly=True,
        copy=False,
        help="When the service advisor was last asked to follow up the uncollected item.",
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
            "dealer_estimate_order_id",
            "dealer_estimate_state",
            "dealer_estimate_decided_on",
            "dealer_estimate_channel",
            "dealer_estimate_interaction_id",
            "dealer_ready_date",
            "dealer_collected_date",
            "dealer_collection_followup_date",
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
            # a visit's estimate stays with the customer it was made for (issue 32)
            if record.vehicle_id and record.date and record.dealer_estimate_state == "none":
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
        records.filtered("dealer_intake_photo_ids")._dealer_adopt_intake_photos()
        done = records.filtered(lambda r: r.state == "done")
        (done - done._dealer_imported_history("date"))._on_done()
        records._dealer_import_apply_states(states)
        return records

    def write(self, vals):
        self._dealer_check_estimate_customer(vals)
        [imported_state] = self._dealer_import_pop_states([vals])
        newly_done = (
            self.filtered(lambda r: r.state != "done")
            if vals.get("state") == "done"
            else self.browse()
        )
        res = super().write(vals)
        if {"odometer", "date", "vehicle_id"} & set(vals):
            self._sync_odometer()
        if "dealer_intake_photo_ids" in vals:
            self._dealer_adopt_intake_photos()
        (newly_done - newly_done._dealer_imported_history("date"))._on_done()
        if imported_state:
            moved = self.filtered(lambda r: r.state != imported_state)
            moved._dealer_import_apply_states([imported_state] * len(moved))
        return res

    def _dealer_check_estimate_customer(self, vals):
        """The estimate was made for this customer and this item (issue 32): once there
        is one (waiting, answered or withdrawn), neither changes on the visit."""
        for name in ("partner_id", "vehicle_id"):
            if name not in vals:
                continue
            field = self._fields[name]
            value = field.convert_to_record(field.convert_to_cache(vals[name], self), self)
            changed = self.filtered(
                lambda r, n=name, v=value: r.dealer_estimate_state != "none" and r[n] != v
            )
            if changed:
                raise UserError(
                    _(
                        "Visit %(visit)s has an estimate (%(estimate)s) made for its %(field)s: "
                        "the %(field)s cannot change. Make a new visit for another one.",
                        visit=changed[0].name,
                        estimate=changed[0].dealer_estimate_order_id.name,
                        field=field.get_description(self.env)["string"],
                    )
                )

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
        self._dealer_check_estimate_allows_work()
        if any(r.state != "scheduled" for r in self):
            raise UserError(_("Only a scheduled visit can be started."))
        self.sudo().write({"state": "in_progress"})

    def action_done(self):
        self._dealer_check_caller(groups=SERVICE_GROUP)
        # the visits' rows first: completing one twice at once awards it once (the second
        # waits, fails in a way Odoo retries, and its retry finds it done) (issue 27)
        self._dealer_lock_rows()
        self._dealer_check_estimate_allows_work()
        for record in self:
            if record.state == "cancelled":
                raise UserError(_("A cancelled visit cannot be completed; schedule a new one."))
        self.filtered(lambda r: r.state != "done").sudo().write({"state": "done"})

    def action_cancel(self):
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        if any(r.state == "done" for r in self):
            raise UserError(_("A completed visit cannot be cancelled: it is part of the history."))
        # an estimate still open is withdrawn with its visit: nothing left to approve
        # (its quotation cancelled, the estimate no longer waiting for an answer)
        withdrawn = self.filtered(lambda r: r.dealer_estimate_state == "waiting")
        withdrawn.dealer_estimate_order_id.filtered(
            lambda o: o.state in ("draft", "sent")
        ).sudo().with_context(dealer_estimate_deciding=True)._action_cancel()
        withdrawn.sudo().write({"dealer_estimate_state": "withdrawn"})
        for visit in withdrawn:
            visit.message_post(
                body=_(
                    "Estimate %s withdrawn: the visit is cancelled.",
                    visit.dealer_estimate_order_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.sudo().write({"state": "cancelled"})
        # an item left with us goes back, unrepaired, as after a refused estimate (not a
        # past visit being imported)
        (self - self._dealer_imported_history("date"))._dealer_ready_for_collection()

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
        self._dealer_ready_for_collection()
        for record in self:
            self.env["loyalty.program"]._dealer_award(
                record.partner_id,
                record,
                "service",
                [(record.dealer_amount_net, None, record.service_type)],
                _("Service %s", record.name),
            )

    # Intake, estimate and collection (issue 32) -------------------------------------
    def action_create_estimate(self):
        """A draft quotation for the visit's customer and company, linked both ways:
        the work waits on the customer's approval of it."""
        self.ensure_one()
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        if self.dealer_estimate_state != "none":
            raise UserError(
                _(
                    "Visit %(visit)s already has an estimate (%(state)s).",
                    visit=self.name,
                    state=self._dealer_labels("dealer_estimate_state")[self.dealer_estimate_state],
                )
            )
        if self.state not in ("scheduled", "in_progress"):
            raise UserError(
                _("Visit %s is closed: an estimate is made before the work is done.", self.name)
            )
        if not self.partner_id:
            raise UserError(_("Visit %s has no customer to make the estimate for.", self.name))
        order = (
            self.env["sale.order"]
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                    "user_id": self.env.user.id,
                }
            )
        )
        # the links are the workflow's: written once the caller is checked
        order.sudo().dealer_estimate_visit_id = self
        self.sudo().write(
            {"dealer_estimate_order_id": order.id, "dealer_estimate_state": "waiting"}
        )
        self.message_post(
            body=_("Estimate %s created: the work waits on the customer's approval.", order.name),
            subtype_xmlid="mail.mt_note",
        )
        return self.action_open_estimate()

    def action_open_estimate(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.dealer_estimate_order_id.id,
            "views": [(False, "form")],
            "name": _("Estimate"),
        }

    def action_send_estimate(self):
        """Send the estimate to the customer by email, through the consent gate; when
        the gate refuses, the advisor gets an activity to call the customer instead."""
        self.ensure_one()
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        order = self.dealer_estimate_order_id
        if self.dealer_estimate_state != "waiting" or order.state not in ("draft", "sent"):
            raise UserError(_("Visit %s has no estimate waiting to be sent.", self.name))
        if not order.order_line:
            raise UserError(_("Estimate %s has no lines yet: add the work and parts.", order.name))
        partner = self.partner_id
        allowed, _refused = self.env["dealer.consent"]._gate(
            partner, NOTICE_PURPOSE, "email", records={partner: self}, company=self.company_id
        )
        if not allowed:
            self._dealer_schedule_customer_call(
                _("Call the customer about estimate %s", order.name)
            )
            return False
        # to the visit's customer only, the one the gate let through: not to the order's
        # followers (a subtype none of them follows)
        order.message_post_with_source(
            "sale.email_template_edi_sale",
            subtype_xmlid="dealer_crm.mt_service_estimate_sent",
            partner_ids=partner.ids,
        )
        if order.state == "draft":
            order.action_quotation_sent()
        self.message_post(
            body=_(
                "Estimate %(order)s sent to %(customer)s.", order=order.name, customer=partner.name
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_estimate_approved_by_phone(self):
        return self._dealer_open_estimate_call("approved")

    def action_estimate_refused_by_phone(self):
        return self._dealer_open_estimate_call("refused")

    def _dealer_open_estimate_call(self, decision):
        self.ensure_one()
        self._dealer_check_caller(groups=SERVICE_GROUP)
        if self.dealer_estimate_state != "waiting":
            raise UserError(
                _("Visit %s has no estimate waiting for the customer's answer.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dealer.service.estimate.call",
            "views": [(False, "form")],
            "target": "new",
            "name": _("Customer's Answer by Phone"),
            "context": {"default_visit_id": self.id, "default_decision": decision},
        }

    def action_collected(self):
        """The customer took the item back."""
        self._dealer_check_caller(groups=SERVICE_GROUP)
        self._dealer_lock_rows()
        for record in self:
            if not record.dealer_ready_date:
                raise UserError(_("Visit %s is not ready for collection yet.", record.name))
            if record.dealer_collected_date:
                raise UserError(
                    _(
                        "Visit %(visit)s was collected on %(date)s.",
                        visit=record.name,
                        date=record.dealer_collected_date,
                    )
                )
        self.sudo().write({"dealer_collected_date": fields.Date.context_today(self)})
        # the follow-ups of the uncollected item are done with it
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("dealer_crm.mail_activity_type_collection_followup").id,
                ),
            ]
        ).action_feedback(feedback=_("Collected."))
        for record in self:
            record.message_post(body=_("Collected by the customer."), subtype_xmlid="mail.mt_note")

    def _dealer_check_estimate_allows_work(self):
        for record in self:
            if record.dealer_estimate_state == "waiting":
                raise UserError(
                    _(
                        "Visit %s waits on the customer's approval of its estimate: the work "
                        "starts once they approve it.",
                        record.name,
                    )
                )
            if record.dealer_estimate_state == "refused":
                raise UserError(
                    _(
                        "The customer refused the estimate of visit %s: the item goes back "
                        "unrepaired.",
                        record.name,
                    )
                )

    def _dealer_estimate_decide(self, decision, channel, interaction=None):
        """Record the customer's answer to the visit's estimate (``approved`` or
        ``refused``), given on the ``channel`` (``portal`` or ``phone``, then with its
        recorded ``interaction``); the quotation is confirmed or cancelled with it. A
        refused estimate ends the work: the item is ready to go back, unrepaired.

        Callers: the quotation's confirmation or cancellation (the customer's portal,
        run as superuser) and the phone wizard, which checked its caller."""
        self.ensure_one()
        self._dealer_lock_rows()
        if self.dealer_estimate_state != "waiting":
            raise UserError(
                _(
                    "The estimate of visit %(visit)s is not waiting for an answer (%(state)s).",
                    visit=self.name,
                    state=self._dealer_labels("dealer_estimate_state")[self.dealer_estimate_state],
                )
            )
        if self.state not in ("scheduled", "in_progress"):
            raise UserError(
                _("Visit %s is closed: its estimate can no longer be answered.", self.name)
            )
        order = self.dealer_estimate_order_id.sudo().with_context(dealer_estimate_deciding=True)
        if decision == "approved" and order.state in ("draft", "sent"):
            order.action_confirm()
        elif decision == "refused" and order.state != "cancel":
            order._action_cancel()
        vals = {
            "dealer_estimate_state": decision,
            "dealer_estimate_decided_on": fields.Datetime.now(),
            "dealer_estimate_channel": channel,
            "dealer_estimate_interaction_id": interaction.id if interaction else False,
        }
        if decision == "refused":
            vals.update(state="cancelled")
        elif not self.amount:
            # the approved estimate is the visit's price, unless one was recorded: it is
            # counted once, as the visit's (service) revenue, never as a sale; in the
            # visit's currency, at the day of the approval
            vals.update(
                amount=order.currency_id._convert(
                    order.amount_untaxed,
                    self.currency_id,
                    self.company_id,
                    fields.Date.context_today(self),
                )
            )
        self.sudo().write(vals)
        channels = self._dealer_labels("dealer_estimate_channel")
        if decision == "approved":
            body = _(
                "Estimate %(order)s approved by the customer (%(channel)s): the work may start.",
                order=order.name,
                channel=channels[channel],
            )
        else:
            body = _(
                "Estimate %(order)s refused by the customer (%(channel)s): the item goes back "
                "unrepaired.",
                order=order.name,
                channel=channels[channel],
            )
        self.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        if decision == "refused":
            self._dealer_ready_for_collection()

    def _dealer_ready_for_collection(self):
        """The item is ready to go back (work done, or estimate refused): the date is
        recorded, and the customer told through the consent gate, by email or else by
        SMS; when the gate refuses both, the advisor gets an activity to call them."""
        visits = self.filtered(
            lambda r: (
                r._dealer_checked_in() and not r.dealer_ready_date and not r.dealer_collected_date
            )
        )
        if not visits:
            return
        visits.sudo().write({"dealer_ready_date": fields.Date.context_today(self)})
        Consent = self.env["dealer.consent"]
        with_customer = visits.filtered("partner_id")
        texted = False
        for company in with_customer.company_id:
            of_company = with_customer.filtered(lambda r, c=company: r.company_id == c)
            records = {}
            for visit in of_company:
                records[visit.partner_id] = records.get(visit.partner_id, visit.browse()) | visit
            by_channel, refused = Consent._gate_by_channel(
                of_company.partner_id,
                NOTICE_PURPOSE,
                NOTICE_CHANNELS,
                records=records,
                company=company,
            )
            for visit in of_company:
                partner = visit.partner_id
                if partner in by_channel["email"]:
                    visit.message_post_with_source(
                        "dealer_crm.mail_template_ready_for_collection",
                        subtype_xmlid="mail.mt_comment",
                    )
                elif partner in by_channel["sms"]:
                    visit._message_sms_with_template(
                        template=self.env.ref("dealer_crm.sms_template_ready_for_collection"),
                        partner_ids=partner.ids,
                        put_in_queue=True,
                    )
                    texted = True
            callable_ = Consent._contactable_partners(refused)
            of_company.filtered(
                lambda r, c=callable_: r.partner_id in c
            )._dealer_schedule_customer_call(
                _("Call the customer: the item is ready for collection")
            )
        if texted:
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()

    def _dealer_checked_in(self):
        """The item was left with us: its intake was recorded (condition or photos) or
        it waited on an estimate. Only then is it ready for collection, with a notice
        and follow-ups; a quick visit with the customer waiting has neither."""
        self.ensure_one()
        return bool(
            self.dealer_estimate_state != "none"
            or self.dealer_condition
            or self.dealer_intake_photo_ids
        )

    def _dealer_schedule_customer_call(self, summary):
        """A call for the visit's advisor where the consent gate let no message through
        (its note on the visit says why)."""
        activity_type = self.env.ref("dealer_crm.mail_activity_type_followup_call")
        for visit in self.sudo():
            visit.activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                date_deadline=fields.Date.context_today(self),
                user_id=(visit.advisor_id or self.env.user).id,
            )

    @api.model
    def _collection_followup_domain(self):
        days = self.env["dealer.settings.mixin"]._dealer_get("dealer_collection_followup_days")
        cutoff = fields.Date.context_today(self) - timedelta(days=max(days, 1))
        return [
            ("dealer_ready_date", "!=", False),
            ("dealer_ready_date", "<", cutoff),
            ("dealer_collected_date", "=", False),
            "|",
            ("dealer_collection_followup_date", "=", False),
            ("dealer_collection_followup_date", "<=", cutoff),
            *contactable_domain("partner_id."),
        ]

    @api.model
    def _cron_collection_followups(self, batch_size=500):
        """Items ready and not collected for more than the settings' days: one follow-up
        activity for the visit's advisor, once per item per that many days. Batched:
        each batch is stamped and committed by the cron framework, which calls again
        while items remain. Returns the visits followed up."""
        domain = self._collection_followup_domain()
        visits = self._dealer_claim(domain, batch_size, order="dealer_ready_date, id")
        if not visits:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return visits
        activity_type = self.env.ref("dealer_crm.mail_activity_type_collection_followup")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        fallback = activity_type.default_user_id or self.env.user
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": visit.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._(
                        "Not collected since %s", fields.Date.to_string(visit.dealer_ready_date)
                    ),
                    "date_deadline": today,
                    "user_id": (visit.advisor_id or fallback).id,
                }
                for visit in visits
            ]
        )
        visits.sudo().write({"dealer_collection_followup_date": today})
        self.env["ir.cron"]._notify_progress(done=len(visits), remaining=self.search_count(domain))
        return visits

    def _dealer_adopt_intake_photos(self):
        """Intake photos belong to their visit (``res_model``/``res_id``): a photo just
        uploaded on the form is attached to it; an image of another record is refused,
        and so is a file that is no image."""
        for visit in self:
            for photo in visit.sudo().dealer_intake_photo_ids:
                if not (photo.mimetype or "").startswith("image/"):
                    raise ValidationError(
                        _("%s is not a photo: intake photos are images.", photo.name)
                    )
                if photo.res_model == self._name and photo.res_id == visit.id:
                    continue
                if (photo.res_id and (photo.res_model, photo.res_id) != (self._name, visit.id)) or (
                    not self.env.su and photo.create_uid != self.env.user
                ):
                    raise ValidationError(
                        _(
                            "%s belongs to another record: upload the photo on this visit.",
                            photo.name,
                        )
                    )
                photo.write({"res_model": self._name, "res_id": visit.id})
