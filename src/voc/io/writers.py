"""Write a Report as report.json, comments.csv and a self-contained report.html."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from voc.analytics.results import PeriodCsat
from voc.nlp.language_names import language_name
from voc.types import CommentResult, PeriodNps, Report


@dataclass(frozen=True)
class WrittenFiles:
    report_json: Path
    comments_csv: Path
    report_html: Path


def write_report(report: Report, out_dir: Path | str) -> WrittenFiles:
    """Write all three outputs into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = WrittenFiles(out / "report.json", out / "comments.csv", out / "report.html")
    files.report_json.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    # utf-8-sig so Excel, where most readers of this file will open it, shows å ä ö right.
    report.comments.to_csv(files.comments_csv, index=False, encoding="utf-8-sig")
    files.report_html.write_text(render_html(report), encoding="utf-8")
    return files


def highlight(comment: CommentResult) -> Markup:
    """The comment as HTML with each theme's evidence span marked by polarity."""
    text = comment.comment
    parts: list[str] = []
    cursor = 0
    for hit in sorted(comment.themes, key=lambda h: h.start):
        if hit.start < cursor:  # overlapping spans: keep the first
            continue
        parts.append(str(escape(text[cursor : hit.start])))
        parts.append(
            f'<mark class="{hit.polarity.value}" title="{escape(hit.theme_id)} '
            f'({hit.confidence:.2f})">{escape(text[hit.start : hit.end])}</mark>'
        )
        cursor = hit.end
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))


@dataclass(frozen=True)
class _ChartPoint:
    period: str
    value: float
    low: float
    high: float
    low_sample: bool
    title: str  # the hover text after "<period>: "


def _band_chart(
    points: list[_ChartPoint],
    lo: float,
    hi: float,
    ticks: list[tuple[float, str]],
    label: str,
    width: int,
    height: int,
    zero_line: bool = False,
) -> Markup:
    """An inline SVG line over time with its 95% band, between ``lo`` and ``hi``."""
    pad_x, pad_y = 40, 20
    step = (width - 2 * pad_x) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return pad_y + (hi - v) / (hi - lo) * (height - 2 * pad_y)

    xs = [pad_x + i * step for i in range(len(points))]
    band = " ".join(f"{x:.1f},{y(p.high):.1f}" for x, p in zip(xs, points, strict=True))
    band += " " + " ".join(
        f"{x:.1f},{y(p.low):.1f}" for x, p in reversed(list(zip(xs, points, strict=True)))
    )
    line = " ".join(f"{x:.1f},{y(p.value):.1f}" for x, p in zip(xs, points, strict=True))
    labels = "".join(
        f'<text x="{x:.1f}" y="{height - 2}" font-size="10" text-anchor="middle">'
        f"{escape(p.period[2:])}</text>"
        for x, p in zip(xs, points, strict=True)
    )
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y(p.value):.1f}" r="3" '
        f'class="{"low" if p.low_sample else "ok"}"><title>{escape(p.period)}: '
        f"{p.title}</title></circle>"
        for x, p in zip(xs, points, strict=True)
    )
    grid = "".join(
        f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="4" y="{y(v) + 3:.1f}" font-size="10">{text}</text>'
        for v, text in ticks
    )
    zero = ""
    if zero_line:
        at = y(0.0)
        zero = (
            f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{at:.1f}" y2="{at:.1f}" class="zero"/>'
            f'<text x="4" y="{at + 3:.1f}" font-size="10">0</text>'
        )
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{label}">{zero}{grid}'
        f'<polygon points="{band}" class="band"/><polyline points="{line}" class="line"/>'
        f"{dots}{labels}</svg>"
    )


def nps_chart(months: list[PeriodNps], width: int = 720, height: int = 220) -> Markup:
    """An inline SVG of monthly NPS with its 95% band; no JavaScript, no external assets."""
    # A month without responses has no score to draw (and never a 0 that looks like one).
    points = []
    for m in months:
        if m.estimate.n == 0:
            continue
        value, low, high = (
            v or 0.0 for v in (m.estimate.nps, m.estimate.ci_low, m.estimate.ci_high)
        )
        title = f"NPS {value:+.0f} (95% CI {low:+.0f}..{high:+.0f}, n={m.estimate.n})"
        points.append(_ChartPoint(m.period, value, low, high, m.estimate.low_sample, title))
    if not points:
        return Markup("<p>No dated responses.</p>")
    lo = min(-10.0, *(p.low for p in points))
    hi = max(10.0, *(p.high for p in points))
    ticks = [(float(v), f"{v:+.0f}") for v in range(-100, 101, 25) if lo <= v <= hi and v != 0]
    label = "NPS by month with 95% confidence band"
    return _band_chart(points, lo, hi, ticks, label, width, height, zero_line=True)


def csat_chart(months: list[PeriodCsat], width: int = 720, height: int = 220) -> Markup:
    """An inline SVG of monthly mean CSAT with its 95% band, on the whole scale."""
    dated = [m for m in months if m.estimate.mean is not None]
    if not dated:
        return Markup("<p>No dated responses.</p>")
    low, high = (float(v) for v in dated[0].estimate.scale.split("-"))
    points = []
    for m in dated:
        e = m.estimate
        title = f"CSAT {e.mean:.2f} (95% CI {e.ci_low:.2f}..{e.ci_high:.2f}, n={e.n})"
        points.append(
            _ChartPoint(
                m.period,
                e.mean if e.mean is not None else low,
                e.ci_low if e.ci_low is not None else low,
                e.ci_high if e.ci_high is not None else low,
                e.low_sample,
                title,
            )
        )
    ticks = [(float(v), f"{v:.0f}") for v in range(int(low), int(high) + 1)]
    label = "Mean CSAT by month with 95% confidence band"
    return _band_chart(points, low, high, ticks, label, width, height)


def score(value: float | None, spec: str = "%+.1f") -> str:
    """A figure as ``spec`` formats it, or "n/a" where there is no data (never a 0)."""
    return "n/a" if value is None else spec % value


def render_html(report: Report) -> str:
    """report.html: the NPS report, or the CSAT one when the report's metric is CSAT."""
    env = Environment(
        loader=PackageLoader("voc.io", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = score
    if report.metric == "csat":
        csat_themes = {t.theme_id: t for t in report.csat_theme_impacts}
        return env.get_template("report_csat.html.j2").render(
            report=report,
            themes=csat_themes,
            chart=csat_chart(report.monthly_csat),
            highlight=highlight,
            language_name=language_name,
            max_abs_impact=max([abs(t.impact or 0.0) for t in csat_themes.values()] + [0.01]),
        )
    template = env.get_template("report.html.j2")
    themes = {t.theme_id: t for t in report.theme_impacts}
    return template.render(
        report=report,
        themes=themes,
        chart=nps_chart(report.monthly_nps),
        highlight=highlight,
        language_name=language_name,
        max_abs_impact=max([abs(t.impact or 0.0) for t in report.theme_impacts] + [1.0]),
    )
