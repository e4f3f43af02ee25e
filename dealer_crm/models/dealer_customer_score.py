# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer evaluation: the figures on the customer, and one snapshot a month.

The nightly job and the "Evaluate Now" button share :meth:`DealerCustomerScore._evaluate`.
It reads every figure with three grouped SQL statements (purchases and visits per
customer and currency; satisfaction and complaints; current vehicles), classifies in
Python with the pure functions of ``tools/rfm.py``, and writes the customers and their
snapshot of the month with one statement each. Each amount is converted in SQL to the
company currency at its document's date (res.currency._dealer_company_amount_sql, the
one definition the customer form uses too) before it is added.
"""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.rfm import SEGMENTS, VALUE_TIERS, Thresholds, abc_tiers, churn_risk, rfm_segment
from .res_partner import RATING_READERS

#: evaluation setting (ir.config_parameter dealer_crm.<key>): its default
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
#: customer columns the evaluation writes (see res_partner.py)
PARTNER_COLUMNS = (
    ("dealer_rfm_segment", "varchar"),
    ("dealer_value_tier", "varchar"),
    ("dealer_last_activity_date", "date"),
    ("dealer_frequency", "int4"),
    ("dealer_monetary", "numeric"),
    ("dealer_revenue_12m", "numeric"),
    ("dealer_lifetime_spend", "numeric"),
    ("dealer_satisfaction_avg", "numeric"),
    ("dealer_complaint_count", "int4"),
    ("dealer_churn_risk", "bool"),
)

#: snapshot column: the customer field it copies
SNAPSHOT_FIELDS = (
    ("segment", "dealer_rfm_segment"),
    ("value_tier", "dealer_value_tier"),
    ("last_activity_date", "dealer_last_activity_date"),
    ("frequency", "dealer_frequency"),
    ("monetary", "dealer_monetary"),
    ("revenue_12m", "dealer_revenue_12m"),
    ("satisfaction_avg", "dealer_satisfaction_avg"),
    ("complaint_count", "dealer_complaint_count"),
    ("churn_risk", "dealer_churn_risk"),
    ("currency_id", "dealer_eval_currency_id"),
    ("loyalty_tier_id", "dealer_tier_id"),
    ("staff_rating", "dealer_staff_rating"),
)


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
    _description = "Customer Evaluation Snapshot"
    _order = "month desc, partner_id"
    _rec_name = "partner_id"
    # Derived figures about the customer, nothing they told us: kept after anonymisation.
    _dealer_partner_fields = ("partner_id",)

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    month = fields.Date(required=True, index=True, help="The first day of the month.")
    company_id = fields.Many2one("res.company", index=True)
    segment = fields.Selection(SEGMENTS)
    previous_segment = fields.Selection(
        SEGMENTS, string="Segment the Month Before", help="Empty for a first evaluation."
    )
    segment_moved = fields.Boolean(
        string="Moved Segment", help="The segment differs from the month before."
    )
    value_tier = fields.Selection(VALUE_TIERS)
    loyalty_tier_id = fields.Many2one("dealer.loyalty.tier")
    last_activity_date = fields.Date(string="Last Purchase or Visit")
    frequency = fields.Integer()
    currency_id = fields.Many2one("res.currency")
    monetary = fields.Monetary(string="Revenue in Window")
    revenue_12m = fields.Monetary(string="Revenue, 12 Months")
    satisfaction_avg = fields.Float(string="Average Satisfaction", aggregator="avg")
    complaint_count = fields.Integer(string="Complaints")
    churn_risk = fields.Boolean()
    staff_rating = fields.Selection(
        [("0", "Not Rated"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")],
        groups=RATING_READERS,
    )

    _sql_constraints = [
        (
            "partner_month_uniq",
            "unique(partner_id, month)",
            "A customer has one evaluation snapshot a month.",
        )
    ]

    # ------------------------------------------------------------------ settings
    @api.model
    def _settings(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        values = {}
        for key, default in SETTINGS.items():
            try:
                values[key] = int(get(f"dealer_crm.{key}", default) or default)
            except ValueError:
                values[key] = default
        return values, _thresholds(values)

    @api.model
    def _check_settings(self, values):
        """Refuse boundaries that would make some segments unreachable."""
        message = _thresholds(values).check()
        if message or values["rfm_window_months"] < 1 or values["churn_months"] < 1:
            raise ValidationError(
                _("Customer evaluation: %s", message or _("windows must be at least 1 month."))
            )

    # ------------------------------------------------------------------ figures
    @api.model
    def _figure_queries(self, partner_ids, today, window_months):
        """The SQL statements that read every figure, for ``partner_ids`` (None: all)."""
        window_start = today - relativedelta(months=window_months)
        year_start = today - relativedelta(months=12)

        def only(column):
            return (
                SQL("AND %s = ANY(%s)", SQL.identifier(column), partner_ids)
                if partner_ids
                else SQL()
            )

        Currency = self.env["res.currency"]
        so_amount = Currency._dealer_company_amount_sql(
            SQL("amount_untaxed"), SQL("currency_id"), SQL("date_order::date")
        )
        sr_amount = Currency._dealer_company_amount_sql(
            SQL("amount"), SQL("currency_id"), SQL("date")
        )
        transactions = SQL(
            """
            WITH tx AS (
                SELECT partner_id, date_order::date AS day, %(so_amount)s AS amount,
                       FALSE AS service
                  FROM sale_order
                 WHERE state = 'sale' %(so)s
                UNION ALL
                SELECT partner_id, date AS day, %(sr_amount)s AS amount, TRUE AS service
                  FROM dealer_service_record
                 WHERE state = 'done' %(sr)s
            )
            SELECT partner_id, MIN(day), MAX(day),
                   MAX(day) FILTER (WHERE service),
                   COUNT(*) FILTER (WHERE day > %(window)s),
                   COALESCE(SUM(amount) FILTER (WHERE day > %(window)s), 0)::float8,
                   COALESCE(SUM(amount) FILTER (WHERE day > %(year)s), 0)::float8,
                   COALESCE(SUM(amount), 0)::float8
              FROM tx
             GROUP BY partner_id
            """,
            so_amount=so_amount,
            sr_amount=sr_amount,
            so=only("partner_id"),
            sr=only("partner_id"),
            window=window_start,
            year=year_start,
        )
        feedback = SQL(
            """
            SELECT partner_id, AVG(score)::float8, SUM(complaint)
              FROM (
                SELECT partner_id, NULLIF(dealer_satisfaction, '')::int AS score,
                       (dealer_feedback_kind = 'complaint')::int AS complaint
                  FROM helpdesk_ticket
                 WHERE partner_id IS NOT NULL AND create_date > %(window)s %(tk)s
                UNION ALL
                SELECT partner_id, dealer_score, 0
                  FROM survey_user_input
                 WHERE state = 'done' AND dealer_score > 0 AND partner_id IS NOT NULL
                   AND create_date > %(window)s %(si)s
              ) f
             GROUP BY partner_id
            """,
            tk=only("partner_id"),
            si=only("partner_id"),
            window=window_start,
        )
        vehicles = SQL(
            """
            SELECT partner_id, MAX(date_start)
              FROM dealer_vehicle_ownership
             WHERE date_end IS NULL %(own)s
             GROUP BY partner_id
            """,
            own=only("partner_id"),
        )
        revenue = SQL(
            """
            SELECT partner_id, SUM(amount)::float8 FROM (
                SELECT partner_id, %(so_amount)s AS amount
                  FROM sale_order WHERE state = 'sale' AND date_order::date > %(year)s
                UNION ALL
                SELECT partner_id, %(sr_amount)s AS amount
                  FROM dealer_service_record WHERE state = 'done' AND date > %(year)s
            ) r GROUP BY partner_id
            """,
            so_amount=so_amount,
            sr_amount=sr_amount,
            year=year_start,
        )
        return {
            "transactions": transactions,
            "feedback": feedback,
            "vehicles": vehicles,
            "revenue": revenue,
        }

    @api.model
    def _abc(self, revenue_rows):
        """The A/B/C tier of every customer with revenue in the last 12 months, from
        [(partner id, revenue in the company currency)]."""
        return abc_tiers(dict(revenue_rows))

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _candidate_ids(self, after_id=0):
        """Customers with a history (purchases, visits, vehicles, tickets), by id."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT partner_id AS id FROM sale_order WHERE state = 'sale'
                    UNION SELECT partner_id FROM dealer_service_record WHERE state = 'done'
                    UNION SELECT partner_id FROM dealer_vehicle_ownership WHERE date_end IS NULL
                    UNION SELECT partner_id FROM helpdesk_ticket WHERE partner_id IS NOT NULL
                ) c
                WHERE id > %s
                ORDER BY id
                """,
                after_id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _evaluate(self, partner_ids, today=None, everyone=False):
        """Evaluate ``partner_ids`` and write their figures and this month's snapshot.

        ``everyone``: ``partner_ids`` are all the customers with a history, so the figures
        are read without a filter and the A/B/C split comes from them. Returns the number
        of customers evaluated.
        """
        if not partner_ids:
            return 0
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        values, thresholds = self._settings()
        queries = self._figure_queries(
            None if everyone else list(partner_ids), today, values["rfm_window_months"]
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
        churn_days = (today - (today - relativedelta(months=values["churn_months"]))).days
        currency = self.env.company.currency_id
        digits = currency.decimal_places
        rows = []
        for pid in partner_ids:
            first, last, last_service, freq, window_sum, sum_12m, life = figures.get(
                pid, (None, None, None, 0, 0.0, 0.0, 0.0)
            )
            satisfaction, complaints = feedback.get(pid, (None, 0))
            recency = (today - last).days if last else None
            tier = tiers.get(pid, False)
            since = owned_since.get(pid)
            seen = max(filter(None, (last_service, since)), default=None)
            rows.append(
                (
                    pid,
                    rfm_segment(
                        recency, (today - first).days if first else None, freq, tier, thresholds
                    )
                    or None,
                    tier or None,
                    last,
                    freq,
                    round(window_sum, digits),
                    round(sum_12m, digits),
                    round(life, digits),
                    round(satisfaction, 2) if satisfaction is not None else None,
                    int(complaints or 0),
                    churn_risk(
                        pid in owned_since, (today - seen).days if seen else None, churn_days
                    ),
                )
            )
        self._write(rows, today, currency)
        return len(rows)

    @api.model
    def _write(self, rows, today, currency):
        """Write only what changed: the customers whose figures moved, this month's
        snapshot where it differs, a snapshot for who has none this month. The current
        values are read first (two plain selects), so a nightly run over a stable customer
        base sends almost nothing back."""
        cr = self.env.cr
        names = [name for name, _type in PARTNER_COLUMNS]
        ids = [row[0] for row in rows]
        cr.execute(
            SQL(
                """
                SELECT p.id, %(columns)s, p.dealer_eval_currency_id
                  FROM res_partner p WHERE p.id BETWEEN %(low)s AND %(high)s
                """,
                columns=SQL(", ").join(
                    SQL("p.%s::float8", SQL.identifier(n))
                    if sqltype == "numeric"
                    else SQL("p.%s", SQL.identifier(n))
                    for n, sqltype in PARTNER_COLUMNS
                ),
                low=min(ids),
                high=max(ids),
            )
        )
        current = {row[0]: row[1:] for row in cr.fetchall()}
        cid = currency.id
        changed = [row for row in rows if current.get(row[0]) != (*row[1:], cid)]
        if changed:
            columns = list(zip(*changed, strict=True))
            arrays = SQL(", ").join(
                SQL("unnest(%s::%s[]) AS %s", list(values), SQL(sqltype), SQL.identifier(name))
                for values, (name, sqltype) in zip(
                    columns, [("id", "int4"), *PARTNER_COLUMNS], strict=True
                )
            )
            cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET (%(columns)s, dealer_eval_currency_id) = (%(values)s, %(currency)s)
                      FROM (SELECT %(arrays)s) v
                     WHERE p.id = v.id
                    """,
                    columns=SQL(", ").join(SQL.identifier(n) for n in names),
                    values=SQL(", ").join(SQL("v.%s", SQL.identifier(n)) for n in names),
                    currency=currency.id,
                    arrays=arrays,
                )
            )
        # The day the figures were measured, for everyone evaluated (one narrow column).
        cr.execute(
            SQL(
                """
                UPDATE res_partner SET dealer_evaluated_on = %(today)s
                 WHERE id = ANY(%(ids)s) AND dealer_evaluated_on IS DISTINCT FROM %(today)s
                """,
                today=today,
                ids=ids,
            )
        )
        month = today.replace(day=1)
        compared = SQL(", ").join(SQL.identifier(col) for col, _field in SNAPSHOT_FIELDS)
        from_partner = SQL(", ").join(
            SQL("p.%s", SQL.identifier(field)) for _col, field in SNAPSHOT_FIELDS
        )
        cr.execute(
            SQL(
                """
                SELECT s.partner_id, ROW(%(snapshot)s) IS NOT DISTINCT FROM ROW(%(partner)s)
                  FROM dealer_customer_score s
                  JOIN res_partner p ON p.id = s.partner_id
                 WHERE s.month = %(month)s AND s.partner_id BETWEEN %(low)s AND %(high)s
                """,
                snapshot=SQL(", ").join(
                    SQL("s.%s", SQL.identifier(col)) for col, _field in SNAPSHOT_FIELDS
                ),
                partner=from_partner,
                low=min(ids),
                high=max(ids),
                month=month,
            )
        )
        same = dict(cr.fetchall())
        stale = [pid for pid, equal in same.items() if not equal]
        missing = [pid for pid in ids if pid not in same]
        if stale:
            cr.execute(
                SQL(
                    """
                    UPDATE dealer_customer_score s
                       SET (%(columns)s, segment_moved, write_uid, write_date) = (
                            %(values)s,
                            s.previous_segment IS NOT NULL
                                AND s.previous_segment IS DISTINCT FROM p.dealer_rfm_segment,
                            %(uid)s, now() at time zone 'UTC')
                      FROM res_partner p
                     WHERE s.partner_id = p.id AND s.month = %(month)s AND p.id = ANY(%(ids)s)
                    """,
                    columns=compared,
                    values=from_partner,
                    uid=self.env.uid,
                    ids=stale,
                    month=month,
                )
            )
        if missing:
            cr.execute(
                SQL(
                    """
                    INSERT INTO dealer_customer_score (
                        partner_id, month, company_id, previous_segment, segment_moved,
                        %(columns)s, create_uid, create_date, write_uid, write_date)
                    SELECT p.id, %(month)s, p.company_id, prev.segment,
                           prev.segment IS NOT NULL
                               AND prev.segment IS DISTINCT FROM p.dealer_rfm_segment,
                           %(values)s,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                      FROM res_partner p
                      JOIN unnest(%(ids)s::int[]) b(id) ON b.id = p.id
                      LEFT JOIN dealer_customer_score prev
                             ON prev.partner_id = p.id AND prev.month = %(previous)s
                    ON CONFLICT (partner_id, month) DO NOTHING
                    """,
                    columns=compared,
                    values=from_partner,
                    month=month,
                    previous=month - relativedelta(months=1),
                    uid=self.env.uid,
                    ids=missing,
                )
            )
        self.env["res.partner"].invalidate_model(
            [*names, "dealer_eval_currency_id", "dealer_evaluated_on"]
        )
        self.invalidate_model()

    @api.model
    def _cron_evaluate(self, batch_size=150000):
        """Nightly: evaluate every customer with a history, ``batch_size`` at a time.

        The last customer id done today is kept in ``dealer_crm.evaluation_progress``, so
        a run cut short resumes after it; the A/B/C split is computed over all customers
        for each batch. Returns the number of customers evaluated by this call.
        """
        today = fields.Date.context_today(self)
        params = self.env["ir.config_parameter"].sudo()
        day, _sep, last_id = (params.get_param(PROGRESS_KEY) or "").partition(":")
        after = int(last_id) if day == str(today) and last_id.isdigit() else 0
        candidates = self._candidate_ids(after)
        batch = candidates[:batch_size]
        done = self._evaluate(batch, today, everyone=not after and len(batch) == len(candidates))
        if batch:
            params.set_param(PROGRESS_KEY, f"{today}:{batch[-1]}")
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(candidates) - done)
        return done
