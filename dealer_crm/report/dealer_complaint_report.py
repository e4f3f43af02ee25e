# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .dealer_analysis_mixin import selection_of


class DealerComplaintReport(models.Model):
    """Complaints and feedback by kind, severity and root cause, with the time taken to
    answer and to resolve, and whether the service level was met."""

    _name = "dealer.complaint.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Complaints and Feedback Analysis"
    _auto = False
    _order = "create_date desc"
    _depends = {
        "helpdesk.ticket": [
            "create_date",
            "closed_date",
            "dealer_feedback_kind",
            "dealer_severity_id",
            "dealer_root_cause_id",
            "team_id",
            "user_id",
            "partner_id",
            "stage_id",
            "dealer_first_response_date",
            "dealer_sla_breached",
            "dealer_satisfaction",
            "company_id",
        ],
        "helpdesk.ticket.stage": ["closed"],
    }

    create_date = fields.Datetime(string="Received On", readonly=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True)
    kind = fields.Selection(
        selection=selection_of("helpdesk.ticket", "dealer_feedback_kind"), readonly=True
    )
    severity_id = fields.Many2one("dealer.complaint.severity", readonly=True)
    root_cause_id = fields.Many2one("dealer.complaint.root.cause", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    closed = fields.Boolean(readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True)
    response_hours = fields.Float(string="Hours to First Response", readonly=True, aggregator="avg")
    resolution_days = fields.Float(string="Days to Resolve", readonly=True, aggregator="avg")
    sla_breached = fields.Boolean(
        string="Service Level Missed",
        readonly=True,
        help="The ticket was not answered or resolved within its severity's targets.",
    )
    sla_met = fields.Float(
        string="Service Level Met (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a ticket answered and resolved within its severity's targets, 0 for a "
        "breach; empty while open and not breached.",
    )
    satisfaction = fields.Float(readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT t.id, t.create_date, t.closed_date, t.dealer_feedback_kind AS kind,
                   t.dealer_severity_id AS severity_id, t.dealer_root_cause_id AS root_cause_id,
                   t.team_id, t.user_id, t.partner_id, COALESCE(s.closed, FALSE) AS closed,
                   1 AS ticket_count,
                   EXTRACT(EPOCH FROM t.dealer_first_response_date - t.create_date) / 3600
                       AS response_hours,
                   CASE WHEN s.closed THEN
                       EXTRACT(EPOCH FROM t.closed_date - t.create_date) / 86400 END
                       AS resolution_days,
                   COALESCE(t.dealer_sla_breached, FALSE) AS sla_breached,
                   CASE WHEN t.dealer_sla_breached THEN 0.0
                        WHEN s.closed THEN 100.0 END AS sla_met,
                   NULLIF(t.dealer_satisfaction, '')::float AS satisfaction,
                   t.company_id
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.dealer_feedback_kind IS NOT NULL
            """
        )
