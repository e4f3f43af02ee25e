# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.dealer_department import DEPARTMENTS
from ..tools.access import DEALER_GROUPS


class DealerReferral(models.TransientModel):
    _name = "dealer.referral"
    _description = "Refer a Customer Matter to a Department"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    res_model = fields.Char(string="About Model")
    res_id = fields.Many2oneReference(string="About Record", model_field="res_model")
    department = fields.Selection(DEPARTMENTS, required=True)
    user_id = fields.Many2one(
        "res.users", string="Colleague", help="Leave empty for the department's leader."
    )
    note = fields.Html(string="Context", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") and context.get("active_id") and "res_model" in fields_list:
            values.setdefault("res_model", context["active_model"])
            values.setdefault("res_id", context["active_id"])
        return values

    def action_refer(self):
        self.ensure_one()
        target = self.partner_id
        if self.res_model and self.res_id:
            model = self.env.get(self.res_model)
            # a stored model whose records carry activities: not an unknown name, nor an
            # abstract model (which has no table) or a wizard
            if (
                model is None
                or model._abstract
                or model._transient
                or "activity_ids" not in model._fields
                # users carry their partner's activities (_inherits), not their own
                or not hasattr(model, "activity_schedule")
            ):
                raise UserError(
                    _(
                        "A matter is referred on a customer's record or document; "
                        "%s is neither. Refer it from the customer or the document.",
                        self.res_model,
                    )
                )
            target = model.browse(self.res_id).exists() or target
        # the customer and the record referred on are ones the caller may read
        self.partner_id._dealer_check_caller(
            groups=DEALER_GROUPS,
            operation="read",
        )
        target._dealer_check_caller(operation="read")
        company = getattr(target, "company_id", False) or self.env.company
        if self.user_id and company not in self.user_id.company_ids:
            raise UserError(
                _(
                    "%(colleague)s does not work for %(company)s: refer it to a colleague there.",
                    colleague=self.user_id.name,
                    company=company.name,
                )
            )
        user = self.env["dealer.department"]._dealer_leader(
            self.department, company, preferred=self.user_id
        )
        activity = target.activity_schedule(
            act_type_xmlid="mail.mail_activity_data_todo",
            summary=_(
                "Referred by %(who)s: %(customer)s",
                who=self.env.user.name,
                customer=self.partner_id.display_name,
            ),
            note=self.note,
            user_id=user.id,
        )
        return activity
