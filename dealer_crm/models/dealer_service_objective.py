# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DealerServiceObjective(models.Model):
    _name = "dealer.service.objective"
    _description = "Customer Service Objective"
    _order = "plan_id, sequence, id"
    _dealer_partner_fields = ()

    plan_id = fields.Many2one("dealer.service.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    description = fields.Text()
    kpi_ids = fields.One2many("dealer.service.kpi", "objective_id", string="KPIs")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
