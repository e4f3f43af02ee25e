# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class DealerServiceEstimateCall(models.TransientModel):
    """The customer answers the visit's estimate by phone: the call is recorded as an
    interaction, and the estimate approved or refused with it."""

    _name = "dealer.service.estimate.call"
    _description = "Estimate Answered by Phone"

    visit_id = fields.Many2one("dealer.service.record", required=True, readonly=True)
    partner_id = fields.Many2one(related="visit_id.partner_id")
    estimate_order_id = fields.Many2one(related="visit_id.dealer_estimate_order_id")
    decision = fields.Selection(
        [("approved", "Approved"), ("refused", "Refused")], required=True, readonly=True
    )
    summary = fields.Text(
        required=True, help="What the customer said: kept on the call's record and the visit."
    )

    def action_confirm(self):
        """Record the call and the customer's answer (the visit checks who does it)."""
        self.ensure_one()
        visit = self.visit_id
        visit._dealer_check_caller(groups="dealer_crm.group_service")
        summary = (self.summary or "").strip()
        if not summary:
            raise UserError(_("Say what the customer said on the call."))
        if self.decision == "approved":
            subject = _("Estimate %s approved by phone", visit.dealer_estimate_order_id.name)
        else:
            subject = _("Estimate %s refused by phone", visit.dealer_estimate_order_id.name)
        interaction = self.env["dealer.interaction"].create(
            {
                **visit._dealer_interaction_defaults(),
                "channel": "phone",
                "direction": "inbound",
                "subject": subject,
                "summary": summary,
                "outcome": "verified" if self.decision == "approved" else "other",
                "sale_order_id": visit.dealer_estimate_order_id.id,
                "user_id": self.env.user.id,
                "company_id": visit.company_id.id,
            }
        )
        visit._dealer_estimate_decide(self.decision, "phone", interaction)
        return {"type": "ir.actions.act_window_close"}
