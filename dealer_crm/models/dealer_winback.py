# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Win-back: one call to win back a customer who moved to "at risk" or "lost", or who got
the churn flag.

The win-back job (:meth:`DealerWinback._cron_create_winbacks`) reads the monthly
evaluation snapshots (``dealer.customer.score``) after the nightly evaluation: a customer
whose latest snapshot is at risk (``tools/rfm.py:AT_RISK_SEGMENTS``), lost or flagged for
churn while their snapshot before was not gets one win-back and one activity for their
owner, with the reason in words. The outcome is recorded by staff
(:meth:`DealerWinback._record_outcome`, through the Record Outcome wizard); "won back"
is a figure of the trend report (``models/dealer_figure.py``, ``winbacks_won``).
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.rfm import AT_RISK_SEGMENTS

TRIGGERS = [("at_risk", "Moved to At Risk"), ("lost", "Moved to Lost"), ("churn", "Churn Flag")]
OUTCOMES = [
    ("won_back", "Won Back"),
    ("moved_away", "Moved Away"),
    ("sold_car", "Sold the Car"),
    ("no_answer", "No Answer"),
]
PROGRESS_KEY = "dealer_crm.winback_progress"
#: who records the outcome of any win-back (a manager belongs to it through the ladder);
#: the owner of the win-back records their own
OUTCOME_GROUP = "dealer_crm.group_customer_relations"


