# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL

from odoo.addons.dealer_crm.hooks import create_partner_columns


def migrate(cr, version):
    """1.1: the loyalty tier is stored on the customer; 'private' customers are now
    'regular' (the type a private customer who comes back has)."""
    if not version:
        return
    create_partner_columns(cr)
    cr.execute(
        SQL(
            "UPDATE res_partner SET dealer_customer_type = 'regular' "
            "WHERE dealer_customer_type = 'private'"
        )
    )
