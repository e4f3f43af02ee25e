# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.distance import KILOMETERS, UNITS, convert_distance
from ..tools.service_due import next_service


class DealerVehicleServiceMixin(models.AbstractModel):
    """A vehicle's odometer, warranty and next service: the readings, what they say
    about the warranty, and when the maintenance plan makes the next visit due."""

    _name = "dealer.vehicle.service.mixin"
    _description = "Vehicle Odometer, Warranty and Service Due"

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
        return self.env["dealer.settings.mixin"]._dealer_get("dealer_service_due_window_days")

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
