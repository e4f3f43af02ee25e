# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, auto_commit=False, raise_exception=False, smtp_session=None, **kwargs):
        """The last gate of a mailing: when the mail queue sends a batch, a mailing's mail
        to a customer the consent gate now refuses (consent withdrawn, unsubscribed,
        archived... since the mail was queued) is cancelled as an opt-out, not sent."""
        refused = self._dealer_refused_mailing_mails()
        if refused:
            refused.write({"state": "cancel", "failure_type": "mail_optout"})
            refused.mailing_trace_ids.write(
                {"trace_status": "cancel", "failure_type": "mail_optout"}
            )
        return super(MailMail, self - refused)._send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            smtp_session=smtp_session,
            **kwargs,
        )

    def _dealer_refused_mailing_mails(self):
        """The outgoing mails of ``self`` sent by a mailing to a recipient the consent
        gate refuses now: one query per mailing of the batch."""
        by_mailing = defaultdict(lambda: self.browse())
        for mail in self.sudo().filtered(
            lambda m: m.mailing_id and m.state == "outgoing" and m.res_id
        ):
            by_mailing[mail.mailing_id] |= mail
        refused = self.browse()
        for mailing, mails in by_mailing.items():
            mails = mails.filtered(lambda m, model=mailing.mailing_model_real: m.model == model)
            allowed = mailing._dealer_allowed_res_ids(mails.mapped("res_id"))
            refused |= mails.filtered(lambda m, ok=allowed: m.res_id not in ok)
        return self.browse(refused.ids)
