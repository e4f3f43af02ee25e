# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class EventEvent(models.Model):
    """Owner clubs, exhibitions and clinics that promote the service, on Odoo's events."""

    _inherit = "event.event"

    dealer_promotion = fields.Selection(
        [("fan_club", "Owner club / fan club"), ("exhibition", "Exhibition"), ("clinic", "Clinic")],
        string="Promotion",
        index="btree_not_null",
    )
    dealer_cost = fields.Monetary(
        string="Cost", currency_field="dealer_currency_id", help="Counted in the service budget."
    )
    dealer_currency_id = fields.Many2one(related="company_id.currency_id", string="Cost Currency")

    def _dealer_invite(self, partners):
        """Invite ``partners``: only those who consented to marketing by email get the
        invitation and a registration marked invited; the others get a note."""
        self.ensure_one()
        if not isinstance(partners, models.BaseModel):  # ids, from data files
            partners = self.env["res.partner"].browse(partners)
        allowed, _refused = self.env["dealer.consent"]._gate(
            partners, "marketing", "email", company=self.company_id or self.env.company
        )
        already = self.registration_ids.partner_id
        new = allowed - already
        registrations = self.env["event.registration"].create(
            [
                {
                    "event_id": self.id,
                    "partner_id": partner.id,
                    "state": "draft",
                }
                for partner in new
            ]
        )
        # the caller created them: they are marked as invited by this invitation only
        registrations.sudo().write({"dealer_invited": True})
        template = self.env.ref("dealer_crm.mail_template_dealer_event_invitation")
        for registration in registrations:
            template.send_mail(registration.id)
        if registrations:
            self.message_post(
                body=_("Invitation sent to %s customers.", len(registrations)),
                subtype_xmlid="mail.mt_note",
            )
        return registrations
