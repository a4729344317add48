"""PROBE (not product code): does fine-tuning the bundled e5 raise held-out-writer theme F1?

    nice -n 5 python scripts/probe_finetune.py --heldout w4 --k 2 4 --hybrid

What it measures, per held-out development writer (never w6):

* (a) ``K=0``: the frozen e5 (dequantised 4-bit weights, ``voc.nlp.torch_e5``), mean-pooled,
  and a 12-way multi-label linear head trained with BCE on the other writers' whole comments;
  trained twice, with the fine-tuning schedule (``epochs``) and to convergence (``--probe-epochs``),
  so the comparison is not a fine-tuned model against an under-trained probe;
* (b) ``K=2`` / ``K=4``: the same head with the top K encoder layers trained too (AdamW,
  lower learning rate for the encoder than the head); the word embeddings and the lower
  12 - K layers stay frozen, so their hidden states are computed once per text and cached;
* (c) with ``--hybrid``: the product's hybrid head (``bench/lowo.py`` ``hybrid_method``) on
  vectors from the frozen top layers and from each fine-tuned model (every view and seed
  phrase embedded by that model), to see whether fine-tuning adds on top of the n-grams.

Texts are embedded as voc does: lower-cased, ``"query: "`` prefixed, ``<s> ... </s>``, mean
over all tokens. Micro-F1 on the held-out writer's whole comments at 0.35, 0.5 and at the
best global threshold (an oracle threshold, picked on the held-out writer itself: an upper
bound, reported beside the fixed ones), per-theme F1 at 0.5 for the linear heads and at the
hybrid's own 0.35 for (c). Seeded; ``torch.set_num_threads(--threads)``.
Figures and the exact commands are in docs/finetune_probe.md.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import lowo  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from voc.nlp.taxonomy import load_taxonomy  # noqa: E402
from voc.nlp.torch_e5 import E5Config, UnigramTokenizer, read_weight_file  # noqa: E402

PREFIX = "query: "
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
Tensors = dict[str, torch.Tensor]


def layer_forward(x: torch.Tensor, bias: torch.Tensor, p: Tensors, i: int, cfg: E5Config) -> Any:
    """One post-LN BERT layer, the arithmetic of ``TorchE5.pooled``."""
    batch, length, _ = x.shape
    heads, head_dim = cfg.heads, cfg.hidden // cfg.heads

    def lin(t: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(t, p[f"l{i}.{name}.w"], p[f"l{i}.{name}.b"])

    def split(t: torch.Tensor) -> torch.Tensor:
        return t.view(batch, length, heads, head_dim).transpose(1, 2)

    q, k, v = (split(lin(x, n)) for n in "qkv")
    ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    ctx = ctx.transpose(1, 2).reshape(batch, length, cfg.hidden)
    x = F.layer_norm(x + lin(ctx, "ao"), (cfg.hidden,), p[f"l{i}.aln.w"], p[f"l{i}.aln.b"], cfg.eps)
    x = F.layer_norm(
        x + lin(F.gelu(lin(x, "fi")), "fo"),
        (cfg.hidden,),
        p[f"l{i}.oln.w"],
        p[f"l{i}.oln.b"],
        cfg.eps,
    )
    return x


def pad(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Ragged (len, hidden) states -> padded batch, bool mask, additive attention bias."""
    longest = max(s.shape[0] for s in states)
    x = torch.zeros((len(states), longest, states[0].shape[1]))
    mask = torch.zeros((len(states), longest), dtype=torch.bool)
    for j, s in enumerate(states):
        x[j, : s.shape[0]] = s
        mask[j, : s.shape[0]] = True
    bias = torch.zeros((len(states), 1, 1, longest))
    bias.masked_fill_(~mask[:, None, None, :], float("-inf"))
    return x, mask, bias


