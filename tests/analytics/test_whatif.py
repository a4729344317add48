import numpy as np
import pytest

from voc.analytics.whatif import what_if


def _survey() -> tuple[np.ndarray, np.ndarray]:
    # 10 promoters, 5 passives, 5 detractors: NPS +25. Billing: 4 detractors and 1 promoter.
    scores = np.array([10] * 10 + [8] * 5 + [3] * 5)
    mentioned = np.zeros(20, dtype=bool)
    mentioned[[15, 16, 17, 18, 0]] = True
    return scores, mentioned


def test_half_the_detractors_become_passives_by_hand() -> None:
    scores, mentioned = _survey()
    # 2 of the 4 detractors move: NPS (10 - 3) / 20 = +35, a lift of 10 points.
    # New CI: adjusted Wald on 10 promoters, 3 detractors, n 20 -> +0.5 .. +60.4.
    # Lift CI: 100 x 0.5 x Wilson(4 of 20) = 4.0 .. 20.8.
    result = what_if(scores, mentioned, "billing", label="Billing")
    assert (result.detractors_mentioning, result.moved) == (4, 2.0)
    assert (result.before.nps, result.nps_after, result.lift) == (25.0, 35.0, 10.0)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.46, 60.40), abs=0.01)
    assert (result.lift_ci_low, result.lift_ci_high) == pytest.approx((4.03, 20.80), abs=0.01)
    assert result.statement.startswith(
        "If Billing were fixed for 50% of the 4 detractors who mention it and they became "
        "passives, NPS would move from +25.0 to +35.0 (95% CI +0.5 to +60.4)"
    )
    assert "treat as indicative" in result.statement and result.low_sample


def test_becoming_promoters_counts_twice_and_fraction_is_checked() -> None:
    scores, mentioned = _survey()
    result = what_if(scores, mentioned, "billing", fraction=1.0, becomes="promoter")
    assert result.nps_after == 65.0 and result.lift == 40.0  # (14 - 1) / 20
    with pytest.raises(ValueError, match="fraction"):
        what_if(scores, mentioned, "billing", fraction=1.5)
