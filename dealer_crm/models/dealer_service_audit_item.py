# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerServiceAuditItem(models.Model):
    _name = "dealer.service.audit.item"
    _description = "Audit Checklist Item"
    _order = "audit_id, sequence, id"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"deficiency_id"})

    audit_id = fields.Many2one("dealer.service.audit", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    result = fields.Selection([("pass", "Pass"), ("fail", "Fail"), ("na", "Not applicable")])
    note = fields.Char()
    deficiency_id = fields.Many2one("dealer.service.deficiency", readonly=True, copy=False)
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
