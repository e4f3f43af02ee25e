# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dealer_retention_years = fields.Integer(
        string="Anonymise Customers Inactive For (Years)",
        config_parameter="dealer_crm.retention_years",
        help="Used by the scheduled action 'Dealer CRM: personal data retention', which "
        "is off by default. 0 keeps customers for ever.",
    )

    dealer_service_due_window_days = fields.Integer(
        string="Due Soon Window (Days)",
        config_parameter="dealer_crm.service_due_window_days",
        default=30,
    )
    dealer_reminder_recent_days = fields.Integer(
        string="Do Not Remind Again Within (Days)",
        config_parameter="dealer_crm.reminder_recent_days",
        default=60,
    )
