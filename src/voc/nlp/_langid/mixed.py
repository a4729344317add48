"""Mixed-language comments: is one part of the text confidently in another language?"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Scores = dict[str, float]

NORDIC = frozenset({"sv", "nb", "nn", "no", "da"})
_MIN_WORDS = 4  # two words each side of the switch
_MAX_WORDS = 0  # TEMP
_CONFIDENT = 0.75


def group_of(lang: str) -> str:
    """Norwegian standards count as one language when deciding what is mixed."""
    return "no" if lang in {"nb", "nn", "no"} else lang


def _group_scores(scores: Scores) -> Scores:
    out: Scores = {}
    for lang, p in scores.items():
        g = group_of(lang)
        out[g] = out.get(g, 0.0) + p
    return out


def _top(scores: Scores) -> tuple[str, float]:
    if not scores:
        return "und", 0.0
    lang = max(sorted(scores), key=lambda k: scores[k])
    return lang, scores[lang]


def mixed_flags(
    texts: Sequence[str],
    main: Sequence[str],
    score: Callable[[Sequence[str]], list[Scores]],
) -> list[bool]:
    """For each cleaned text, True when a run of two or more words is in another language.

    Every split of the words into a prefix and a suffix of at least two words each is scored;
    the text is mixed when some split has both halves confident and in different languages.
    """
    segments: list[str] = []
    owners: list[tuple[int, int]] = []  # (text index, split index)
    for i, text in enumerate(texts):
        words = text.split()
        if main[i] == "und" or not _MIN_WORDS <= len(words) <= _MAX_WORDS:
            continue
        for k in range(2, len(words) - 1):
            segments.append(" ".join(words[:k]))
            segments.append(" ".join(words[k:]))
            owners.append((i, k))
    flags = [False] * len(texts)
    if not segments:
        return flags
    scored = score(segments)
    for j, (i, _k) in enumerate(owners):
        if flags[i]:
            continue
        left, p_left = _top(_group_scores(scored[2 * j]))
        right, p_right = _top(_group_scores(scored[2 * j + 1]))
        if left != right and min(p_left, p_right) >= _CONFIDENT:
            flags[i] = True
    return flags
