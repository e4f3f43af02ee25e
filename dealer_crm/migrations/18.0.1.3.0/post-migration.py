# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """1.3: customers who have bought can be erased (the accounting audit trail is kept
    without their personal data). The retention job skipped those it failed on for that
    reason; clear their flag so that its next run erases them."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dealer.personal.data"]._retry_failed_erasures("%audit trail%")
