# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .dealer_vehicle import OWNERSHIP_ORIGINS


class DealerVehicleOwnership(models.Model):
    _name = "dealer.vehicle.ownership"
    _description = "Vehicle Ownership Period"
    _order = "vehicle_id, date_start desc, id desc"
    _rec_name = "partner_id"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("note",)

    vehicle_id = fields.Many2one("dealer.vehicle", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Owner", required=True, index=True, ondelete="restrict"
    )
    date_start = fields.Date(string="From", required=True)
    date_end = fields.Date(string="Until", help="Empty while this owner still has the vehicle.")
    is_current = fields.Boolean(compute="_compute_is_current", store=True)
    origin = fields.Selection(OWNERSHIP_ORIGINS, string="How It Began", required=True)
    note = fields.Char()
    company_id = fields.Many2one(related="vehicle_id.company_id", store=True, index=True)

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "An ownership cannot end before it starts.",
        ),
    ]

    def init(self):
        # Exactly one open ownership per vehicle: a database truth.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS dealer_vehicle_ownership_one_open_idx "
                "ON dealer_vehicle_ownership (vehicle_id) WHERE date_end IS NULL"
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        sold = lines.filtered(lambda line: line.origin == "sale")
        self.env["dealer.followup.step"]._schedule("vehicle_sale", sold)
        self.env["survey.user_input"]._dealer_send("sale", sold.vehicle_id.sale_order_id)
        return lines

    @api.depends("date_end")
    def _compute_is_current(self):
        for line in self:
            line.is_current = not line.date_end

    @api.constrains("vehicle_id", "date_start", "date_end")
    def _check_no_overlap(self):
        for line in self:
            others = line.vehicle_id.ownership_ids - line
            for other in others:
                starts_before_other_ends = not other.date_end or line.date_start < other.date_end
                ends_after_other_starts = not line.date_end or other.date_start < line.date_end
                if starts_before_other_ends and ends_after_other_starts:
                    raise ValidationError(
                        _(
                            "The ownership of %(vehicle)s by %(owner)s overlaps the one by "
                            "%(other)s from %(start)s. Use Transfer to change owners.",
                            vehicle=line.vehicle_id.display_name,
                            owner=line.partner_id.display_name,
                            other=other.partner_id.display_name,
                            start=fields.Date.to_string(other.date_start),
                        )
                    )
