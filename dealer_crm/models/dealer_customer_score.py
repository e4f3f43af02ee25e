# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer evaluation: the figures on the customer, and one snapshot a month.

The nightly job and the "Evaluate Now" button share :meth:`DealerCustomerScore._evaluate`.
It reads every figure with a few grouped SQL statements (purchases and visits per
customer; satisfaction and complaints; current vehicles), classifies in Python with the
pure functions of ``tools/rfm.py``, and writes the snapshots of the month (its own table:
derived figures, shown on the customer through computed fields) with a few statements.
Revenue is the one definition, ``res.partner._dealer_revenue_sql``: confirmed sales and
completed visits, untaxed, each converted to the company currency at its date, which
the customer form's Lifetime Sales and Service Spend sum too.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.access import RATING_READERS
from ..tools.rfm import SEGMENTS, VALUE_TIERS, Thresholds, abc_tiers, churn_risk, rfm_segment
from .dealer_customer_score_sql_mixin import MEASURED, OTHER_COLUMNS, int_array

#: evaluation setting (mixin field dealer_<key>, read by _dealer_get): its default there
SETTINGS = {
    "rfm_window_months": 24,
    "rfm_new_days": 90,
    "rfm_active_days": 180,
    "rfm_at_risk_days": 365,
    "rfm_lost_days": 730,
    "rfm_loyal_frequency": 3,
    "churn_months": 12,
}

PROGRESS_KEY = "dealer_crm.evaluation_progress"
#: customer field (dealer_partner_evaluation_mixin.py, computed): the snapshot field it
#: shows, of the latest month evaluated in the current company
PARTNER_FIGURES = {
    "dealer_rfm_segment": "segment",
    "dealer_value_tier": "value_tier",
    "dealer_last_activity_date": "last_activity_date",
    "dealer_evaluated_on": "evaluated_on",
    "dealer_frequency": "frequency",
    "dealer_eval_currency_id": "currency_id",
    "dealer_monetary": "monetary",
    "dealer_revenue_12m": "revenue_12m",
    "dealer_lifetime_spend": "lifetime_spend",
    "dealer_satisfaction_avg": "satisfaction_avg",
    "dealer_complaint_count": "complaint_count",
    "dealer_churn_risk": "churn_risk",
}


def _thresholds(values):
    return Thresholds(
        new_days=values["rfm_new_days"],
        active_days=values["rfm_active_days"],
        at_risk_days=values["rfm_at_risk_days"],
        lost_days=values["rfm_lost_days"],
        loyal_frequency=values["rfm_loyal_frequency"],
    )


