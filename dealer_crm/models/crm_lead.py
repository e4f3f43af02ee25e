# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.access import DEALER_GROUPS
from ..tools.channels import INTERACTION_CHANNELS


class CrmLead(models.Model):
    _inherit = ["crm.lead", "dealer.interaction.mixin", "dealer.department.fields.mixin"]
    _name = "crm.lead"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = (
        "name",
        "contact_name",
        "partner_name",
        "email_from",
        "email_cc",
        "phone",
        "mobile",
        "street",
        "street2",
        "zip",
        "city",
        "website",
        "description",
    )

    vehicle_model_id = fields.Many2one(
        "fleet.vehicle.model",
        string="Vehicle of Interest",
        tracking=True,
        groups=DEALER_GROUPS,
    )
    trade_in_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Trade-in Vehicle",
        tracking=True,
        help="The customer's current vehicle offered in part-exchange.",
        groups=DEALER_GROUPS,
    )
    enquiry_channel = fields.Selection(INTERACTION_CHANNELS, tracking=True)
    # Trade-in appraisal
    trade_in_value = fields.Monetary(
        string="Trade-in Offer", currency_field="company_currency", tracking=True
    )
    trade_in_condition = fields.Text(string="Trade-in Condition", tracking=True)
    trade_in_appraiser_id = fields.Many2one(
        "res.users", string="Appraised By", readonly=True, copy=False, tracking=True
    )
    trade_in_state = fields.Selection(
        [
            ("none", "No trade-in"),
            ("appraised", "Appraised"),
            ("to_approve", "Awaiting manager approval"),
            ("approved", "Approved"),
            ("taken", "Taken in"),
        ],
        default="none",
        readonly=True,
        tracking=True,
        copy=False,
    )
    trade_in_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    #: the appraisal and its approval are recorded by Record Appraisal and Approve Offer
    _dealer_protected_fields = frozenset(
        {"trade_in_state", "trade_in_appraiser_id", "trade_in_approved_by_id"}
    )
    test_drive_ids = fields.One2many(
        "dealer.test.drive", "lead_id", string="Test Drives", groups=DEALER_GROUPS
    )
    test_drive_count = fields.Integer(compute="_compute_test_drive_count", groups=DEALER_GROUPS)

    @api.depends("test_drive_ids")
    def _compute_test_drive_count(self):
        for lead in self:
            lead.test_drive_count = len(lead.test_drive_ids)

    @api.model
    def _dealer_trade_in_limit(self):
        return self.env["dealer.settings.mixin"]._dealer_get("dealer_trade_in_limit")

    def write(self, vals):
        if {"trade_in_value", "trade_in_vehicle_id"} & set(vals) and any(
            lead.trade_in_state == "taken" for lead in self
        ):
            raise UserError(_("The trade-in was taken in: its appraisal can no longer change."))
        res = super().write(vals)
        if {"trade_in_value", "trade_in_vehicle_id"} & set(vals):
            # a new value is appraised again, and approved again if above the limit
            self.filtered(lambda lead: lead.trade_in_state != "taken").sudo().write(
                {
                    "trade_in_state": "none",
                    "trade_in_appraiser_id": False,
                    "trade_in_approved_by_id": False,
                }
            )
        return res

    def action_dealer_appraise(self):
        """Record the appraisal: the offer above the limit set waits for a manager."""
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        limit = self._dealer_trade_in_limit()
        for lead in self:
            if not lead.trade_in_vehicle_id or lead.trade_in_value <= 0:
                raise UserError(_("Give the trade-in vehicle and the value offered first."))
            above = limit and lead.trade_in_value > limit
            if lead.trade_in_state != "none":
                raise UserError(_("This trade-in was already appraised."))
            lead.sudo().write(
                {
                    "trade_in_appraiser_id": self.env.user.id,
                    "trade_in_state": "to_approve" if above else "appraised",
                }
            )

    def action_dealer_approve_trade_in(self):
        if not self.env.su and not self.env.user.has_group("dealer_crm.group_manager"):
            raise AccessError(_("Only a manager approves a trade-in above the limit."))
        self._dealer_check_caller()
        for lead in self:
            if lead.trade_in_state != "to_approve":
                raise UserError(_("This trade-in is not waiting for approval."))
        self.sudo().write(
            {"trade_in_state": "approved", "trade_in_approved_by_id": self.env.user.id}
        )

    def _dealer_take_trade_in(self, date):
        """At delivery, the appraised trade-in passes to the dealer, its history kept."""
        for lead in self.filtered("trade_in_vehicle_id"):
            if lead.trade_in_state == "to_approve":
                raise UserError(
                    _(
                        "The trade-in offer of %(value)s on %(vehicle)s is above the limit "
                        "and waits for a manager's approval.",
                        value=lead.trade_in_value,
                        vehicle=lead.trade_in_vehicle_id.display_name,
                    )
                )
            if lead.trade_in_state not in ("appraised", "approved"):
                continue
            dealer = lead.company_id.partner_id or self.env.company.partner_id
            vehicle = lead.trade_in_vehicle_id
            if vehicle.owner_id != dealer:
                vehicle.sudo()._transfer_owner(
                    dealer,
                    date,
                    origin="trade_in",
                    note=_("Taken in part-exchange for %s", lead.trade_in_value),
                )
            lead.sudo().trade_in_state = "taken"

    def action_dealer_test_drives(self):
        self._dealer_check_caller(operation="read")
        return self._dealer_related_action(
            "dealer_crm.dealer_test_drive_action",
            "lead_id",
            default_lead_id=self.id,
            default_partner_id=self.partner_id.id,
        )

    def _dealer_interaction_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "lead_id": self.id,
            "vehicle_id": self.trade_in_vehicle_id.id,
            "subject": self.name,
            "channel": self.enquiry_channel,
        }
