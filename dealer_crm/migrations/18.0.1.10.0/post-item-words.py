# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""1.10 (issue 32): the customer's messages name a watch by its serial number.

The service-delay and day-before booking templates printed the plate (or VIN) in
brackets, empty for an item without one (a watch). They are ``noupdate`` data, so an
upgrade does not reload them: a template still worded as shipped prints the bracket only
when there is a plate, a VIN or a serial number; one the dealer has reworded is left as
it is. A vehicle's message reads as before.
"""

from odoo.tools import SQL

DELAY = "object.vehicle_id.license_plate or object.vehicle_id.vin"
DELAY_ITEM = DELAY + " or object.vehicle_id.serial_number"
BOOKING = "object.dealer_vehicle_id.license_plate"
BOOKING_ITEM = BOOKING + " or object.dealer_vehicle_id.serial_number"

#: the words shipped until 1.9 -> what replaces them (in every language stored)
DELAY_MAIL_OLD = f"(<t t-out=\"{DELAY} or ''\">plate</t>)"
DELAY_MAIL_NEW = f'<t t-if="{DELAY_ITEM}">(<t t-out="{DELAY_ITEM}">plate</t>)</t>'
DELAY_SMS_OLD = f" ({{{{ {DELAY} }}}})"
DELAY_SMS_NEW = f"{{{{ ({DELAY_ITEM}) and (' (' + ({DELAY_ITEM}) + ')') or '' }}}}"
BOOKING_MAIL_OLD = f"(<t t-out=\"{BOOKING} or ''\">plate</t>)"
BOOKING_MAIL_NEW = f'<t t-if="{BOOKING_ITEM}">(<t t-out="{BOOKING_ITEM}">plate</t>)</t>'
BOOKING_SMS_OLD = f" ({{{{ {BOOKING} or '' }}}})"
BOOKING_SMS_NEW = f"{{{{ ({BOOKING_ITEM}) and (' (' + ({BOOKING_ITEM}) + ')') or '' }}}}"

TEMPLATES = (
    ("mail_template", "body_html", "mail_template_service_delay", DELAY_MAIL_OLD, DELAY_MAIL_NEW),
    ("sms_template", "body", "sms_template_service_delay", DELAY_SMS_OLD, DELAY_SMS_NEW),
    (
        "mail_template",
        "body_html",
        "mail_template_booking_day_before",
        BOOKING_MAIL_OLD,
        BOOKING_MAIL_NEW,
    ),
    ("sms_template", "body", "sms_template_booking_day_before", BOOKING_SMS_OLD, BOOKING_SMS_NEW),
)


def name_items_by_serial(cr):
    """Print the item's bracket only when it has a plate, a VIN or a serial number, in
    the templates still worded as shipped."""
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
                   AND strpos(t.%(column)s::text, %(old_json)s) > 0
                   AND strpos(t.%(column)s::text, 'serial_number') = 0
                """,
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                old=old,
                new=new,
                xmlid=xmlid,
                model=table.replace("_", "."),
                # the jsonb text escapes the double quotes
                old_json=old.replace('"', '\\"'),
            )
        )


def migrate(cr, version):
    if version:
        name_items_by_serial(cr)