def mean_pool(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    w = mask.to(x.dtype)[:, :, None]
    return (x * w).sum(dim=1) / w.sum(dim=1)


class Encoder:
    """Frozen e5 with a cache of the hidden states after layer ``cut`` for every text seen."""

    def __init__(self, cut: int, batch: int = 64):
        weights = read_weight_file()
        self.cfg = weights.config
        self.tok = UnigramTokenizer(weights)
        self.p = {n: torch.from_numpy(a) for n, a in weights.tensors.items()}
        self.cut = cut
        self.batch = batch
        self.cache: dict[str, torch.Tensor] = {}  # lower-cased text -> (len, hidden) at `cut`

    def ids(self, text: str) -> list[int]:
        content = self.tok.content_ids(PREFIX + (text.lower() if text.strip() else " "))
        return [self.tok.bos, *content[: self.cfg.max_positions - 2], self.tok.eos]

    def lower(self, texts: Sequence[str]) -> list[torch.Tensor]:
        """Hidden states after layer ``cut`` (embeddings + frozen layers), cached per text."""
        keys = [t.lower() for t in texts]
        todo = sorted({k for k in keys if k not in self.cache}, key=lambda k: len(k))
        p, cfg = self.p, self.cfg
        with torch.inference_mode():
            for a in range(0, len(todo), self.batch):
                chunk = todo[a : a + self.batch]
                rows = [self.ids(k) for k in chunk]
                longest = max(len(r) for r in rows)
                ids = torch.full((len(rows), longest), self.tok.eos, dtype=torch.long)
                for j, r in enumerate(rows):
                    ids[j, : len(r)] = torch.tensor(r)
                mask = ids.new_zeros(ids.shape, dtype=torch.bool)
                for j, r in enumerate(rows):
                    mask[j, : len(r)] = True
                bias = torch.zeros((len(rows), 1, 1, longest))
                bias.masked_fill_(~mask[:, None, None, :], float("-inf"))
                x = p["emb.word"][ids] + (p["emb.pos"][:longest] + p["emb.type"][0])
                x = F.layer_norm(x, (cfg.hidden,), p["emb.ln.w"], p["emb.ln.b"], cfg.eps)
                for i in range(self.cut):
                    x = layer_forward(x, bias, p, i, cfg)
                for j, (k, r) in enumerate(zip(chunk, rows, strict=True)):
                    self.cache[k] = x[j, : len(r)].clone()
        return [self.cache[k] for k in keys]

    def top_params(self, k: int) -> Tensors:
        """Trainable copies of the top ``k`` layers' tensors (all layers above ``cut``)."""
        first = self.cfg.layers - k
        out: Tensors = {}
        for name, t in self.p.items():
            if name.startswith("l") and "." in name:
                layer = int(name.split(".")[0][1:])
                if layer >= first:
                    out[name] = torch.nn.Parameter(t.clone())
        return out

    def upper(self, states: Sequence[torch.Tensor], top: Tensors, k: int) -> torch.Tensor:
        """Pooled vectors: frozen layers cut .. 12-k, then the (trainable) top k layers."""
        x, mask, bias = pad(states)
        params = {**self.p, **top}
        for i in range(self.cut, self.cfg.layers):
            x = layer_forward(x, bias, params, i, self.cfg)
        return mean_pool(x, mask)


def batches(lengths: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Length-bucketed batches (little padding) in a random order."""
    order = np.argsort(lengths + rng.uniform(0, 3, len(lengths)), kind="stable")
    out = [order[a : a + size] for a in range(0, len(order), size)]
    rng.shuffle(out)  # type: ignore[arg-type]
    return out


def train(
    enc: Encoder,
    states: list[torch.Tensor],
    y: np.ndarray,
    k: int,
    epochs: int,
    seed: int,
    lr_enc: float,
    lr_head: float,
    batch: int,
    init_head: torch.nn.Linear | None = None,
) -> tuple[Tensors, torch.nn.Linear]:
    """BCE on the 12 themes (padding masked out of attention and pooling); the top ``k``
    layers and the head train, the rest is frozen. ``init_head``: start from a trained
    linear probe (linear-probe-then-fine-tune), so a few epochs need not fit the head too."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    top = enc.top_params(k)
    if init_head is not None:
        head = copy.deepcopy(init_head)
    else:
        head = torch.nn.Linear(enc.cfg.hidden, y.shape[1])
        with torch.no_grad():
            head.weight.mul_(0.1)
            prior = np.clip(y.mean(axis=0), 1e-3, 1 - 1e-3)
            head.bias.copy_(torch.from_numpy(np.log(prior / (1 - prior))).float())
    groups = [{"params": list(head.parameters()), "lr": lr_head}]
    if top:
        groups.append({"params": list(top.values()), "lr": lr_enc})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    target = torch.from_numpy(y).float()
    lengths = np.array([s.shape[0] for s in states])
    frozen_top = k == 0  # pooled vectors never change: compute them once
    pooled_all = None
    if frozen_top:
        with torch.no_grad():
            pooled_all = torch.cat(
                [enc.upper(states[a : a + 128], top, 0) for a in range(0, len(states), 128)]
            )
    steps = epochs * -(-len(states) // batch)
    warm = max(1, steps // 10)  # linear warm-up over the first tenth, then linear decay
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1)))
    )
    for _ in range(epochs):
        for idx in batches(lengths, batch, rng):
            if pooled_all is not None:
                pooled = pooled_all[idx]
            else:
                pooled = enc.upper([states[i] for i in idx], top, k)
            loss = F.binary_cross_entropy_with_logits(head(pooled), target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return top, head


def predict(
    enc: Encoder, states: list[torch.Tensor], top: Tensors, head: Any, k: int
) -> np.ndarray:
    order = np.argsort([s.shape[0] for s in states])
    probs = np.zeros((len(states), head.out_features), dtype=np.float32)
    with torch.no_grad():
        for a in range(0, len(order), 64):
            idx = order[a : a + 64]
            pooled = enc.upper([states[i] for i in idx], top, k)
            probs[idx] = torch.sigmoid(head(pooled)).numpy()
    return probs


def micro_f1(probs: np.ndarray, truth: np.ndarray, threshold: float) -> float:
    pred = probs >= threshold
    return float(2 * (pred & (truth > 0)).sum() / max(pred.sum() + truth.sum(), 1))


def per_theme(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    t = truth > 0
    return 2 * (pred & t).sum(0) / np.maximum(pred.sum(0) + t.sum(0), 1)


def report(
    name: str, probs: np.ndarray, truth: np.ndarray, ids: Sequence[str], secs: float
) -> dict:
    scores = [micro_f1(probs, truth, float(t)) for t in GRID]
    best = int(np.argmax(scores))
    row = {
        "name": name,
        "f1_035": micro_f1(probs, truth, 0.35),
        "f1_050": micro_f1(probs, truth, 0.5),
        "f1_best": scores[best],
        "best_t": float(GRID[best]),
        "themes": per_theme(probs >= 0.5, truth),
        "secs": secs,
    }
    print(
        f"  {name:<22} F1@0.35 {row['f1_035']:.3f}  F1@0.5 {row['f1_050']:.3f}  "
        f"best {row['f1_best']:.3f} @ {row['best_t']:.2f}   ({secs:.0f} s, "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return row


class ProbeEmbedder:
    """voc Embedder over an Encoder with given top layers: L2-normalised pooled vectors."""

    def __init__(self, enc: Encoder, top: Tensors, k: int, tag: str):
        self.enc, self.top, self.k = enc, top, k
        self.model_id = f"probe-ft:{tag}"
        self.dim = enc.cfg.hidden

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        states = self.enc.lower(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([s.shape[0] for s in states])
        with torch.no_grad():
            for a in range(0, len(order), 64):
                idx = order[a : a + 64]
                out[idx] = self.enc.upper([states[i] for i in idx], self.top, self.k).numpy()
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


def hybrid_probs(taxonomy: Any, embedder: Any, train: Any, test: Any) -> tuple[np.ndarray, float]:
    """The product's hybrid model fitted on ``train`` through ``embedder``; probabilities on
    ``test`` (best view per comment) and the seconds the fit and scoring took."""
    start = time.perf_counter()
    predict = lowo.hybrid_method(taxonomy, embedder)(train)
    _, probs = predict(test)
    return probs, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--heldout", nargs="+", default=["w4"])
    ap.add_argument("--k", nargs="+", type=int, default=[2, 4])
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--probe-epochs", type=int, default=60)
    ap.add_argument("--lr-enc", type=float, default=1e-4)
    ap.add_argument("--lr-head", type=float, default=1e-3)
    ap.add_argument("--lr-probe", type=float, default=1e-2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hybrid", action="store_true", help="also run (c), the hybrid head")
    ap.add_argument("--limit", type=int, default=0, help="comments per writer (smoke test)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    taxonomy = load_taxonomy()
    ids = list(taxonomy.ids)
    data = lowo.load_corpus()  # development writers only: w6 is never read
    assert "w6" not in set(data["writer"])
    if args.limit:
        data = data.groupby("writer").head(args.limit)
    kmax = max([0, *args.k])
    t0 = time.perf_counter()
    enc = Encoder(cut=12 - kmax)
    all_states = enc.lower(data["text"].tolist())
    print(
        f"frozen layers 0..{enc.cut - 1} over {len(data)} comments: "
        f"{time.perf_counter() - t0:.0f} s (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    truth_all = lowo.label_matrix(data["labels"], ids)
    results: dict[str, list[dict]] = {}
    for writer in args.heldout:
        tr = (data["writer"] != writer).to_numpy()
        te = ~tr
        s_tr = [s for s, m in zip(all_states, tr, strict=True) if m]
        s_te = [s for s, m in zip(all_states, te, strict=True) if m]
        y_tr, y_te = truth_all[tr], truth_all[te]
        print(f"held out {writer}: train {tr.sum()} test {te.sum()}", flush=True)
        rows = []
        models: dict[int, Tensors] = {}
        start = time.perf_counter()
        _, probe = train(
            enc, s_tr, y_tr, 0, args.probe_epochs, args.seed, 0.0, args.lr_probe, args.batch
        )
        probs = predict(enc, s_te, {}, probe, 0)
        label = f"(a) K=0 probe {args.probe_epochs} ep"
        rows.append(report(label, probs, y_te, ids, time.perf_counter() - start))
        for k in args.k:
            start = time.perf_counter()
            top, head = train(
                enc,
                s_tr,
                y_tr,
                k,
                args.epochs,
                args.seed,
                args.lr_enc,
                args.lr_head,
                args.batch,
                init_head=probe,
            )
            probs = predict(enc, s_te, top, head, k)
            label = f"(b) K={k} {args.epochs} ep"
            rows.append(report(label, probs, y_te, ids, time.perf_counter() - start))
            models[k] = top
        if args.hybrid:
            train_df, test_df = data[tr], data[te]
            for k, top in [(0, {}), *models.items()]:
                emb = ProbeEmbedder(enc, top, k, f"{writer}-k{k}")
                probs, secs = hybrid_probs(taxonomy, emb, train_df, test_df)
                tag = "frozen" if k == 0 else f"K={k} tuned"
                row = report(f"(c) hybrid, {tag}", probs, y_te, ids, secs)
                row["themes"] = per_theme(probs >= 0.35, y_te)
                rows.append(row)
        results[writer] = rows
        print(f"per-theme F1 ({writer}; linear heads at 0.5, hybrid at 0.35):")
        print("  " + " ".join(f"{t[:8]:>8}" for t in ["", *ids]))
        for row in rows:
            cells = " ".join(f"{v:8.2f}" for v in row["themes"])
            print(f"  {row['name'][:8]:>8} {cells}   {row['name']}")
    print(f"total {time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
