# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class DealerServiceDelay(models.TransientModel):
    """The advisor tells the customer that their visit is late: the new ready time and
    why, through the consent gate, on the customer's timeline."""

    _name = "dealer.service.delay"
    _description = "Tell the Customer of a Delay"

    visit_id = fields.Many2one("dealer.service.record", required=True)
    partner_id = fields.Many2one(related="visit_id.partner_id")
    promised_ready = fields.Datetime(
        related="visit_id.dealer_promised_ready", string="Promised Ready"
    )
    new_promised_ready = fields.Datetime(string="New Ready Time", required=True)
    reason = fields.Char(required=True, help="Told to the customer with the new time.")

    def action_confirm(self):
        """Give the customer the new time (the visit checks who does it)."""
        self.ensure_one()
        channel = self.visit_id._dealer_inform_delay(self.new_promised_ready, self.reason)
        if channel:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": _("New time recorded, customer not told"),
                "message": _(
                    "%s allows no email or SMS for service messages: tell them in person "
                    "or by a call, and log it.",
                    self.visit_id.partner_id.display_name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
