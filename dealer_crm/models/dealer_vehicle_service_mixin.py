# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, split_every

from ..tools.distance import KILOMETERS, UNITS, convert_distance
from ..tools.service_due import next_service

#: vehicles recomputed per batch after a maintenance plan changed
RECOMPUTE_BATCH = 2000
#: where a vehicle stands with its next service
SERVICE_DUE_STATES = [("ok", "Not due"), ("due_soon", "Due soon"), ("overdue", "Overdue")]


def next_service_values(terms, unit, purchase_date, done_date, done_odometer, readings, replaced):
    """The next service of one vehicle, as the values of its three computed fields.

    ``terms``: its maintenance plan's (months, distance, distance unit); ``unit``: the
    unit its odometer reads; ``done_date``/``done_odometer``: its last done visit;
    ``readings``: its odometer readings [(date, value)]; ``replaced``: the date its
    meter was last replaced (only the current meter counts for the daily distance).
    """
    if replaced:
        readings = [(d, v) for d, v in readings if d >= replaced]
    if done_date:
        base_date = done_date
        earlier = [v for d, v in readings if d <= done_date]
        base_odo = done_odometer or (max(earlier) if earlier else 0)
    else:
        first = min(readings) if readings else (None, 0)
        base_date = purchase_date or first[0]
        base_odo = first[1] if readings and first[0] <= (base_date or first[0]) else 0
    months, distance, distance_unit = terms
    # the plan's distance in the unit this vehicle's odometer reads
    distance = convert_distance(distance, distance_unit, unit)
    due_date, due_odo = next_service(base_date, base_odo, months, distance, readings)
    return {
        "last_service_date": done_date,
        "next_service_date": due_date,
        # a reading to look out for: a whole number of the vehicle's unit
        "next_service_odometer": round(due_odo) if due_odo else 0,
    }


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
        SERVICE_DUE_STATES,
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
        # as for any field: one value or a list of them, where False (not set) matches
        # no record, since every record has a state
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        states = [v for v in values if isinstance(v, str) and v in by_state]
        domain = expression.OR([by_state[v] for v in states] or [expression.FALSE_DOMAIN])
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
        "item_kind",
        "odometer_unit",
    )
    def _compute_next_service(self):
        terms_of = self.env["dealer.maintenance.plan"]._plan_terms()
        if all(self._ids):
            # stored vehicles: their visits and readings in one query each
            history = self._next_service_history()
        else:
            # a new vehicle (a form being edited): what the form holds
            history = {vehicle.id: vehicle._next_service_history_cached() for vehicle in self}
        for vehicle in self:
            terms = terms_of(vehicle.model_id.id, vehicle.brand_id.id, vehicle.item_kind)
            vehicle.update(
                next_service_values(
                    terms, vehicle.odometer_unit, vehicle.purchase_date, *history[vehicle.id]
                )
            )

    def _next_service_history_cached(self):
        """(last done visit's date and odometer, readings [(date, value)], date of the
        latest meter replacement) of one vehicle, as the cache holds them."""
        done = self.service_ids.filtered(lambda s: s.state == "done").sorted("date")[-1:]
        replaced = self.odometer_ids.filtered("lower_reason").sorted("date")[-1:]
        return (
            done.date,
            done.odometer,
            [(r.date, r.value) for r in self.odometer_ids],
            replaced.date,
        )

    def _next_service_history(self):
        """{vehicle id: (last done visit's date and odometer, readings [(date, value)],
        date of the latest meter replacement)} of stored vehicles, set-based: one query
        for the visits, one for the readings, whatever the number of vehicles.

        The last done visit is the latest by date; of two on the same day, the first
        recorded (the one ``service_ids.sorted("date")[-1:]`` gives).
        """
        self.env["dealer.service.record"].flush_model(["vehicle_id", "state", "date", "odometer"])
        self.env["dealer.vehicle.odometer"].flush_model(
            ["vehicle_id", "date", "value", "lower_reason"]
        )
        ids = list(self._ids)
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (vehicle_id) vehicle_id, date, odometer
                     FROM dealer_service_record
                    WHERE vehicle_id = ANY(%s) AND state = 'done'
                 ORDER BY vehicle_id, date DESC, id""",
                ids,
            )
        )
        done = {vid: (date, odometer or 0.0) for vid, date, odometer in self.env.cr.fetchall()}
        self.env.cr.execute(
            SQL(
                """SELECT vehicle_id, date, value, lower_reason
                     FROM dealer_vehicle_odometer
                    WHERE vehicle_id = ANY(%s)""",
                ids,
            )
        )
        readings, replaced = defaultdict(list), {}
        for vid, date, value, lower_reason in self.env.cr.fetchall():
            readings[vid].append((date, value))
            if lower_reason and (vid not in replaced or date > replaced[vid]):
                replaced[vid] = date
        return {
            vid: (*done.get(vid, (False, 0.0)), readings.get(vid, []), replaced.get(vid))
            for vid in ids
        }

    def _recompute_next_service(self, batch_size=RECOMPUTE_BATCH):
        """After a maintenance plan changed: recompute these vehicles' due dates, each
        once, ``batch_size`` vehicles at a time.

        Set-based, as ``_compute_next_service`` but without loading the vehicles in the
        cache: per batch, one query reads the vehicles, one their visits, one their
        readings, and one writes the vehicles whose due date changed. Memory stays
        bounded whatever the number of vehicles.
        """
        names = ["last_service_date", "next_service_date", "next_service_odometer"]
        self.flush_model(
            ["model_id", "brand_id", "item_kind", "odometer_unit", "purchase_date", *names]
        )
        terms_of = self.env["dealer.maintenance.plan"]._plan_terms()
        cr = self.env.cr
        for batch_ids in split_every(batch_size, self._ids):
            batch = self.browse(batch_ids)
            history = batch._next_service_history()
            cr.execute(
                SQL(
                    """SELECT id, model_id, brand_id, item_kind, odometer_unit, purchase_date,
                              last_service_date, next_service_date, next_service_odometer
                         FROM dealer_vehicle WHERE id = ANY(%s)""",
                    list(batch_ids),
                )
            )
            changed = []
            for vid, model, brand, kind, unit, purchase, last, due, due_odo in cr.fetchall():
                values = next_service_values(
                    terms_of(model, brand, kind), unit, purchase, *history[vid]
                )
                row = (
                    values["last_service_date"] or None,
                    values["next_service_date"] or None,
                    float(values["next_service_odometer"]),
                )
                # as the ORM writes a computed field: only where it changes
                if row != (last, due, due_odo or 0.0):
                    changed.append(SQL("(%s, %s::date, %s::date, %s::float8)", vid, *row))
            if changed:
                cr.execute(
                    SQL(
                        """UPDATE dealer_vehicle
                              SET last_service_date = v.last, next_service_date = v.due,
                                  next_service_odometer = v.due_odo,
                                  write_uid = %s, write_date = %s
                             FROM (VALUES %s) AS v(id, last, due, due_odo)
                            WHERE dealer_vehicle.id = v.id""",
                        self.env.uid,
                        cr.now(),
                        SQL(", ").join(changed),
                    )
                )
        self.invalidate_recordset([*names, "write_uid", "write_date"])

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
