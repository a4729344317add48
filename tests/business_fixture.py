"""A survey and a customer file with planted business structure, for the business tests.

Plants (seeded): the Premium price plan drags NPS with the same comments as everyone else;
the accounts with the largest revenue are the least happy (revenue-weighted NPS below the
plain one); billing complaints stop in region Nord after the action of 2025-07-01, and those
customers become promoters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ACTION_DATE = "2025-07-01"
BILLING = "Felaktig faktura igen, fel belopp på fakturan"
NEUTRAL = ["Ok", "", "Bra", "Inget särskilt"]
PRAISE = "Kunnig personal, mycket kompetent"


def planted(seed: int = 7, accounts: int = 240, per_account: int = 5):
    """(export, customers) DataFrames."""
    rng = np.random.default_rng(seed)
    keys = [f"K{i:04d}" for i in range(1, accounts + 1)]
    plans = rng.permutation(np.array(["Bas", "Standard", "Premium", "Standard"] * accounts))[
        :accounts
    ]
    regions = np.where(np.arange(accounts) % 2 == 0, "Nord", "Syd")
    sellers = np.array(["Anna", "Björn", "Carin"])[np.arange(accounts) % 3]
    revenue = np.round(rng.lognormal(13.0, 1.0, accounts), -3)
    big = revenue >= np.quantile(revenue, 0.8)
    customers = pd.DataFrame(
        {
            "Kundnummer": keys,
            "Prisplan": plans,
            "Region": regions,
            "Säljare": sellers,
            "Årsomsättning": revenue,
            "Anställda": rng.integers(5, 500, accounts),
        }
    )
    rows = []
    start = pd.Timestamp("2025-01-01")
    for a, key in enumerate(keys):
        for _ in range(per_account):
            date = start + pd.Timedelta(days=int(rng.integers(0, 365)))
            after = date >= pd.Timestamp(ACTION_DATE)
            billing_rate = 0.02 if (after and regions[a] == "Nord") else 0.4
            if rng.random() < billing_rate:
                score, comment = int(rng.integers(1, 6)), BILLING
            else:
                p_detractor = 0.1 + (0.35 if plans[a] == "Premium" else 0) + (0.5 if big[a] else 0)
                if rng.random() < p_detractor:
                    score = int(rng.integers(2, 7))
                else:
                    score = int(rng.choice([7, 8, 9, 10, 10]))
                comment = PRAISE if score >= 9 and rng.random() < 0.3 else str(rng.choice(NEUTRAL))
            rows.append((f"R{len(rows) + 1:05d}", date.date().isoformat(), score, comment, key))
    export = pd.DataFrame(
        rows, columns=["Response ID", "Datum", "Betyg", "Kommentar", "Kundnummer"]
    )
    return export, customers
