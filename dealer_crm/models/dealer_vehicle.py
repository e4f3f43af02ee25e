# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from odoo.addons.fleet.models.fleet_vehicle_model import FUEL_TYPES

from ..tools.distance import KILOMETERS, UNITS, convert_distance
from ..tools.service_due import next_service
from ..tools.vin import normalize_plate, normalize_vin, vin_problem
from .dealer_consent import contactable_domain

OWNERSHIP_ORIGINS = [
    ("sale", "Sold by us"),
    ("trade_in", "Trade-in"),
    ("transfer", "Transfer"),
    ("register", "Taken into the register"),
]


class DealerVehicle(models.Model):
    _name = "dealer.vehicle"
    _description = "Customer Vehicle"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "dealer.interaction.mixin",
        "dealer.import.mixin",
    ]
    _order = "brand_id, model_id, license_plate, id"
    _check_company_auto = True
    _dealer_partner_fields = ("owner_id",)
    _dealer_personal_fields = ("note",)

    vin = fields.Char(
        string="VIN",
        required=True,
        tracking=True,
        index="trigram",
        copy=False,
        help="Vehicle Identification Number: 17 characters, without I, O or Q.",
    )
    license_plate = fields.Char(tracking=True, copy=False)
    plate_normalized = fields.Char(
        compute="_compute_plate_normalized",
        store=True,
        index="trigram",
        help="The plate without case, spaces or dashes, as searched.",
    )
    model_id = fields.Many2one("fleet.vehicle.model", required=True, tracking=True, index=True)
    brand_id = fields.Many2one(
        related="model_id.brand_id", string="Make", store=True, index=True, readonly=True
    )
    image_128 = fields.Image(related="model_id.image_128", readonly=True)
    model_year = fields.Integer(tracking=True)
    color = fields.Char(string="Colour")
    fuel_type = fields.Selection(
        FUEL_TYPES, compute="_compute_fuel_type", store=True, readonly=False
    )
    owner_id = fields.Many2one(
        "res.partner",
        tracking=True,
        index=True,
        check_company=True,
        help="The current owner. Change it with Transfer to keep the ownership history.",
    )
    owner_phone = fields.Char(related="owner_id.phone", string="Owner Phone")
    ownership_ids = fields.One2many(
        "dealer.vehicle.ownership", "vehicle_id", string="Ownership History"
    )
    ownership_count = fields.Integer(compute="_compute_counts")
    odometer_ids = fields.One2many("dealer.vehicle.odometer", "vehicle_id", string="Odometer Log")
    odometer = fields.Float(
        compute="_compute_odometer",
        inverse="_inverse_odometer",
        store=True,
        readonly=False,
        help="The latest odometer reading.",
    )
    odometer_date = fields.Date(compute="_compute_odometer", store=True)
    odometer_unit = fields.Selection(UNITS, default=KILOMETERS, required=True)
    purchase_date = fields.Date(tracking=True)
    seller_id = fields.Many2one(
        "res.users", string="Sold By", tracking=True, readonly=True, copy=False
    )
    sale_order_id = fields.Many2one(
        "sale.order", tracking=True, check_company=True, copy=False, readonly=True
    )
    warranty_end_date = fields.Date(tracking=True)
    warranty_mileage_limit = fields.Float(
        tracking=True, help="Distance (in the odometer unit) after which the warranty ends."
    )
    warranty_state = fields.Selection(
        [
            ("none", "No warranty recorded"),
            ("active", "Active"),
            ("expired_date", "Expired by date"),
            ("expired_mileage", "Expired by mileage"),
        ],
        compute="_compute_warranty_state",
        search="_search_warranty_state",
    )
    odometer_over_limit = fields.Boolean(
        compute="_compute_odometer_over_limit",
        store=True,
        help="The latest reading is beyond the warranty's mileage limit.",
    )
    service_ids = fields.One2many("dealer.service.record", "vehicle_id", string="Service Visits")
    service_count = fields.Integer(compute="_compute_counts")
    ticket_ids = fields.One2many("helpdesk.ticket", "dealer_vehicle_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_counts")
    last_service_date = fields.Date(compute="_compute_next_service", store=True)
    next_service_date = fields.Date(
        compute="_compute_next_service",
        store=True,
        index=True,
        help="Due at whichever comes first: the plan's months, or the date the plan's "
        "distance is reached at this vehicle's own average daily distance.",
    )
    next_service_odometer = fields.Float(compute="_compute_next_service", store=True)
    service_due_state = fields.Selection(
        [("ok", "Not due"), ("due_soon", "Due soon"), ("overdue", "Overdue")],
        compute="_compute_service_due_state",
        search="_search_service_due_state",
    )
    service_reminder_date = fields.Date(
        readonly=True, copy=False, help="When the last service reminder was processed."
    )
    service_reminder_skip_date = fields.Date(
        string="Reminder Skipped On",
        readonly=True,
        copy=False,
        help="When the service reminder was skipped because the owner is archived or "
        "anonymised. The skip is noted once, not every night.",
    )
    note = fields.Html()
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    #: recorded from the odometer log and the service visits (computed), and by the
    #: service reminder job
    _dealer_protected_fields = frozenset(
        {
            "odometer_date",
            "odometer_over_limit",
            "last_service_date",
            "next_service_date",
            "next_service_odometer",
            "service_reminder_date",
            "service_reminder_skip_date",
            # "sold by us": recorded by the order's delivery (Deliver Vehicle) only
            "seller_id",
            "sale_order_id",
        }
    )

    _sql_constraints = [
        ("vin_company_uniq", "unique(company_id, vin)", "This VIN is already registered."),
        ("model_year_check", "CHECK(model_year = 0 OR model_year >= 1886)", "Invalid model year."),
        ("odometer_check", "CHECK(odometer >= 0)", "An odometer reading cannot be negative."),
    ]

    @api.depends("license_plate")
    def _compute_plate_normalized(self):
        for vehicle in self:
            vehicle.plate_normalized = normalize_plate(vehicle.license_plate)

    @api.depends("model_id", "brand_id", "license_plate", "vin")
    def _compute_display_name(self):
        for vehicle in self:
            label = vehicle.model_id.display_name or _("Vehicle")
            vehicle.display_name = f"{label} · {vehicle.license_plate or vehicle.vin or ''}"

    @api.depends("model_id.default_fuel_type")
    def _compute_fuel_type(self):
        for vehicle in self:
            vehicle.fuel_type = vehicle.model_id.default_fuel_type or vehicle.fuel_type

    def _compute_counts(self):
        """Owners and visits of the whole set, one grouped query per model."""
        counts = {
            field: dict(
                self.env[model]._read_group(
                    [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
                )
            )
            for field, model in (
                ("ownership_count", "dealer.vehicle.ownership"),
                ("service_count", "dealer.service.record"),
            )
        }
        counts["ticket_count"] = {
            vehicle: count
            for vehicle, count in self.env["helpdesk.ticket"]._read_group(
                [("dealer_vehicle_id", "in", self.ids)], ["dealer_vehicle_id"], ["__count"]
            )
        }
        for vehicle in self:
            for field, by_vehicle in counts.items():
                vehicle[field] = by_vehicle.get(vehicle, 0)

    @api.depends("odometer_ids.value", "odometer_ids.date")
    def _compute_odometer(self):
        for vehicle in self:
            latest = vehicle.odometer_ids.sorted(lambda r: (r.date, r.id or 0))[-1:]
            vehicle.odometer = latest.value
            vehicle.odometer_date = latest.date

    def _inverse_odometer(self):
        for vehicle in self:
            latest = vehicle.odometer_ids.sorted(lambda r: (r.date, r.id or 0))[-1:]
            if vehicle.odometer and vehicle.odometer != latest.value:
                self.env["dealer.vehicle.odometer"].create(
                    {"vehicle_id": vehicle.id, "value": vehicle.odometer, "source": "manual"}
                )

    @api.depends("warranty_end_date", "warranty_mileage_limit", "odometer")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for vehicle in self:
            if not vehicle.warranty_end_date and not vehicle.warranty_mileage_limit:
                vehicle.warranty_state = "none"
            elif vehicle.warranty_end_date and vehicle.warranty_end_date < today:
                vehicle.warranty_state = "expired_date"
            elif (
                vehicle.warranty_mileage_limit and vehicle.odometer > vehicle.warranty_mileage_limit
            ):
                vehicle.warranty_state = "expired_mileage"
            else:
                vehicle.warranty_state = "active"

    @api.model
    def _state_search(self, by_state, operator, value):
        """Domain for a computed state selection from {state: domain}."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Search this field with 'is' or 'is in'."))
        values = [value] if isinstance(value, str) else list(value)
        domain = expression.OR([by_state[v] for v in values if v in by_state] or [[(0, "=", 1)]])
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def _search_warranty_state(self, operator, value):
        today = fields.Date.context_today(self)
        date_ok = ["|", ("warranty_end_date", "=", False), ("warranty_end_date", ">=", today)]
        has_warranty = ["|", ("warranty_end_date", "!=", False), ("warranty_mileage_limit", ">", 0)]
        by_state = {
            "none": [("warranty_end_date", "=", False), ("warranty_mileage_limit", "=", 0)],
            "expired_date": [("warranty_end_date", "<", today)],
            "expired_mileage": expression.AND([date_ok, [("odometer_over_limit", "=", True)]]),
            "active": expression.AND(
                [has_warranty, date_ok, [("odometer_over_limit", "=", False)]]
            ),
        }
        return self._state_search(by_state, operator, value)

    @api.depends("odometer", "warranty_mileage_limit")
    def _compute_odometer_over_limit(self):
        for vehicle in self:
            vehicle.odometer_over_limit = bool(
                vehicle.warranty_mileage_limit and vehicle.odometer > vehicle.warranty_mileage_limit
            )

    @api.depends(
        "service_ids.state",
        "service_ids.date",
        "service_ids.odometer",
        "odometer_ids.value",
        "odometer_ids.date",
        "purchase_date",
        "model_id",
        "odometer_unit",
    )
    def _compute_next_service(self):
        plans = self.env["dealer.maintenance.plan"]._plans_for(self)
        for vehicle in self:
            done = vehicle.service_ids.filtered(lambda s: s.state == "done").sorted("date")[-1:]
            readings = [(r.date, r.value) for r in vehicle.odometer_ids]
            # only the current meter counts for the daily distance
            replaced = vehicle.odometer_ids.filtered("lower_reason").sorted("date")[-1:]
            if replaced:
                readings = [(d, v) for d, v in readings if d >= replaced.date]
            if done:
                base_date = done.date
                earlier = [v for d, v in readings if d <= done.date]
                base_odo = done.odometer or (max(earlier) if earlier else 0)
            else:
                first = min(readings) if readings else (None, 0)
                base_date = vehicle.purchase_date or first[0]
                base_odo = first[1] if readings and first[0] <= (base_date or first[0]) else 0
            plan = plans[vehicle]
            # the plan's distance in the unit this vehicle's odometer reads
            distance = convert_distance(
                plan.interval_distance, plan.distance_unit, vehicle.odometer_unit
            )
            due_date, due_odo = next_service(
                base_date, base_odo, plan.interval_months, distance, readings
            )
            vehicle.last_service_date = done.date
            vehicle.next_service_date = due_date
            # a reading to look out for: a whole number of the vehicle's unit
            vehicle.next_service_odometer = round(due_odo) if due_odo else 0

    def _recompute_next_service(self):
        """After a maintenance plan changed: recompute these vehicles' due dates."""
        self.env.add_to_compute(self._fields["next_service_date"], self)
        self._recompute_recordset(["next_service_date"])

    @api.model
    def _service_window_days(self):
        param = (
            self.env["ir.config_parameter"].sudo().get_param("dealer_crm.service_due_window_days")
        )
        return int(param or 30)

    def _compute_service_due_state(self):
        today = fields.Date.context_today(self)
        soon = today + timedelta(days=self._service_window_days())
        for vehicle in self:
            due = vehicle.next_service_date
            vehicle.service_due_state = (
                "overdue" if due and due < today else "due_soon" if due and due <= soon else "ok"
            )

    def _search_service_due_state(self, operator, value):
        today = fields.Date.context_today(self)
        soon = today + timedelta(days=self._service_window_days())
        by_state = {
            "overdue": [("next_service_date", "<", today)],
            "due_soon": [("next_service_date", ">=", today), ("next_service_date", "<=", soon)],
            "ok": ["|", ("next_service_date", "=", False), ("next_service_date", ">", soon)],
        }
        return self._state_search(by_state, operator, value)

    @api.model
    def _search_display_name(self, operator, value):
        """Find a vehicle by VIN, plate (however typed), owner name or owner phone."""
        if operator not in ("ilike", "=ilike", "=", "like") or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        value = value.strip()
        if not value:
            return []
        domains = [
            [("license_plate", "ilike", value)],
            [("owner_id.name", "ilike", value)],
            [("model_id.name", "ilike", value)],
            # the owner's phone or mobile, however either was typed (one normalisation)
            self.env["res.partner"]._dealer_phone_domain(value, "owner_id."),
        ]
        # a VIN or a plate however typed; punctuation alone is neither (it would match all)
        compact = normalize_plate(value)
        if compact:
            domains.append([("plate_normalized", "ilike", compact)])
        vin = normalize_vin(value)
        if vin:
            domains.append([("vin", "ilike", vin)])
        return expression.OR(domains)

    @api.constrains("vin")
    def _check_vin(self):
        for vehicle in self:
            problem = vin_problem(vehicle.vin)
            if problem:
                raise ValidationError(problem)

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Customer Vehicles"),
                "template": "/dealer_crm/static/xls/dealer_vehicle.csv",
            }
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("vin"):
                vals["vin"] = normalize_vin(vals["vin"])
        vehicles = super().create(vals_list)
        if self._dealer_importing():
            # an imported vehicle's overdue history is not replayed as reminders on the
            # import day: it counts as processed (see dealer.import.mixin)
            vehicles.filtered(lambda v: not v.service_reminder_date).sudo().write(
                {"service_reminder_date": fields.Date.context_today(self)}
            )
        origin = self.env.context.get("dealer_ownership_origin", "register")
        for vehicle in vehicles.filtered("owner_id"):
            vehicle._open_ownership(
                vehicle.owner_id, vehicle.purchase_date or fields.Date.context_today(self), origin
            )
        return vehicles

    def write(self, vals):
        if vals.get("vin"):
            vals["vin"] = normalize_vin(vals["vin"])
        if "owner_id" in vals:
            # The owner follows the open ownership line: a new owner typed on the form is a
            # transfer (whatever the context says), which opens the line first. It is dated
            # with the purchase date written with it (an import, a form), else today.
            new_owner = self.env["res.partner"].browse(vals["owner_id"])
            moved = self.filtered(
                lambda v: (
                    v.ownership_ids.filtered(lambda line: not line.date_end).partner_id != new_owner
                )
            )
            if moved:
                rest = {k: v for k, v in vals.items() if k != "owner_id"}
                res = super().write(rest) if rest else True
                when = vals.get("purchase_date") or fields.Date.context_today(self)
                for vehicle in moved:
                    vehicle._transfer_owner(new_owner, when, "transfer")
                if self - moved:
                    super(DealerVehicle, self - moved).write(vals)
                return res
        return super().write(vals)

    def unlink(self):
        with_history = self._with_history()
        if with_history:
            raise UserError(
                _(
                    "These vehicles have a history and cannot be deleted; archive them instead: %s",
                    ", ".join(with_history.mapped("display_name")),
                )
            )
        return super().unlink()

    def action_open_transfer(self):
        self.ensure_one()
        self._dealer_check_caller()
        return {
            "type": "ir.actions.act_window",
            "name": _("Transfer Ownership"),
            "res_model": "dealer.vehicle.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_vehicle_id": self.id},
        }

    def action_view_ownerships(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_vehicle_ownership_action", "vehicle_id"
        )

    def _dealer_interaction_defaults(self):
        return {"partner_id": self.owner_id.id, "vehicle_id": self.id}

    def action_view_tickets(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.helpdesk_ticket_action",
            "dealer_vehicle_id",
            default_dealer_vehicle_id=self.id,
            default_partner_id=self.owner_id.id,
            default_dealer_feedback_kind="complaint",
        )

    def action_view_services(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action("dealer_crm.dealer_service_record_action", "vehicle_id")

    def _with_history(self):
        """The vehicles of ``self`` that carry history and must be archived, not deleted.

        Capabilities that link records to a vehicle extend this.
        """
        ownership = self.env["dealer.vehicle.ownership"]._read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
        )
        readings = self.env["dealer.vehicle.odometer"]._read_group(
            [("vehicle_id", "in", self.ids), ("source", "!=", "manual")], ["vehicle_id"]
        )
        with_history = {vehicle for vehicle, count in ownership if count > 1}
        with_history |= {vehicle for (vehicle,) in readings}
        for model, field in (
            ("dealer.service.record", "vehicle_id"),
            ("dealer.interaction", "vehicle_id"),
            ("helpdesk.ticket", "dealer_vehicle_id"),
        ):
            linked = self.env[model].sudo()._read_group([(field, "in", self.ids)], [field])
            with_history |= {vehicle for (vehicle,) in linked}
        return self.filtered(lambda v: v in with_history or v.sale_order_id)

    def _owner_at(self, date):
        """The owner of the vehicle on ``date`` according to its ownership history."""
        self.ensure_one()
        date = fields.Date.to_date(date)
        for line in self.ownership_ids:
            if line.date_start <= date and (not line.date_end or date < line.date_end):
                return line.partner_id
        return self.env["res.partner"]

    def _open_ownership(self, partner, date, origin, note=False):
        """Ownership lines are written here only: departments read them, never edit them."""
        self.ensure_one()
        self.check_access("write")
        return (
            self.env["dealer.vehicle.ownership"]
            .sudo()
            .create(
                {
                    "vehicle_id": self.id,
                    "partner_id": partner.id,
                    "date_start": date,
                    "origin": origin,
                    "note": note,
                }
            )
        )

    def _transfer_owner(self, partner, date, origin="transfer", note=False):
        """Close the open ownership line at ``date`` and open one for ``partner``.

        Earlier lines, and every record dated before the transfer, keep their owner.
        """
        self.ensure_one()
        self.check_access("write")
        date = fields.Date.to_date(date)
        current = self.sudo().ownership_ids.filtered(lambda line: not line.date_end)
        if partner and current.partner_id == partner:
            raise UserError(_("%s already owns this vehicle.", partner.display_name))
        if current and date < current.date_start:
            raise UserError(
                _(
                    "The transfer date %(date)s is before %(owner)s became the owner on "
                    "%(start)s. Ownership periods cannot overlap.",
                    date=fields.Date.to_string(date),
                    owner=current.partner_id.display_name,
                    start=fields.Date.to_string(current.date_start),
                )
            )
        if date > fields.Date.context_today(self):
            raise UserError(_("A transfer cannot be dated in the future."))
        current.write({"date_end": date})
        current.flush_recordset(["date_end"])  # the one-open-line index checks at insert
        if partner:
            self._open_ownership(partner, date, origin, note)
        self.write({"owner_id": partner.id})
        self.message_post(
            body=_(
                "Ownership transferred from %(old)s to %(new)s on %(date)s.",
                old=current.partner_id.display_name or _("nobody"),
                new=partner.display_name or _("nobody"),
                date=fields.Date.to_string(date),
            )
        )
        return True

    # Service reminders ---------------------------------------------------------
    @api.model
    def _reminder_domain(self):
        params = self.env["ir.config_parameter"].sudo()
        today = fields.Date.context_today(self)
        recent = int(params.get_param("dealer_crm.reminder_recent_days") or 60)
        recent_cutoff = today - timedelta(days=recent)
        contactable = contactable_domain("owner_id.")
        return [
            ("owner_id", "!=", False),
            ("next_service_date", "!=", False),
            ("next_service_date", "<=", today + timedelta(days=self._service_window_days())),
        ] + expression.OR(
            [
                # owners who may be contacted, not reminded recently
                contactable
                + [
                    "|",
                    ("service_reminder_date", "=", False),
                    ("service_reminder_date", "<", recent_cutoff),
                ],
                # owners archived or anonymised: once, to note the skip
                ["!", *expression.AND([[leaf] for leaf in contactable])]
                + [("service_reminder_skip_date", "=", False)],
            ]
        ), recent_cutoff

    @api.model
    def _cron_service_reminders(self, batch_size=500):
        """Remind the owners of vehicles coming due, one batch per call.

        Each vehicle gets an activity for its service advisor; its owner gets the
        reminder email (or SMS) only where the consent gate allows it and when not
        reminded within the recent-contact window. A processed vehicle is stamped, so
        running the job twice sends nothing twice; the cron framework commits each
        batch and calls again while vehicles remain.
        """
        domain, recent_cutoff = self._reminder_domain()
        vehicles = self.search(domain, limit=batch_size, order="next_service_date, id")
        if not vehicles:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self
        owners = vehicles.owner_id
        Consent = self.env["dealer.consent"]
        # archived or anonymised owners are never contacted: the skip is noted once
        contactable = Consent._contactable_partners(owners)
        skipped = vehicles.filtered(lambda v: v.owner_id not in contactable)
        for vehicle in skipped:
            vehicle.message_post(
                body=Consent._not_contactable_note(vehicle.owner_id, _("Service reminder")),
                subtype_xmlid="mail.mt_note",
            )
        today = fields.Date.context_today(self)
        skipped.sudo().write({"service_reminder_skip_date": today})
        vehicles -= skipped
        owners = vehicles.owner_id
        recently = owners.filtered(
            lambda p: p.dealer_last_reminder_date and p.dealer_last_reminder_date >= recent_cutoff
        )
        # Each vehicle's owner is asked with the consent given to the vehicle's company.
        by_email, by_sms = set(), set()
        for company in vehicles.company_id:
            candidates = vehicles.filtered(lambda v, c=company: v.company_id == c).owner_id
            candidates -= recently
            email = Consent._allowed_partners(candidates, "service_reminder", "email", company)
            sms = Consent._allowed_partners(candidates - email, "service_reminder", "sms", company)
            by_email.update((company, partner) for partner in email)
            by_sms.update((company, partner) for partner in sms)
        template = self.env.ref("dealer_crm.mail_template_service_reminder")
        sms_template = self.env.ref("dealer_crm.sms_template_service_reminder")
        activity_type = self.env.ref("dealer_crm.mail_activity_type_service_reminder")
        reminded = self.env["res.partner"]
        activities = []
        for vehicle in vehicles:
            owner = vehicle.owner_id
            advisor = vehicle.service_ids.filtered("advisor_id").sorted("date")[-1:].advisor_id
            activities.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": vehicle.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Service due on %s", fields.Date.to_string(vehicle.next_service_date)
                    ),
                    "date_deadline": vehicle.next_service_date,
                    "user_id": (advisor or activity_type.default_user_id or self.env.user).id,
                }
            )
            if owner in reminded or owner in recently:
                vehicle.message_post(
                    body=_(
                        "Service reminder not sent: %s was reminded recently.", owner.display_name
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            elif (vehicle.company_id, owner) in by_email:
                vehicle.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
                reminded |= owner
            elif (vehicle.company_id, owner) in by_sms:
                vehicle._message_sms_with_template(template=sms_template, partner_ids=owner.ids)
                reminded |= owner
            else:
                vehicle.message_post(
                    body=_(
                        "Service reminder not sent to %s: no consent to service reminders by "
                        "email or SMS (or no usable address).",
                        owner.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        self.env["mail.activity"].sudo().create(activities)
        vehicles.sudo().write({"service_reminder_date": today, "service_reminder_skip_date": False})
        reminded.sudo().write({"dealer_last_reminder_date": today})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(vehicles) + len(skipped), remaining=remaining)
        return vehicles
