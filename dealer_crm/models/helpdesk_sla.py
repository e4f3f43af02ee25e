# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError

#: what a severity's policy takes from its severity (set by the severity's sync only)
SEVERITY_KEPT = frozenset(
    {
        "hours",
        "days",
        "domain",
        "team_ids",
        "tag_ids",
        "category_ids",
        "stage_id",
        "ignore_stage_ids",
        "company_id",
        "active",
    }
)


class HelpdeskSla(models.Model):
    """helpdesk_mgmt_sla's policies, two per complaint severity (first response and
    resolution), kept by the severity: its targets are the policies' hours."""

    _inherit = "helpdesk.sla"

    #: a policy is a severity's by the severity's sync only (its create, in sudo)
    _dealer_protected_fields = frozenset({"dealer_severity_id", "dealer_target"})

    dealer_severity_id = fields.Many2one(
        "dealer.complaint.severity",
        string="Complaint Severity",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The complaint severity that keeps this policy: its hours follow the severity.",
    )
    dealer_target = fields.Selection(
        [("response", "First Response"), ("resolution", "Resolution")],
        string="Severity Target",
        readonly=True,
        copy=False,
    )

    def write(self, vals):
        if not self.env.su and SEVERITY_KEPT & set(vals):
            self.check_access("write")
            kept = self.filtered("dealer_severity_id")
            if kept:
                raise UserError(
                    self.env._(
                        "%(policies)s follow their complaint severity: change its targets "
                        "on the severity (Complaint Severities), not on the policy.",
                        policies=", ".join(kept.mapped("display_name")),
                    )
                )
        return super().write(vals)

    def unlink(self):
        if not self.env.su and self.filtered("dealer_severity_id"):
            raise UserError(
                self.env._(
                    "A complaint severity's SLA policies go with the severity: archive the "
                    "severity instead."
                )
            )
        return super().unlink()

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
