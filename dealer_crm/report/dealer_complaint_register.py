# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class DealerComplaintRegister(models.AbstractModel):
    """The complaints register: each complaint or feedback, its cause and outcome."""

    _name = "report.dealer_crm.complaint_register"
    _inherit = "report.dealer_crm.xlsx_mixin"
    _description = "Complaints Register (XLSX)"

    def generate_xlsx_report(self, workbook, data, tickets):
        Ticket = tickets.env["helpdesk.ticket"]
        kinds = dict(Ticket._fields["dealer_feedback_kind"]._description_selection(tickets.env))
        sheet = self._dealer_sheet(
            workbook,
            _("Complaints"),
            [
                _("Number"),
                _("Received On"),
                _("Customer"),
                _("Kind"),
                _("Subject"),
                _("Severity"),
                _("Root Cause"),
                _("Stage"),
                _("Assigned To"),
                _("First Response"),
                _("Closed On"),
                _("Service Level Breached"),
                _("Customer Confirmed"),
                _("Satisfaction"),
            ],
        )
        row = 0
        for chunk in self._dealer_chunks(tickets):
            for ticket in chunk:
                row += 1
                self._dealer_write_row(
                    workbook,
                    sheet,
                    row,
                    [
                        ticket.number,
                        ticket.create_date,
                        ticket.partner_id.name or ticket.partner_name,
                        kinds.get(ticket.dealer_feedback_kind),
                        ticket.name,
                        ticket.dealer_severity_id.name,
                        ticket.dealer_root_cause_id.name,
                        ticket.stage_id.name,
                        ticket.user_id.name,
                        ticket.dealer_first_response_date,
                        ticket.closed_date,
                        ticket.dealer_sla_breached,
                        ticket.dealer_customer_confirmed,
                        int(ticket.dealer_satisfaction) if ticket.dealer_satisfaction else None,
                    ],
                )
