"""The workspace-scoped repository: every query it runs is filtered by its workspace id.

Routes and jobs never build queries; they get a :class:`WorkspaceRepository` bound to the
caller's workspace, so a resource of another workspace is simply not found.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from voc.store.csat_queries import CsatQueries
from voc.store.errors import ConflictError, NotFoundError
from voc.store.models import (
    TENANT_TABLES,
    AnalysisRun,
    ApiKey,
    Embedding,
    Response,
    TaxonomyVersion,
    ThemeAssignmentRow,
    Upload,
    Workspace,
    utcnow,
)
from voc.store.queries import ResultQueries, Scope
from voc.store.records import (
    ROLES,
    CommentThemes,
    KeyRecord,
    ResponseRow,
    Role,
    RunRecord,
    TaxonomyRecord,
    UploadRecord,
    WorkspaceRecord,
)
from voc.store.scoped import WorkspaceTables

KEY_PREFIX = "voc_"
_INSERT_CHUNK = 2000
_IN_CHUNK = 500


def hash_key(plaintext: str) -> str:
    """API keys are 256-bit random tokens, so one SHA-256 is enough to keep them safe at rest."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def key_record(key: ApiKey) -> KeyRecord:
    return KeyRecord(
        id=key.id,
        workspace_id=key.workspace_id,
        name=key.name,
        role=cast(Role, key.role),
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def _upload_record(u: Upload) -> UploadRecord:
    return UploadRecord(
        id=u.id,
        filename=u.filename,
        status=u.status,
        size_bytes=u.size_bytes,
        rows_used=u.rows_used,
        created_at=u.created_at,
        committed_at=u.committed_at,
        mapping=u.mapping,
        load_report=u.load_report,
        warnings=tuple(u.warnings or ()),
    )


def _run_record(r: AnalysisRun) -> RunRecord:
    return RunRecord(
        id=r.id,
        upload_id=r.upload_id,
        status=r.status,
        stage=r.stage,
        progress=r.progress,
        attempts=r.attempts,
        created_at=r.created_at,
        taxonomy_number=r.taxonomy_number,
        error=r.error,
        started_at=r.started_at,
        finished_at=r.finished_at,
    )


def _taxonomy_record(t: TaxonomyVersion) -> TaxonomyRecord:
    return TaxonomyRecord(t.number, t.name, t.version, t.content, t.created_at)


class WorkspaceRepository(WorkspaceTables):
    """Data of one workspace. Construct through ``Store.workspace(id)``."""

    def __init__(self, session: Session, workspace_id: str, scope: Scope = None):
        super().__init__(session, workspace_id)
        self.scope = scope  # a seller's segments: result queries see only those responses
        self.results = ResultQueries(session, workspace_id, scope)
        self.csat = CsatQueries(session, workspace_id, scope)

    # --- workspace ----------------------------------------------------------------
    def workspace(self) -> WorkspaceRecord:
        ws = self.session.scalar(select(Workspace).where(Workspace.id == self.workspace_id))
        if ws is None:
            raise NotFoundError("workspace", self.workspace_id)
        return WorkspaceRecord(ws.id, ws.name, ws.created_at)

    def erase(self) -> None:
        """GDPR erasure of the whole workspace: every row of it, its keys, then itself."""
        for table in TENANT_TABLES:
            self.session.execute(delete(table).where(table.workspace_id == self.workspace_id))
        self.session.execute(delete(Workspace).where(Workspace.id == self.workspace_id))

    # --- keys ---------------------------------------------------------------------
    def list_keys(self) -> list[KeyRecord]:
        keys = self.session.scalars(
            select(ApiKey).where(ApiKey.workspace_id == self.workspace_id).order_by(ApiKey.id)
        )
        return [key_record(k) for k in keys]

    def create_key(self, role: Role, name: str = "") -> tuple[KeyRecord, str]:
        """A new API key of this workspace; the plaintext is returned once, only its hash kept."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        self.workspace()  # NotFoundError for an erased or unknown workspace
        plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            name=name,
            role=role,
            prefix=plaintext[: len(KEY_PREFIX) + 6],
            key_hash=hash_key(plaintext),
            created_at=utcnow(),
        )
        self.session.add(key)
        self.session.flush()
        return key_record(key), plaintext

    def revoke_key(self, key_id: str) -> None:
        key = self._one(ApiKey, key_id, "key")
        key.revoked_at = key.revoked_at or utcnow()

    # --- uploads ------------------------------------------------------------------
    def add_upload(self, filename: str, content: bytes) -> UploadRecord:
        upload = Upload(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            filename=filename,
            status="pending",
            size_bytes=len(content),
            content=content,
            rows_used=0,
            created_at=utcnow(),
        )
        self.session.add(upload)
        self.session.flush()
        return _upload_record(upload)

    def get_upload(self, upload_id: str) -> UploadRecord:
        return _upload_record(self._one(Upload, upload_id, "upload"))

    def upload_content(self, upload_id: str) -> tuple[str, bytes]:
        """Name and bytes of a pending upload's file (a committed one's are not kept)."""
        upload = self._one(Upload, upload_id, "upload")
        if upload.status != "pending":
            raise ConflictError(f"upload {upload_id} is already committed")
        return upload.filename, bytes(upload.content or b"")

    def responses(self, upload_id: str) -> list[ResponseRow]:
        """The upload's stored responses in file order, as its commit stored them."""
        self._one(Upload, upload_id, "upload")
        rows = self.session.execute(
            select(
                Response.row,
                Response.response_id,
                Response.score,
                Response.nps_group,
                Response.submitted_at,
                Response.comment,
                Response.segments,
                Response.csat_score,
                Response.csat_scale,
            )
            .where(Response.workspace_id == self.workspace_id, Response.upload_id == upload_id)
            .order_by(Response.row)
        )
        return [
            ResponseRow(
                row, response_id, score, group, when, comment, dict(segments or {}), csat, scale
            )
            for row, response_id, score, group, when, comment, segments, csat, scale in rows
        ]

    def list_uploads(self) -> list[UploadRecord]:
        uploads = self.session.scalars(
            select(Upload)
            .where(Upload.workspace_id == self.workspace_id)
            .order_by(Upload.created_at, Upload.id)
        )
        return [_upload_record(u) for u in uploads]

    def commit_upload(
        self,
        upload_id: str,
        mapping: dict[str, Any],
        load_report: dict[str, Any],
        rows: Sequence[ResponseRow],
        warnings: Sequence[str] = (),
    ) -> UploadRecord:
        """Store the upload's usable responses under the mapping the user confirmed.

        The raw file is dropped here: from now on only the parsed, redacted responses and
        the load report (whose skipped values are redacted too) are kept.
        """
        upload = self._one(Upload, upload_id, "upload")
        if upload.status != "pending":
            raise ConflictError(f"upload {upload_id} is already committed")
        values = [
            {
                "workspace_id": self.workspace_id,
                "upload_id": upload_id,
                "row": r.row,
                "response_id": r.response_id,
                "score": r.score,
                "nps_group": r.nps_group,
                "submitted_at": r.submitted_at,
                "period": r.submitted_at.strftime("%Y-%m") if r.submitted_at else None,
                "comment": r.comment,
                "segments": r.segments,
                "csat_score": r.csat_score,
                "csat_scale": r.csat_scale,
            }
            for r in rows
        ]
        for start in range(0, len(values), _INSERT_CHUNK):
            self.session.execute(insert(Response), values[start : start + _INSERT_CHUNK])
        upload.status = "committed"
        upload.content = None
        upload.mapping = mapping
        upload.load_report = load_report
        upload.warnings = list(warnings)
        upload.rows_used = len(values)
        upload.committed_at = utcnow()
        self.session.flush()
        return _upload_record(upload)

    def delete_upload(self, upload_id: str) -> None:
        """GDPR erasure of one upload: its responses, themes, runs, the file, and the cache.

        The embedding cache is dropped for the whole workspace: cached vectors are keyed by
        text hash and shared between uploads, and it refills on the next analysis.
        """
        self._one(Upload, upload_id, "upload")
        ws = self.workspace_id
        for table in (ThemeAssignmentRow, Response, AnalysisRun):
            self.session.execute(
                delete(table).where(table.workspace_id == ws, table.upload_id == upload_id)
            )
        self.session.execute(delete(Embedding).where(Embedding.workspace_id == ws))
        self.session.execute(
            delete(Upload).where(Upload.workspace_id == ws, Upload.id == upload_id)
        )

    # --- taxonomy -----------------------------------------------------------------
    def latest_taxonomy(self) -> TaxonomyRecord | None:
        t = self.session.scalar(
            select(TaxonomyVersion)
            .where(TaxonomyVersion.workspace_id == self.workspace_id)
            .order_by(TaxonomyVersion.number.desc())
            .limit(1)
        )
        return None if t is None else _taxonomy_record(t)

    def taxonomy(self, number: int) -> TaxonomyRecord:
        t = self.session.scalar(
            select(TaxonomyVersion).where(
                TaxonomyVersion.workspace_id == self.workspace_id,
                TaxonomyVersion.number == number,
            )
        )
        if t is None:
            raise NotFoundError("taxonomy version", number)
        return _taxonomy_record(t)

    def list_taxonomies(self) -> list[TaxonomyRecord]:
        rows = self.session.scalars(
            select(TaxonomyVersion)
            .where(TaxonomyVersion.workspace_id == self.workspace_id)
            .order_by(TaxonomyVersion.number)
        )
        return [_taxonomy_record(t) for t in rows]

    def add_taxonomy(self, name: str, version: str, content: str) -> TaxonomyRecord:
        latest = self.latest_taxonomy()
        t = TaxonomyVersion(
            workspace_id=self.workspace_id,
            number=(latest.number if latest else 0) + 1,
            name=name,
            version=version,
            content=content,
            created_at=utcnow(),
        )
        self.session.add(t)
        self.session.flush()
        return _taxonomy_record(t)

    # --- analysis runs ------------------------------------------------------------
    def create_run(self, upload_id: str, taxonomy_number: int | None) -> RunRecord:
        upload = self._one(Upload, upload_id, "upload")
        if upload.status != "committed":
            raise ConflictError(f"upload {upload_id} is not committed yet: commit it first")
        run = AnalysisRun(
            id=uuid.uuid4().hex,
            workspace_id=self.workspace_id,
            upload_id=upload_id,
            taxonomy_number=taxonomy_number,
            status="queued",
            stage="queued",
            progress=0,
            attempts=0,
            created_at=utcnow(),
        )
        self.session.add(run)
        self.session.flush()
        return _run_record(run)

    def get_run(self, run_id: str) -> RunRecord:
        return _run_record(self._one(AnalysisRun, run_id, "job"))

    def list_runs(self) -> list[RunRecord]:
        runs = self.session.scalars(
            select(AnalysisRun)
            .where(AnalysisRun.workspace_id == self.workspace_id)
            .order_by(AnalysisRun.created_at, AnalysisRun.id)
        )
        return [_run_record(r) for r in runs]

    def update_run(self, run_id: str, **fields: Any) -> None:
        self.session.execute(
            update(AnalysisRun)
            .where(AnalysisRun.workspace_id == self.workspace_id, AnalysisRun.id == run_id)
            .values(**fields)
        )

    def mark_queued(self, run_id: str, stage: str) -> None:
        """Set the stage of a job that is still queued (e.g. "waiting for broker")."""
        self.session.execute(
            update(AnalysisRun)
            .where(
                AnalysisRun.workspace_id == self.workspace_id,
                AnalysisRun.id == run_id,
                AnalysisRun.status == "queued",
            )
            .values(stage=stage)
        )

    def run_report(self, run_id: str) -> dict[str, Any]:
        run = self._one(AnalysisRun, run_id, "job")
        if run.report is None:
            raise ConflictError(f"job {run_id} has no report yet (status {run.status})")
        return dict(run.report)

    def save_results(
        self, run_id: str, upload_id: str, found: Iterable[CommentThemes], report: dict[str, Any]
    ) -> None:
        """Replace the upload's languages and theme assignments with this run's, atomically.

        Delete-then-insert inside the caller's one transaction: a retried or repeated run
        leaves exactly one set of rows, never duplicates.
        """
        ws = self.workspace_id
        self.session.execute(
            delete(ThemeAssignmentRow).where(
                ThemeAssignmentRow.workspace_id == ws, ThemeAssignmentRow.upload_id == upload_id
            )
        )
        pk_of_row = {
            row: pk
            for row, pk in self.session.execute(
                select(Response.row, Response.id).where(
                    Response.workspace_id == ws, Response.upload_id == upload_id
                )
            )
        }
        languages = []
        hits = []
        for item in found:
            pk = pk_of_row[item.row]
            languages.append(
                {"pk": pk, "language": item.language, "conf": item.language_confidence}
            )
            hits += [
                {
                    "workspace_id": ws,
                    "upload_id": upload_id,
                    "response_pk": pk,
                    "run_id": run_id,
                    "theme_id": h.theme_id,
                    "confidence": h.confidence,
                    "polarity": h.polarity,
                    "start": h.start,
                    "end": h.end,
                }
                for h in dict(((h.theme_id, h.start), h) for h in item.hits).values()
            ]
        self._set_languages(languages)
        for start in range(0, len(hits), _INSERT_CHUNK):
            self.session.execute(insert(ThemeAssignmentRow), hits[start : start + _INSERT_CHUNK])
        self.update_run(
            run_id,
            status="succeeded",
            stage="done",
            progress=100,
            report=report,
            error=None,
            finished_at=utcnow(),
        )

    def _set_languages(self, languages: list[dict[str, Any]]) -> None:
        table = Response.__table__.c
        statement = (
            update(Response)
            .where(table.id == bindparam("pk"), table.workspace_id == self.workspace_id)
            .values(language=bindparam("language"), language_confidence=bindparam("conf"))
        )
        for start in range(0, len(languages), _INSERT_CHUNK):
            self.session.connection().execute(statement, languages[start : start + _INSERT_CHUNK])

    # --- embedding cache ----------------------------------------------------------
    def cached_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), _IN_CHUNK):
            rows = self.session.execute(
                select(Embedding.text_hash, Embedding.vector).where(
                    Embedding.workspace_id == self.workspace_id,
                    Embedding.model == model,
                    Embedding.text_hash.in_(hashes[start : start + _IN_CHUNK]),
                )
            )
            found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def cache_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        values = [
            {
                "workspace_id": self.workspace_id,
                "model": model,
                "text_hash": h,
                "vector": np.asarray(v, dtype=np.float32).tobytes(),
            }
            for h, v in vectors.items()
        ]
        for start in range(0, len(values), _INSERT_CHUNK):
            self.session.execute(
                self._insert(Embedding).on_conflict_do_nothing(),
                values[start : start + _INSERT_CHUNK],
            )

    def count_embeddings(self) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(Embedding)
                .where(Embedding.workspace_id == self.workspace_id)
            )
            or 0
        )
