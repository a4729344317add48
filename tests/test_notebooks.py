"""The quickstart notebook must run top to bottom on the sample."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run_notebook(name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Execute the notebook on the sample; fail on any error; return its text outputs."""
    # The notebook reads Settings() from the environment; the hashing embedder keeps this
    # test fast (the real model runs in the slow end-to-end test of the same sample).
    monkeypatch.setenv("VOC_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("VOC_BOOTSTRAP_SAMPLES", "100")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return "\n".join(str(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in outputs)


def test_quickstart_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    text = run_notebook("01_quickstart.ipynb", monkeypatch)
    assert "n=717" in text  # report.nps of the sample
    assert "theme_id" in text and "period" in text


def test_explore_themes_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    text = run_notebook("02_explore_themes.ipynb", monkeypatch)
    assert "n=717" in text
    assert "[ 0:31] Kunnig personal och snabba svar" in text  # clause offsets
    assert "empty comment" in text  # why comments have no theme
    assert "before:" in text and "after:" in text  # the correction demo ran
