# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """1.2: the evaluation figures say when they were measured (Evaluated On). A customer
    evaluated before gets the day their latest monthly snapshot was last written: a day
    the figures are known to have been measured (the nightly job dates them afresh)."""
    # 1.4 shows the figures of the current company's latest snapshot (the column is gone)
    if not version or not column_exists(cr, "res_partner", "dealer_evaluated_on"):
        return
    cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET dealer_evaluated_on = s.written
              FROM (SELECT DISTINCT ON (partner_id) partner_id, write_date::date AS written
                      FROM dealer_customer_score
                     ORDER BY partner_id, month DESC) s
             WHERE s.partner_id = p.id AND p.dealer_evaluated_on IS NULL
            """
        )
    )
