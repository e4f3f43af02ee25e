# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer evaluation without a database: RFM segments and the A/B/C value split.

Recency is the number of days since the customer's last purchase or completed service,
frequency the number of them within the evaluation window, and the value tier comes
from the A/B/C split of the last 12 months' revenue (see :func:`abc_tiers`).
"""

from dataclasses import dataclass


def _lt(message):
    """``message``, marked for translation: Odoo's export of the addon's terms reads the
    ``_()`` and ``_lt()`` calls of every Python file of the addon, this one too."""
    return message


SEGMENTS = [
    ("champion", "Champion"),
    ("loyal", "Loyal"),
    ("promising", "Promising"),
    ("needs_attention", "Needs Attention"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
    ("new", "New"),
]
VALUE_TIERS = [("A", "A"), ("B", "B"), ("C", "C")]
#: "at risk": the segments of customers slipping away who can still be won back (lost
#: ones are past it, and have their own filter). The dashboard's count and the customer
#: filter both read it.
AT_RISK_SEGMENTS = ("needs_attention", "at_risk")


@dataclass(frozen=True)
class Thresholds:
    """The boundaries of the segments, from the settings (days and counts)."""

    new_days: int = 90
    active_days: int = 180
    at_risk_days: int = 365
    lost_days: int = 730
    loyal_frequency: int = 3

    def check(self):
        """Return an error message when the boundaries are out of order, else None.

        The message is in English and marked with :func:`_lt` for ``i18n/dealer_crm.pot``:
        the model says it in the user's language with ``env._(message)``."""
        if min(self.new_days, self.active_days, self.loyal_frequency) < 1:
            return _lt("Every evaluation boundary must be at least 1.")
        if not self.active_days < self.at_risk_days < self.lost_days:
            return _lt(
                "The evaluation boundaries must grow: active within < at risk after < lost after."
            )
        return None


def rfm_segment(recency_days, first_days, frequency, value_tier, t=Thresholds()):
    """The segment of a customer, or False for one who never bought nor came for service.

    ``recency_days``: days since the last purchase or visit; ``first_days``: days since
    the first one; ``frequency``: purchases and visits within the window; ``value_tier``:
    'A', 'B', 'C' or False. Boundaries are inclusive on the better side: a customer seen
    exactly ``active_days`` ago is still active, one seen ``lost_days`` ago is at risk.

    >>> rfm_segment(10, 1000, 5, "A")
    'champion'
    >>> rfm_segment(None, None, 0, False)
    False
    """
    if recency_days is None:
        return False
    if recency_days > t.lost_days:
        return "lost"
    if recency_days > t.at_risk_days:
        return "at_risk"
    if first_days is not None and first_days <= t.new_days:
        return "new"
    if recency_days > t.active_days:
        return "needs_attention"
    if frequency >= t.loyal_frequency:
        return "champion" if value_tier == "A" else "loyal"
    return "promising"


def abc_tiers(amounts, a_share=0.8, b_share=0.95):
    """Split customers by their share of the revenue: {key: 'A' | 'B' | 'C'}.

    ``amounts`` maps a customer to their revenue, all in one currency. Ranked from the
    largest, the customers who make the first ``a_share`` of the total are A, those up to
    ``b_share`` are B, the rest C. A customer is placed by where their revenue starts, so
    the biggest customer is always A. Customers with no revenue get no tier. Ties are
    broken by key, so the split is stable from one run to the next.

    >>> abc_tiers({1: 80, 2: 15, 3: 5})
    {1: 'A', 2: 'B', 3: 'C'}
    """
    ranked = sorted(
        ((amount, key) for key, amount in amounts.items() if amount > 0),
        key=lambda pair: (-pair[0], pair[1]),
    )
    total = sum(amount for amount, _key in ranked)
    tiers, running = {}, 0.0
    for amount, key in ranked:
        share_before = running / total
        tiers[key] = "A" if share_before < a_share else "B" if share_before < b_share else "C"
        running += amount
    return tiers


def churn_risk(owns_vehicle, last_contact_days, churn_days):
    """A customer who owns a vehicle and has not been seen for ``churn_days``.

    ``last_contact_days``: days since the later of the last completed service and the
    start of the current ownership (a new owner is not at risk yet); None means never.
    """
    if not owns_vehicle:
        return False
    return last_contact_days is None or last_contact_days > churn_days
