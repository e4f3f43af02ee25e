# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.8 (issue 30): an SMS goes out in its recipient's language.

The SMS templates are ``noupdate`` data, so an upgrade does not reload them: each gets
the recipient's language as shipped, unless the dealer has set a language of their own.
"""

from odoo.tools import SQL

#: the template -> its language, as data/sms_template_data.xml ships it
LANGS = {
    "sms_template_service_reminder": "{{ object.owner_id.lang }}",
    "sms_template_recall_notice": "{{ object.partner_id.lang }}",
    "sms_template_service_delay": "{{ object.partner_id.lang }}",
    "sms_template_booking_day_before": "{{ object.partner_id.lang }}",
}


def set_recipient_langs(cr):
    """Give the SMS templates without a language their recipient's."""
    for xmlid, lang in LANGS.items():
        cr.execute(
            SQL(
                """
                UPDATE sms_template t
                   SET lang = %(lang)s
                  FROM ir_model_data d
                 WHERE d.module = 'dealer_crm' AND d.name = %(xmlid)s
                   AND d.model = 'sms.template' AND d.res_id = t.id
                   AND COALESCE(t.lang, '') = ''
                """,
                lang=lang,
                xmlid=xmlid,
            )
        )


def migrate(cr, version):
    if version:
        set_recipient_langs(cr)
