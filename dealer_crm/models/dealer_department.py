# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.access import DEPARTMENT_GROUPS, MANAGER_GROUP

#: The departments: the one list every department selection uses. Each has the group
#: that gives its rights (``DEPARTMENT_GROUPS``); the manager implies the other three.
DEPARTMENTS = [
    ("sales", "Sales"),
    ("service", "Service"),
    ("customer_relations", "Customer Relations"),
    ("manager", "Manager"),
]


class DealerDepartment(models.Model):
    """A department of the dealership: who works in it and who leads it.

    Rights still come from the groups: the members of a department are the users of its
    group (a manager belongs to every department through the implied groups) who work in
    the company. A record without a company serves every company; a company may have its
    own record of a department to name its own leader."""

    _name = "dealer.department"
    _description = "Dealer Department"
    _order = "sequence, code, company_id, id"
    _check_company_auto = True
    _dealer_partner_fields = ()

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(DEPARTMENTS, string="Department", required=True)
    group_id = fields.Many2one(
        "res.groups",
        compute="_compute_group_id",
        string="Access Group",
        help="The group that gives the department its rights and its members.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Leader",
        check_company=True,
        domain="[('id', 'in', member_ids)]",
        help="Who is given the department's follow-ups and escalations when nobody more "
        "particular is. Empty: the department's first member.",
    )
    member_ids = fields.Many2many(
        "res.users",
        compute="_compute_member_ids",
        string="Staff",
        help="The active internal users of the department's group who work in the company "
        "(in any company, for a department of every company).",
    )
    member_count = fields.Integer(compute="_compute_member_ids", string="Members Count")
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the department of every company."
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A company has one record of each department.",
        ),
        (
            # unique() lets empty companies repeat: one record of each for every company
            "code_every_company_uniq",
            "EXCLUDE (code WITH =) WHERE (company_id IS NULL)",
            "There is one record of each department for every company.",
        ),
    ]

    @api.depends("code")
    def _compute_group_id(self):
        for department in self:
            department.group_id = (
                self.env.ref(DEPARTMENT_GROUPS[department.code]) if department.code else False
            )

    @api.depends("code", "company_id")
    def _compute_member_ids(self):
        for department in self:
            members = (
                self._dealer_staff(department.code, department.company_id)
                if department.code
                else self.env["res.users"]
            )
            department.member_ids = members
            department.member_count = len(members)

    @api.constrains("user_id", "code", "company_id")
    def _check_leader_is_member(self):
        for department in self.filtered("user_id"):
            if department.user_id not in department.member_ids:
                raise ValidationError(
                    _(
                        "%(user)s does not work in %(department)s: the leader is one of its "
                        "members.",
                        user=department.user_id.name,
                        department=department.name,
                    )
                )

    # The one home of "the staff of this department in this company" -----------------
    @api.model
    def _dealer_staff(self, code, company):
        """The users of department ``code`` who work in ``company`` (in any company if
        ``company`` is empty): active, internal, never the superuser. Department members
        come before managers (who belong to every department), then by id."""
        groups = self.env["res.groups"].sudo()
        users = groups.env.ref(DEPARTMENT_GROUPS[code]).with_context(active_test=False).users
        managers = groups.env.ref(MANAGER_GROUP).users
        staff = users.filtered(
            lambda u: (
                u.active
                and not u.share
                and not u._is_superuser()
                and (not company or company.id in u.company_ids.ids)
            )
        ).sorted(lambda u: (u in managers, u.id))
        return self.env["res.users"].browse(staff.ids)

    @api.model
    def _dealer_leader(self, code, company, preferred=None):
        """The one user of department ``code`` in ``company`` given its work: ``preferred``
        if a member; else the leader of the company's own record of the department, else
        of the record of every company, if a member; else its first member; else
        ``preferred`` or the current user. "The manager" is ``_dealer_leader("manager",
        company)``."""
        staff = self._dealer_staff(code, company)
        if preferred and len(preferred) == 1 and preferred.id in staff.ids:
            return preferred
        for department in self._dealer_records(code, company):
            if department.user_id.id in staff.ids:
                return self.env["res.users"].browse(department.user_id.id)
        return staff[:1] or preferred or self.env.user

    @api.model
    def _dealer_records(self, code, company):
        """The active records of department ``code`` that serve ``company``: the
        company's own first, then the one of every company."""
        company_ids = [company.id, False] if company else [False]
        records = (
            self.sudo()
            .with_context(active_test=True)
            .search([("code", "=", code), ("company_id", "in", company_ids)])
        )
        return records.sorted(lambda d: (not d.company_id, d.sequence, d.id))

    @api.model
    def _dealer_user_department(self, user):
        """The department ``user`` records their work for, by their groups (None for a
        user of no department): their own department; a manager's is sales."""
        codes = ("customer_relations", "service", "sales")
        if user.has_group(MANAGER_GROUP):
            codes = codes[::-1]
        for code in codes:
            if user.has_group(DEPARTMENT_GROUPS[code]):
                return code
        return None
