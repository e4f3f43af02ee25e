# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.dealer_department import DEPARTMENTS


class DealerSatisfactionReport(models.Model):
    """Satisfaction by department and staff member: survey answers after sales (the
    sales consultant) and visits (the advisor), and the scores of closed tickets (the
    officer who handled them). Scores are on 1 to 5."""

    _name = "dealer.satisfaction.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Satisfaction Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "survey.user_input": [
            "dealer_survey_occasion",
            "dealer_staff_id",
            "dealer_score",
            "state",
            "partner_id",
            "create_date",
        ],
        "helpdesk.ticket": [
            "dealer_satisfaction",
            "user_id",
            "partner_id",
            "closed_date",
            "company_id",
        ],
        "dealer.service.record": ["company_id"],
        "sale.order": ["company_id"],
    }

    date = fields.Datetime(readonly=True)
    source = fields.Selection(
        [("survey", "Survey"), ("ticket", "Complaint or feedback")], readonly=True
    )
    department = fields.Selection(DEPARTMENTS, readonly=True)
    user_id = fields.Many2one("res.users", string="Staff Member", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    score = fields.Float(string="Satisfaction", readonly=True, aggregator="avg")
    answer_count = fields.Integer(string="Answers", readonly=True)
    low_count = fields.Integer(
        string="Low Scores",
        readonly=True,
        help="Scores up to the low satisfaction setting (Follow Up Scores Up To).",
    )
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        """Every score and its low flag, from the setting when read: the setting moves,
        the analysis follows (no module upgrade)."""
        low = self.env["dealer.settings.mixin"]._dealer_low_satisfaction_sql(SQL("s.score"))
        return SQL("SELECT s.*, %s AS low_count FROM (%s) s", low, self._query())

    def _query(self):
        """Every score, without the low flag that depends on a setting (the staff
        scorecard reads these rows too)."""
        return SQL(
            """
            SELECT 1 * 10000000000::bigint + a.id AS id, a.create_date AS date,
                   'survey' AS source,
                   CASE a.dealer_survey_occasion WHEN 'sale' THEN 'sales' ELSE 'service' END
                       AS department,
                   a.dealer_staff_id AS user_id, a.partner_id, a.dealer_score AS score,
                   1 AS answer_count,
                   -- the visit's or order's company; an answer of neither is of the
                   -- company of the staff member it judges (never of every company)
                   COALESCE(r.company_id, o.company_id, u.company_id) AS company_id
              FROM survey_user_input a
              LEFT JOIN dealer_service_record r ON r.id = a.dealer_service_record_id
              LEFT JOIN sale_order o ON o.id = a.dealer_sale_order_id
              LEFT JOIN res_users u ON u.id = a.dealer_staff_id
             WHERE a.dealer_survey_occasion IS NOT NULL AND a.state = 'done' AND a.dealer_score > 0
            UNION ALL
            SELECT 2 * 10000000000::bigint + t.id, COALESCE(t.closed_date, t.write_date),
                   'ticket', 'customer_relations', t.user_id, t.partner_id,
                   t.dealer_satisfaction::float, 1, t.company_id
              FROM helpdesk_ticket t
             WHERE COALESCE(t.dealer_satisfaction, '') != ''
            """
        )
