# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """1.5: the service reminder job moved from the vehicle to its own model
    (``dealer.service.reminder``); its cron is a ``noupdate`` record, so point it there."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("dealer_crm.ir_cron_dealer_service_reminders", raise_if_not_found=False)
    if cron and cron.model_id.model == "dealer.vehicle":
        cron.model_id = env["ir.model"]._get("dealer.service.reminder")
