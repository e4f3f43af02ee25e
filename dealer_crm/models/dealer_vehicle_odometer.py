# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from ..tools.items import ROAD_KINDS


class DealerVehicleOdometer(models.Model):
    _name = "dealer.vehicle.odometer"
    _description = "Odometer Reading"
    _order = "date desc, id desc"
    _rec_name = "value"
    _dealer_partner_fields = ()  # readings describe the vehicle, not a person

    vehicle_id = fields.Many2one("dealer.vehicle", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    value = fields.Float(string="Reading", required=True, aggregator="max")
    unit = fields.Selection(related="vehicle_id.odometer_unit")
    source = fields.Selection(
        [
            ("service", "Service visit"),
            ("customer", "Customer"),
            ("sale", "Sale"),
            ("manual", "Manual"),
        ],
        required=True,
        default="manual",
    )
    lower_reason = fields.Selection(
        [("meter_replaced", "Meter replaced"), ("correction", "Correction")],
        string="Reason for a Lower Reading",
        help="Required when the reading is lower than an earlier one.",
    )
    note = fields.Char()
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user)
    company_id = fields.Many2one(related="vehicle_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("value_check", "CHECK(value >= 0)", "An odometer reading cannot be negative."),
    ]

    @api.depends("value", "vehicle_id.odometer_unit")
    def _compute_display_name(self):
        for reading in self:
            unit = self._dealer_unit_label(reading.vehicle_id)
            reading.display_name = f"{self._dealer_distance_text(reading.value)} {unit}".strip()

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Odometer Readings"),
                "template": "/dealer_crm/static/xls/dealer_vehicle_odometer.csv",
            }
        ]

    @api.constrains("vehicle_id")
    def _check_road_item(self):
        """Only a road vehicle has an odometer (issue 32): a watch is serviced by time."""
        items = self.vehicle_id.filtered(lambda v: v.item_kind not in ROAD_KINDS)
        if items:
            raise ValidationError(
                _(
                    "%(item)s is serviced by time and has no odometer: no reading is recorded.",
                    item=items[0].display_name,
                )
            )

    @api.constrains("value", "date", "vehicle_id", "lower_reason")
    def _check_readings_in_order(self):
        """A vehicle's readings never go down in date order, and none is dated after today.

        This holds for every input (forms, visits, imports, RPC). A lower reading needs a
        reason (meter replaced, correction); it starts the vehicle's readings afresh. The
        values are in the vehicle's odometer unit. One read of every reading of the
        vehicles concerned, walked once per vehicle.
        """
        today = fields.Date.context_today(self)
        for reading in self:
            if reading.date > today:
                raise ValidationError(
                    _(
                        "The odometer reading of %(value)s %(unit)s for %(vehicle)s is dated "
                        "%(date)s, after today (%(today)s). A reading cannot be in the future.",
                        value=self._dealer_distance_text(reading.value),
                        unit=self._dealer_unit_label(reading.vehicle_id),
                        vehicle=reading.vehicle_id.display_name,
                        date=fields.Date.to_string(reading.date),
                        today=fields.Date.to_string(today),
                    )
                )
        checked = set(self.ids)
        for vehicle in self.vehicle_id:
            highest = self.browse()
            for reading in vehicle.odometer_ids.sorted(lambda r: (r.date, r.id)):
                if reading.lower_reason or not highest:
                    highest = reading
                    continue
                if reading.value < highest.value and {reading.id, highest.id} & checked:
                    raise ValidationError(self._dealer_order_problem(highest, reading))
                if reading.value >= highest.value:
                    highest = reading

    @api.model
    def _dealer_unit_label(self, vehicle):
        """The vehicle's odometer unit as users read it (km, mi)."""
        units = dict(vehicle._fields["odometer_unit"]._description_selection(self.env))
        return units.get(vehicle.odometer_unit, "")

    @api.model
    def _dealer_distance_text(self, value):
        """A distance as users read it: whole units, grouped as their language groups
        digits (109,710). Distances are stored as they were read; they show unrounded
        nowhere."""
        return formatLang(self.env, value or 0, digits=0)

    @api.model
    def _dealer_order_problem(self, higher, lower):
        """The message for ``lower``, dated after ``higher`` and lower than it."""
        vehicle = lower.vehicle_id
        values = {
            "vehicle": vehicle.display_name,
            "unit": self._dealer_unit_label(vehicle),
            "value": self._dealer_distance_text(lower.value),
            "date": fields.Date.to_string(lower.date),
            "earlier": self._dealer_distance_text(higher.value),
            "earlier_date": fields.Date.to_string(higher.date),
        }
        if lower in self:
            return _(
                "%(vehicle)s: %(value)s %(unit)s on %(date)s is lower than the reading of "
                "%(earlier)s %(unit)s on %(earlier_date)s. Give the reason (meter replaced or "
                "correction) to record it.",
                **values,
            )
        return _(
            "%(vehicle)s: %(earlier)s %(unit)s on %(earlier_date)s is higher than the later "
            "reading of %(value)s %(unit)s on %(date)s. Readings cannot go down over time: "
            "check the date and the value.",
            **values,
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dealer_check_unit(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dealer_check_unit(vals)
        return super().write(vals)

    def _dealer_check_unit(self, vals):
        """A reading is in its vehicle's unit: a unit sent with it (an import column, a
        client) must be that unit, and never changes the vehicle's (which would change the
        meaning of all its readings)."""
        if "unit" not in vals:
            return
        unit = vals.pop("unit")
        vehicles = self.env["dealer.vehicle"].browse(vals.get("vehicle_id")) or self.vehicle_id
        for vehicle in vehicles:
            if unit and unit != vehicle.odometer_unit:
                raise ValidationError(
                    _(
                        "%(vehicle)s counts in %(unit)s: a reading in another unit cannot be "
                        "recorded. Convert it, or change the vehicle's odometer unit first.",
                        vehicle=vehicle.display_name,
                        unit=self._dealer_unit_label(vehicle),
                    )
                )
