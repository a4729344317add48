"""What a job adds for the business features: the workspace's customer file and actions
joined before the analysis, and the report's alerts delivered after it."""

from __future__ import annotations

import io
import logging
from dataclasses import replace

from voc.analytics.actions import Action
from voc.config import Settings
from voc.delivery import alert_events, dispatch_alerts, owner_column, owners_by_row
from voc.errors import InputError
from voc.io import LoadedSurvey
from voc.io.customer_join import join_loaded_survey
from voc.io.customers import JoinedSurvey, read_customers
from voc.store import Store
from voc.store.business import BusinessRepository
from voc.types import Report

log = logging.getLogger(__name__)


def with_business(
    store: Store, workspace_id: str, survey: LoadedSurvey, settings: Settings
) -> LoadedSurvey:
    """The survey joined with the workspace's latest customer file and its actions.

    A customer file that does not fit this upload (no shared key, bad rows) does not stop
    the analysis: the report is made without the join and its warnings say why.
    """
    with store.workspace(workspace_id) as repo:
        business = BusinessRepository(repo.session, workspace_id)
        latest = business.latest_customer_file()
        actions = [Action(a.name, a.date, a.segment, a.theme) for a in business.list_actions()]
    if latest is None and not actions:
        return survey
    record = latest[0] if latest else None
    notes: list[str] = []
    try:
        customers = (
            read_customers(io.BytesIO(latest[1]), filename=latest[0].filename, settings=settings)
            if latest is not None
            else None
        )
        joined = join_loaded_survey(
            survey,
            customers,
            key=record.key if record else None,
            revenue=record.revenue_column if record else None,
            owner=record.owner_column if record else None,
        )
    except InputError as exc:
        notes.append(f"customer file #{record.number if record else '?'} not joined: {exc}")
        joined = join_loaded_survey(survey, None)
    # An action about a segment this upload lacks is reported, not allowed to fail the job.
    usable = []
    for action in actions:
        part = action.segment_parts()
        if part is not None and part[0] not in joined.frame.columns:
            notes.append(
                f"action {action.name!r} not followed up: this upload has no column {part[0]!r}"
            )
        else:
            usable.append(action)
    return replace(joined, warnings=(*joined.warnings, *notes), actions=tuple(usable))


def deliver_report_alerts(
    store: Store,
    settings: Settings,
    workspace_id: str,
    upload_id: str,
    run_id: str,
    survey: LoadedSurvey,
    report: Report,
) -> None:
    """Store the report's new alerts with their owners and deliver them (never raises:
    the analysis is saved already, and undelivered alerts stay pending in the log)."""
    try:
        joined_owner = (
            survey.customers.owner
            if isinstance(survey, JoinedSurvey) and survey.customers is not None
            else None
        )
        column = owner_column(list(survey.report.mapping.segments), joined_owner)
        events = alert_events(
            report.alerts,
            owners_by_row(survey.frame, column),
            scope=upload_id,
            source=f"job {run_id}",
        )
        dispatch_alerts(store, settings, workspace_id, events)
    except Exception:
        log.exception("job %s: alert delivery failed", run_id)
