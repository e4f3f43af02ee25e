# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.channels import INTERACTION_CHANNELS
from .dealer_department import DEPARTMENTS


class DealerInteraction(models.Model):
    _name = "dealer.interaction"
    _description = "Customer Interaction"
    _inherit = ["mail.thread", "mail.activity.mixin", "dealer.import.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("summary", "subject", "phone_number")
    _dealer_date_field = "date"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    vehicle_id = fields.Many2one("dealer.vehicle", index=True, check_company=True)
    channel = fields.Selection(INTERACTION_CHANNELS, required=True, default="phone", tracking=True)
    phone_number = fields.Char(
        string="Number",
        help="The number the customer called or wrote from (or was called on), however "
        "typed: the customer with that phone or mobile is found by it.",
    )
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, default="inbound"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="Staff Member", required=True, default=lambda self: self.env.user
    )
    department = fields.Selection(
        DEPARTMENTS,
        compute="_compute_department",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    subject = fields.Char(required=True)
    summary = fields.Html()
    outcome = fields.Selection(
        [
            ("information", "Information given"),
            ("quotation", "Quotation given"),
            ("verified", "Quotation confirmed with the customer"),
            ("appointment", "Appointment booked"),
            ("complaint", "Complaint raised"),
            ("no_answer", "No answer"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    lead_id = fields.Many2one("crm.lead", string="Enquiry", index="btree_not_null")
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True)
    ticket_id = fields.Many2one("helpdesk.ticket", index="btree_not_null")
    service_record_id = fields.Many2one(
        "dealer.service.record", string="Service Visit", index="btree_not_null", check_company=True
    )
    followup_date = fields.Date(
        string="Follow Up On", help="Schedules a follow-up activity for the staff member."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("user_id")
    def _compute_department(self):
        for interaction in self:
            interaction.department = (
                self.env["dealer.department"]._dealer_user_department(interaction.user_id)
                or interaction.department
                or "customer_relations"
            )

    def write(self, vals):
        res = super().write(vals)
        if {"department", "user_id"} & set(vals) and not self.env.su:
            # Record rules check a write on the old values: check the new ones too, so
            # nobody moves an interaction out of their own department.
            self.check_access("write")
        return res

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Interactions"),
                "template": "/dealer_crm/static/xls/dealer_interaction.csv",
            }
        ]

    @api.onchange("phone_number")
    def _onchange_phone_number(self):
        if not self.phone_number or self.partner_id:
            return None
        found = self.env["res.partner"]._dealer_find_by_phone(self.phone_number)
        if len(found) == 1:
            self.partner_id = found
            return None
        return {
            "warning": {
                "title": _("Customer not found"),
                "message": _("Several customers have the number %s: choose one.", self.phone_number)
                if found
                else _("No customer has the number %s.", self.phone_number),
            }
        }

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("phone_number") and not vals.get("partner_id"):
                vals["partner_id"] = self._customer_of_number(vals["phone_number"]).id
        # the staff member of an imported interaction is not notified of it
        interactions = super(DealerInteraction, self._dealer_import_quiet()).create(vals_list)
        activity_type = self.env.ref("mail.mail_activity_data_call")
        # an imported interaction whose follow-up date is past starts no follow-up
        to_follow = interactions.filtered("followup_date")
        to_follow -= to_follow._dealer_imported_history("followup_date")
        for interaction in to_follow:
            interaction.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Follow up: %s", interaction.subject),
                date_deadline=interaction.followup_date,
                user_id=interaction.user_id.id,
            )
        return interactions

    def action_dealer_confirm_order(self):
        """'Log and Confirm' on the form that 'Confirm with Customer' opens: the
        interaction is saved (logged) first, then its quotation is confirmed by the
        order's own step. Logging an interaction alone never confirms anything."""
        self.ensure_one()
        self._dealer_check_caller()
        if not self.sale_order_id:
            raise UserError(
                _("%s is about no quotation: there is nothing to confirm.", self.subject)
            )
        self.sale_order_id._dealer_confirm_with_customer(self)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _customer_of_number(self, number):
        """The one customer whose phone or mobile is ``number``: an inbound call or
        message is logged on them."""
        found = self.env["res.partner"]._dealer_find_by_phone(number)
        if len(found) != 1:
            raise UserError(
                _("Several customers have the number %s: choose the customer.", number)
                if found
                else _("No customer has the number %s: choose the customer.", number)
            )
        return found

    @api.model
    def _log_action(self, defaults):
        """The two-click 'Log Interaction' form, pre-filled with ``defaults``."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Log Interaction"),
            "res_model": "dealer.interaction",
            "view_mode": "form",
            "views": [(self.env.ref("dealer_crm.dealer_interaction_view_form_quick").id, "form")],
            "target": "new",
            "context": {f"default_{k}": v for k, v in defaults.items() if v},
        }

    @api.model
    def _refer_action(self, record, partner_id):
        """The 'Refer to a Department' wizard about ``record``."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Refer to a Department"),
            "res_model": "dealer.referral",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner_id,
                "default_res_model": record._name,
                "default_res_id": record.id,
            },
        }


class DealerInteractionMixin(models.AbstractModel):
    """Adds 'Log Interaction' to a record: two clicks, pre-filled from the record."""

    _name = "dealer.interaction.mixin"
    _description = "Log Interaction From a Record"

    def _dealer_interaction_defaults(self):
        """{field: value} that a new interaction takes from this record."""
        return {}

    def action_dealer_log_interaction(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._log_action(self._dealer_interaction_defaults())

    def action_dealer_refer(self):
        self.ensure_one()
        self._dealer_check_caller(operation="read")
        return self.env["dealer.interaction"]._refer_action(
            self, self._dealer_interaction_defaults().get("partner_id")
        )
