# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from collections import defaultdict

from odoo.tools import SQL, float_round
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


def _restore_tier_discounts(cr):
    """Until 1.4 completing a visit for a tier member rewrote its amount: the amount at
    that moment (kept in dealer_amount_before_discount) less the tier's percentage, in
    the currency's rounding. That discount is recomputed from the row's own figures, put
    back on the amount and recorded as the Tier Discount beside it (a reward redeemed
    later came off the rewritten amount: it is given back by the loyalty step). Once per
    visit: a visit with a tier discount amount is left alone."""
    cr.execute(
        SQL(
            """
            SELECT s.id, s.dealer_amount_before_discount, s.dealer_tier_discount, c.rounding
              FROM dealer_service_record s
              JOIN res_currency c ON c.id = s.currency_id
             WHERE s.dealer_tier_discount > 0 AND s.dealer_amount_before_discount IS NOT NULL
               AND COALESCE(s.dealer_tier_discount_amount, 0) = 0
             ORDER BY s.id
            """
        )
    )
    rows = cr.fetchall()
    for visit_id, before, percent, rounding in rows:
        before = float(before)
        discounted = float_round(before * (1 - percent / 100), precision_rounding=rounding)
        cr.execute(
            SQL(
                """
                UPDATE dealer_service_record
                   SET dealer_tier_discount_amount = %(off)s, amount = amount + %(off)s
                 WHERE id = %(id)s
                """,
                off=float_round(before - discounted, precision_rounding=rounding),
                id=visit_id,
            )
        )
    _logger.info(
        "dealer_crm 1.5: tier discount restored beside the amount of %s service visits", len(rows)
    )


def migrate(cr, version):
    """1.5: a reward redeemed on a service visit is its own figure, the Loyalty Discount,
    beside the visit's amount; until 1.4 it was taken off the amount. So is the tier's
    service discount applied when a visit is completed: the Tier Discount.

    The amount gets each redemption's discount and its tier discount back, and the net
    amount is the amount as it stood: every figure (revenue, lifetime spend, points)
    reads the same number. A visit with a redemption whose discount cannot be found keeps
    its amount as it stood, with no loyalty discount (its net is the same), and is logged.
    """
    if not version or not column_exists(cr, "dealer_service_record", "amount"):
        return
    for column in ("dealer_loyalty_discount", "dealer_tier_discount_amount", "dealer_amount_net"):
        if not column_exists(cr, "dealer_service_record", column):
            create_column(cr, "dealer_service_record", column, "numeric")
    cr.execute(
        SQL(
            """
            UPDATE dealer_service_record
               SET dealer_loyalty_discount = COALESCE(dealer_loyalty_discount, 0),
                   dealer_tier_discount_amount = COALESCE(dealer_tier_discount_amount, 0),
                   dealer_amount_net = amount - COALESCE(dealer_loyalty_discount, 0)
                                      - COALESCE(dealer_tier_discount_amount, 0)
            """
        )
    )
    if column_exists(cr, "dealer_service_record", "dealer_tier_discount") and column_exists(
        cr, "dealer_service_record", "dealer_amount_before_discount"
    ):
        _restore_tier_discounts(cr)
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
