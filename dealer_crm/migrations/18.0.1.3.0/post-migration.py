# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL


def migrate(cr, version):
    """1.3: customers who have bought can be erased (the accounting audit trail is kept
    without their personal data). The retention job skipped those it failed on for that
    reason; clear their flag so that its next run erases them."""
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET dealer_erasure_failed = FALSE
             WHERE p.dealer_erasure_failed
               AND EXISTS (SELECT 1 FROM dealer_erasure_log l
                            WHERE l.partner_id = p.id AND l.state = 'failed'
                              AND l.error ILIKE %s)
            """,
            "%audit trail%",
        )
    )
