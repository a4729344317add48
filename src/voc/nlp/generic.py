"""Is an unassigned comment generic praise or complaint, or about something new?

A comment no theme takes is either generic ("Allt fungerar bra", "Godt samarbeid", "Kan bli
mye bedre") or about a subject the taxonomy lacks ("we need SSO and two-factor login").
Only the second kind belongs in theme discovery: clusters of generic remarks crowd out the
new subjects in "Proposed new themes". The taxonomy's handful of generic anchors catch the
commonest phrasings only, so here a logistic regression on the comment's embedding learns
the difference from labelled comments: those with no theme that are generic (positives)
against those with a theme (negatives). Comments labelled as off-taxonomy subjects are
left out of the fit, so nothing teaches it that a new subject is generic.

Leave one writer out on the Nordic corpus (``python bench/generic_reasons.py``,
docs/themes.md) it sends 26% fewer generic comments to discovery (87 of 395 unassigned
generic comments instead of 117) and no fewer of the 16 off-taxonomy ones.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

#: A comment is generic when the detector gives at least this probability. Leave one writer
#: out, 0.5 was the lowest cut-off tried (0.5 / 0.6 / 0.7) that kept every off-taxonomy
#: comment out of "generic"; 0.1 more for margin, as that group is small (16 comments) and
#: hiding a new subject from discovery costs more than one more cluster of generic remarks.
GENERIC_MIN = 0.6


class GenericDetector:
    """Logistic regression: generic comment vs comment naming a theme; fit / predict_proba.

    Args:
        C: inverse L2 strength.
        min_examples: fewer generic or themed comments than this and :meth:`fit` leaves
            the detector unfitted (``predict_proba`` then says 0 for every comment).
    """

    def __init__(self, C: float = 1.0, min_examples: int = 20):
        self.C = C
        self.min_examples = min_examples
        self.model_: LogisticRegression | None = None

    def fit(self, vectors: np.ndarray, generic: np.ndarray, themed: np.ndarray) -> GenericDetector:
        """``vectors`` of labelled comments; ``generic`` and ``themed`` mark the positives and
        negatives (a comment that is neither, e.g. off-taxonomy, is left out)."""
        generic, themed = np.asarray(generic, dtype=bool), np.asarray(themed, dtype=bool)
        used = generic | themed
        self.model_ = None
        if generic.sum() >= self.min_examples and themed.sum() >= self.min_examples:
            self.model_ = LogisticRegression(C=self.C, max_iter=2000).fit(
                vectors[used], generic[used]
            )
        return self

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """(n,) probability that each comment is generic (0 when unfitted)."""
        if self.model_ is None or not len(vectors):
            return np.zeros(len(vectors))
        return np.asarray(self.model_.predict_proba(vectors)[:, 1])

    def state(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Coefficients and intercept (for fingerprints), None when unfitted."""
        if self.model_ is None:
            return None
        return self.model_.coef_, self.model_.intercept_
