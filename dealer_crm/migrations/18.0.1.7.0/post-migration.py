# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.7 (issue 29): the service reminder and the recall notice carry the link to book.

The reminder's mail and SMS templates are ``noupdate`` data, so an upgrade does not
reload them. A template still worded as shipped gets the booking link; one the dealer
has reworded is left as it is (the README says how to add the link by hand).
"""

from odoo.tools import SQL

#: the sentence shipped until 1.6 -> what replaces it (in every language it is stored in)
MAIL_OLD = "<p>Reply to this message or call us to book a time that suits you.</p>"
MAIL_NEW = (
    "<p t-if=\"ctx.get('dealer_booking_url')\">Pick a time that suits you, in the "
    "workshop's free slots:</p>"
    "<p t-if=\"ctx.get('dealer_booking_url')\"><a t-att-href=\"ctx.get('dealer_booking_url')\" "
    'style="background-color: #875A7B; padding: 8px 16px; color: #fff; border-radius: 5px; '
    'text-decoration: none;">Book your service</a></p>'
    '<p t-else="">Reply to this message or call us to book a time that suits you.</p>'
)
SMS_OLD = "Call us to book."
SMS_NEW = (
    "{{ ctx.get('dealer_booking_url') and ('Book online: ' + ctx.get('dealer_booking_url')) "
    "or 'Call us to book.' }}"
)
RECALL_MAIL_OLD = (
    "<p>The work is free of charge. Reply to this message or call us to book a time that "
    "suits you.</p>"
)
RECALL_MAIL_NEW = (
    "<p t-if=\"ctx.get('dealer_booking_url')\">The work is free of charge. Pick a time that "
    "suits you, in the workshop's free slots:</p>"
    "<p t-if=\"ctx.get('dealer_booking_url')\"><a t-att-href=\"ctx.get('dealer_booking_url')\" "
    'style="background-color: #875A7B; padding: 8px 16px; color: #fff; border-radius: 5px; '
    'text-decoration: none;">Book the recall work</a></p>'
    '<p t-else="">The work is free of charge. Reply to this message or call us to book a '
    "time that suits you.</p>"
)
RECALL_SMS_OLD = "The work is free; call us to book."
RECALL_SMS_NEW = (
    "The work is free; {{ ctx.get('dealer_booking_url') and ('book online: ' + "
    "ctx.get('dealer_booking_url')) or 'call us to book.' }}"
)
TEMPLATES = (
    ("mail_template", "body_html", "mail_template_service_reminder", MAIL_OLD, MAIL_NEW),
    ("sms_template", "body", "sms_template_service_reminder", SMS_OLD, SMS_NEW),
    ("mail_template", "body_html", "mail_template_recall_notice", RECALL_MAIL_OLD, RECALL_MAIL_NEW),
    ("sms_template", "body", "sms_template_recall_notice", RECALL_SMS_OLD, RECALL_SMS_NEW),
)


def add_booking_links(cr):
    """Put the booking link in the reminder templates still worded as shipped."""
    for table, column, xmlid, old, new in TEMPLATES:
        cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET %(column)s = (
                       SELECT jsonb_object_agg(lang, replace(text, %(old)s, %(new)s))
                         FROM jsonb_each_text(t.%(column)s) AS body(lang, text))
                  FROM ir_model_data d
                 WHERE d.module = 'dealer_crm' AND d.name = %(xmlid)s
                   AND d.model = %(model)s AND d.res_id = t.id
                   AND t.%(column)s::text LIKE %(like)s
                   AND t.%(column)s::text NOT LIKE %(marker)s
                """,
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                old=old,
                new=new,
                xmlid=xmlid,
                model=table.replace("_", "."),
                like=f"%{old[:-1]}%",
                marker="%dealer_booking_url%",
            )
        )


def migrate(cr, version):
    if version:
        add_booking_links(cr)
