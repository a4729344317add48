import pandas as pd
import pytest

from voc.analytics.kinds import (
    classify_kind,
    ensure_single_kind,
    find_kind_column,
    nps_by_kind,
    pooled_nps,
    split_by_kind,
)
from voc.errors import InputError


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Relational", "relational"),
        ("rNPS 2026", "relational"),
        ("Årlig kundundersökning", "relational"),
        ("Support", "transactional"),
        ("Delivery", "transactional"),
        ("Säljmöte", "transactional"),
        ("eNPS", "employee"),
        ("Medarbetarundersökning", "employee"),
    ],
)
def test_classify_kind(value: str, kind: str) -> None:
    assert classify_kind(value) == kind


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": [10, 9, 3, 8, 10, 0, 6, 9],
            "Survey kind": ["Relational"] * 3 + ["Support"] * 3 + ["Delivery"] * 2,
        }
    )


def test_find_kind_column() -> None:
    assert find_kind_column(_mixed()) == "Survey kind"
    assert find_kind_column(pd.DataFrame({"Touchpoint": ["x"]})) == "Touchpoint"
    assert find_kind_column(pd.DataFrame({"Office": ["x"]})) is None


def test_relational_and_transactional_are_never_pooled() -> None:
    with pytest.raises(InputError, match=r"mix survey kinds \(relational \(3 responses"):
        pooled_nps(_mixed(), "Survey kind")
    parts = split_by_kind(_mixed(), "Survey kind")
    assert list(parts) == ["relational", "transactional"] and len(parts["transactional"]) == 5
    assert ensure_single_kind(parts["transactional"], "Survey kind") == "transactional"
    assert pooled_nps(parts["relational"], "Survey kind").nps == pytest.approx(33.33)


def test_nps_by_kind_keeps_kinds_apart_and_totals_touchpoints() -> None:
    rows = [
        (k.kind, k.value, k.estimate.n, k.estimate.nps)
        for k in nps_by_kind(_mixed(), "Survey kind", min_sample=3)
    ]
    assert rows == [
        ("relational", "Relational", 3, pytest.approx(33.33)),
        ("transactional", "(all transactional)", 5, 0.0),
        ("transactional", "Support", 3, pytest.approx(0.0)),
        ("transactional", "Delivery", 2, pytest.approx(0.0)),
    ]
