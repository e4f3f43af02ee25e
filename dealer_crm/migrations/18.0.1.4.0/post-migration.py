# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL


def migrate(cr, version):
    """1.4: the customer shows the latest snapshot of the current company: mark it, with
    the day it was measured (its last write, the best date known)."""
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE dealer_customer_score s
               SET latest = (s.month = m.month),
                   evaluated_on = COALESCE(s.evaluated_on, s.write_date::date)
              FROM (SELECT partner_id, company_id, MAX(month) AS month
                      FROM dealer_customer_score GROUP BY partner_id, company_id) m
             WHERE m.partner_id = s.partner_id AND m.company_id = s.company_id
            """
        )
    )
