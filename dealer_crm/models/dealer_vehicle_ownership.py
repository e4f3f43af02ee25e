# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .dealer_vehicle import OWNERSHIP_ORIGINS


class DealerVehicleOwnership(models.Model):
    _name = "dealer.vehicle.ownership"
    _description = "Vehicle Ownership Period"
    _inherit = ["dealer.import.mixin"]
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

    #: follows the end date: never typed
    _dealer_protected_fields = frozenset({"is_current"})

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

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Earlier Owners"),
                "template": "/dealer_crm/static/xls/dealer_vehicle_ownership.csv",
            }
        ]

    @api.model_create_multi
    def create(self, vals_list):
        self._dealer_check_current_owner(vals_list)
        lines = super().create(vals_list)
        # A sale that is over (an earlier owner) or imported from the past is history:
        # no after-sale follow-up, no survey.
        sold = lines.filtered(lambda line: line.origin == "sale" and not line.date_end)
        sold -= sold._dealer_imported_history("date_start")
        # the vehicle's owner follows an open line opened here for a vehicle without one
        # (the vehicle's own methods, in sudo, set it themselves)
        for line in lines.filtered(lambda line: not line.date_end and not self.env.su):
            if line.vehicle_id.owner_id != line.partner_id:
                line.vehicle_id.write({"owner_id": line.partner_id.id})
        self.env["dealer.followup.step"]._schedule("vehicle_sale", sold)
        self.env["survey.user_input"]._dealer_send("sale", sold.vehicle_id.sale_order_id)
        return lines

    def _dealer_check_current_owner(self, vals_list):
        """The current owner is the vehicle's Owner, opened by the vehicle itself: a line
        without an end typed or imported here for a vehicle that has one is refused with
        a clear message (rather than the database's one-open-line index)."""
        if self.env.su:
            return
        self.check_access("create")
        open_for = [vals.get("vehicle_id") for vals in vals_list if not vals.get("date_end")]
        # the vehicles' rows first, as a transfer does: two lines opened at once for one
        # vehicle end in a retried serialization error, not the index's message
        self.env["dealer.vehicle"].browse({v for v in open_for if v})._dealer_lock_rows()
        current = self.search(
            [("vehicle_id", "in", [v for v in open_for if v]), ("date_end", "=", False)]
        )
        if current:
            line = current[0]
            raise ValidationError(
                _(
                    "%(vehicle)s already has a current owner, %(owner)s, since %(start)s. "
                    "Give earlier owners the date their ownership ended (Until); change the "
                    "current owner with Transfer, or on the vehicle with its purchase date.",
                    vehicle=line.vehicle_id.display_name,
                    owner=line.partner_id.display_name,
                    start=fields.Date.to_string(line.date_start),
                )
            )

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
