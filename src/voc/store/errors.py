"""Errors the store raises; the API maps each to one problem type."""

from __future__ import annotations

from voc.errors import VocError


class NotFoundError(VocError):
    """No such resource in this workspace (also what another workspace's resources look like)."""

    def __init__(self, kind: str, ident: object):
        self.kind = kind
        super().__init__(f"{kind} {ident!s} not found")


class ConflictError(VocError):
    """The resource is not in a state that allows this (e.g. committing an upload twice)."""


class StoreBusyError(VocError):
    """The database did not give this request its turn within the bound: try again shortly."""

    def __init__(self, message: str, retry_after_s: int = 2):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class StoreUnavailableError(VocError):
    """The database cannot take writes or cannot be reached (read-only file, disk full, down)."""

    def __init__(self, message: str, retry_after_s: int = 30):
        self.retry_after_s = retry_after_s
        super().__init__(message)
