# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class DealerServiceRecallMixin(models.AbstractModel):
    """The recalls a service visit performs (issue 28).

    As soon as the vehicle is chosen, the visit lists its open recalls, so that the
    advisor does the work while the car is in; the recalls ticked on a planned visit are
    booked, the visit done closes them, a cancelled visit puts them back."""

    _name = "dealer.service.recall.mixin"
    _description = "Recalls Performed by a Visit"

    dealer_recall_open_ids = fields.Many2many(
        "dealer.recall.vehicle",
        string="Open Recalls of the Vehicle",
        compute="_compute_dealer_recall_open_ids",
    )
    dealer_recall_line_ids = fields.Many2many(
        "dealer.recall.vehicle",
        "dealer_service_record_recall_rel",
        "service_record_id",
        "recall_vehicle_id",
        string="Recalls Performed",
        domain="[('vehicle_id', '=', vehicle_id), ('campaign_state', '=', 'open')]",
        check_company=True,
        help="Tick the recalls whose remedy this visit performs: a planned visit books "
        "them, the visit done closes them.",
    )

    @api.depends("vehicle_id")
    def _compute_dealer_recall_open_ids(self):
        lines = self.env["dealer.recall.vehicle"].search(
            [
                ("vehicle_id", "in", self.vehicle_id.ids),
                ("state", "!=", "done"),
                ("campaign_id.state", "=", "open"),
            ]
        )
        for visit in self:
            visit.dealer_recall_open_ids = lines.filtered(
                lambda line, v=visit: line.vehicle_id == v.vehicle_id
            )

    @api.constrains("dealer_recall_line_ids", "vehicle_id")
    def _check_dealer_recall_line_ids(self):
        for visit in self:
            wrong = visit.dealer_recall_line_ids.filtered(
                lambda line, v=visit: line.vehicle_id != v.vehicle_id
            )
            if wrong:
                raise ValidationError(
                    _(
                        "Visit %(visit)s cannot perform recall %(recall)s: it is for another "
                        "vehicle.",
                        visit=visit.display_name,
                        recall=wrong[0].display_name,
                    )
                )

    def _dealer_check_recalls_ticked(self, ticked):
        """A recall newly ticked on a visit is one still to do, of an open campaign: a
        closed campaign's line, or one another visit already closed, is refused."""
        ticked = ticked.sudo()
        closed = ticked.filtered(lambda line: line.campaign_id.state != "open")
        if closed:
            raise ValidationError(
                _(
                    "Recall %(recall)s cannot be booked or performed: its campaign is not open.",
                    recall=closed[0].display_name,
                )
            )
        done = ticked.filtered(lambda line: line.state == "done")
        if done:
            raise ValidationError(
                _(
                    "Recall %(recall)s is already done (visit %(visit)s).",
                    recall=done[0].display_name,
                    visit=done[0].service_record_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        self._dealer_check_recalls_ticked(visits.dealer_recall_line_ids)
        visits.filtered("dealer_recall_line_ids")._dealer_sync_recalls()
        return visits

    def write(self, vals):
        removed = {}
        if "dealer_recall_line_ids" in vals:
            removed = {visit: visit.dealer_recall_line_ids for visit in self}
        res = super().write(vals)
        if removed:
            self._dealer_check_recalls_ticked(
                self.dealer_recall_line_ids
                - self.env["dealer.recall.vehicle"].union(*removed.values())
            )
        if {"state", "dealer_recall_line_ids"} & set(vals):
            for visit, before in removed.items():
                (before - visit.dealer_recall_line_ids)._unbook()
            self._dealer_sync_recalls()
        return res

    def _dealer_sync_recalls(self):
        """The recall lines follow the visit: booked while planned, done with it, back
        when it is cancelled. The caller wrote the visit (its rights were checked)."""
        for visit in self:
            lines = visit.dealer_recall_line_ids
            if visit.state == "done":
                lines._close_by(visit)
            elif visit.state == "cancelled":
                lines._unbook()
            else:
                lines._book()
