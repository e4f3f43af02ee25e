# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from collections import defaultdict

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)

#: the chatter note of a redemption until 1.4 ("Loyalty reward X: 40.0 off.")
NOTE_AMOUNT = re.compile(r":\s*([0-9]+(?:\.[0-9]+)?)\s+off\.")


def _redemptions(cr):
    """[(visit id, discount or None)] for each redemption against a service visit.

    The discount is read from what the redemption's own transaction (the same moment as
    its history line) recorded on the visit: the amount's tracking (old less new value),
    else the amount of its chatter note."""
    cr.execute(
        SQL(
            """
            SELECT h.order_id,
                   (SELECT SUM(v.old_value_float - v.new_value_float)
                      FROM mail_message m
                      JOIN mail_tracking_value v ON v.mail_message_id = m.id
                      JOIN ir_model_fields f ON f.id = v.field_id
                     WHERE m.model = 'dealer.service.record' AND m.res_id = h.order_id
                       AND m.create_date = h.create_date
                       AND f.model = 'dealer.service.record' AND f.name = 'amount'
                       AND v.old_value_float > v.new_value_float),
                   ARRAY(SELECT m.body::text
                           FROM mail_message m
                          WHERE m.model = 'dealer.service.record' AND m.res_id = h.order_id
                            AND m.create_date = h.create_date AND m.body IS NOT NULL)
              FROM loyalty_history h
              JOIN dealer_service_record s ON s.id = h.order_id
             WHERE h.dealer_kind = 'redeem' AND h.order_model = 'dealer.service.record'
             ORDER BY h.id
            """
        )
    )
    for visit_id, tracked, bodies in cr.fetchall():
        if tracked:
            yield visit_id, float(tracked)
            continue
        found = [float(m.group(1)) for body in bodies for m in NOTE_AMOUNT.finditer(body or "")]
        yield visit_id, found[0] if len(found) == 1 else None


def migrate(cr, version):
    """1.5: a reward redeemed on a service visit is its own figure, the Loyalty Discount,
    beside the visit's amount; until 1.4 it was taken off the amount.

    The amount gets each redemption's discount back, and the net amount is the amount as
    it stood: every figure (revenue, lifetime spend, points) reads the same number. A
    visit with a redemption whose discount cannot be found keeps its amount as it stood,
    with no loyalty discount (its net is the same), and is logged.
    """
    if not version or not column_exists(cr, "dealer_service_record", "amount"):
        return
    for column in ("dealer_loyalty_discount", "dealer_amount_net"):
        if not column_exists(cr, "dealer_service_record", column):
            create_column(cr, "dealer_service_record", column, "numeric")
    cr.execute(
        SQL(
            """
            UPDATE dealer_service_record
               SET dealer_loyalty_discount = COALESCE(dealer_loyalty_discount, 0),
                   dealer_amount_net = amount - COALESCE(dealer_loyalty_discount, 0)
            """
        )
    )
    discounts = defaultdict(float)
    unknown = set()
    for visit_id, discount in _redemptions(cr):
        if discount is None:
            unknown.add(visit_id)
        else:
            discounts[visit_id] += discount
    for visit_id in sorted(set(discounts) - unknown):
        cr.execute(
            SQL(
                """
                UPDATE dealer_service_record
                   SET dealer_loyalty_discount = %(discount)s,
                       amount = amount + %(discount)s
                 WHERE id = %(id)s AND dealer_loyalty_discount = 0
                """,
                discount=discounts[visit_id],
                id=visit_id,
            )
        )
    _logger.info(
        "dealer_crm 1.5: loyalty discount restored beside the amount of %s service visits",
        len(set(discounts) - unknown),
    )
    if unknown:
        _logger.warning(
            "dealer_crm 1.5: a loyalty discount of service visits %s is found neither in "
            "their tracking nor in their notes: their amount stays net of it, with no "
            "loyalty discount recorded",
            sorted(unknown),
        )
