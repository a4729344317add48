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
