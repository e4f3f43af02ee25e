# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EventRegistration(models.Model):
    _inherit = "event.registration"
    _dealer_partner_fields = ("partner_id",)
    _dealer_personal_fields = ("name", "email", "phone")

    # the customer timeline and the contact's event count read a customer's registrations
    partner_id = fields.Many2one(index="btree_not_null")
    dealer_invited = fields.Boolean(string="Invited by Us", readonly=True, copy=False)
    #: recorded by the invitation (the event's Invite)
    _dealer_protected_fields = frozenset({"dealer_invited"})
