# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import table_exists


def migrate(cr, version):
    """1.1: needs were a plain many2many; each becomes a dated need line, dated the day
    the customer record was last written (the best date known), by its last author."""
    if not version or not table_exists(cr, "dealer_need_tag_res_partner_rel"):
        return
    cr.execute(
        SQL(
            """
            INSERT INTO dealer_customer_need
                   (partner_id, tag_id, date, user_id, active, company_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT r.res_partner_id, r.dealer_need_tag_id, p.write_date::date,
                   COALESCE(p.write_uid, 1), TRUE,
                   COALESCE(p.company_id, (SELECT MIN(id) FROM res_company)),
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM dealer_need_tag_res_partner_rel r
              JOIN res_partner p ON p.id = r.res_partner_id
            """
        )
    )
