import numpy as np
import pandas as pd
import pytest

from voc.analytics.inputs import mention_matrix, polarity_counts, require_rows, row_numbers
from voc.errors import InputError


def test_mention_matrix_from_frame_and_array() -> None:
    frame = pd.DataFrame({"billing": [True, False], "price": [0, 1]})
    matrix, ids = mention_matrix(frame, 2)
    assert ids == ["billing", "price"] and matrix.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    matrix, ids = mention_matrix(np.array([1, 0]), 2, ["billing"])
    assert matrix.shape == (2, 1)


def test_malformed_mention_matrices_are_refused() -> None:
    with pytest.raises(InputError, match=r"shape \(2, 1\); expected \(3, 1\)"):
        mention_matrix(np.array([[1], [0]]), 3, ["billing"])
    with pytest.raises(InputError, match="needs theme_ids"):
        mention_matrix(np.array([[1], [0]]), 2)
    with pytest.raises(InputError, match=r"response 1, theme 'price': 2"):
        mention_matrix(pd.DataFrame({"billing": [0, 1], "price": [0, 2]}), 2)


def test_row_numbers_and_too_few_rows() -> None:
    assert row_numbers(pd.DataFrame({"row": [7, 9]})).tolist() == [7, 9]
    assert row_numbers(pd.DataFrame({"score": [1, 2]})).tolist() == [2, 3]
    with pytest.raises(InputError, match="needs at least 20 responses; only 3 were given"):
        require_rows(3, 20, "the driver model")


def test_polarity_counts_fill_missing_themes() -> None:
    table = pd.DataFrame({"response_index": [0], "theme_id": ["a"], "polarity": ["neutral"]})
    counts = polarity_counts(table, ["a", "b"])
    assert counts.loc["a"].tolist() == [0, 0, 1] and counts.loc["b"].tolist() == [0, 0, 0]
