# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields, models


class HelpdeskSla(models.Model):
    """helpdesk_mgmt_sla's policies, two per complaint severity (first response and
    resolution), kept by the severity: its targets are the policies' hours."""

    _inherit = "helpdesk.sla"

    dealer_severity_id = fields.Many2one(
        "dealer.complaint.severity",
        string="Complaint Severity",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
        help="The complaint severity that keeps this policy: its hours follow the severity.",
    )
    dealer_target = fields.Selection(
        [("response", "First Response"), ("resolution", "Resolution")],
        string="Severity Target",
        readonly=True,
    )

    def _dealer_sync_waiting_stages(self):
        """The severities' policies stop their clocks in the 'waiting on the customer'
        stages (``ignore_stage_ids``)."""
        waiting = (
            self.env["helpdesk.ticket.stage"]
            .with_context(active_test=False)
            .search([("dealer_waiting_customer", "=", True)])
        )
        policies = self or self.with_context(active_test=False).search(
            [("dealer_severity_id", "!=", False)]
        )
        policies.sudo().ignore_stage_ids = [Command.set(waiting.ids)]
