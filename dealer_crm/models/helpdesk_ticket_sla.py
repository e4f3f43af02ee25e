# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError


class HelpdeskTicketSla(models.Model):
    """A ticket's SLA line (helpdesk_mgmt_sla) of a complaint severity: its hours are
    the severity's, the first response is met by the first public reply or customer
    contact (not by a stage), and a team without working hours sets no deadline."""

    _inherit = "helpdesk.ticket.sla"

    #: the lines are written by the ticket's flows only (creation, stage, severity and
    #: team changes, the first response, OCA's Set SLA), in sudo: nobody types a
    #: deadline, a state or a line of their own
    _dealer_protected_fields = frozenset(
        {
            "ticket_id",
            "sla_id",
            "state",
            "deadline",
            "hours",
            "expected_stage_id",
            "consumed_time",
            "last_state_date",
        }
    )

    def unlink(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "SLA lines are kept by their ticket (its team, severity and stages): "
                    "they cannot be deleted by hand."
                )
            )
        return super().unlink()

    def _compute_sla_data(self):
        res = super()._compute_sla_data()
        for line in self:
            severity = line.sla_id.dealer_severity_id
            if severity:
                line.hours = severity[f"{line.sla_id.dealer_target}_hours"]
        return res

    def _compute_deadline(self):
        # no working calendar (on the team): no deadline, rather than an error
        blind = self.filtered(lambda line: not line.ticket_id.team_id.resource_calendar_id)
        blind.deadline = False
        return super(HelpdeskTicketSla, self - blind)._compute_deadline()

    def _dealer_follow_targets(self, severities):
        """The open lines of ``severities`` take their targets' current hours: a change
        of a severity's targets moves the open tickets' deadlines."""
        lines = self.sudo().search(
            [
                ("sla_id.dealer_severity_id", "in", severities.ids),
                ("state", "in", ("in_progress", "on_hold")),
            ]
        )
        for severity in severities:
            for target in ("response", "resolution"):
                hours = severity[f"{target}_hours"]
                lines.filtered(
                    lambda line, s=severity, t=target, h=hours: (
                        line.sla_id.dealer_severity_id == s
                        and line.sla_id.dealer_target == t
                        and line.hours != h
                    )
                ).write({"hours": hours})

    def _dealer_answered(self):
        return self.sla_id.dealer_target == "response" and self.ticket_id.dealer_first_response_date

    def _dealer_record_answer(self):
        """First response lines met by the ticket's first response: accomplished, or
        expired when answered after the deadline."""
        for line in self.filtered(lambda line: line._dealer_answered()):
            answered = line.ticket_id.dealer_first_response_date
            late = line.deadline and answered > line.deadline
            line.write(
                {"state": "expired" if late else "accomplished", "last_state_date": answered}
            )

    def _stage_recompute(self):
        # helpdesk_mgmt_sla calls it from the ticket's write, as the writer: the line
        # follows the stage the writer was allowed to set
        if not self.env.su:
            return self.sudo()._stage_recompute()
        if self._dealer_answered():
            return  # the first response was given: no stage reopens it
        if self.ticket_id.team_id.resource_calendar_id:
            return super()._stage_recompute()
        # no working calendar: every hour counts, and no deadline expires
        now = fields.Datetime.now()
        if self.state == "in_progress" and self.last_state_date:
            self.consumed_time += (now - self.last_state_date).total_seconds() / 3600.0
        stage = self.ticket_id.stage_id
        if stage in self.sla_id.ignore_stage_ids:
            state = "on_hold"
        elif stage.sequence >= self.expected_stage_id.sequence:
            state = "accomplished"
        else:
            state = "in_progress"
        self.write({"state": state, "last_state_date": now})
