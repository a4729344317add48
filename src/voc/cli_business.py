"""The business part of the command line: the summary lines and ``voc actions``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from voc.errors import VocError
from voc.types import Report

actions_app = typer.Typer(
    help="Actions to follow up (campaigns, trainings, fixes): a YAML or CSV file.",
    no_args_is_help=True,
)
_console = Console()
_err = Console(stderr=True)


def _ci(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "[n/a]"
    return f"[{low:+.1f} … {high:+.1f}]"


def _pts(value: float | None) -> str:
    """Points with a sign, or "n/a" where there is no data (never a 0)."""
    return "n/a" if value is None else f"{value:+.1f}"


def print_business(report: Report, out: Console) -> None:
    """Revenue-weighted NPS, revenue at risk, customer attributes, drivers, actions."""
    b = report.business
    if b is None:
        return
    out.print("\n[bold]Business[/]")
    if b.join is not None:
        j = b.join
        out.print(
            f"Customers: {j.source} joined on {j.survey_key!r} ↔ {j.customer_key!r}: "
            f"{j.responses_matched} responses matched, {j.responses_unmatched} without an "
            f"account, {j.accounts_without_response} of {j.accounts} accounts without a response"
        )
    if b.weighted_nps is not None:
        w = b.weighted_nps
        low = " [yellow](few accounts)[/]" if w.low_sample else ""
        out.print(
            f"Revenue-weighted NPS {_pts(w.nps)} 95% CI {_ci(w.ci_low, w.ci_high)} "
            f"(plain {_pts(w.unweighted.nps)}; {w.n_accounts} accounts, revenue "
            f"{w.revenue:,.0f}){low}"
        )
    if b.revenue_at_risk is not None:
        r = b.revenue_at_risk
        out.print(
            f"[bold red]Revenue at risk {r.revenue:,.0f}[/] ({100 * r.share:.0f}% of revenue, "
            f"{len(r.accounts)} accounts whose latest answer is a detractor's)"
        )
        for a in r.accounts[:5]:
            owner = f", {a.owner}" if a.owner else ""
            text = " ".join(a.comment.split())[:80]
            out.print(f"  {a.account} {a.revenue:,.0f} (score {a.score}{owner}): “{text}”")
    for attr in [x for x in b.attribute_nps if x.versus_rest.significant][:6]:
        d = attr.versus_rest
        out.print(
            f"{attr.column} = {attr.value}: NPS {_pts(attr.estimate.nps)} vs {_pts(d.a.nps)} "
            f"for the rest, {_pts(d.difference)} {_ci(d.ci_low, d.ci_high)}, p = {d.p_value:.2g}"
        )
    if b.drivers is not None:
        customer = [e for e in b.drivers.effects if "=" in e.theme_id or ">=" in e.theme_id]
        for e in [e for e in customer if e.ci_low > 0 or e.ci_high < 0][:4]:
            out.print(
                f"Driver {e.theme_id}: {e.attributed_impact:+.1f} NPS points with themes held "
                f"fixed {_ci(e.ci_low, e.ci_high)}"
            )
    for what in b.what_if[:3]:
        out.print(f"What if (revenue): {what.statement}")
    for act in b.actions:
        share = ""
        if act.theme_did is not None and act.theme_did_ci_low is not None:
            share = (
                f"; {act.theme_id} share {act.theme_did:+.1f} pp "
                f"{_ci(act.theme_did_ci_low, act.theme_did_ci_high or 0.0)}"
            )
        flag = " [yellow](low sample)[/]" if act.low_sample else ""
        out.print(
            f"Action {act.name!r} ({act.date}, {act.segment or 'everyone'}): NPS "
            f"{_pts(act.treated_before.nps)} → {_pts(act.treated_after.nps)}, vs the rest "
            f"{_pts(act.did)} {_ci(act.did_ci_low, act.did_ci_high)}{share}{flag}"
        )
    for warning in b.warnings:
        out.print(f"[yellow]⚠ {warning}[/]")


@actions_app.command("add")
def actions_add(
    file: Annotated[Path, typer.Option("--file", "-f", help="The actions file (.yaml or .csv).")],
    name: Annotated[str, typer.Option(help="What was done, e.g. 'Invoice training'.")],
    date: Annotated[str, typer.Option(help="When it took effect, YYYY-MM-DD.")],
    segment: Annotated[
        str, typer.Option(help="Who it targeted, column=value (e.g. Region=Nord); empty: all.")
    ] = "",
    theme: Annotated[str | None, typer.Option(help="Theme id it targets, e.g. billing.")] = None,
) -> None:
    """Record an action; `voc analyze --actions FILE` reports its effect."""
    from voc.io.actions import add_action, parse_action

    try:
        action = parse_action(
            {"name": name, "date": date, "segment": segment, "theme": theme}, "the action"
        )
        actions = add_action(file, action)
    except VocError as exc:
        _err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    _console.print(f"{file}: {len(actions)} actions; added {action.name!r} ({action.date})")


@actions_app.command("list")
def actions_list(
    file: Annotated[Path, typer.Option("--file", "-f", help="The actions file (.yaml or .csv).")],
) -> None:
    """List the recorded actions."""
    from voc.io.actions import load_actions

    try:
        actions = load_actions(file)
    except VocError as exc:
        _err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from None
    for a in actions:
        _console.print(f"{a.date}  {a.name}  {a.segment or 'everyone'}  {a.theme or ''}")
