"""The terminal summary of a CSAT report (``voc analyze`` prints it; no NPS in it)."""

from __future__ import annotations

from rich.console import Console

from voc.analytics.results import CsatEstimate, CsatThemeImpact
from voc.io.mapping import describe_load
from voc.nlp.language_names import language_name
from voc.types import Report


def print_languages_and_warnings(report: Report, out: Console) -> None:
    """The language mix, the report's warnings and the first unusable rows (NPS and CSAT
    summaries alike)."""
    mix = ", ".join(
        f"{language_name(x.language)} {100 * x.share:.0f}%" for x in report.languages[:6]
    )
    undetermined = next((x.n for x in report.languages if x.language == "und"), 0)
    out.print(
        f"Languages: {mix}  [dim]({undetermined} und, {report.language_settled_by_prior} "
        f"settled by the survey's language mix, {report.language_mixed} mixed)[/]"
    )
    for warning in report.warnings:
        out.print(f"[yellow]⚠ {warning}[/]")
    for skipped in report.load.skipped[:5]:
        out.print(f"  [dim]row {skipped.row}, column {skipped.column!r}: {skipped.reason}[/]")


def _mean(e: CsatEstimate) -> str:
    if e.mean is None or e.ci_low is None or e.ci_high is None:
        return "n/a (no answers)"
    return f"{e.mean:.2f} 95% CI [{e.ci_low:.2f} … {e.ci_high:.2f}]"


def _share(e: CsatEstimate) -> str:
    if e.share_satisfied is None or e.share_ci_low is None or e.share_ci_high is None:
        return "n/a"
    return (
        f"{100 * e.share_satisfied:.0f}% 95% CI "
        f"[{100 * e.share_ci_low:.0f}% … {100 * e.share_ci_high:.0f}%]"
    )


def _impact(t: CsatThemeImpact) -> str:
    if t.impact is None:
        return "impact n/a (every response mentions it)"
    ci = (
        f" [{t.impact_ci_low:+.2f} … {t.impact_ci_high:+.2f}]"
        if t.impact_ci_low is not None and t.impact_ci_high is not None
        else ""
    )
    return f"impact {t.impact:+.2f} points{ci}"


def print_csat_summary(report: Report, out: Console) -> None:
    """CSAT mean and top-2 box with CIs, language mix, improvement areas, strengths, months."""
    csat = report.csat
    if csat is None:
        raise ValueError("not a CSAT report")
    low, high = report.load.scale.split("-")
    box = f"{csat.top_box_min}-{high}"
    flag = " [bold yellow](low sample)[/]" if csat.low_sample else ""
    out.print(
        f"\n[bold]{report.load.source}[/]: {csat.n} responses "
        f"({report.load.rows_read} rows read, {len(report.load.skipped)} not used), "
        f"CSAT scale {report.load.scale}"
    )
    for line in describe_load(report.load):
        out.print(line, style="dim", markup=False, highlight=False)
    out.print(f"[bold]CSAT mean {_mean(csat)}[/] on {low}-{high}{flag}")
    out.print(
        f"Satisfied (top-2 box, {box}): {csat.satisfied} of {csat.n} = {_share(csat)} "
        "[dim](Wilson interval)[/]"
    )
    if report.scale_rule:
        out.print(f"[dim]Rule: {report.scale_rule}[/]")
    print_languages_and_warnings(report, out)

    themes = {t.theme_id: t for t in report.csat_theme_impacts}
    for title, ids, style in (
        ("Top improvement areas (impact on mean CSAT)", report.improvement_areas, "red"),
        ("Strengths", report.strengths, "green"),
    ):
        out.print(f"\n[bold {style}]{title}[/]")
        if not ids:
            out.print("  (none measurable)")
        for rank, theme_id in enumerate(ids[:5], start=1):
            t = themes[theme_id]
            sure = "" if t.significant else " [yellow](uncertain)[/]"
            share = f" · top-2 box {t.share_impact:+.1f} pp" if t.share_impact is not None else ""
            out.print(
                f" {rank}. [bold]{t.label}[/]  {_impact(t)}{sure}  [dim]n={t.n_comments}{share}[/]"
            )
            if t.quotes:
                q = t.quotes[0]
                out.print(
                    f"    “{_shorten(q.text)}” [dim]({language_name(q.language)}, "
                    f"score {q.score})[/]"
                )
    if report.proposed_themes:
        top = ", ".join(f"{p.label} ({p.size})" for p in report.proposed_themes[:4])
        out.print(f"Proposed new themes among unmatched comments: {top} (see report.html)")
    if report.monthly_csat:
        months = "  ".join(
            f"{m.period[2:]} {m.estimate.mean:.2f}{'*' if m.estimate.low_sample else ''}"
            for m in report.monthly_csat[-6:]
            if m.estimate.mean is not None
        )
        out.print(f"Last months (mean CSAT): {months}   (* fewer than the minimum sample)")


def _shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
