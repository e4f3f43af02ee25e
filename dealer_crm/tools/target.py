"""The one "target met" rule: how a figure stands against its target. Plain functions, no Odoo.

The trend report's lines, the service plan's KPIs and the manager dashboard all decide
through :func:`status`; none of them compares a figure with its target itself.
"""

#: how a figure stands against its target: a figure with no data is neither met nor missed
STATUSES = [("met", "Met"), ("missed", "Missed"), ("no_data", "No data")]
#: which way a figure is better: ``higher`` (sales, satisfaction) or ``lower`` (complaints)
DIRECTIONS = ("higher", "lower")
#: figures and targets are recorded to this many decimals, and compared at it
PRECISION = 2


def status(value, target, direction):
    """``"met"``, ``"missed"`` or ``"no_data"``.

    ``value`` None or False means nothing was measured: "no_data", never met (a real 0 is
    a value). Exactly on target is met. ``direction`` is ``"higher"`` when a higher figure
    is better (met when value >= target) and ``"lower"`` when a lower one is (met when
    value <= target). Value and target are compared at :data:`PRECISION` decimals, the
    precision they are recorded with, so float noise never turns "on target" into missed.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if value is None or value is False:
        return "no_data"
    difference = round(
        round(float(value), PRECISION) - round(float(target or 0.0), PRECISION), PRECISION
    )
    met = difference >= 0 if direction == "higher" else difference <= 0
    return "met" if met else "missed"


def sign(direction):
    """The comparison a target is shown with: "≥" when higher is better, "≤" when lower."""
    return "≥" if direction == "higher" else "≤"
