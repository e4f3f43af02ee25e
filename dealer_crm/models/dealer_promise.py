# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class DealerPromise(models.Model):
    _name = "dealer.promise"
    _description = "Promise to a Customer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_due, id"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("name", "note")
    _dealer_date_field = "date_due"

    name = fields.Char(string="What Was Promised", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Promised By",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    date_due = fields.Date(string="Due", required=True, tracking=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    date_kept = fields.Date(readonly=True, tracking=True, copy=False)
    kept_on_time = fields.Boolean(compute="_compute_kept_on_time", store=True)
    on_time_score = fields.Integer(
        string="Kept on Time (%)",
        compute="_compute_kept_on_time",
        store=True,
        aggregator="avg",
        help="100 for a promise kept on time, 0 for one kept late or broken: its average is "
        "the share of promises kept on time.",
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    escalated = fields.Boolean(readonly=True, copy=False)
    interaction_id = fields.Many2one("dealer.interaction", string="Made During")
    note = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    #: recorded by Kept, Broken and Reopen, and by the escalation job
    _dealer_protected_fields = frozenset(
        {"state", "date_kept", "kept_on_time", "on_time_score", "escalated"}
    )

    @api.depends("state", "date_kept", "date_due")
    def _compute_kept_on_time(self):
        for promise in self:
            # a kept promise without its dates (a data file, an old row) is not "on time"
            on_time = bool(
                promise.state == "kept"
                and promise.date_kept
                and promise.date_due
                and promise.date_kept <= promise.date_due
            )
            promise.kept_on_time = on_time
            promise.on_time_score = 100 if on_time else 0

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for promise in self:
            # a new promise (a line added on the customer form) has no due date yet
            promise.is_overdue = bool(
                promise.state == "open" and promise.date_due and promise.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search overdue promises with 'is set' or 'is not set'."))
        domain = [("state", "=", "open"), ("date_due", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.model
    def _dealer_due_date(self, value):
        """The due date ``value`` a client sent, as a date; a clear message when it is
        missing or no date."""
        try:
            due = fields.Date.to_date(value)
        except (TypeError, ValueError):
            due = None
        if not due:
            raise ValidationError(
                _("%s is no date: a promise is due on the date the customer was told.", value)
                if value
                else _("A promise needs its due date: the date the customer was told.")
            )
        return due

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        # a due date may come as a default (a default_date_due of the form's context)
        default = (
            self.default_get(["date_due"]).get("date_due")
            if any("date_due" not in vals for vals in vals_list)
            else False
        )
        for vals in vals_list:
            self._dealer_due_date(vals.get("date_due", default))
            # a promise recorded as kept (in sudo: a data file, a workflow) was kept on
            # the day it is recorded unless it says when, as Kept records it
            if self.env.su and vals.get("state") == "kept" and not vals.get("date_kept"):
                vals["date_kept"] = today
        return super().create(vals_list)

    def write(self, vals):
        due = "date_due" in vals and self._dealer_due_date(vals["date_due"])
        if due and not self.env.su:
            # the date the customer was told is what "kept on time" is measured against:
            # it moves while the promise is open and not yet overdue, never after
            today = fields.Date.context_today(self)
            if any(
                promise.date_due != due and (promise.state != "open" or promise.date_due < today)
                for promise in self
            ):
                raise UserError(
                    _(
                        "The due date of a promise kept, broken or already overdue stays "
                        "the date the customer was told."
                    )
                )
        if "date_due" in vals:
            # a new due date is a new deadline: escalated again if it passes too
            moved = self.filtered(
                lambda p: p.escalated and p.date_due != fields.Date.to_date(vals["date_due"])
            )
            res = super().write(vals)
            moved.sudo().write({"escalated": False})
            return res
        return super().write(vals)

    def action_kept(self):
        self._dealer_check_caller()
        if any(promise.state != "open" for promise in self):
            raise UserError(_("Only an open promise can be kept or broken."))
        self.sudo().write({"state": "kept", "date_kept": fields.Date.context_today(self)})

    def action_broken(self):
        self._dealer_check_caller()
        if any(promise.state != "open" for promise in self):
            raise UserError(_("Only an open promise can be kept or broken."))
        self.sudo().write({"state": "broken"})

    def action_reopen(self):
        self._dealer_check_caller()
        self.sudo().write({"state": "open", "date_kept": False})

    @api.model
    def _cron_escalate_overdue(self, batch_size=500):
        """Flag overdue open promises and escalate each once to a manager (once per due
        date: moving it clears the flag). The batch is taken with SKIP LOCKED and its
        flags are written in its own transaction, which the cron framework commits: a
        second run at once, or a run after a crash, escalates no promise twice."""
        promises = self._dealer_claim(
            [("is_overdue", "=", True), ("escalated", "=", False)], batch_size
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        Department = self.env["dealer.department"]
        for promise in promises:
            manager = Department._dealer_leader("manager", promise.company_id)
            promise.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Overdue promise to %s", promise.partner_id.display_name),
                note=_(
                    "%(who)s promised: %(what)s (due %(due)s)",
                    who=promise.user_id.name,
                    what=promise.name,
                    due=fields.Date.to_string(promise.date_due),
                ),
                user_id=manager.id,
            )
        promises.sudo().write({"escalated": True})
        remaining = self.search_count([("is_overdue", "=", True), ("escalated", "=", False)])
        self.env["ir.cron"]._notify_progress(done=len(promises), remaining=remaining)
        return promises
