# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..tools.rfm import SEGMENTS, VALUE_TIERS
from .dealer_analysis_mixin import selection_of


class DealerCustomerReport(models.Model):
    """The customer base by type, segment, value and loyalty tier, and region."""

    _name = "dealer.customer.report"
    _inherit = "dealer.analysis.mixin"
    _description = "Customer Base Analysis"
    _auto = False
    _order = "id"
    _depends = {
        "res.partner": [
            "dealer_customer_type",
            "dealer_tier_id",
            "country_id",
            "state_id",
            "city",
            "company_id",
            "active",
            "customer_rank",
            "dealer_anonymized",
            "type",
            "create_date",
        ],
        "sale.order": ["partner_id", "state"],
        "dealer.service.record": ["partner_id", "state"],
        "dealer.vehicle.ownership": ["partner_id"],
        "helpdesk.ticket": ["partner_id"],
        "dealer.customer.score": [
            "partner_id",
            "company_id",
            "latest",
            "segment",
            "value_tier",
            "churn_risk",
            "lifetime_spend",
            "revenue_12m",
            "satisfaction_avg",
            "currency_id",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    create_date = fields.Datetime(string="Customer Since", readonly=True)
    customer_type = fields.Selection(
        selection=selection_of("res.partner", "dealer_customer_type"),
        readonly=True,
    )
    segment = fields.Selection(SEGMENTS, readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    tier_id = fields.Many2one("dealer.loyalty.tier", string="Loyalty Tier", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    city = fields.Char(readonly=True)
    churn_risk = fields.Boolean(readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    lifetime_spend = fields.Monetary(readonly=True)
    revenue_12m = fields.Monetary(string="Revenue, 12 Months", readonly=True)
    satisfaction = fields.Float(readonly=True, aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        # One row per customer and company that evaluated them, with that company's
        # figures only (a customer shared between companies is counted in each apart);
        # a customer no company evaluated yet has one row, without figures.
        return SQL(
            """
            SELECT COALESCE(s.id * 2, p.id * 2 + 1) AS id, p.id AS partner_id, p.create_date,
                   p.dealer_customer_type AS customer_type,
                   s.segment, s.value_tier,
                   p.dealer_tier_id AS tier_id, p.country_id, p.state_id, p.city,
                   COALESCE(s.churn_risk, FALSE) AS churn_risk, 1 AS customer_count,
                   s.currency_id, s.lifetime_spend, s.revenue_12m,
                   s.satisfaction_avg AS satisfaction,
                   COALESCE(s.company_id, p.company_id) AS company_id
              FROM res_partner p
              LEFT JOIN dealer_customer_score s
                     ON s.partner_id = p.id AND s.latest
                    AND (p.company_id IS NULL OR s.company_id = p.company_id)
             WHERE p.active AND %(customer)s
            """,
            # the one definition of a customer (res.partner._dealer_customer_domain)
            customer=self.env["res.partner"]._dealer_customer_sql("p"),
        )
