# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's evaluation on the customer: segment, value tier and figures.

Measured by ``dealer.customer.score._evaluate`` (nightly and on demand) in each company
apart; the customer shows, searches, groups and sorts by the latest snapshot of the
current company, so a customer shared between companies never shows another's figures.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS
from ..tools.rfm import AT_RISK_SEGMENTS, SEGMENTS, VALUE_TIERS
from .dealer_customer_score import PARTNER_FIGURES


def _evaluation(figure):
    """A customer field showing ``figure`` of the customer's latest evaluation snapshot
    in the current company (read-only; searched, grouped and sorted through SQL)."""

    def search(self, operator, value):
        return self._dealer_search_figure(figure, operator, value)

    return {
        "compute": "_compute_dealer_evaluation",
        "search": search,
        "readonly": True,
        "copy": False,
        # an evaluation is the dealer's own: never read by a portal customer (issue 29)
        "groups": "base.group_user",
    }


class DealerPartnerEvaluationMixin(models.AbstractModel):
    _name = "dealer.partner.evaluation.mixin"
    _description = "Dealer Customer Evaluation Figures"

    # Evaluation: measured by dealer.customer.score._evaluate, nightly and on demand, in
    # each company apart. The customer shows the latest snapshot of the current company:
    # a customer shared between companies never shows another company's figures.
    dealer_rfm_segment = fields.Selection(SEGMENTS, string="Segment", **_evaluation("segment"))
    dealer_at_risk = fields.Boolean(
        string="At Risk",
        compute="_compute_dealer_at_risk",
        search="_search_dealer_at_risk",
        groups="base.group_user",
        help="Needs attention or at risk: slipping away, and can still be won back (the "
        "dashboard counts the same customers).",
    )
    dealer_value_tier = fields.Selection(
        VALUE_TIERS,
        string="Value Tier",
        help="A: the customers who make the first 80% of the last 12 months' revenue in "
        "this company; B: the next 15%; C: the rest.",
        **_evaluation("value_tier"),
    )
    dealer_last_activity_date = fields.Date(
        string="Last Purchase or Visit", **_evaluation("last_activity_date")
    )
    dealer_recency_days = fields.Integer(
        string="Days Since Last Purchase or Visit",
        compute="_compute_dealer_recency_days",
        groups="base.group_user",
        help="Counted from the last purchase or visit to today, whenever it is read.",
    )
    dealer_evaluated_on = fields.Date(
        string="Evaluated On",
        help="The day the segment, value tier and the figures of the window were measured.",
        **_evaluation("evaluated_on"),
    )
    dealer_frequency = fields.Integer(
        string="Purchases and Visits in Window", **_evaluation("frequency")
    )
    dealer_eval_currency_id = fields.Many2one("res.currency", **_evaluation("currency_id"))
    dealer_monetary = fields.Monetary(
        string="Revenue in Window",
        currency_field="dealer_eval_currency_id",
        **_evaluation("monetary"),
    )
    dealer_revenue_12m = fields.Monetary(
        string="Revenue, 12 Months",
        currency_field="dealer_eval_currency_id",
        **_evaluation("revenue_12m"),
    )
    dealer_lifetime_spend = fields.Monetary(
        string="Lifetime Spend",
        currency_field="dealer_eval_currency_id",
        help="Confirmed sales and completed visits of this company, untaxed, in the company "
        "currency.",
        **_evaluation("lifetime_spend"),
    )
    dealer_satisfaction_avg = fields.Float(
        string="Average Satisfaction",
        aggregator="avg",
        digits=(3, 1),
        **_evaluation("satisfaction_avg"),
    )
    dealer_complaint_count = fields.Integer(string="Complaints", **_evaluation("complaint_count"))
    dealer_churn_risk = fields.Boolean(
        string="Churn Risk",
        help="Owns a vehicle and was not seen for service in this company for the months set.",
        **_evaluation("churn_risk"),
    )

    @api.depends("dealer_rfm_segment")
    @api.depends_context("company")
    def _compute_dealer_at_risk(self):
        for partner in self:
            partner.dealer_at_risk = partner.dealer_rfm_segment in AT_RISK_SEGMENTS

    def _search_dealer_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search 'At Risk' with 'is set' or 'is not set'."))
        at_risk = [("dealer_rfm_segment", "in", AT_RISK_SEGMENTS)]
        return at_risk if (operator == "=") == value else ["!", *at_risk]

    @api.depends("dealer_last_activity_date")
    def _compute_dealer_recency_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.dealer_last_activity_date
            partner.dealer_recency_days = (today - last).days if last else 0

    @api.depends_context("company")
    def _compute_dealer_evaluation(self):
        """The figures of each customer's latest snapshot in the current company.

        Read in one query and put in the cache column by column: a customer register
        or a list of thousands of customers reads these figures for every row, and
        assigning each figure of each record through the ORM cost more than the query.
        """
        figures = list(PARTNER_FIGURES.items())
        Score = self.env["dealer.customer.score"]
        Score.flush_model(["partner_id", "company_id", "latest", *PARTNER_FIGURES.values()])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, %s FROM dealer_customer_score"
                " WHERE partner_id = ANY(%s) AND company_id = %s AND latest",
                SQL(", ").join(SQL.identifier(figure) for _name, figure in figures),
                self._origin.ids,
                self.env.company.id,
            )
        )
        by_partner = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        empty = (None,) * len(figures)
        saved = self.filtered(lambda partner: isinstance(partner.id, int))
        rows = [by_partner.get(partner_id, empty) for partner_id in saved.ids]
        for index, (name, _figure) in enumerate(figures):
            self.env.cache.update(saved, self._fields[name], [row[index] for row in rows])
        for partner in self - saved:  # a record being edited (onchange): its origin's figures
            row = by_partner.get(partner._origin.id, empty)
            for index, (name, _figure) in enumerate(figures):
                partner[name] = row[index]

    def _dealer_search_figure(self, figure, operator, value):
        """Search a figure of the customers' latest snapshot in the current company."""
        negate = False
        if operator in ("=", "!=") and value is False:
            negate, operator = operator == "=", "!="
        elif operator in ("!=", "not in"):
            negate, operator = True, {"!=": "=", "not in": "in"}[operator]
        query = (
            self.env["dealer.customer.score"]
            .sudo()
            ._search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("latest", "=", True),
                    (figure, operator, value),
                ]
            )
        )
        return [("id", "not in" if negate else "in", query.subselect("partner_id"))]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The evaluation figures in SQL (to group and sort customers by them): the value
        of the customer's latest snapshot in the current company."""
        figure = PARTNER_FIGURES.get(fname)
        if not figure:
            return super()._field_to_sql(alias, fname, query, flush)
        return SQL(
            "(SELECT dealer_s.%s FROM dealer_customer_score dealer_s"
            " WHERE dealer_s.partner_id = %s AND dealer_s.company_id = %s AND dealer_s.latest)",
            SQL.identifier(figure),
            SQL.identifier(alias, "id"),
            self.env.company.id,
        )

    def action_dealer_evaluate(self):
        """Evaluate these customers now, as the nightly job would."""
        self._dealer_check_caller(groups=DEALER_GROUPS, operation="read")
        # in the user's current company (checked against their companies before sudo)
        self.env["dealer.customer.score"].sudo()._evaluate(self.ids, company=self.env.company)
        return True
