# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class DealerServiceAudit(models.Model):
    """A customer service audit: its scope, a checklist, the findings, and the
    deficiencies it raised."""

    _name = "dealer.service.audit"
    _description = "Customer Service Audit"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"state"})

    name = fields.Char(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    scope = fields.Selection(
        [
            ("customers", "Customers"),
            ("staff", "Staff"),
            ("management", "Management"),
            ("external", "External stakeholders"),
        ],
        required=True,
    )
    auditor_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    item_ids = fields.One2many("dealer.service.audit.item", "audit_id", string="Checklist")
    findings = fields.Html()
    deficiency_ids = fields.One2many("dealer.service.deficiency", "audit_id", string="Deficiencies")
    state = fields.Selection(
        [("draft", "Planned"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def action_done(self):
        """Close the audit: every failed checklist item becomes a deficiency to act on."""
        self._dealer_check_caller(groups="dealer_crm.group_manager")
        if any(audit.state != "draft" for audit in self):
            raise UserError(_("This audit is already closed."))
        for audit in self:
            if any(not item.result for item in audit.item_ids):
                raise UserError(_("Answer every checklist item before closing the audit."))
            failed = audit.item_ids.filtered(lambda i: i.result == "fail" and not i.deficiency_id)
            for item in failed:
                item.sudo().deficiency_id = self.env["dealer.service.deficiency"].create(
                    {
                        "name": item.name,
                        "source": "audit",
                        "audit_id": audit.id,
                        "cause": item.note,
                        "user_id": audit.auditor_id.id,
                        "company_id": audit.company_id.id,
                    }
                )
        self.sudo().write({"state": "done"})