class DealerCustomerScore(models.Model):
    _name = "dealer.customer.score"
    _inherit = ["dealer.customer.score.sql.mixin"]
    _description = "Customer Evaluation Snapshot"
    _order = "month desc, partner_id"
    _rec_name = "partner_id"
    # Derived figures about the customer, nothing they told us: kept after anonymisation.
    _dealer_partner_fields = ("partner_id",)
    #: every figure is recorded by the evaluation (_evaluate, in SQL), never typed
    _dealer_protected_fields = frozenset(
        {
            "latest",
            "evaluated_on",
            "previous_segment",
            "segment_moved",
            "currency_id",
            *MEASURED,
            *OTHER_COLUMNS,
        }
    )

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    month = fields.Date(required=True, index=True, help="The first day of the month.")
    # Every figure is of this company's sales, visits and feedback only: a customer shared
    # between companies has one snapshot a month in each company that evaluates them.
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    latest = fields.Boolean(
        string="Latest Evaluation",
        index=True,
        help="The customer's latest month evaluated in this company: the figures shown "
        "on the customer.",
        copy=False,
    )
    evaluated_on = fields.Date(help="The day the figures were last measured.", copy=False)
    segment = fields.Selection(SEGMENTS, copy=False)
    previous_segment = fields.Selection(
        SEGMENTS,
        string="Segment the Month Before",
        copy=False,
        help="Empty for a first evaluation.",
    )
    segment_moved = fields.Boolean(
        string="Moved Segment", copy=False, help="The segment differs from the month before."
    )
    value_tier = fields.Selection(VALUE_TIERS, copy=False)
    loyalty_tier_id = fields.Many2one("dealer.loyalty.tier", copy=False)
    last_activity_date = fields.Date(string="Last Purchase or Visit", copy=False)
    frequency = fields.Integer(copy=False)
    currency_id = fields.Many2one("res.currency", copy=False)
    monetary = fields.Monetary(string="Revenue in Window", copy=False)
    revenue_12m = fields.Monetary(string="Revenue, 12 Months", copy=False)
    lifetime_spend = fields.Monetary(copy=False)
    satisfaction_avg = fields.Float(string="Average Satisfaction", aggregator="avg", copy=False)
    complaint_count = fields.Integer(string="Complaints", copy=False)
    churn_risk = fields.Boolean(copy=False)
    staff_rating = fields.Selection(
        [("0", "Not Rated"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        copy=False,
        groups=RATING_READERS,
    )

    _sql_constraints = [
        (
            "partner_month_uniq",
            "unique(partner_id, company_id, month)",
            "A customer has one evaluation snapshot a month in each company.",
        )
    ]

    # ------------------------------------------------------------------ settings
    @api.model
    def _settings(self):
        get = self.env["dealer.settings.mixin"]._dealer_get
        values = {key: get(f"dealer_{key}") for key in SETTINGS}
        return values, _thresholds(values)

    @api.model
    def _check_settings(self, values):
        """Refuse boundaries that would make some segments unreachable."""
        # in English, marked for translation in tools/rfm.py: said in the user's language
        message = _thresholds(values).check()
        if message or values["rfm_window_months"] < 1 or values["churn_months"] < 1:
            raise ValidationError(
                _(
                    "Customer evaluation: %s",
                    self.env._(message) if message else _("windows must be at least 1 month."),
                )
            )

    @api.model
    def _abc(self, revenue_rows):
        """The A/B/C tier of every customer with revenue in the last 12 months, from
        [(partner id, revenue in the company currency)]."""
        return abc_tiers(dict(revenue_rows))

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _candidate_ids(self, after_id=0, company=None):
        """The customers of ``company`` (default: the current one; the one definition,
        res.partner._dealer_customer_sql) with something to measure there: purchases,
        visits, vehicles or tickets, by id."""
        company = company or self.env.company
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id FROM (
                    SELECT partner_id AS id FROM sale_order
                     WHERE state = 'sale' AND company_id = %(co)s
                    UNION SELECT partner_id FROM dealer_service_record
                     WHERE state = 'done' AND company_id = %(co)s
                    UNION SELECT partner_id FROM dealer_vehicle_ownership
                     WHERE date_end IS NULL AND company_id = %(co)s
                    UNION SELECT partner_id FROM helpdesk_ticket
                     WHERE partner_id IS NOT NULL AND company_id = %(co)s
                ) c
                JOIN res_partner p ON p.id = c.id
                WHERE c.id > %(after)s AND %(customer)s
                ORDER BY c.id
                """,
                co=company.id,
                after=after_id,
                customer=self.env["res.partner"]._dealer_customer_sql("p", company),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _evaluate(self, partner_ids, today=None, everyone=False, company=None):
        """Evaluate ``partner_ids`` in ``company`` (default: the current company) and write
        this month's snapshot of them in that company.

        Every figure is of ``company``'s own sales, visits, feedback and vehicles: a customer
        shared between companies (no company of their own) is evaluated in each company
        apart, and a customer of another company is not evaluated here.

        ``everyone``: ``partner_ids`` are all the customers with a history, so the figures
        are read without a filter and the A/B/C split comes from them. Returns the number
        of customers evaluated.
        """
        company = company or self.env.company
        if not partner_ids:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id = ANY(%s::int4[])"
                " AND (company_id IS NULL OR company_id = %s) ORDER BY id",
                int_array(partner_ids),
                company.id,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if not partner_ids:
            return 0
        today = today or fields.Date.context_today(self)
        values, thresholds = self._settings()
        queries = self._figure_queries(
            None if everyone else partner_ids, today, values["rfm_window_months"], company
        )
        cr = self.env.cr
        cr.execute(queries["transactions"])
        tx_rows = cr.fetchall()
        if everyone:
            tiers = self._abc([(row[0], row[6]) for row in tx_rows])
        else:
            cr.execute(queries["revenue"])
            tiers = self._abc(cr.fetchall())
        cr.execute(queries["feedback"])
        feedback = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(queries["vehicles"])
        owned_since = dict(cr.fetchall())
        figures = {row[0]: row[1:] for row in tx_rows}
        context = (today, values, thresholds, company.currency_id.decimal_places)
        rows = [
            self._row(pid, figures, tiers, feedback, owned_since, context) for pid in partner_ids
        ]
        self._write(rows, today, company)
        self.env["res.partner"].invalidate_model(list(PARTNER_FIGURES))
        return len(rows)

    @api.model
    def _row(self, pid, figures, tiers, feedback, owned_since, context):
        """The measured row of customer ``pid`` (in the order of the MEASURED snapshot
        columns), classified with the pure functions of tools/rfm.py."""
        today, values, thresholds, digits = context
        churn_days = (today - (today - relativedelta(months=values["churn_months"]))).days
        first, last, last_service, freq, window_sum, sum_12m, life = figures.get(
            pid, (None, None, None, 0, 0.0, 0.0, 0.0)
        )
        satisfaction, complaints = feedback.get(pid, (None, 0))
        recency = (today - last).days if last else None
        tier = tiers.get(pid, False)
        since = owned_since.get(pid)
        seen = max(filter(None, (last_service, since)), default=None)
        return (
            pid,
            rfm_segment(recency, (today - first).days if first else None, freq, tier, thresholds)
            or None,
            tier or None,
            last,
            freq,
            round(window_sum, digits),
            round(sum_12m, digits),
            round(life, digits),
            round(satisfaction, 2) if satisfaction is not None else None,
            int(complaints or 0),
            churn_risk(pid in owned_since, (today - seen).days if seen else None, churn_days),
        )

    @api.model
    def _evaluate_where_evaluated(self, partner_ids, today=None):
        """Evaluate ``partner_ids`` again in every company that has evaluated them (after
        a merge, say), each company with its own figures."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT company_id FROM dealer_customer_score WHERE partner_id = ANY(%s)",
                list(partner_ids),
            )
        )
        companies = self.env["res.company"].browse(row[0] for row in self.env.cr.fetchall())
        for company in companies | self.env.company:
            self._evaluate(partner_ids, today, company=company)

    @api.model
    def _cron_evaluate(self, batch_size=150000):
        """Nightly: evaluate every customer with a history, in each company apart,
        ``batch_size`` at a time.

        The company and the last customer id done today are kept in
        ``dealer_crm.evaluation_progress``, so a run cut short resumes after them; the
        A/B/C split is computed over all the company's customers for each batch. Returns
        the number of customers evaluated by this call.
        """
        today = fields.Date.context_today(self)
        params = self.env["ir.config_parameter"].sudo()
        # the marker is locked for the batch (SKIP LOCKED): a second run at once does
        # nothing; it moves in the batch's own transaction, so a run after a crash
        # starts after the last batch committed
        if not self._dealer_claim_marker(PROGRESS_KEY):
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        day, _sep, progress = (params.get_param(PROGRESS_KEY) or "").partition(":")
        company_id, _sep, last_id = progress.rpartition("/") if "/" in progress else ("", "", "")
        after_company = int(company_id) if day == str(today) and company_id.isdigit() else 0
        after = int(last_id) if after_company and last_id.isdigit() else 0
        done = remaining = 0
        for company in self.env["res.company"].search([("id", ">=", after_company)], order="id"):
            start = after if company.id == after_company else 0
            candidates = self._candidate_ids(start, company)
            batch = candidates[: batch_size - done]
            if batch:
                done += self._evaluate(
                    batch,
                    today,
                    everyone=not start and len(batch) == len(candidates),
                    company=company,
                )
                params.set_param(PROGRESS_KEY, f"{today}:{company.id}/{batch[-1]}")
            remaining += len(candidates) - len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if done and not remaining:
            # every customer evaluated: who moved to at risk or lost gets a win-back
            winback = self.env.ref("dealer_crm.ir_cron_dealer_winback", raise_if_not_found=False)
            if winback:
                winback._trigger()
        return done
