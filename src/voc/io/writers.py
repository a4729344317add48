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


def nps_chart(months: list[PeriodNps], width: int = 720, height: int = 220) -> Markup:
    """An inline SVG of monthly NPS with its 95% band; no JavaScript, no external assets."""
    # A month without responses has no score to draw (and never a 0 that looks like one).
    months = [m for m in months if m.estimate.n > 0]
    if not months:
        return Markup("<p>No dated responses.</p>")
    pad_x, pad_y = 40, 20
    lows = [m.estimate.ci_low or 0.0 for m in months]  # never None: n > 0 here
    highs = [m.estimate.ci_high or 0.0 for m in months]
    scores = [m.estimate.nps or 0.0 for m in months]
    lo, hi = min(-10.0, min(lows)), max(10.0, max(highs))
    step = (width - 2 * pad_x) / max(len(months) - 1, 1)

    def y(v: float) -> float:
        return pad_y + (hi - v) / (hi - lo) * (height - 2 * pad_y)

    xs = [pad_x + i * step for i in range(len(months))]
    band = " ".join(f"{x:.1f},{y(h):.1f}" for x, h in zip(xs, highs, strict=True))
    band += " " + " ".join(
        f"{x:.1f},{y(v):.1f}" for x, v in reversed(list(zip(xs, lows, strict=True)))
    )
    line = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, scores, strict=True))
    labels = "".join(
        f'<text x="{x:.1f}" y="{height - 2}" font-size="10" text-anchor="middle">'
        f"{escape(m.period[2:])}</text>"
        for x, m in zip(xs, months, strict=True)
    )
    points = "".join(
        f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3" '
        f'class="{"low" if m.estimate.low_sample else "ok"}"><title>{escape(m.period)}: '
        f"NPS {v:+.0f} (95% CI {low:+.0f}..{high:+.0f}, n={m.estimate.n})</title></circle>"
        for x, m, v, low, high in zip(xs, months, scores, lows, highs, strict=True)
    )
    ticks = "".join(
        f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="4" y="{y(v) + 3:.1f}" font-size="10">{v:+.0f}</text>'
        for v in range(-100, 101, 25)
        if lo <= v <= hi and v != 0
    )
    zero = y(0.0)
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="NPS by month with 95% confidence band">'
        f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{zero:.1f}" y2="{zero:.1f}" class="zero"/>'
        f'<text x="4" y="{zero + 3:.1f}" font-size="10">0</text>{ticks}'
        f'<polygon points="{band}" class="band"/><polyline points="{line}" class="line"/>'
        f"{points}{labels}</svg>"
    )


def csat_chart(months: list[PeriodCsat], width: int = 720, height: int = 220) -> Markup:
    """An inline SVG of monthly mean CSAT with its 95% band, on the whole scale."""
    dated = [m for m in months if m.estimate.mean is not None]
    if not dated:
        return Markup("<p>No dated responses.</p>")
    low, high = (float(v) for v in dated[0].estimate.scale.split("-"))
    pad_x, pad_y = 40, 20
    step = (width - 2 * pad_x) / max(len(dated) - 1, 1)

    def y(v: float | None) -> float:
        v = low if v is None else v
        return pad_y + (high - v) / (high - low) * (height - 2 * pad_y)

    xs = [pad_x + i * step for i in range(len(dated))]
    band = " ".join(f"{x:.1f},{y(m.estimate.ci_high):.1f}" for x, m in zip(xs, dated, strict=True))
    band += " " + " ".join(
        f"{x:.1f},{y(m.estimate.ci_low):.1f}"
        for x, m in reversed(list(zip(xs, dated, strict=True)))
    )
    line = " ".join(f"{x:.1f},{y(m.estimate.mean):.1f}" for x, m in zip(xs, dated, strict=True))
    labels = "".join(
        f'<text x="{x:.1f}" y="{height - 2}" font-size="10" text-anchor="middle">'
        f"{escape(m.period[2:])}</text>"
        for x, m in zip(xs, dated, strict=True)
    )
    points = "".join(
        f'<circle cx="{x:.1f}" cy="{y(m.estimate.mean):.1f}" r="3" '
        f'class="{"low" if m.estimate.low_sample else "ok"}"><title>{escape(m.period)}: '
        f"CSAT {m.estimate.mean:.2f} (95% CI {m.estimate.ci_low:.2f}..{m.estimate.ci_high:.2f},"
        f" n={m.estimate.n})</title></circle>"
        for x, m in zip(xs, dated, strict=True)
    )
    ticks = "".join(
        f'<line x1="{pad_x}" x2="{width - pad_x}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        f'<text x="4" y="{y(v) + 3:.1f}" font-size="10">{v:.0f}</text>'
        for v in range(int(low), int(high) + 1)
    )
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Mean CSAT by month with 95% confidence band">{ticks}'
        f'<polygon points="{band}" class="band"/><polyline points="{line}" class="line"/>'
        f"{points}{labels}</svg>"
    )


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
