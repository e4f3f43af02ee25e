# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """1.4: an evaluation snapshot is of one company. A snapshot without a company takes
    its customer's; a shared customer's mixed the figures of every company, so it is
    dropped (the nightly job measures the customer again in each company), unless the
    database has only one company."""
    if not version or not column_exists(cr, "dealer_customer_score", "company_id"):
        return
    cr.execute(
        SQL(
            """
            UPDATE dealer_customer_score s
               SET company_id = COALESCE(
                       p.company_id,
                       (SELECT MIN(id) FROM res_company HAVING COUNT(*) = 1))
              FROM res_partner p
             WHERE p.id = s.partner_id AND s.company_id IS NULL
            """
        )
    )
    cr.execute(SQL("DELETE FROM dealer_customer_score WHERE company_id IS NULL"))
