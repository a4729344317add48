"""Small SVG charts drawn on the server: no JavaScript, no CDN, readable by screen readers.

Each function takes plain numbers and returns SVG markup (escaped text, a ``<title>`` and
an ``aria-label``), so a page shows figures the API also returns, drawn in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

INK = "#1f2933"
ACCENT = "#0b4f8a"
BAND = "#c9dcef"
NEGATIVE = "#a61b1b"
POSITIVE = "#1d6b35"
GRID = "#d5dbe1"


@dataclass(frozen=True)
class BandPoint:
    label: str
    value: float
    low: float
    high: float


def _scale(lo: float, hi: float, out_lo: float, out_hi: float) -> tuple[float, float]:
    span = (hi - lo) or 1.0
    k = (out_hi - out_lo) / span
    return k, out_lo - k * lo


def nps_band_chart(points: Sequence[BandPoint], title: str, width: int = 720) -> Markup:
    """NPS per period as a line with its 95% interval as a shaded band."""
    height, left, right, top, bottom = 260, 44, 34, 14, 40
    if not points:
        return Markup("")
    lo = max(-100.0, min(-50.0, min(p.low for p in points)))
    hi = min(100.0, max(50.0, max(p.high for p in points)))
    ky, by = _scale(lo, hi, height - bottom, top)
    n = len(points)
    step = (width - left - right) / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else (width - left - right) / 2)

    def y(v: float) -> float:
        return ky * v + by

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(int(lo // 25) * 25, int(hi) + 1, 25):
        if tick < lo:
            continue
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="{2 if tick == 0 else 1}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{tick}</text>'
        )
    band = [f"{x(i):.1f},{y(p.high):.1f}" for i, p in enumerate(points)]
    band += [f"{x(i):.1f},{y(p.low):.1f}" for i, p in reversed(list(enumerate(points)))]
    parts.append(f'<polygon points="{" ".join(band)}" fill="{BAND}" opacity="0.8"/>')
    line = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    every = max(1, n // 12)
    for i, p in enumerate(points):
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="{ACCENT}">'
            f"<title>{escape(p.label)}: {p.value:.1f} ({p.low:.1f} to {p.high:.1f})</title>"
            "</circle>"
        )
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{escape(p.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Whisker:
    label: str
    value: float
    low: float
    high: float
    href: str = ""


def impact_chart(rows: Sequence[Whisker], title: str, width: int = 720) -> Markup:
    """Horizontal impact bars (NPS points) with their bootstrap CI as whiskers."""
    if not rows:
        return Markup("")
    row_h, left, right, top = 26, 190, 20, 24
    height = top + row_h * len(rows) + 10
    lo = min(0.0, min(r.low for r in rows))
    hi = max(0.0, max(r.high for r in rows))
    kx, bx = _scale(lo, hi, left, width - right)

    def x(v: float) -> float:
        return kx * v + bx

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 6}" y2="{height - 6}" '
        f'stroke="{INK}" stroke-width="1"/>',
        f'<text x="{x(0):.1f}" y="{top - 10}" text-anchor="middle" font-size="11" '
        f'fill="{INK}">0</text>',
    ]
    for i, r in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        colour = NEGATIVE if r.value < 0 else POSITIVE
        x0, x1 = sorted((x(0), x(r.value)))
        label = escape(r.label)
        name = f'<a href="{escape(r.href)}">{label}</a>' if r.href else label
        parts.append(
            f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{name}</text>'
            f'<rect x="{x0:.1f}" y="{cy - 7:.1f}" width="{max(x1 - x0, 1):.1f}" height="14" '
            f'fill="{colour}" opacity="0.75"><title>{label}: {r.value:+.1f} '
            f"({r.low:+.1f} to {r.high:+.1f})</title></rect>"
            f'<line x1="{x(r.low):.1f}" x2="{x(r.high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
            f'<line x1="{x(r.low):.1f}" x2="{x(r.low):.1f}" y1="{cy - 5:.1f}" y2="{cy + 5:.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
            f'<line x1="{x(r.high):.1f}" x2="{x(r.high):.1f}" y1="{cy - 5:.1f}" '
            f'y2="{cy + 5:.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[float], title: str, width: int = 110, height: int = 26) -> Markup:
    """A tiny trend line (a theme's share per period)."""
    if len(values) < 2:
        return Markup("")
    lo, hi = min(values), max(values)
    ky, by = _scale(lo, hi if hi > lo else lo + 1, height - 3, 3)
    step = (width - 4) / (len(values) - 1)
    points = " ".join(f"{2 + i * step:.1f},{ky * v + by:.1f}" for i, v in enumerate(values))
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<polyline points="{points}" fill="none" stroke="{ACCENT}" stroke-width="1.5"/></svg>'
    )


def share_bars(items: Sequence[tuple[str, int]], title: str) -> Markup:
    """Counts as horizontal bars with their share (the language mix)."""
    total = sum(n for _, n in items) or 1
    rows = []
    for label, n in items:
        pct = 100.0 * n / total
        rows.append(
            f'<div class="bar-row"><span class="bar-label">{escape(label)}</span>'
            f'<span class="bar" style="width:{pct:.1f}%" aria-hidden="true"></span>'
            f'<span class="bar-value">{n} ({pct:.0f}%)</span></div>'
        )
    return Markup(
        f'<div class="bars" role="group" aria-label="{escape(title)}">{"".join(rows)}</div>'
    )
