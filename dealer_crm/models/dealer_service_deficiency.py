# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DealerServiceDeficiency(models.Model):
    """A deficiency in the service found by a complaint, an audit or a low score: its
    cause, the corrective or preventive actions, and whether they worked."""

    _name = "dealer.service.deficiency"
    _description = "Service Deficiency"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _dealer_partner_fields = ()
    #: computed from its actions' states and effectiveness
    _dealer_protected_fields = frozenset({"state", "effective"})

    name = fields.Char(string="Deficiency", required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    source = fields.Selection(
        [
            ("complaint", "Complaint"),
            ("audit", "Audit"),
            ("low_score", "Low satisfaction score"),
            ("review", "KPI review"),
            ("other", "Other"),
        ],
        required=True,
        default="complaint",
    )
    ticket_id = fields.Many2one("helpdesk.ticket", string="Complaint")
    audit_id = fields.Many2one("dealer.service.audit", ondelete="set null")
    cause = fields.Text(tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", required=True, default=lambda self: self.env.user
    )
    action_ids = fields.One2many("dealer.service.action", "deficiency_id", string="Actions")
    state = fields.Selection(
        [("open", "Open"), ("acting", "Actions under way"), ("closed", "Closed")],
        compute="_compute_state",
        store=True,
        copy=False,
    )
    effective = fields.Boolean(
        compute="_compute_state",
        store=True,
        copy=False,
        help="Every action done and checked effective.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("action_ids.state", "action_ids.effectiveness")
    def _compute_state(self):
        for deficiency in self:
            actions = deficiency.action_ids.filtered(lambda a: a.state != "cancelled")
            if not actions:
                deficiency.state = "open"
            elif any(a.state == "open" for a in actions):
                deficiency.state = "acting"
            else:
                deficiency.state = "closed"
            deficiency.effective = bool(actions) and all(
                a.effectiveness == "effective" for a in actions
            )
