# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    dealer_waiting_customer = fields.Boolean(
        string="Waiting on the Customer",
        help="Service-level clocks stop while a ticket is in this stage: the stage is "
        "ignored by the complaint severities' SLA policies.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        if stages.filtered("dealer_waiting_customer"):
            self.env["helpdesk.sla"]._dealer_sync_waiting_stages()
        return stages

    def write(self, vals):
        res = super().write(vals)
        if "dealer_waiting_customer" in vals:
            self.env["helpdesk.sla"]._dealer_sync_waiting_stages()
        return res
