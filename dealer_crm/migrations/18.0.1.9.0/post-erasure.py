# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.9 (issue 31): dealer_crm's erasure extends privacy_partner_to_be_forgotten.

Contacts that OCA's module anonymised before dealer_crm depended on it (named
"XY Anonymized", an address at anonymized.oca) are flagged as anonymised, so that
outreach, win-back, merges and a later erasure leave them alone as they leave
dealer_crm's own anonymised customers. Their original name is gone, so a
whole-database scrub could not find their traces any more: nothing else is done.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE res_partner
               SET dealer_anonymized = TRUE
             WHERE email LIKE %s
               AND NOT active
               AND dealer_anonymized IS NOT TRUE
            """,
            "%@anonymized.oca",
        )
    )
    if cr.rowcount:
        _logger.info("dealer_crm: %s contacts anonymised by OCA flagged", cr.rowcount)
