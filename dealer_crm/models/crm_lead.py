# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval
from odoo.tools.sql import column_exists, create_column

from ..tools.access import DEALER_GROUPS
from ..tools.channels import INTERACTION_CHANNELS
from ..tools.items import ROAD_KINDS

#: why the nightly job (dealer.lifecycle.lead) opened an opportunity
LIFECYCLE_REASONS = [
    ("warranty_end", "Warranty ending"),
    ("replacement", "Replacement due"),
    ("unmet_need", "Need no vehicle meets"),
]


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

    dealer_vehicle_model_id = fields.Many2one(
        "fleet.vehicle.model",
        string="Vehicle of Interest",
        tracking=True,
        groups=DEALER_GROUPS,
    )
    dealer_trade_in_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Trade-in Vehicle",
        tracking=True,
        domain=[("item_kind", "in", ROAD_KINDS)],
        help="The customer's current vehicle offered in part-exchange.",
        groups=DEALER_GROUPS,
    )
    dealer_enquiry_channel = fields.Selection(
        INTERACTION_CHANNELS, string="Enquiry Channel", tracking=True
    )
    # Trade-in appraisal
    dealer_trade_in_value = fields.Monetary(
        string="Trade-in Offer", currency_field="company_currency", tracking=True
    )
    dealer_trade_in_condition = fields.Text(string="Trade-in Condition", tracking=True)
    dealer_trade_in_appraiser_id = fields.Many2one(
        "res.users", string="Appraised By", readonly=True, copy=False, tracking=True
    )
    dealer_trade_in_state = fields.Selection(
        [
            ("none", "No trade-in"),
            ("appraised", "Appraised"),
            ("to_approve", "Awaiting manager approval"),
            ("approved", "Approved"),
            ("taken", "Taken in"),
        ],
        string="Trade In State",
        default="none",
        readonly=True,
        tracking=True,
        copy=False,
    )
    dealer_trade_in_approved_by_id = fields.Many2one(
        "res.users", string="Trade In Approved By", readonly=True, copy=False
    )
    #: the appraisal and its approval are recorded by Record Appraisal and Approve Offer
    _dealer_protected_fields = frozenset(
        {
            "dealer_trade_in_state",
            "dealer_trade_in_appraiser_id",
            "dealer_trade_in_approved_by_id",
            # lifecycle leads are opened by their job only (dealer.lifecycle.lead)
            "dealer_lifecycle_reason",
            "dealer_lifecycle_vehicle_id",
            "dealer_lifecycle_need_id",
            "dealer_lifecycle_outcome",
        }
    )
    dealer_test_drive_ids = fields.One2many(
        "dealer.test.drive", "lead_id", string="Test Drives", groups=DEALER_GROUPS
    )
    dealer_test_drive_count = fields.Integer(
        string="Test Drive Count", compute="_compute_dealer_test_drive_count", groups=DEALER_GROUPS
    )

    # Lifecycle leads (issue 28): what the CRM knows, turned into an opportunity
    dealer_lifecycle_reason = fields.Selection(
        LIFECYCLE_REASONS,
        string="Lifecycle Reason",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Opened by the nightly lifecycle job: a warranty about to end, a vehicle of "
        "replacement age or distance, or a need no current vehicle of the customer meets.",
    )
    dealer_lifecycle_vehicle_id = fields.Many2one(
        "dealer.vehicle",
        string="Lifecycle Vehicle",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        groups=DEALER_GROUPS,
    )
    dealer_lifecycle_need_id = fields.Many2one(
        "dealer.customer.need",
        string="Lifecycle Need",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        groups=DEALER_GROUPS,
    )
    dealer_lifecycle_outcome = fields.Selection(
        [("open", "Open"), ("won", "Won"), ("lost", "Lost")],
        string="Lifecycle Outcome",
        compute="_compute_dealer_lifecycle_outcome",
        store=True,
        help="What became of a lifecycle lead, to report its conversion by reason.",
    )
    # Information for staff: what we offer for the customer's recorded needs
    dealer_offer_product_ids = fields.Many2many(
        "product.product",
        string="What We Offer For These Needs",
        compute="_compute_dealer_offer_product_ids",
        groups=DEALER_GROUPS,
    )

    def _auto_init(self):
        """The outcome column is created empty before the ORM sees it: only lifecycle
        leads have one, and none exists before this field, so no existing lead is
        computed at install (crm_lead may be large)."""
        if not column_exists(self.env.cr, "crm_lead", "dealer_lifecycle_outcome"):
            create_column(self.env.cr, "crm_lead", "dealer_lifecycle_outcome", "varchar")
        return super()._auto_init()

    def init(self):
        """Each lifecycle lead is created once: one per vehicle, reason (warranty,
        replacement) and owner, and one per need, among all leads of the table (archived and lost
        ones too), so a rerun or a second run at once never opens another."""
        res = super().init()
        # one per vehicle and reason became one per vehicle, reason and owner: a vehicle
        # sold on is due its lead for the new owner
        self.env.cr.execute("DROP INDEX IF EXISTS crm_lead_dealer_lifecycle_vehicle_uniq")
        for name, columns, where in (
            (
                "crm_lead_dealer_lifecycle_vehicle_owner_uniq",
                "dealer_lifecycle_vehicle_id, dealer_lifecycle_reason, COALESCE(partner_id, 0)",
                "dealer_lifecycle_reason IN ('warranty_end', 'replacement')",
            ),
            (
                "crm_lead_dealer_lifecycle_need_uniq",
                "dealer_lifecycle_need_id",
                "dealer_lifecycle_reason = 'unmet_need'",
            ),
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON crm_lead (%s) WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )
        return res

    @api.depends("dealer_test_drive_ids")
    def _compute_dealer_test_drive_count(self):
        for lead in self:
            lead.dealer_test_drive_count = len(lead.dealer_test_drive_ids)

    @api.depends("dealer_lifecycle_reason", "active", "stage_id.is_won")
    def _compute_dealer_lifecycle_outcome(self):
        for lead in self:
            if not lead.dealer_lifecycle_reason:
                lead.dealer_lifecycle_outcome = False
            elif lead.stage_id.is_won and lead.active:
                lead.dealer_lifecycle_outcome = "won"
            else:
                lead.dealer_lifecycle_outcome = "open" if lead.active else "lost"

    @api.depends("partner_id")
    def _compute_dealer_offer_product_ids(self):
        offers = self.partner_id._dealer_offers()
        for lead in self:
            lead.dealer_offer_product_ids = offers.get(
                lead.partner_id.id, lead.dealer_offer_product_ids.browse()
            )

    @api.constrains("dealer_trade_in_vehicle_id")
    def _check_dealer_trade_in_is_road(self):
        self.sudo().dealer_trade_in_vehicle_id._dealer_check_road(_("a trade-in"))

    @api.model
    def _dealer_trade_in_limit(self):
        return self.env["dealer.settings.mixin"]._dealer_get("dealer_trade_in_limit")

    def write(self, vals):
        if {"dealer_trade_in_value", "dealer_trade_in_vehicle_id"} & set(vals) and any(
            lead.dealer_trade_in_state == "taken" for lead in self
        ):
            raise UserError(_("The trade-in was taken in: its appraisal can no longer change."))
        res = super().write(vals)
        if {"dealer_trade_in_value", "dealer_trade_in_vehicle_id"} & set(vals):
            # a new value is appraised again, and approved again if above the limit
            self.filtered(lambda lead: lead.dealer_trade_in_state != "taken").sudo().write(
                {
                    "dealer_trade_in_state": "none",
                    "dealer_trade_in_appraiser_id": False,
                    "dealer_trade_in_approved_by_id": False,
                }
            )
        return res

    def action_dealer_appraise(self):
        """Record the appraisal: the offer above the limit set waits for a manager."""
        self._dealer_check_caller(groups="dealer_crm.group_sales")
        limit = self._dealer_trade_in_limit()
        for lead in self:
            if not lead.dealer_trade_in_vehicle_id or lead.dealer_trade_in_value <= 0:
                raise UserError(_("Give the trade-in vehicle and the value offered first."))
            above = limit and lead.dealer_trade_in_value > limit
            if lead.dealer_trade_in_state != "none":
                raise UserError(_("This trade-in was already appraised."))
            lead.sudo().write(
                {
                    "dealer_trade_in_appraiser_id": self.env.user.id,
                    "dealer_trade_in_state": "to_approve" if above else "appraised",
                }
            )

    def action_dealer_approve_trade_in(self):
        if not self.env.su and not self.env.user.has_group("dealer_crm.group_manager"):
            raise AccessError(_("Only a manager approves a trade-in above the limit."))
        self._dealer_check_caller()
        for lead in self:
            if lead.dealer_trade_in_state != "to_approve":
                raise UserError(_("This trade-in is not waiting for approval."))
        self.sudo().write(
            {
                "dealer_trade_in_state": "approved",
                "dealer_trade_in_approved_by_id": self.env.user.id,
            }
        )

    def _dealer_take_trade_in(self, date):
        """At delivery, the appraised trade-in passes to the dealer, its history kept."""
        for lead in self.filtered("dealer_trade_in_vehicle_id"):
            if lead.dealer_trade_in_state == "to_approve":
                raise UserError(
                    _(
                        "The trade-in offer of %(value)s on %(vehicle)s is above the limit "
                        "and waits for a manager's approval.",
                        value=lead.dealer_trade_in_value,
                        vehicle=lead.dealer_trade_in_vehicle_id.display_name,
                    )
                )
            if lead.dealer_trade_in_state not in ("appraised", "approved"):
                continue
            dealer = lead.company_id.partner_id or self.env.company.partner_id
            vehicle = lead.dealer_trade_in_vehicle_id
            if vehicle.owner_id != dealer:
                vehicle.sudo()._transfer_owner(
                    dealer,
                    date,
                    origin="trade_in",
                    note=_("Taken in part-exchange for %s", lead.dealer_trade_in_value),
                )
            lead.sudo().dealer_trade_in_state = "taken"

    @api.model
    def action_dealer_enquiries(self):
        """Interactions > Enquiries: crm's pipeline, on "My Pipeline" for a salesperson;
        a manager, whose team owns the enquiries, sees the whole pipeline."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        if self.env.user.has_group("dealer_crm.group_manager"):
            context = safe_eval(action.get("context") or "{}", {"uid": self.env.uid})
            context.pop("search_default_assigned_to_me", None)
            action["context"] = context
        return action

    def action_dealer_view_test_drives(self):
        self.ensure_one()
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
            "vehicle_id": self.dealer_trade_in_vehicle_id.id,
            "subject": self.name,
            "channel": self.dealer_enquiry_channel,
        }
