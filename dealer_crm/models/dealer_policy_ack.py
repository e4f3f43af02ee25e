# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerPolicyAck(models.Model):
    _name = "dealer.policy.ack"
    _description = "Policy Acknowledgement"
    _order = "date desc"
    _dealer_partner_fields = ()
    #: written only by dealer.policy.action_acknowledge, as the user who acknowledges
    _dealer_protected_fields = frozenset({"policy_id", "version", "user_id", "date"})

    policy_id = fields.Many2one(
        "dealer.policy", required=True, ondelete="cascade", index=True, copy=False
    )
    version = fields.Integer(required=True, copy=False)
    user_id = fields.Many2one("res.users", required=True, index=True, copy=False)
    date = fields.Datetime(required=True, default=fields.Datetime.now, copy=False)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("ack_uniq", "unique(policy_id, version, user_id)", "Already acknowledged."),
    ]
