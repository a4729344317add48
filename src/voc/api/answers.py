"""Answers sent one by one (``POST /v1/responses``): stored, classified at once with the
service's loaded models, their alerts computed and queued for delivery.

The same code as elsewhere does each step: PII redaction (voc.io.pii), language and themes
(the workspace's classifier, as ``POST /v1/classify``), alerts (voc.analytics.alerts),
owners and idempotency keys (voc.delivery.events), the outbox (voc.store.business).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import pandas as pd

from voc.analytics.alerts import find_alerts
from voc.analytics.nps import nps_group
from voc.api.schemas import ClassifiedTheme
from voc.api.schemas_business import AlertOut, AnswerIn, AnswersOut, StoredAnswer
from voc.assemble import SIZE_COLUMN, find_column
from voc.delivery import alert_events, owner_column, owners_by_row
from voc.io import LoadedSurvey
from voc.io.customers import JoinedSurvey
from voc.io.pii import redact_texts
from voc.jobs.business import with_business
from voc.nlp.langid import detect
from voc.pipeline import Analyzer
from voc.store import Store, WorkspaceRepository
from voc.store.business import API_UPLOAD_FILENAME, BusinessRepository
from voc.store.records import CommentThemes, HitRecord, ResponseRow
from voc.types import ColumnMapping, LoadReport, Polarity


def response_id_of(answer: AnswerIn) -> str:
    """The caller's id, or a stable hash of what identifies the answer."""
    if answer.response_id:
        return answer.response_id
    when = answer.date.isoformat() if answer.date else ""
    text = "\x1f".join([answer.respondent_id or "", when, str(answer.score), answer.comment])
    return "api-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class _Prepared:
    survey: LoadedSurvey
    rows: list[ResponseRow]
    duplicates: list[str]


def _prepare(answers: list[AnswerIn], known: set[str], redact: bool) -> _Prepared:
    """The new answers as stored rows and as a survey frame; repeats are set aside."""
    seen = set(known)
    duplicates: list[str] = []
    kept: list[tuple[str, AnswerIn]] = []
    for answer in answers:
        rid = response_id_of(answer)
        if rid in seen:
            duplicates.append(rid)
            continue
        seen.add(rid)
        kept.append((rid, answer))
    comments = [a.comment.strip() for _, a in kept]
    redactions: dict[str, int] = {}
    if redact:
        comments, counts = redact_texts(comments)
        redactions = dict(counts)
    segments = list(dict.fromkeys(s for _, a in kept for s in a.segments))
    if any(a.respondent_id for _, a in kept) and "respondent_id" not in segments:
        segments.append("respondent_id")
    rows = []
    for i, ((rid, answer), comment) in enumerate(zip(kept, comments, strict=True), start=1):
        values = {s: answer.segments.get(s, "") for s in segments}
        if "respondent_id" in segments and "respondent_id" not in answer.segments:
            values["respondent_id"] = answer.respondent_id or ""
        when = answer.date
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(UTC).replace(tzinfo=None)
        rows.append(
            ResponseRow(i, rid, answer.score, nps_group(answer.score).value, when, comment, values)
        )
    mapping = ColumnMapping(
        score="score",
        comment="comment",
        date="date",
        response_id="response_id",
        segments=segments,
        respondent="respondent_id" if "respondent_id" in segments else None,
    )
    report = LoadReport(
        source=API_UPLOAD_FILENAME,
        file_type="json",
        rows_read=len(answers),
        rows_used=len(rows),
        mapping=mapping,
        scale="0-10",
        scale_reason="answers sent to the API are on the 0-10 scale",
        empty_comments=sum(not r.comment for r in rows),
        redactions=redactions,
        duplicates_removed=len(duplicates),
    )
    frame = pd.DataFrame(
        {
            "row": pd.Series([r.row for r in rows], dtype="int64"),
            "response_id": pd.Series([r.response_id for r in rows], dtype=str),
            "score": pd.Series([r.score for r in rows], dtype="int64"),
            "comment": pd.Series([r.comment for r in rows], dtype=str),
            "submitted_at": pd.Series([r.submitted_at for r in rows], dtype="datetime64[ns]"),
            **{s: pd.Series([r.segments[s] for r in rows], dtype=str) for s in segments},
        }
    )
    return _Prepared(LoadedSurvey(frame=frame, report=report), rows, duplicates)


