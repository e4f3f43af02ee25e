"""RFM segments, the A/B/C value split and the churn flag, without Odoo."""

import doctest
import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "dealer_rfm", Path(__file__).resolve().parent.parent / "dealer_crm/tools/rfm.py"
)
rfm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rfm)

T = rfm.Thresholds(new_days=90, active_days=180, at_risk_days=365, lost_days=730, loyal_frequency=3)


@pytest.mark.parametrize(
    ("recency", "first", "frequency", "tier", "segment"),
    [
        (None, None, 0, False, False),  # never bought nor came for service
        (731, 2000, 9, "A", "lost"),  # one day past lost
        (730, 2000, 9, "A", "at_risk"),  # lost boundary is inclusive on the better side
        (366, 2000, 9, "A", "at_risk"),
        (365, 2000, 9, "A", "needs_attention"),  # at-risk boundary
        (181, 2000, 9, "A", "needs_attention"),
        (180, 2000, 3, "A", "champion"),  # active boundary, loyal frequency reached, tier A
        (180, 2000, 3, "B", "loyal"),
        (180, 2000, 2, "A", "promising"),  # one short of the loyal frequency
        (10, 90, 1, "C", "new"),  # first seen exactly new_days ago: still new
        (10, 91, 1, "C", "promising"),
        (400, 60, 1, "C", "at_risk"),  # recency wins over newness
    ],
)
def test_segment_boundaries(recency, first, frequency, tier, segment):
    assert rfm.rfm_segment(recency, first, frequency, tier, T) == segment


def test_every_segment_is_reachable_and_declared():
    declared = {key for key, _label in rfm.SEGMENTS}
    reached = {
        rfm.rfm_segment(*args, T)
        for args in [
            (1, 1000, 5, "A"),
            (1, 1000, 5, "B"),
            (1, 1000, 1, "B"),
            (200, 1000, 1, "B"),
            (400, 1000, 1, "B"),
            (800, 1000, 1, "B"),
            (1, 1, 1, "B"),
        ]
    }
    assert reached == declared


def test_thresholds_out_of_order_are_refused():
    assert T.check() is None
    assert rfm.Thresholds(active_days=400, at_risk_days=365).check()
    assert rfm.Thresholds(at_risk_days=800, lost_days=730).check()
    assert rfm.Thresholds(loyal_frequency=0).check()


def test_abc_split_by_share_of_revenue():
    tiers = rfm.abc_tiers({"big": 700, "mid": 150, "small": 100, "tiny": 50, "none": 0})
    # big starts at 0 % (A); mid at 70 % (A); small at 85 % (B); tiny at 95 % (C)
    assert tiers == {"big": "A", "mid": "A", "small": "B", "tiny": "C"}


def test_abc_ties_are_stable():
    assert rfm.abc_tiers({2: 10, 1: 10}) == rfm.abc_tiers({1: 10, 2: 10})


def test_churn_flag():
    assert rfm.churn_risk(True, 400, 365) is True
    assert rfm.churn_risk(True, 365, 365) is False
    assert rfm.churn_risk(True, None, 365) is True
    assert rfm.churn_risk(False, None, 365) is False


def test_doctests():
    assert doctest.testmod(rfm).failed == 0
