# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An unsubscribe from a mailing's link is a marketing consent withdrawn.

Odoo opts the address out (of the lists, or onto the blacklist); here the customers with
that address also get their marketing consent by email to the sending company recorded
as withdrawn (date, source "Unsubscribe link", the mailing), so the consent gate refuses
them for every outreach, not only for mailings. Only once Odoo has checked the link's
token: a forged link changes nothing.
"""

from odoo import http

from odoo.addons.mass_mailing.controllers.main import MassMailController


class DealerMassMailController(MassMailController):
    @http.route()
    def mailing_unsubscribe(self, mailing_id, document_id=None, email=None, hash_token=None):
        response = super().mailing_unsubscribe(
            mailing_id, document_id=document_id, email=email, hash_token=hash_token
        )
        self._dealer_record_unsubscribe(mailing_id, document_id, email, hash_token)
        return response

    @http.route()
    def mail_blocklist_add(self, mailing_id=None, document_id=None, email=None, hash_token=None):
        result = super().mail_blocklist_add(
            mailing_id=mailing_id, document_id=document_id, email=email, hash_token=hash_token
        )
        if result is True and mailing_id:
            self._dealer_record_unsubscribe(mailing_id, document_id, email, hash_token)
        return result

    def _dealer_record_unsubscribe(self, mailing_id, document_id, email, hash_token):
        email_found, hash_token_found = self._fetch_user_information(email, hash_token)
        mailing_sudo = self._check_mailing_email_token(
            mailing_id, document_id, email_found, hash_token_found, required_mailing_id=True
        )
        mailing_sudo._dealer_record_unsubscribe(email_found, document_id)
