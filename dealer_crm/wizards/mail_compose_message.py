# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _process_mail_values_state(self, mail_values_dict):
        """Each batch of a mailing's mails passes the consent gate again, whoever asked
        for which recipients (``action_send_mail`` takes ids from its caller): a refused
        customer's mail is cancelled as an opt-out, so it is never sent and its trace
        says why."""
        mail_values_dict = super()._process_mail_values_state(mail_values_dict)
        mailing = self.mass_mailing_id
        if self.composition_mode != "mass_mail" or not mailing:
            return mail_values_dict
        allowed = mailing.sudo()._dealer_allowed_res_ids(list(mail_values_dict))
        for res_id, mail_values in mail_values_dict.items():
            if res_id not in allowed and mail_values.get("state") != "cancel":
                mail_values["state"] = "cancel"
                mail_values["failure_type"] = "mail_optout"
                mail_values["is_notification"] = False
        return mail_values_dict