def _classify(analyzer: Analyzer, rows: list[ResponseRow]) -> list[CommentThemes]:
    texts = [r.comment for r in rows if r.comment]
    if not texts:
        return []
    guesses = detect(texts, prior="survey", backend=analyzer.settings.language_backend)
    assignments = analyzer.theme_model.transform(texts)
    commented = [r for r in rows if r.comment]
    return [
        CommentThemes(
            row=r.row,
            language=g.lang,
            language_confidence=round(g.confidence, 4),
            hits=tuple(
                HitRecord(h.theme_id, h.confidence, h.polarity.value, h.start, h.end)
                for h in a.hits
            ),
        )
        for r, g, a in zip(commented, guesses, assignments, strict=True)
    ]


def store_answers(
    repo: WorkspaceRepository, store: Store, analyzer: Analyzer, answers: list[AnswerIn]
) -> AnswersOut:
    """Store, classify and raise the alerts of ``answers`` in the caller's transaction.

    The deliveries are only planned here; the caller sends them once this is committed.
    """
    settings = analyzer.settings
    business = BusinessRepository(repo.session, repo.workspace_id)
    ids = [response_id_of(a) for a in answers]
    prepared = _prepare(answers, business.known_api_response_ids(ids), settings.redact_pii)
    if not prepared.rows:
        return AnswersOut(
            upload_id=None,
            stored=0,
            duplicates=prepared.duplicates,
            answers=[],
            alerts=[],
            deliveries_planned=0,
        )
    # Customer file: owners and size of the accounts (a read in its own session, before
    # this transaction writes anything).
    survey = with_business(store, repo.workspace_id, prepared.survey, settings)
    found = _classify(analyzer, prepared.rows)
    upload = repo.add_upload(API_UPLOAD_FILENAME, b"")
    report = survey.report
    repo.commit_upload(
        upload.id,
        prepared.survey.report.mapping.model_dump(mode="json"),
        prepared.survey.report.model_dump(mode="json"),
        prepared.rows,
        survey.warnings,
    )
    business.save_classifications(upload.id, found)
    segments = list(report.mapping.segments)
    alerts = find_alerts(survey.frame, size_column=find_column(segments, SIZE_COLUMN))
    joined_owner = (
        survey.customers.owner
        if isinstance(survey, JoinedSurvey) and survey.customers is not None
        else None
    )
    owners = owners_by_row(survey.frame, owner_column(segments, joined_owner))
    events = alert_events(alerts, owners, scope=upload.id, source=f"POST /v1/responses {upload.id}")
    stored = business.add_alerts(events)
    planned = business.plan_deliveries(stored)
    new_keys = {a.key for a in stored}
    by_row = {f.row: f for f in found}
    taxonomy = analyzer.taxonomy
    language = settings.report_language
    return AnswersOut(
        upload_id=upload.id,
        stored=len(prepared.rows),
        duplicates=prepared.duplicates,
        answers=[
            StoredAnswer(
                response_id=r.response_id,
                row=r.row,
                nps_group=nps_group(r.score),
                language=by_row[r.row].language if r.row in by_row else None,
                themes=[
                    ClassifiedTheme(
                        theme_id=h.theme_id,
                        label=taxonomy[h.theme_id].label(language),
                        confidence=h.confidence,
                        polarity=Polarity(h.polarity),
                        start=h.start,
                        end=h.end,
                    )
                    for h in (by_row[r.row].hits if r.row in by_row else ())
                ],
            )
            for r in prepared.rows
        ],
        alerts=[
            AlertOut(
                kind=e.kind,
                severity=e.severity,
                reason=str(e.payload.get("reason", "")),
                response_id=_str_or_none(e.payload.get("response_id")),
                owner=e.owner,
                new=e.key in new_keys,
            )
            for e in events
        ],
        deliveries_planned=planned,
        warnings=list(survey.warnings),
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