class DealerWinback(models.Model):
    _name = "dealer.winback"
    _description = "Win-back"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("outcome_note",)
    #: the owner, customer relations and managers record the outcome: a read is checked
    #: first, then who the caller is (_dealer_check_outcome_caller)
    _dealer_read_actions = frozenset({"action_record_outcome"})
    #: set by the win-back job and by the outcome, never typed
    _dealer_protected_fields = frozenset(
        {
            "partner_id",
            "company_id",
            "trigger",
            "reason",
            "date",
            "state",
            "outcome",
            "outcome_date",
            "outcome_note",
            "recorded_by",
            "score_id",
        }
    )

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        check_company=True,
        help="Who calls the customer: their salesperson, else the leader of customer relations.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, readonly=True, tracking=True, copy=False)
    reason = fields.Char(
        readonly=True, copy=False, help="The facts at the time the win-back was opened, in words."
    )
    date = fields.Date(
        string="Opened On",
        required=True,
        readonly=True,
        copy=False,
        default=fields.Date.context_today,
    )
    state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    outcome = fields.Selection(OUTCOMES, readonly=True, tracking=True, copy=False)
    outcome_date = fields.Date(readonly=True, index=True, copy=False)
    outcome_note = fields.Text(readonly=True, copy=False)
    recorded_by = fields.Many2one("res.users", readonly=True, copy=False)
    score_id = fields.Many2one(
        "dealer.customer.score",
        string="Evaluation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The evaluation snapshot that opened the win-back.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        copy=False,
        default=lambda self: self.env.company,
    )

    # ------------------------------------------------------------------ outcome
    def action_record_outcome(self):
        """The Record Outcome wizard for this open win-back."""
        self.ensure_one()
        self._dealer_check_outcome_caller()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record Outcome"),
            "res_model": "dealer.winback.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_winback_id": self.id},
        }

    def _dealer_check_outcome_caller(self):
        """Who may record the outcome: a reader of the win-back who owns it, or who is in
        customer relations (managers included); and only of an open one."""
        self._dealer_check_caller(operation="read")
        if (
            not self.env.su
            and not self.env.user.has_group(OUTCOME_GROUP)
            and any(winback.user_id != self.env.user for winback in self)
        ):
            raise AccessError(
                _(
                    "The outcome of a win-back is recorded by its owner, customer "
                    "relations or a manager."
                )
            )
        if any(winback.state != "open" for winback in self):
            raise UserError(_("This win-back is closed: its outcome is already recorded."))

    def _record_outcome(self, outcome, note=False):
        """Close the win-backs of ``self`` with ``outcome``: the owner's activity is marked
        done with the outcome as its feedback."""
        self._dealer_check_outcome_caller()
        # two people recording at once: the second waits, then finds it closed
        self._dealer_lock_rows()
        self.invalidate_recordset(["state"])
        self._dealer_check_outcome_caller()
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        if outcome not in labels:
            raise ValidationError(
                _("Choose the outcome: won back, moved away, sold the car or no answer.")
            )
        activity_type = self.env.ref("dealer_crm.mail_activity_type_winback")
        feedback = (
            _("%(outcome)s: %(note)s", outcome=labels[outcome], note=note)
            if note
            else labels[outcome]
        )
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        activities._action_done(feedback=feedback)
        self.sudo().write(
            {
                "state": "done",
                "outcome": outcome,
                "outcome_date": fields.Date.context_today(self),
                "outcome_note": note or False,
                "recorded_by": self.env.user.id,
            }
        )

    # ------------------------------------------------------------------ the job
    @api.model
    def _candidates_sql(self):
        """The latest snapshots that open a win-back: (snapshot, customer, company,
        trigger), by snapshot id. A snapshot opens one when the customer moved there: the
        customer's snapshot before it was not at risk, lost or flagged the same way. A
        first evaluation is no move (a history imported, or the addon installed on an old
        base, would otherwise call every customer gone for years). None while the customer
        has an open win-back in that company, and none twice for one snapshot."""
        at_risk = list(AT_RISK_SEGMENTS)
        return SQL(
            """
            SELECT s.id, s.partner_id, s.company_id,
                   CASE WHEN s.segment = 'lost' AND prev.segment IS DISTINCT FROM 'lost'
                            THEN 'lost'
                        WHEN s.segment = ANY(%(at_risk)s)
                             AND NOT COALESCE(prev.segment = ANY(%(fallen)s), FALSE)
                            THEN 'at_risk'
                        ELSE 'churn' END
              FROM dealer_customer_score s
              JOIN res_partner p ON p.id = s.partner_id
              JOIN LATERAL (
                    SELECT b.segment, b.churn_risk FROM dealer_customer_score b
                     WHERE b.partner_id = s.partner_id AND b.company_id = s.company_id
                       AND b.month < s.month
                     ORDER BY b.month DESC LIMIT 1) prev ON TRUE
             WHERE s.latest AND p.active AND NOT COALESCE(p.dealer_anonymized, FALSE)
               AND (p.company_id IS NULL OR p.company_id = s.company_id)
               AND (   (s.segment = 'lost' AND prev.segment IS DISTINCT FROM 'lost')
                    OR (s.segment = ANY(%(at_risk)s)
                        AND NOT COALESCE(prev.segment = ANY(%(fallen)s), FALSE))
                    OR (s.churn_risk AND NOT COALESCE(prev.churn_risk, FALSE)))
               AND NOT EXISTS (SELECT 1 FROM dealer_winback w WHERE w.score_id = s.id)
               AND NOT EXISTS (SELECT 1 FROM dealer_winback w
                                WHERE w.partner_id = s.partner_id
                                  AND w.company_id = s.company_id AND w.state = 'open')
             ORDER BY s.id
            """,
            at_risk=at_risk,
            fallen=[*at_risk, "lost"],
        )

    @api.model
    def _facts(self, pairs, today):
        """{(customer, company): (last visit, last purchase, last visit's rating)} of the
        customers of ``pairs`` in their company, read in one statement."""
        self.env.cr.execute(
            SQL(
                """
                SELECT c.partner_id, c.company_id, v.date, %(order_day)s, r.score
                  FROM unnest(%(partners)s::int4[], %(companies)s::int4[])
                       AS c(partner_id, company_id)
                  LEFT JOIN LATERAL (
                        SELECT MAX(date) AS date FROM dealer_service_record
                         WHERE partner_id = c.partner_id AND company_id = c.company_id
                           AND state = 'done' AND date <= %(today)s) v ON TRUE
                  LEFT JOIN LATERAL (
                        SELECT MAX(date_order) AS date_order FROM sale_order
                         WHERE partner_id = c.partner_id AND company_id = c.company_id
                           AND state = 'sale') o ON TRUE
                  LEFT JOIN LATERAL (
                        SELECT si.dealer_score AS score
                          FROM survey_user_input si
                          JOIN dealer_service_record sr ON sr.id = si.dealer_service_record_id
                         WHERE si.partner_id = c.partner_id AND sr.company_id = c.company_id
                           AND si.state = 'done' AND si.dealer_score > 0
                         ORDER BY sr.date DESC, si.id DESC LIMIT 1) r ON TRUE
                """,
                partners=[pair[0] for pair in pairs],
                companies=[pair[1] for pair in pairs],
                today=today,
                order_day=self.env["res.partner"]._dealer_local_day_sql(SQL("o.date_order")),
            )
        )
        return {(row[0], row[1]): row[2:] for row in self.env.cr.fetchall()}

    @api.model
    def _reason(self, facts, today, lang):
        """The reason in the owner's words, from the facts: "No service for 20 months,
        last visit rated 2, no purchase since April 2023"."""
        env = self.with_context(lang=lang).env
        last_visit, last_purchase, rating = facts or (None, None, None)
        parts = []
        if last_visit:
            delta = relativedelta(today, last_visit)
            months = delta.years * 12 + delta.months
            parts.append(
                env._("no service for %s months", months)
                if months > 1
                else env._("last service on %s", format_date(env, last_visit))
            )
        else:
            parts.append(env._("no service visit on record"))
        if rating:
            rating = f"{rating:g}"  # not in the call: tests/test_translatable.py
            parts.append(env._("last visit rated %s", rating))
        if last_purchase:
            parts.append(
                env._("no purchase since %s", format_date(env, last_purchase, date_format="MMMM y"))
            )
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    @api.model
    def _owners(self, partners, companies):
        """{(customer, company): owner}: the customer's salesperson when they work in the
        company, else the leader of customer relations there."""
        Department = self.env["dealer.department"]
        leaders = {
            company: Department._dealer_leader("customer_relations", company)
            for company in set(companies)
        }
        owners = {}
        for partner, company in zip(partners, companies, strict=True):
            user = partner.user_id
            works_here = user and user.active and not user.share and company in user.company_ids
            owners[partner.id, company.id] = user if works_here else leaders[company]
        return owners

    @api.model
    def _cron_create_winbacks(self, batch_size=2000):
        """After the nightly evaluation: a win-back and an activity for the owner of every
        customer who moved to at risk or lost, or got the churn flag (``_candidates_sql``),
        ``batch_size`` at a time. Idempotent: a second run finds nothing; two runs at once
        take the progress marker in turn (SKIP LOCKED), so none opens a win-back twice."""
        if not self._dealer_claim_marker(PROGRESS_KEY):
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(self._candidates_sql())
        rows = self.env.cr.fetchall()
        batch, remaining = rows[:batch_size], max(len(rows) - batch_size, 0)
        winbacks = self._open_winbacks(batch) if batch else self.browse()
        today = fields.Date.context_today(self)
        self.env["ir.config_parameter"].sudo().set_param(
            PROGRESS_KEY, f"{today}:{batch[-1][0] if batch else 0}"
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return winbacks

    @api.model
    def _open_winbacks(self, rows):
        """One win-back and one activity for each candidate row of ``_candidates_sql``."""
        today = fields.Date.context_today(self)
        partners = self.env["res.partner"].browse(row[1] for row in rows)
        companies = self.env["res.company"].browse(row[2] for row in rows)
        owners = self._owners(partners, companies)
        facts = self._facts([(row[1], row[2]) for row in rows], today)
        values = []
        for score_id, partner_id, company_id, trigger in rows:
            owner = owners[partner_id, company_id]
            values.append(
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "user_id": owner.id,
                    "trigger": trigger,
                    "reason": self._reason(
                        facts.get((partner_id, company_id)),
                        today,
                        owner.lang or self.env.lang,
                    ),
                    "date": today,
                    "score_id": score_id,
                }
            )
        quiet = {
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
            "tracking_disable": True,
            "mail_activity_quick_update": True,
        }
        winbacks = self.sudo().with_context(**quiet).create(values)
        activity_type = self.env.ref("dealer_crm.mail_activity_type_winback")
        model = self.env["ir.model"]._get_id(self._name)
        deadline = today + relativedelta(days=activity_type.delay_count)
        self.env["mail.activity"].sudo().with_context(**quiet).create(
            [
                {
                    "res_model_id": model,
                    "res_id": winback.id,
                    "activity_type_id": activity_type.id,
                    "summary": winback.reason,
                    "user_id": winback.user_id.id,
                    "date_deadline": deadline,
                }
                for winback in winbacks
            ]
        )
        return winbacks
