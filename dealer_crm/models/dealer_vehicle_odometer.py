# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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

    @api.constrains("value", "date", "vehicle_id", "lower_reason")
    def _check_no_rollback(self):
        for reading in self.filtered(lambda r: not r.lower_reason):
            earlier = reading.vehicle_id.odometer_ids.filtered(
                lambda r, reading=reading: (
                    r != reading
                    and (r.date, r.id) < (reading.date, reading.id)
                    and r.value > reading.value
                )
            )
            if earlier:
                highest = max(earlier, key=lambda r: r.value)
                raise ValidationError(
                    _(
                        "%(value)s is lower than the reading of %(earlier)s on %(date)s. "
                        "Give the reason (meter replaced or correction) to record it.",
                        value=reading.value,
                        earlier=highest.value,
                        date=fields.Date.to_string(highest.date),
                    )
                )
