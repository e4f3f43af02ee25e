# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's revenue: the one definition, and the history figures the form shows.

Revenue is a company's confirmed sales and completed service visits, untaxed, each
converted to the company currency at its own date
(``res.currency._dealer_company_amount_sql``). :meth:`_dealer_revenue_sql` gives those
rows; the customer form's Lifetime Sales and Service Spend (live), the evaluation's
revenue and lifetime spend (nightly, shown on the 360 and in the analysis) all sum them.
"""

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.access import DEALER_GROUPS


class DealerPartnerRevenueMixin(models.AbstractModel):
    _name = "dealer.partner.revenue.mixin"
    _description = "Dealer Customer Revenue and History"

    dealer_service_count = fields.Integer(
        string="Service Visits Count",
        compute="_compute_dealer_history",
        groups=DEALER_GROUPS,
    )
    dealer_sales_spend = fields.Monetary(
        string="Lifetime Sales",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
        groups=DEALER_GROUPS,
        help="Confirmed orders of this company, untaxed, in the company currency at each "
        "order's date.",
    )
    dealer_service_spend = fields.Monetary(
        string="Lifetime Service Spend",
        compute="_compute_dealer_history",
        currency_field="dealer_currency_id",
        groups=DEALER_GROUPS,
        help="Completed visits of this company, in the company currency at each visit's date.",
    )
    dealer_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_dealer_history",
        string="History Currency",
        groups=DEALER_GROUPS,
    )

    @api.model
    def _dealer_local_day_sql(self, column):
        """SQL of the day of the UTC datetime ``column`` in the time zone that takes today
        (the context's, else the user's, else UTC), as ``fields.Date.context_today``: a
        sale at 07:00 in Hong Kong on the 1st is of the 1st, not of the 31st before."""
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        if tz not in pytz.all_timezones_set:
            tz = "UTC"
        return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, tz)

    @api.model
    def _dealer_revenue_sql(self, company, partner_ids=None):
        """SQL rows ``(partner_id, day, amount, service)`` of ``company``'s revenue: its
        confirmed sales and completed visits (of ``partner_ids`` if given), untaxed, in
        its currency at each document's date. ``service`` is true for a visit. A visit's
        approved estimate (a confirmed quotation) is the visit's price, counted once,
        with the visit (issue 32)."""
        Currency = self.env["res.currency"]
        so_day = self._dealer_local_day_sql(SQL("so.date_order"))

        def only(table):
            if partner_ids is None:
                return SQL()
            return SQL("AND %s = ANY(%s)", SQL.identifier(table, "partner_id"), list(partner_ids))

        return SQL(
            """
            SELECT so.partner_id, %(so_day)s AS day, %(so_amount)s AS amount,
                   FALSE AS service
              FROM sale_order so
             WHERE so.state = 'sale' AND so.company_id = %(co)s %(so)s
               AND so.dealer_estimate_visit_id IS NULL
            UNION ALL
            SELECT sr.partner_id, sr.date AS day, %(sr_amount)s AS amount, TRUE AS service
              FROM dealer_service_record sr
             WHERE sr.state = 'done' AND sr.company_id = %(co)s %(sr)s
            """,
            so_amount=Currency._dealer_company_amount_sql(
                SQL("so.amount_untaxed"), SQL("so.currency_id"), so_day, company
            ),
            so_day=so_day,
            sr_amount=Currency._dealer_company_amount_sql(
                SQL("sr.dealer_amount_net"), SQL("sr.currency_id"), SQL("sr.date"), company
            ),
            co=company.id,
            so=only("so"),
            sr=only("sr"),
        )

    @api.model
    def _dealer_revenue(self, partner_ids, company):
        """{partner id: (sales, service)} revenue of ``company`` (the one definition)."""
        for model in ("sale.order", "dealer.service.record", "res.currency.rate"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, COALESCE(SUM(amount) FILTER (WHERE NOT service), 0)::float8,"
                " COALESCE(SUM(amount) FILTER (WHERE service), 0)::float8"
                " FROM (%s) r GROUP BY partner_id",
                self._dealer_revenue_sql(company, partner_ids),
            )
        )
        return {pid: (sales, service) for pid, sales, service in self.env.cr.fetchall()}

    @api.depends_context("company")
    def _compute_dealer_history(self):
        """Visits counted, and lifetime revenue of the current company (one definition:
        :meth:`_dealer_revenue_sql`), over the whole set in two queries."""
        company = self.env.company
        revenue = self._dealer_revenue(self._origin.ids, company)
        visits = dict(
            self.env["dealer.service.record"]._read_group(
                [("partner_id", "in", self._origin.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            sales, service = revenue.get(partner._origin.id, (0.0, 0.0))
            partner.dealer_service_count = visits.get(partner._origin, 0)
            partner.dealer_sales_spend = company.currency_id.round(sales)
            partner.dealer_service_spend = company.currency_id.round(service)
            partner.dealer_currency_id = company.currency_id
