"""Theme impact on the sample export against its planted truth: guided vs hybrid model.

    python bench/sample_impact.py [--cache-dir /tmp/voc-emb]

Impact of a theme = NPS(all rows) - NPS(rows without the theme), the definition voc reports.
The truth column uses the generator's planted themes (data/sample/nps_export_truth.csv);
the model columns use each model's assignments from `voc analyze`'s own pipeline. Prints
share and impact per planted theme, the absolute impact error, and theme F1 on the sample.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from voc.config import Settings  # noqa: E402
from voc.pipeline import Analyzer  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "nps_export.csv"
TRUTH = ROOT / "data" / "sample" / "nps_export_truth.csv"


def nps(scores: np.ndarray) -> float:
    return float(100 * ((scores >= 9).mean() - (scores <= 6).mean())) if len(scores) else np.nan


def impacts(scores: np.ndarray, mentions: list[set[str]], themes: list[str]) -> dict[str, tuple]:
    out = {}
    for theme in themes:
        has = np.array([theme in m for m in mentions])
        out[theme] = (float(has.mean()), nps(scores) - nps(scores[~has]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False).set_index("Response ID")
    runs = {}
    for name in ("guided", "hybrid"):
        settings = Settings(theme_model=name, embedding_cache_dir=args.cache_dir)
        comments = Analyzer(settings).analyze(SAMPLE).comments
        runs[name] = comments
    base = runs["hybrid"]
    scores = base["score"].to_numpy(dtype=float)
    gold = [set(filter(None, truth.loc[r, "themes"].split(";"))) for r in base["response_id"]]
    themes = sorted({t for g in gold for t in g})
    predicted = {
        name: [set(filter(None, str(t).split(";"))) for t in frame["themes"].fillna("")]
        for name, frame in runs.items()
    }
    rows = []
    true_impact = impacts(scores, gold, themes)
    model_impact = {n: impacts(scores, p, themes) for n, p in predicted.items()}
    for theme in themes:
        share, impact = true_impact[theme]
        cells = [theme, f"{share:.3f}", f"{impact:+.1f}"]
        for name in runs:
            m_share, m_impact = model_impact[name][theme]
            cells += [f"{m_share:.3f}", f"{m_impact:+.1f}"]
        rows.append(cells)
    header = ["theme", "truth share", "truth impact"]
    for name in runs:
        header += [f"{name} share", f"{name} impact"]
    print(f"\nSample ({len(base)} valid rows): theme impact in NPS points, planted vs found")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print("\n| model | mean abs impact error | micro-F1 vs planted themes | themes per comment |")
    print("|---|---|---|---|")
    for name, pred in predicted.items():
        error = np.mean([abs(model_impact[name][t][1] - true_impact[t][1]) for t in themes])
        scoped = [p & set(themes) for p in pred]  # planted truth covers these themes only
        tp = sum(len(g & p) for g, p in zip(gold, scoped, strict=True))
        f1 = 2 * tp / max(sum(map(len, gold)) + sum(map(len, scoped)), 1)
        print(f"| {name} | {error:.2f} | {f1:.3f} | {np.mean([len(p) for p in pred]):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
