# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

BASE = 10**11


class DealerStaffScorecard(models.Model):
    """Each staff member's scorecard per month, drawn from the data: follow-ups done on
    time, hours to answer a complaint, satisfaction of the customers they served,
    promises kept on time, and the gaps in the records of the customers they own.

    One row per fact (a promise, a ticket, an answer, a follow-up, a gap); pivot by staff
    member and month, the averages ignoring the rows that do not carry a figure. Staff see
    their own rows; managers everyone's.
    """

    _name = "dealer.staff.scorecard"
    _inherit = "dealer.analysis.mixin"
    _description = "Staff Scorecard"
    _auto = False
    _order = "month desc, user_id"
    _depends = {
        "dealer.promise": ["user_id", "date_due", "state", "on_time_score", "company_id"],
        "helpdesk.ticket": ["user_id", "create_date", "dealer_first_response_date", "company_id"],
        "dealer.interaction": ["user_id", "partner_id", "date", "followup_date", "company_id"],
        "survey.user_input": ["dealer_staff_id", "dealer_score", "state", "create_date"],
        "res.partner": ["user_id", "phone", "mobile", "email", "dealer_last_verified_date", "tz"],
    }

    user_id = fields.Many2one("res.users", string="Staff Member", readonly=True)
    month = fields.Date(readonly=True)
    followups_on_time = fields.Float(
        string="Follow-ups on Time (%)", readonly=True, aggregator="avg"
    )
    response_hours = fields.Float(string="Hours to Answer", readonly=True, aggregator="avg")
    satisfaction = fields.Float(readonly=True, aggregator="avg")
    promises_kept = fields.Float(
        string="Promises Kept on Time (%)", readonly=True, aggregator="avg"
    )
    data_gaps = fields.Integer(string="Gaps in Their Customers' Records", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT %(base)s * 1 + p.id AS id, p.user_id,
                   date_trunc('month', p.date_due)::date AS month,
                   NULL::float AS followups_on_time, NULL::float AS response_hours,
                   NULL::float AS satisfaction, p.on_time_score::float AS promises_kept,
                   0 AS data_gaps, p.company_id
              FROM dealer_promise p WHERE p.state IN ('kept', 'broken')
            UNION ALL
            SELECT %(base)s * 2 + t.id, t.user_id, date_trunc('month', t.create_date)::date,
                   NULL, EXTRACT(EPOCH FROM t.dealer_first_response_date - t.create_date) / 3600,
                   NULL, NULL, 0, t.company_id
              FROM helpdesk_ticket t
             WHERE t.user_id IS NOT NULL AND t.dealer_first_response_date IS NOT NULL
            UNION ALL
            SELECT %(base)s * 3 + s.id, s.user_id, date_trunc('month', s.date)::date,
                   NULL, NULL, s.score, NULL, 0, s.company_id
              FROM dealer_satisfaction_report s WHERE s.user_id IS NOT NULL
            UNION ALL
            SELECT %(base)s * 4 + i.id, i.user_id, date_trunc('month', i.followup_date)::date,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM dealer_interaction n
                        WHERE n.partner_id = i.partner_id AND n.user_id = i.user_id
                          AND n.date > i.date
                          -- the whole follow-up day, in the staff member's time zone
                          AND n.date < ((i.followup_date + 1)::timestamp
                                        AT TIME ZONE COALESCE(NULLIF(up.tz, ''), 'UTC'))
                                       AT TIME ZONE 'UTC'
                   ) THEN 100.0 ELSE 0.0 END,
                   NULL, NULL, NULL, 0, i.company_id
              FROM dealer_interaction i
              JOIN res_users u ON u.id = i.user_id
              JOIN res_partner up ON up.id = u.partner_id
             WHERE i.followup_date IS NOT NULL AND i.user_id IS NOT NULL
               AND i.followup_date < (now() at time zone 'UTC')::date
            UNION ALL
            SELECT %(base)s * 5 + q.id, q.user_id,
                   date_trunc('month', now() at time zone 'UTC')::date,
                   NULL, NULL, NULL, NULL, 1, q.company_id
              FROM (%(quality)s) q WHERE q.user_id IS NOT NULL
            """,
            base=BASE,
            quality=self.env["dealer.data.quality"]._query(),
        )

    @property
    def _table_query(self):
        # built when read: Data Quality's gaps take the verification setting and today
        return self._query()
