# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31, SLA): complaint service levels run on helpdesk_mgmt_sla.

- the team's working hours are helpdesk_mgmt_sla's ``resource_calendar_id``: the
  calendar a team had in ``dealer_resource_calendar_id`` is copied over it (installed as
  a dependency just before, helpdesk_mgmt_sla gave every team the company's calendar);
- each severity gets its two SLA policies (first response, resolution), and the teams
  that received complaints of a severity use SLAs;
- the open complaints of a severity get their SLA lines, counted from their creation
  (the time spent waiting on the customer before the upgrade is not known to them).
Closed tickets keep the deadlines they had.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if column_exists(cr, "helpdesk_ticket_team", "dealer_resource_calendar_id"):
        cr.execute(
            SQL(
                """
                UPDATE helpdesk_ticket_team
                   SET resource_calendar_id = dealer_resource_calendar_id
                 WHERE dealer_resource_calendar_id IS NOT NULL
                """
            )
        )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dealer.complaint.severity"].with_context(active_test=False).search([])._dealer_sync_sla()
    Ticket = env["helpdesk.ticket"].with_context(active_test=False)
    complaints = Ticket.search([("dealer_severity_id", "!=", False)])
    complaints.team_id.filtered(lambda team: not team.use_sla).use_sla = True
    complaints.filtered(lambda ticket: not ticket.closed)._dealer_restart_sla()
