"""What every workspace-scoped repository shares: a session, the workspace id, a lookup that
never crosses workspaces, and an idempotent INSERT for the dialect in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from voc.store.errors import NotFoundError


class WorkspaceTables:
    """Base of the repositories that read and write one workspace's rows."""

    def __init__(self, session: Session, workspace_id: str):
        self.session = session
        self.workspace_id = workspace_id

    def _one(self, model: Any, ident: str, kind: str) -> Any:
        """The row of ``model`` with this id in this workspace, or NotFoundError."""
        obj = self.session.scalar(
            select(model).where(model.id == ident, model.workspace_id == self.workspace_id)
        )
        if obj is None:
            raise NotFoundError(kind, ident)
        return obj

    def _insert(self, model: Any) -> Any:
        """INSERT for this dialect (add ``.on_conflict_do_nothing()`` for idempotent writes)."""
        dialect = self.session.get_bind().dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        return module.insert(model)
