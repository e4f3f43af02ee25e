# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

#: the severity's targets, each kept as a helpdesk_mgmt_sla policy
SLA_TARGETS = ("response", "resolution")


class DealerComplaintSeverity(models.Model):
    _name = "dealer.complaint.severity"
    _description = "Complaint Severity and Service Levels"
    _order = "sequence, id"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    response_hours = fields.Float(
        string="First Response (Working Hours)",
        required=True,
        help="Working hours of the team's calendar within which the customer gets a first answer.",
    )
    resolution_hours = fields.Float(
        string="Resolution (Working Hours)",
        required=True,
        help="Working hours within which the complaint is resolved, not counting the time "
        "spent waiting on the customer.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    dealer_sla_ids = fields.One2many(
        "helpdesk.sla",
        "dealer_severity_id",
        string="SLA Policies",
        context={"active_test": False},
        help="The helpdesk SLA policies that count these targets on the tickets "
        "(helpdesk_mgmt_sla): one for the first response, one for the resolution.",
    )

    _sql_constraints = [
        (
            "hours_check",
            "CHECK(response_hours > 0 AND resolution_hours >= response_hours)",
            "Targets must be positive, and resolution no sooner than the first response.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        severities = super().create(vals_list)
        severities._dealer_sync_sla()
        return severities

    def write(self, vals):
        res = super().write(vals)
        if {"name", "response_hours", "resolution_hours", "active"} & set(vals):
            self._dealer_sync_sla()
        if {"response_hours", "resolution_hours"} & set(vals):
            self.env["helpdesk.ticket.sla"]._dealer_follow_targets(self)
        return res

    def _dealer_sync_sla(self):
        """Each severity's two helpdesk_mgmt_sla policies, created or brought in line:
        they apply to the tickets of the severity on every team that uses SLAs, are
        met when the ticket reaches its first closed stage (the first response sooner,
        by the first reply), and pause in the 'waiting on the customer' stages."""
        _ = self.env._
        labels = {"response": _("first response"), "resolution": _("resolution")}
        Sla = self.env["helpdesk.sla"].sudo()
        closed = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], order="sequence, id", limit=1
        )
        created = Sla
        for severity in self:
            policies = {sla.dealer_target: sla for sla in severity.sudo().dealer_sla_ids}
            for target in SLA_TARGETS:
                vals = {
                    "name": _(
                        "%(severity)s: %(target)s", severity=severity.name, target=labels[target]
                    ),
                    # whole hours on the policy's form; the lines count the severity's own
                    "hours": round(severity[f"{target}_hours"]),
                    "active": severity.active,
                }
                if target in policies:
                    policies[target].write(vals)
                    continue
                created |= Sla.create(
                    {
                        **vals,
                        "dealer_severity_id": severity.id,
                        "dealer_target": target,
                        "domain": repr([("dealer_severity_id", "=", severity.id)]),
                        "stage_id": closed.id,
                    }
                )
        if created:
            created._dealer_sync_waiting_stages()
