# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.distance import KILOMETERS, UNITS


class DealerMaintenancePlan(models.Model):
    _name = "dealer.maintenance.plan"
    _description = "Maintenance Plan"
    _order = "sequence, id"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
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
        scope_before = self._vehicle_domain()
        res = super().write(vals)
        self.env["dealer.vehicle"].search(scope_before)._recompute_next_service()
        self._recompute_vehicles()
        return res

    def _vehicle_domain(self):
        if any(plan.scope == "default" for plan in self):
            return []
        return [
            "|",
            ("model_id", "in", self.model_id.ids),
            ("brand_id", "in", self.brand_id.ids),
        ]

    def _recompute_vehicles(self):
        self.env["dealer.vehicle"].search(self._vehicle_domain())._recompute_next_service()

    @api.model
    def _plans_for(self, vehicles):
        """{vehicle: plan}: the most specific active plan (model, then make, then default)."""
        plans = self.search([])
        by_model = {p.model_id: p for p in plans.filtered("model_id")}
        by_brand = {p.brand_id: p for p in plans.filtered(lambda p: p.scope == "brand")}
        default = plans.filtered(lambda p: p.scope == "default")[:1]
        return {
            v: by_model.get(v.model_id) or by_brand.get(v.brand_id) or default for v in vehicles
        }
