# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = (
        "contact_name",
        "partner_name",
        "email_from",
        "email_cc",
        "phone",
        "mobile",
        "street",
        "street2",
        "zip",
        "city",
        "website",
        "description",
    )
