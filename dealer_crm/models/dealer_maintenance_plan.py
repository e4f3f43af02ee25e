# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..tools.distance import KILOMETERS, UNITS
from ..tools.items import ITEM_KINDS, ROAD_KINDS

#: vehicles a plan change recomputes in its own transaction; beyond, a cron does
RECOMPUTE_IN_REQUEST = 20000
#: vehicles that cron recomputes per committed call
RECOMPUTE_CRON_BATCH = 10000
#: the recompute handed to the cron: {"domain": the vehicles, "last_id": done up to}
RECOMPUTE_PENDING_KEY = "dealer_crm.service_due_recompute"

#: what a plan's vehicles are due by: editing anything else recomputes nothing
RECOMPUTE_FIELDS = {
    "interval_months",
    "interval_distance",
    "distance_unit",
    "model_id",
    "brand_id",
    "active",
    "sequence",
    "item_kind",
}


class DealerMaintenancePlan(models.Model):
    _name = "dealer.maintenance.plan"
    _description = "Maintenance Plan"
    _order = "sequence, id"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    item_kind = fields.Selection(
        ITEM_KINDS,
        string="Kind",
        required=True,
        default="vehicle",
        index=True,
        help="The kind of item the plan applies to. Each kind has its own default plan; "
        "an item that is not a road vehicle is serviced by time only.",
    )
    model_id = fields.Many2one(
        "fleet.vehicle.model", string="Vehicle Model", help="Applies to this model only."
    )
    brand_id = fields.Many2one(
        "fleet.vehicle.model.brand", string="Make", help="Applies to the make's models."
    )
    interval_months = fields.Integer(string="Every (Months)")
    interval_distance = fields.Float(string="Every (Distance)")
    distance_unit = fields.Selection(
        UNITS,
        string="Unit",
        default=KILOMETERS,
        required=True,
        help="The unit of the distance interval. A vehicle that reads its odometer in "
        "another unit is due at the same distance, converted to its own unit.",
    )
    scope = fields.Selection(
        [("model", "Model"), ("brand", "Make"), ("default", "Default")],
        compute="_compute_scope",
        store=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    #: follows the plan's model and make
    _dealer_protected_fields = frozenset({"scope"})

    _sql_constraints = [
        (
            "interval_check",
            "CHECK(interval_months > 0 OR interval_distance > 0)",
            "A maintenance plan needs an interval in months, in distance, or both.",
        ),
        (
            "interval_positive",
            "CHECK(interval_months >= 0 AND interval_distance >= 0)",
            "Intervals cannot be negative.",
        ),
    ]

    @api.depends("model_id", "brand_id")
    def _compute_scope(self):
        for plan in self:
            plan.scope = "model" if plan.model_id else "brand" if plan.brand_id else "default"

    @api.constrains("item_kind", "interval_distance", "interval_months", "model_id")
    def _check_item_kind(self):
        """A plan for items without an odometer (a watch) counts months only, and a
        plan for a model applies to items of that model's kind."""
        kinds = dict(self._fields["item_kind"]._description_selection(self.env))
        for plan in self:
            if plan.item_kind not in ROAD_KINDS and plan.interval_distance:
                raise ValidationError(
                    _(
                        "The plan %(plan)s is for items of the kind %(kind)s, which have no "
                        "odometer: give its interval in months only.",
                        plan=plan.name,
                        kind=kinds.get(plan.item_kind, plan.item_kind),
                    )
                )
            if plan.item_kind not in ROAD_KINDS and not plan.interval_months:
                raise ValidationError(
                    _("The plan %s is by time only: give its interval in months.", plan.name)
                )
            model_kind = plan.model_id.vehicle_type == "watch" and "watch"
            if plan.model_id and (model_kind or "vehicle") != plan.item_kind:
                raise ValidationError(
                    _(
                        "The model %(model)s is not of the plan's kind (%(kind)s).",
                        model=plan.model_id.display_name,
                        kind=kinds.get(plan.item_kind, plan.item_kind),
                    )
                )

    @api.constrains("model_id", "brand_id")
    def _check_model_matches_brand(self):
        for plan in self:
            if plan.model_id and plan.brand_id and plan.model_id.brand_id != plan.brand_id:
                raise ValidationError(_("The model %s is not of this make.", plan.model_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans._recompute_vehicles()
        return plans

    def write(self, vals):
        if not RECOMPUTE_FIELDS & set(vals):
            return super().write(vals)
        # the vehicles the plans applied to before, and those they apply to after: each
        # recomputed once
        scope_before = self._vehicle_domain()
        res = super().write(vals)
        scope_after = self._vehicle_domain()
        # an empty domain is every vehicle (a default plan)
        scope = scope_before and scope_after and expression.OR([scope_before, scope_after])
        self._recompute_vehicles(scope)
        return res

    def _vehicle_domain(self):
        """The items these plans may apply to: a default plan, every item of its kind."""
        defaults = self.filtered(lambda plan: plan.scope == "default")
        specific = [
            "|",
            ("model_id", "in", (self - defaults).model_id.ids),
            ("brand_id", "in", (self - defaults).brand_id.ids),
        ]
        if not defaults:
            return specific
        return expression.OR([[("item_kind", "in", defaults.mapped("item_kind"))], specific])

    def _recompute_vehicles(self, domain=None):
        """Recompute the due dates of the vehicles in ``domain`` (those these plans
        apply to), in batches. Every vehicle the plans reach is recomputed, whoever
        edits them: a due date is the same for every reader.

        Up to :data:`RECOMPUTE_IN_REQUEST` vehicles are recomputed at once; more (the
        default plan of a dealer group) are handed to the cron "recompute due dates
        after a maintenance plan change", started at once, which recomputes them in
        batches and commits each: their due dates follow within minutes.
        """
        if domain is None:
            domain = self._vehicle_domain()
        vehicles = self.env["dealer.vehicle"].sudo().search(domain, order="id")
        if len(vehicles) <= RECOMPUTE_IN_REQUEST:
            vehicles._recompute_next_service()
            return
        Param = self.env["ir.config_parameter"].sudo()
        pending = json.loads(Param.get_param(RECOMPUTE_PENDING_KEY) or "null")
        if pending is not None:
            # a recompute still under way: start again over both scopes
            domain = pending["domain"] and domain and expression.OR([pending["domain"], domain])
        Param.set_param(RECOMPUTE_PENDING_KEY, json.dumps({"domain": domain, "last_id": 0}))
        self.env.ref("dealer_crm.ir_cron_dealer_service_due_recompute")._trigger()

    @api.model
    def _cron_recompute_vehicles(self, batch_size=RECOMPUTE_CRON_BATCH):
        """Recompute the due dates a plan change handed over (see
        :meth:`_recompute_vehicles`), ``batch_size`` vehicles per call, by id; the cron
        framework commits each batch and calls again while vehicles remain. Returns the
        vehicles recomputed.

        The pending scope and the last vehicle done are the job's progress marker,
        locked for the batch (SKIP LOCKED: a second run at once does nothing) and moved
        in the batch's own transaction: a run after a crash starts after the last
        batch committed."""
        Vehicle = self.env["dealer.vehicle"].sudo()
        Param = self.env["ir.config_parameter"].sudo()
        if not self._dealer_claim_marker(RECOMPUTE_PENDING_KEY):
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return Vehicle
        pending = json.loads(Param.get_param(RECOMPUTE_PENDING_KEY) or "null")
        if pending is None:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return Vehicle
        domain = pending["domain"]
        vehicles = Vehicle.search(
            [*domain, ("id", ">", pending["last_id"])], order="id", limit=batch_size
        )
        vehicles._recompute_next_service()
        last_id = vehicles[-1:].id or pending["last_id"]
        remaining = Vehicle.search_count([*domain, ("id", ">", last_id)]) if vehicles else 0
        Param.set_param(
            RECOMPUTE_PENDING_KEY,
            json.dumps({"domain": domain, "last_id": last_id}) if remaining else False,
        )
        self.env["ir.cron"]._notify_progress(done=len(vehicles), remaining=remaining)
        return vehicles

    @api.model
    def _plan_index(self):
        """The active plans: ({(kind, model id): plan}, {(kind, make id): plan},
        {kind: the default plan}); of two plans for the same model or make, the later by
        sequence; of two defaults, the first."""
        plans = self.search([])
        by_model, by_brand, default = {}, {}, {}
        for plan in plans:
            if plan.scope == "model":
                by_model[plan.item_kind, plan.model_id.id] = plan
            elif plan.scope == "brand":
                by_brand[plan.item_kind, plan.brand_id.id] = plan
            else:
                default.setdefault(plan.item_kind, plan)
        return by_model, by_brand, default

    @api.model
    def _plan_terms(self):
        """A function (model id, make id, item kind) -> the (months, distance, distance
        unit) of the plan that applies to such an item: the most specific active plan of
        its kind (model, then make, then the kind's default); no plan gives no interval.
        One function for every kind: a plan by time has no distance."""
        by_model, by_brand, default = self._plan_index()

        def terms(plan):
            distance = plan.interval_distance if plan.item_kind in ROAD_KINDS else 0.0
            return (plan.interval_months, distance, plan.distance_unit)

        model_terms = {key: terms(plan) for key, plan in by_model.items()}
        brand_terms = {key: terms(plan) for key, plan in by_brand.items()}
        default_terms = {kind: terms(plan) for kind, plan in default.items()}
        no_plan = terms(self.browse())

        def terms_of(model_id, brand_id, kind="vehicle"):
            return (
                model_terms.get((kind, model_id))
                or brand_terms.get((kind, brand_id))
                or default_terms.get(kind)
                or no_plan
            )

        return terms_of
