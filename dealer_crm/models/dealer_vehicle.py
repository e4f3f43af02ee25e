# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import create_index

from odoo.addons.fleet.models.fleet_vehicle_model import FUEL_TYPES

from ..tools.items import ITEM_KINDS, ROAD_KINDS
from ..tools.vin import normalize_plate, normalize_vin, vin_problem

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
        "dealer.vehicle.service.mixin",
        "dealer.vehicle.recall.mixin",
    ]
    _order = "brand_id, model_id, license_plate, id"
    _check_company_auto = True
    _dealer_partner_fields = ("owner_id",)
    _dealer_personal_fields = ("note",)
    #: how many matching owners a lookup without a limit follows (issue 26)
    _dealer_lookup_owner_limit = 1000

    item_kind = fields.Selection(
        ITEM_KINDS,
        string="Kind",
        required=True,
        index=True,
        default=lambda self: self._dealer_default_item_kind(),
        help="What the item is: a road vehicle (VIN, plate, odometer) or a watch (serial "
        "number, serviced by time). It is chosen when the item is registered.",
    )
    vin = fields.Char(
        string="VIN",
        tracking=True,
        index="trigram",
        copy=False,
        help="Vehicle Identification Number: 17 characters, without I, O or Q.",
    )
    license_plate = fields.Char(tracking=True, copy=False)
    serial_number = fields.Char(
        tracking=True,
        copy=False,
        index="trigram",
        help="A watch's case or movement serial number, as engraved. Unique per brand.",
    )
    warranty_card = fields.Char(
        tracking=True,
        copy=False,
        help="The number of the warranty card given with the item.",
    )
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
    purchase_date = fields.Date(tracking=True)
    seller_id = fields.Many2one(
        "res.users", string="Sold By", tracking=True, readonly=True, copy=False
    )
    sale_order_id = fields.Many2one(
        "sale.order", tracking=True, check_company=True, copy=False, readonly=True
    )
    service_ids = fields.One2many("dealer.service.record", "vehicle_id", string="Service Visits")
    service_count = fields.Integer(compute="_compute_counts")
    ticket_ids = fields.One2many("helpdesk.ticket", "dealer_vehicle_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_counts")
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
    dealer_lifecycle_lead_ids = fields.One2many(
        "crm.lead",
        "dealer_lifecycle_vehicle_id",
        string="Lifecycle Leads",
        context={"active_test": False},
        help="The opportunities opened for this vehicle (warranty ending, replacement), "
        "lost and archived ones included.",
    )
    lifecycle_lead_count = fields.Integer(compute="_compute_lifecycle_lead_count")

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
        (
            "vin_required",
            "CHECK(item_kind != 'vehicle' OR vin IS NOT NULL)",
            "A vehicle needs its VIN (vin).",
        ),
        ("model_year_check", "CHECK(model_year = 0 OR model_year >= 1886)", "Invalid model year."),
        ("odometer_check", "CHECK(odometer >= 0)", "An odometer reading cannot be negative."),
    ]

    def init(self):
        """Btree indexes for the exact plate and VIN a lookup puts first (issue 26):
        the trigram indexes answer ``ilike`` but are slow for ``=`` on values that
        share their letters with many others (a plate prefix, a maker's VIN prefix)."""
        res = super().init()
        # one item per serial number and brand in a company; _check_serial_number says
        # it in words, the index holds it against two transactions at once
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (company_id, brand_id, "
                "serial_number) WHERE serial_number IS NOT NULL",
                SQL.identifier(f"{self._table}_dealer_serial_uniq"),
                SQL.identifier(self._table),
            )
        )
        for column in ("plate_normalized", "vin"):
            create_index(
                self.env.cr,
                f"{self._table}_dealer_{column}_exact_index",
                self._table,
                [column],
                where=f"{column} IS NOT NULL",
            )
        return res

    @api.depends("license_plate")
    def _compute_plate_normalized(self):
        for vehicle in self:
            vehicle.plate_normalized = normalize_plate(vehicle.license_plate)

    def _creation_message(self):
        """A watch's chatter does not open with "Customer Vehicle created"."""
        if len(self) == 1 and self.item_kind == "watch":
            return self.env._("Customer watch created")
        return super()._creation_message()

    @api.model
    def _dealer_default_item_kind(self):
        """A watch retailer registers watches; a company selling vehicles, vehicles."""
        return "watch" if self.env.company.dealer_item_kinds == "watch" else "vehicle"

    @api.depends("model_id", "brand_id", "license_plate", "vin", "serial_number")
    @api.depends_context("lang")
    def _compute_display_name(self):
        kinds = dict(self._fields["item_kind"]._description_selection(self.env))
        for vehicle in self:
            label = vehicle.model_id.display_name or kinds.get(vehicle.item_kind) or _("Vehicle")
            number = vehicle.license_plate or vehicle.vin or vehicle.serial_number or ""
            vehicle.display_name = f"{label} · {number}"

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

    def _compute_lifecycle_lead_count(self):
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [("dealer_lifecycle_vehicle_id", "in", self.ids)],
                ["dealer_lifecycle_vehicle_id"],
                ["__count"],
            )
        )
        for vehicle in self:
            vehicle.lifecycle_lead_count = counts.get(vehicle, 0)

    @api.model
    def _search_display_name(self, operator, value):
        """Find a vehicle by VIN, plate (however typed), owner name or owner phone."""
        if operator not in ("ilike", "=ilike", "=", "like") or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        value = value.strip()
        if not value:
            return []
        compact = normalize_plate(value)
        if not compact:
            # punctuation alone is no plate or VIN: the plain search of the texts
            return expression.OR(
                [
                    [("license_plate", "ilike", value)],
                    [("serial_number", "ilike", value)],
                    [("owner_id.name", "ilike", value)],
                    [("model_id.name", "ilike", value)],
                    self.env["res.partner"]._dealer_phone_domain(value, "owner_id."),
                ]
            )
        # No OR across joined tables (issue 26): the owners and models are resolved
        # first, each by its own index, so the vehicle query ORs only indexed columns.
        # A plate typed with spaces or dashes matches its normalised form, a superset
        # of the raw ``license_plate ilike`` it replaces.
        partners = self.env["res.partner"].with_context(active_test=False)
        owner_domain = expression.OR(
            [[("complete_name", "ilike", value)], partners._dealer_phone_domain(value)]
        )
        # A lookup (name_search) shows a page: it follows at most its page's number of
        # owners, among the contacts who own a vehicle, so the page is full whenever
        # enough vehicles match. A name of common letters ("Customer") matches most
        # contacts; all their vehicles would otherwise be sorted to show a few.
        # Plates and VINs are not bounded (and an exact one comes first); a search
        # of the list (no bound) stays complete.
        # Among the vehicles the lookup's own domain allows (a field's domain, such as
        # the customer's vehicles only): else the page's owners may own none of them.
        bound = self.env.context.get("dealer_lookup_owner_limit")
        if bound:
            within = self.env.context.get("dealer_lookup_domain") or []
            owning = self.with_context(
                dealer_lookup_owner_limit=None, dealer_lookup_domain=None
            )._search(expression.AND([within, [("owner_id", "!=", False)]]))
            owner_domain = expression.AND(
                [owner_domain, [("id", "in", owning.subselect('"dealer_vehicle"."owner_id"'))]]
            )
        owners = partners._search(owner_domain, limit=bound)
        models = self.env["fleet.vehicle.model"].with_context(active_test=False)
        domains = [
            [("owner_id", "in", list(owners))],
            [("model_id", "in", list(models._search([("name", "ilike", value)])))],
            [("plate_normalized", "ilike", compact)],
            [("serial_number", "ilike", value)],
        ]
        vin = normalize_vin(value)
        if vin:
            domains.append([("vin", "ilike", vin)])
        return expression.OR(domains)

    @api.model
    def _dealer_exact_domain(self, value):
        """The vehicles whose plate (however typed) or whole VIN is ``value``."""
        if not isinstance(value, str):
            return []
        domains = []
        compact = normalize_plate(value)
        if compact:
            domains.append([("plate_normalized", "=", compact)])
        vin = normalize_vin(value)
        if len(vin) == 17:
            domains.append([("vin", "=", vin)])
        if value.strip():
            domains.append([("serial_number", "=", value.strip())])
        return expression.OR(domains) if domains else []

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """An exact plate or VIN comes first, before the vehicles of matching owners
        or models (which follow the usual order); as many owners as the page has
        rows are followed (see _search_display_name)."""
        vehicles = self.with_context(
            dealer_lookup_owner_limit=limit or self._dealer_lookup_owner_limit,
            dealer_lookup_domain=args or [],
        )
        lookup = super(DealerVehicle, vehicles).name_search
        exact_domain = operator == "ilike" and self._dealer_exact_domain(name)
        if not exact_domain:
            return lookup(name, args, operator, limit)
        exact = vehicles.search_fetch(
            expression.AND([args or [], exact_domain]), ["display_name"], limit=limit
        )
        found = [(vehicle.id, vehicle.display_name) for vehicle in exact]
        if limit and len(exact) >= limit:
            return found
        rest = expression.AND([args or [], [("id", "not in", exact.ids)]])
        lookup = super(DealerVehicle, vehicles.with_context(dealer_lookup_domain=rest)).name_search
        return found + lookup(name, rest, operator, limit - len(exact) if limit else limit)

    @api.constrains("vin", "item_kind")
    def _check_vin(self):
        for vehicle in self.filtered(lambda v: v.item_kind in ROAD_KINDS):
            problem = self._dealer_vin_problem(vehicle.vin)
            if problem:
                raise ValidationError(problem)

    @api.constrains("item_kind", "vin", "license_plate", "serial_number")
    def _check_item_kind(self):
        """What only a road vehicle has stays off a watch, and a watch is known by its
        serial number."""
        for item in self.filtered(lambda v: v.item_kind not in ROAD_KINDS):
            if item.vin or item.license_plate:
                raise ValidationError(
                    _(
                        "%(item)s is a watch: it has no VIN or plate. Record its serial "
                        "number instead.",
                        item=item.model_id.display_name or item.serial_number or "",
                    )
                )
            if not (item.serial_number or "").strip():
                raise ValidationError(_("A watch needs its serial number."))

    @api.constrains("item_kind", "company_id")
    def _check_item_kind_sold(self):
        """An item is of a kind its company sells (``res.company.dealer_item_kinds``):
        a ``default_item_kind`` sent by a client does not register a watch at a
        company that sells vehicles only, nor the reverse."""
        kinds = dict(self._fields["item_kind"]._description_selection(self.env))
        for item in self:
            sold = item.company_id.dealer_item_kinds or "vehicle"
            if sold != "both" and (item.item_kind in ROAD_KINDS) != (sold == "vehicle"):
                raise ValidationError(
                    _(
                        "%(company)s does not sell items of the kind %(kind)s: change what "
                        "the company sells in its settings first.",
                        company=item.company_id.name,
                        kind=kinds.get(item.item_kind, item.item_kind),
                    )
                )

    def _dealer_check_road(self, what):
        """Refuse ``what`` (a test drive, a trade-in, a recall...) for the items of
        ``self`` that are not road vehicles, in words."""
        for item in self.filtered(lambda v: v.item_kind not in ROAD_KINDS):
            raise ValidationError(
                _(
                    "%(item)s is not a road vehicle: %(what)s applies to vehicles only.",
                    item=item.display_name,
                    what=what,
                )
            )

    @api.constrains("serial_number", "model_id", "company_id")
    def _check_serial_number(self):
        """One item per serial number and brand in a company, archived ones included.
        Serial numbers are compared without case ("ab 123" is "AB 123"): one engraving
        typed two ways is one watch. Set-based: one query for the whole set."""
        numbered = self.filtered("serial_number")
        if not numbered:
            return
        self.flush_model(["serial_number", "brand_id", "company_id"])
        clashes = self.env.execute_query(
            SQL(
                """SELECT brand_id, min(serial_number)
                     FROM dealer_vehicle
                    WHERE company_id = ANY(%s) AND upper(serial_number) = ANY(%s)
                 GROUP BY company_id, brand_id, upper(serial_number)
                   HAVING count(*) > 1
                    LIMIT 1""",
                numbered.company_id.ids,
                list({serial.upper() for serial in numbered.mapped("serial_number")}),
            )
        )
        for brand_id, serial in clashes:
            raise ValidationError(
                _(
                    "The serial number %(serial)s of %(brand)s is already registered.",
                    serial=serial,
                    brand=self.env["fleet.vehicle.model.brand"].browse(brand_id).display_name,
                )
            )

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Customer Vehicles"),
                "template": "/dealer_crm/static/xls/dealer_vehicle.csv",
            }
        ]

    @api.model
    def _dealer_vin_value(self, value):
        """``value`` sent as a VIN, normalised; a clear message when it is not text (a
        number or a list a client sent), which the ORM would store as text. No VIN at
        all is the required field's refusal."""
        if value and not isinstance(value, str):
            raise ValidationError(self._dealer_vin_problem(value))
        return normalize_vin(value)

    @api.model
    def _dealer_vin_problem(self, vin):
        """What is wrong with ``vin`` (``tools/vin.py``), in the user's language, or None.
        The tool says it in English and marks it for ``i18n/dealer_crm.pot``."""
        problem = vin_problem(vin)
        return problem and self.env._(problem.message, **problem.values)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "serial_number" in vals and isinstance(vals["serial_number"], str):
                vals["serial_number"] = vals["serial_number"].strip() or False
            kind = vals.get("item_kind") or self._context.get("default_item_kind")
            kind = kind or self._dealer_default_item_kind()
            if kind not in ROAD_KINDS:
                # a watch has no VIN: an empty one sent by a form or a file is no VIN
                if not vals.get("vin"):
                    vals.pop("vin", None)
                continue
            if "vin" in vals:
                vals["vin"] = self._dealer_vin_value(vals["vin"])
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
        if "item_kind" in vals and any(v.item_kind != vals["item_kind"] for v in self):
            raise UserError(
                _(
                    "An item's kind is chosen when it is registered and does not change: "
                    "its history (readings, plans, recalls) depends on it."
                )
            )
        if "serial_number" in vals and isinstance(vals["serial_number"], str):
            vals["serial_number"] = vals["serial_number"].strip() or False
        road = self.filtered(lambda v: v.item_kind in ROAD_KINDS)
        if "vin" in vals and (road or vals["vin"]):
            if not vals["vin"]:
                raise ValidationError(self._dealer_vin_problem(vals["vin"]))
            vals["vin"] = self._dealer_vin_value(vals["vin"])
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

    def action_view_lifecycle_leads(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.crm_lead_lifecycle_action", "dealer_lifecycle_vehicle_id"
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
        # the vehicle's row first: a second transfer at the same moment waits, then fails
        # in a way Odoo retries, and its retry reads the new owner (issue 27)
        self._dealer_lock_rows()
        date = fields.Date.to_date(date)
        current = self.sudo().ownership_ids.filtered(lambda line: not line.date_end)
        if partner and current.partner_id == partner:
            raise UserError(
                _(
                    "%(owner)s already owns %(item)s.",
                    owner=partner.display_name,
                    item=self.display_name,
                )
            )
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
