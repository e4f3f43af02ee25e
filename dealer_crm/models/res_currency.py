# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL


class ResCurrency(models.Model):
    """Money in the company currency at the document's date: the one definition.

    Every amount dealer_crm shows or reports (customer form, evaluation, 360, dashboard,
    trend report, service analysis, exports) is a document's amount converted to the
    company currency with the rate of the document's own date, by
    :meth:`_dealer_company_amount_sql`, set-based in SQL: a row already in the company
    currency is taken as it is, any other is converted with Odoo's own rate for its
    date (:meth:`res.currency._get_rates`: the latest rate on or before the day, of the
    company's root or shared, 1.0 when there is none).
    """

    _inherit = "res.currency"

    @api.model
    def _dealer_company_amount_sql(self, amount, currency, day, company=None):
        """SQL expression: ``amount`` in ``currency`` on ``day`` (SQL expressions of a
        row), in the currency of ``company``.

        ``company``: a res.company record (default: the current company), or an SQL
        expression giving each row's company id (for reports of several companies).
        """
        company = self.env.company if company is None else company
        if isinstance(company, SQL):
            target = SQL(
                "(SELECT dealer_co.currency_id FROM res_company dealer_co WHERE dealer_co.id = %s)",
                company,
            )
            root = SQL(
                "(SELECT split_part(dealer_co.parent_path, '/', 1)::int FROM res_company dealer_co"
                " WHERE dealer_co.id = %s)",
                company,
            )
        else:
            target, root = company.currency_id.id, company.root_id.id

        def rate(currency_id):
            return SQL(
                """COALESCE((SELECT dealer_rate.rate FROM res_currency_rate dealer_rate
                              WHERE dealer_rate.currency_id = %(cur)s
                                AND dealer_rate.name <= %(day)s
                                AND (dealer_rate.company_id IS NULL
                                     OR dealer_rate.company_id = %(root)s)
                           ORDER BY dealer_rate.company_id, dealer_rate.name DESC
                              LIMIT 1), 1.0)""",
                cur=currency_id,
                day=day,
                root=root,
            )

        return SQL(
            "(CASE WHEN %(cur)s IS NULL OR %(cur)s = %(target)s THEN %(amount)s"
            " ELSE %(amount)s * %(to)s / NULLIF(%(from)s, 0) END)",
            cur=currency,
            target=target,
            amount=amount,
            to=rate(target),
            **{"from": rate(currency)},
        )

    @api.model
    def _dealer_company_sums(self, model, domain, amount, date, groupby=None):
        """Sum of the ``amount`` column of the ``model`` records matching ``domain``
        (the user's record rules apply), each converted to the current company's
        currency at its own ``date`` (a date or datetime column).

        Returns ``{groupby value: sum}``, or the sum (0.0 when none) without ``groupby``.
        """
        Model = self.env[model]
        Model.flush_model([f for f in (amount, date, "currency_id", groupby) if f])
        self.env["res.currency.rate"].flush_model(["rate", "currency_id", "company_id", "name"])
        query = Model._search(domain)

        def column(name):
            return SQL.identifier(query.table, name)

        converted = self._dealer_company_amount_sql(
            column(amount), column("currency_id"), SQL("%s::date", column(date))
        )
        self.env.cr.execute(
            SQL(
                "SELECT t.k, SUM(t.a)::float8 FROM (%s) t GROUP BY t.k",
                query.select(
                    SQL("%s AS k", column(groupby) if groupby else SQL("NULL")),
                    SQL("%s AS a", converted),
                ),
            )
        )
        sums = dict(self.env.cr.fetchall())
        return sums if groupby else sums.get(None) or 0.0
