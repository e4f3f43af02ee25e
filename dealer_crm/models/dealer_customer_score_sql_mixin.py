# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

"""The evaluation's SQL: every figure read, and every snapshot written, set-based.

``dealer.customer.score`` inherits it: the figures are read with a few grouped
statements (revenue is the one definition, ``res.partner._dealer_revenue_sql``), and the
snapshots of the month are written to their own table (derived figures; the customer
shows them through computed fields, no partner column is written here).
"""

import json

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

#: snapshot columns the evaluation measures, in the order of its rows


def int_array(ids):
    """``ids`` as the text of a PostgreSQL array (cast it ``::int4[]``): parsed at
    once, where a list parameter becomes ``ARRAY[...]``, one expression per item."""
    return "{%s}" % ",".join(str(int(id_)) for id_ in ids)


MEASURED = (
    "segment",
    "value_tier",
    "last_activity_date",
    "frequency",
    "monetary",
    "revenue_12m",
    "lifetime_spend",
    "satisfaction_avg",
    "complaint_count",
    "churn_risk",
)
#: snapshot columns not measured from the transactions: the tier of the customer's card in
#: the company's dealer scheme, and the customer's staff rating
OTHER_COLUMNS = ("loyalty_tier_id", "staff_rating")


class DealerCustomerScoreSqlMixin(models.AbstractModel):
    _name = "dealer.customer.score.sql.mixin"
    _description = "Customer Evaluation: Figures and Snapshots in SQL"

    # ------------------------------------------------------------------ figures
    @api.model
    def _figure_queries(self, partner_ids, today, window_months, company):
        """The SQL statements that read every figure, for ``partner_ids`` (None: all),
        from the sales, visits, feedback and vehicles of ``company`` only. Revenue is the
        one definition: res.partner._dealer_revenue_sql."""
        window_start = today - relativedelta(months=window_months)
        year_start = today - relativedelta(months=12)
        Partner = self.env["res.partner"]
        transactions = SQL(
            """
            SELECT partner_id, MIN(day), MAX(day),
                   MAX(day) FILTER (WHERE service),
                   COUNT(*) FILTER (WHERE day > %(window)s),
                   COALESCE(SUM(amount) FILTER (WHERE day > %(window)s), 0)::float8,
                   COALESCE(SUM(amount) FILTER (WHERE day > %(year)s), 0)::float8,
                   COALESCE(SUM(amount), 0)::float8
              FROM (%(tx)s) tx
             GROUP BY partner_id
            """,
            tx=Partner._dealer_revenue_sql(company, partner_ids),
            window=window_start,
            year=year_start,
        )
        revenue = SQL(
            "SELECT partner_id, SUM(amount)::float8 FROM (%s) r WHERE day > %s GROUP BY partner_id",
            Partner._dealer_revenue_sql(company),
            year_start,
        )
        return {
            "transactions": transactions,
            "feedback": self._feedback_query(partner_ids, window_start, company),
            "vehicles": self._vehicles_query(partner_ids, company),
            "revenue": revenue,
        }

    @api.model
    def _feedback_query(self, partner_ids, window_start, company):
        """Average satisfaction (tickets and survey answers) and complaints in the window,
        per customer, of ``company``'s tickets and of answers about its visits and sales."""

        def only(*column):
            if not partner_ids:
                return SQL()
            return SQL("AND %s = ANY(%s)", SQL.identifier(*column), list(partner_ids))

        return SQL(
            """
            SELECT partner_id, AVG(score)::float8, SUM(complaint)
              FROM (
                SELECT partner_id, NULLIF(dealer_satisfaction, '')::int AS score,
                       (dealer_feedback_kind = 'complaint')::int AS complaint
                  FROM helpdesk_ticket
                 WHERE partner_id IS NOT NULL AND company_id = %(co)s
                   AND create_date > %(window)s %(tk)s
                UNION ALL
                -- an answer is of the company of its visit or its sale
                SELECT si.partner_id, si.dealer_score, 0
                  FROM survey_user_input si
                  LEFT JOIN dealer_service_record sr ON sr.id = si.dealer_service_record_id
                  LEFT JOIN sale_order so ON so.id = si.dealer_sale_order_id
                 WHERE si.state = 'done' AND si.dealer_score > 0 AND si.partner_id IS NOT NULL
                   AND COALESCE(sr.company_id, so.company_id) = %(co)s
                   AND si.create_date > %(window)s %(si)s
              ) f
             GROUP BY partner_id
            """,
            tk=only("partner_id"),
            si=only("si", "partner_id"),
            window=window_start,
            co=company.id,
        )

    @api.model
    def _vehicles_query(self, partner_ids, company):
        """Since when each customer owns their latest current vehicle in ``company``."""
        return SQL(
            """
            SELECT partner_id, MAX(date_start)
              FROM dealer_vehicle_ownership
             WHERE date_end IS NULL AND (company_id = %(co)s OR company_id IS NULL) %(own)s
             GROUP BY partner_id
            """,
            own=SQL("AND partner_id = ANY(%s)", list(partner_ids)) if partner_ids else SQL(),
            co=company.id,
        )

    @api.model
    def _write(self, rows, today, company):
        """Write this month's snapshots in ``company``: only where a figure changed, and a
        new one for who has none this month. A nightly run over a stable customer base
        sends almost nothing back; the day of measure is one narrow column. Only the
        snapshot table is written: the customer shows it through computed fields."""
        month = today.replace(day=1)
        names = [*MEASURED, *OTHER_COLUMNS, "currency_id"]
        parts = {
            "columns": SQL(", ").join(SQL.identifier(name) for name in names),
            "values": self._new_values_sql(company),
            "measured": self._measured_sql(rows, company),
            "company": company.id,
            "month": month,
            "uid": self.env.uid,
        }
        self._update_snapshots(parts, names)
        self._insert_snapshots(parts, month - relativedelta(months=1))
        self._mark_latest([row[0] for row in rows], today, month, company)
        self.invalidate_model()

    @api.model
    def _measured_sql(self, rows, company):
        """The measured ``rows`` as a table ``v``, joined to the customer ``p`` and to
        ``t``, the card of their highest balance in the company's dealer scheme (read in
        one pass over their cards, not one lookup per customer).

        The rows travel as one JSON text: PostgreSQL parses it in one go, where an
        array parameter per column (``ARRAY[...]`` of 100,000 items each) cost seconds."""
        names = ["partner_id", *MEASURED]
        types = ["int4", *(self._fields[name].column_type[1] for name in MEASURED)]
        return SQL(
            """json_to_recordset(%(rows)s::json) AS v(%(columns)s)
               JOIN res_partner p ON p.id = v.partner_id
               LEFT JOIN (SELECT DISTINCT ON (c.partner_id) c.partner_id, c.dealer_tier_id
                            FROM loyalty_card c
                            JOIN loyalty_program lp ON lp.id = c.program_id
                           WHERE lp.dealer_scheme AND c.partner_id = ANY(%(ids)s::int4[])
                             AND (lp.company_id = %(company)s OR lp.company_id IS NULL)
                           ORDER BY c.partner_id, c.points DESC, c.id) t
                      ON t.partner_id = v.partner_id""",
            rows=json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=str),
            columns=SQL(", ").join(
                SQL("%s %s", SQL.identifier(name), SQL(sqltype))
                for name, sqltype in zip(names, types, strict=True)
            ),
            ids=int_array(row[0] for row in rows),
            company=company.id,
        )

    @api.model
    def _new_values_sql(self, company):
        """The snapshot's values: the measured ones, the tier of the customer's card in the
        company's dealer scheme, their staff rating, and the company currency."""
        # the tier: ``t``, joined by _measured_sql (one pass over the cards)
        tier = SQL("t.dealer_tier_id")
        return SQL(", ").join(
            [
                *(SQL("v.%s", SQL.identifier(name)) for name in MEASURED),
                tier,
                SQL("p.dealer_staff_rating"),
                SQL("%s", company.currency_id.id),
            ]
        )

    @api.model
    def _update_snapshots(self, parts, names):
        """This month's snapshots that exist: written only where a figure changed."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE dealer_customer_score s
                   SET (%(columns)s, segment_moved, write_uid, write_date) = (
                        %(values)s,
                        s.previous_segment IS NOT NULL
                            AND s.previous_segment IS DISTINCT FROM v.segment,
                        %(uid)s, now() at time zone 'UTC')
                  FROM %(measured)s
                 WHERE s.partner_id = v.partner_id AND s.company_id = %(company)s
                   AND s.month = %(month)s
                   AND ROW(%(current)s) IS DISTINCT FROM ROW(%(values)s)
                """,
                current=SQL(", ").join(SQL("s.%s", SQL.identifier(name)) for name in names),
                **parts,
            )
        )

    @api.model
    def _insert_snapshots(self, parts, previous):
        """A snapshot for who has none this month, with the segment of the month before."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dealer_customer_score (
                    partner_id, month, company_id, previous_segment, segment_moved,
                    %(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT v.partner_id, %(month)s, %(company)s, prev.segment,
                       prev.segment IS NOT NULL AND prev.segment IS DISTINCT FROM v.segment,
                       %(values)s,
                       %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                  FROM %(measured)s
                  LEFT JOIN dealer_customer_score prev
                         ON prev.partner_id = v.partner_id AND prev.company_id = %(company)s
                        AND prev.month = %(previous)s
                 WHERE NOT EXISTS (
                        SELECT 1 FROM dealer_customer_score e
                         WHERE e.partner_id = v.partner_id AND e.company_id = %(company)s
                           AND e.month = %(month)s)
                ON CONFLICT (partner_id, company_id, month) DO NOTHING
                """,
                previous=previous,
                **parts,
            )
        )

    @api.model
    def _mark_latest(self, ids, today, month, company):
        """The day the figures were measured, and which month is the latest in this company
        (narrow columns, no new write date)."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE dealer_customer_score s
                   SET evaluated_on = CASE WHEN s.month = %(month)s THEN %(today)s
                                           ELSE s.evaluated_on END,
                       latest = (s.month = m.month)
                  FROM (SELECT partner_id, MAX(month) AS month FROM dealer_customer_score
                         WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s::int4[])
                         GROUP BY partner_id) m
                 WHERE s.partner_id = m.partner_id AND s.company_id = %(company)s
                   AND (s.latest IS DISTINCT FROM (s.month = m.month)
                        OR (s.month = %(month)s AND s.evaluated_on IS DISTINCT FROM %(today)s))
                """,
                today=today,
                month=month,
                company=company.id,
                ids=int_array(ids),
            )
        )
