"""Shared fixtures: a fast deterministic stand-in embedder and small surveys."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from voc.config import Settings
from voc.nlp.embed import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CSV = REPO / "data" / "sample" / "nps_export.csv"


@pytest.fixture(scope="session")
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture()
def fast_settings(tmp_path: Path) -> Settings:
    """Settings that need no model: the hashing embedder, few bootstrap draws."""
    return Settings(
        embedding_model="hashing", bootstrap_samples=100, models_dir=tmp_path / "models"
    )


@pytest.fixture()
def small_survey() -> pd.DataFrame:
    """Twelve responses in sv / nb / en with planted themes, two months, two offices."""
    rows = [
        ("1", "2026-01-05", 10, "Kunnig personal, mycket kompetent", "Stockholm"),
        ("2", "2026-01-07", 9, "Very competent and knowledgeable staff", "Stockholm"),
        ("3", "2026-01-09", 2, "Felaktig faktura igen, fel belopp på fakturan", "Oslo"),
        ("4", "2026-01-12", 3, "Feil på fakturaen igjen", "Oslo"),
        ("5", "2026-01-15", 8, "", "Stockholm"),
        ("6", "2026-01-20", 5, "Lång väntetid i telefon, svårt att nå någon", "Stockholm"),
        ("7", "2026-02-02", 10, "Kunnskapsrike ansatte, veldig kompetente folk", "Oslo"),
        ("8", "2026-02-03", 4, "Wrong invoice again, invoicing errors", "Stockholm"),
        ("9", "2026-02-10", 7, "Ok", "Oslo"),
        ("10", "2026-02-11", 6, "Lang ventetid på telefonen", "Oslo"),
        ("11", "2026-02-15", 9, "Kunnig personal men portalen är krånglig", "Stockholm"),
        ("12", "2026-02-20", 10, "Bra!", "Stockholm"),
    ]
    return pd.DataFrame(rows, columns=["Response ID", "Date", "Score", "Comment", "Office"])
