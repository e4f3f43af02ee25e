# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .dealer_followup_step import company_staff

DEPARTMENT_GROUPS = (
    "dealer_crm.group_sales",
    "dealer_crm.group_service",
    "dealer_crm.group_customer_relations",
    "dealer_crm.group_manager",
)


class DealerPolicy(models.Model):
    """A customer relations policy or code of practice, the manufacturer's or the
    company's, which the staff of the departments it applies to acknowledge, version by
    version."""

    _name = "dealer.policy"
    _description = "Policy or Code of Practice"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"
    _dealer_partner_fields = ()

    name = fields.Char(required=True, tracking=True)
    issuer = fields.Selection(
        [("manufacturer", "Manufacturer"), ("company", "Company")],
        required=True,
        default="company",
    )
    version = fields.Integer(default=1, required=True, readonly=True, tracking=True)
    effective_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    review_date = fields.Date(required=True, tracking=True)
    reviewer_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, tracking=True
    )
    group_ids = fields.Many2many(
        "res.groups",
        string="Applies To",
        required=True,
        domain=lambda self: [("id", "in", [self.env.ref(x).id for x in DEPARTMENT_GROUPS])],
        help="The departments whose staff must acknowledge it.",
    )
    body = fields.Html(string="Text")
    ack_ids = fields.One2many("dealer.policy.ack", "policy_id", string="Acknowledgements")
    ack_count = fields.Integer(compute="_compute_acks", string="Acknowledged")
    missing_user_ids = fields.Many2many(
        "res.users", compute="_compute_acks", string="Not Acknowledged Yet"
    )
    missing_count = fields.Integer(compute="_compute_acks")
    acknowledged = fields.Boolean(compute="_compute_acks", string="I Acknowledged This Version")
    review_requested = fields.Boolean(readonly=True, copy=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def _staff(self):
        """The users who must acknowledge the policy: members of its departments."""
        self.ensure_one()
        return company_staff(self.group_ids.sudo().users, self.company_id)

    @api.depends("version", "ack_ids.version", "ack_ids.user_id", "group_ids")
    @api.depends_context("uid")
    def _compute_acks(self):
        for policy in self:
            version = policy.version
            done = policy.sudo().ack_ids.filtered(lambda a, v=version: a.version == v).user_id
            staff = policy._staff()
            policy.ack_count = len(done & staff)
            policy.missing_user_ids = staff - done
            policy.missing_count = len(staff - done)
            policy.acknowledged = self.env.user in done

    def action_acknowledge(self):
        """The current user has read this version and will work by it."""
        for policy in self:
            if self.env.user not in policy._staff():
                raise UserError(_("%s does not apply to your department.", policy.name))
            if policy.acknowledged:
                continue
            self.env["dealer.policy.ack"].sudo().create(
                {"policy_id": policy.id, "version": policy.version, "user_id": self.env.user.id}
            )
            policy.sudo().message_post(
                body=_(
                    "%(user)s acknowledged version %(version)s.",
                    user=self.env.user.name,
                    version=policy.version,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_new_version(self):
        """A new version: everyone acknowledges again (earlier acknowledgements stay)."""
        for policy in self:
            policy.write(
                {
                    "version": policy.version + 1,
                    "effective_date": fields.Date.context_today(self),
                    "review_requested": False,
                }
            )

    @api.model
    def _cron_review_due(self):
        """On the review date, the reviewer gets an activity to review the policy, once."""
        today = fields.Date.context_today(self)
        due = self.search([("review_date", "<=", today), ("review_requested", "=", False)])
        for policy in due:
            policy.activity_schedule(
                "dealer_crm.mail_activity_type_policy_review",
                date_deadline=policy.review_date,
                summary=_("Review %s", policy.name),
                user_id=policy.reviewer_id.id,
            )
        due.write({"review_requested": True})
        return due


class DealerPolicyAck(models.Model):
    _name = "dealer.policy.ack"
    _description = "Policy Acknowledgement"
    _order = "date desc"
    _dealer_partner_fields = ()

    policy_id = fields.Many2one("dealer.policy", required=True, ondelete="cascade", index=True)
    version = fields.Integer(required=True)
    user_id = fields.Many2one("res.users", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("ack_uniq", "unique(policy_id, version, user_id)", "Already acknowledged."),
    ]
