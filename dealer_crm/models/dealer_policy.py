# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.access import DEPARTMENT_GROUPS
from ..tools.access import MANAGER_GROUP as MANAGER


class DealerPolicy(models.Model):
    """A customer relations policy or code of practice, the manufacturer's or the
    company's, which the staff of the departments it applies to acknowledge, version by
    version."""

    _name = "dealer.policy"
    _description = "Policy or Code of Practice"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"
    _dealer_partner_fields = ()
    _dealer_protected_fields = frozenset({"version", "review_requested"})
    #: each member of staff acknowledges for themselves: reading the policy is enough
    _dealer_read_actions = frozenset({"action_acknowledge"})

    name = fields.Char(required=True, tracking=True)
    issuer = fields.Selection(
        [("manufacturer", "Manufacturer"), ("company", "Company")],
        required=True,
        default="company",
    )
    version = fields.Integer(default=1, required=True, readonly=True, tracking=True, copy=False)
    effective_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    review_date = fields.Date(required=True, tracking=True)
    reviewer_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, tracking=True
    )
    group_ids = fields.Many2many(
        "res.groups",
        string="Applies To",
        required=True,
        domain=lambda self: [
            ("id", "in", [self.env.ref(x).id for x in DEPARTMENT_GROUPS.values()])
        ],
        help="The departments whose staff must acknowledge it.",
    )
    body = fields.Html(string="Text")
    # Who has acknowledged and who has not is the managers' to follow up; each member of
    # staff sees only their own acknowledgement (``acknowledged``).
    ack_ids = fields.One2many(
        "dealer.policy.ack", "policy_id", string="Acknowledgements", groups=MANAGER
    )
    ack_count = fields.Integer(compute="_compute_acks", string="Acknowledged", groups=MANAGER)
    missing_user_ids = fields.Many2many(
        "res.users", compute="_compute_acks", string="Not Acknowledged Yet", groups=MANAGER
    )
    missing_count = fields.Integer(compute="_compute_acks", groups=MANAGER)
    acknowledged = fields.Boolean(compute="_compute_acks", string="I Acknowledged This Version")
    review_requested = fields.Boolean(readonly=True, copy=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    def _staff(self):
        """The users who must acknowledge the policy: members of its departments."""
        self.ensure_one()
        Department = self.env["dealer.department"]
        groups = self.group_ids.sudo()
        staff = self.env["res.users"]
        for code, group in DEPARTMENT_GROUPS.items():
            if self.env.ref(group) in groups:
                staff |= Department._dealer_staff(code, self.company_id)
        return staff

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
        """The current user has read this version and will work by it.

        The acknowledgement itself is the record (by whom, which version, when): no note
        in the chatter, which every reader of the policy would see."""
        self._dealer_check_caller(operation="read")
        for policy in self:
            if self.env.user not in policy._staff():
                raise UserError(_("%s does not apply to your department.", policy.name))
            if policy.acknowledged:
                continue
            self.env["dealer.policy.ack"].sudo().create(
                {"policy_id": policy.id, "version": policy.version, "user_id": self.env.user.id}
            )

    def action_new_version(self):
        """A new version: everyone acknowledges again (earlier acknowledgements stay)."""
        self._dealer_check_caller(groups=MANAGER)
        for policy in self.sudo():
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
        # taken with SKIP LOCKED and flagged in the same transaction: two runs at once
        # ask for no review twice (issue 27)
        due = self._dealer_claim(
            [("review_date", "<=", today), ("review_requested", "=", False)], None
        )
        for policy in due:
            policy.activity_schedule(
                "dealer_crm.mail_activity_type_policy_review",
                date_deadline=policy.review_date,
                summary=_("Review %s", policy.name),
                user_id=policy.reviewer_id.id,
            )
        due.sudo().write({"review_requested": True})
        return due
