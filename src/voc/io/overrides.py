"""Columns the user names (CLI flags, API fields, a mapping file), checked against the file."""

from __future__ import annotations

from dataclasses import dataclass

from voc.errors import InputError
from voc.io.layouts import TableLayout

TIDY_COLUMNS = ("row", "response_id", "score", "comment", "submitted_at")
_ROLES = ("score", "comment", "date", "response_id", "respondent")


@dataclass(frozen=True)
class ColumnOverrides:
    """Columns a user forces; None leaves the choice to detection.

    ``extra_comments`` are further comment fields of the same response; when ``comment``
    is forced and ``extra_comments`` is None, there are none. ``respondent`` names who
    answered (a customer or account id that may repeat), used to find duplicates.
    """

    score: str | None = None
    comment: str | None = None
    date: str | None = None
    response_id: str | None = None
    segments: tuple[str, ...] | None = None  # None = auto-detect segment columns
    extra_comments: tuple[str, ...] | None = None
    respondent: str | None = None


def resolve_overrides(
    names: list[str], overrides: ColumnOverrides, layout: TableLayout
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The forced role columns by role, and the forced lists (segments, extra comments)."""
    labels = {name: layout.labels.get(name, "") for name in names}

    def find(name: str, role: str) -> str:
        if name in names:
            return name
        wanted = _loose(name)
        for candidates in (
            [n for n in names if _loose(n) == wanted],
            [n for n in names if labels[n] and _loose(labels[n]) == wanted],
        ):
            if len(candidates) == 1:
                return candidates[0]
        raise InputError(
            f"not found (given for {role}); available columns: {names!r}",
            column=name,
        )

    forced: dict[str, str] = {}
    used: dict[str, str] = {}

    def claim(found: str, role: str) -> None:
        if found in used:
            raise InputError(f"is given for both {used[found]} and {role}", column=found)
        used[found] = role

    for role in _ROLES:
        given = getattr(overrides, role)
        if given is None:
            continue
        found = find(given, role)
        claim(found, role)
        forced[role] = found
    lists: dict[str, list[str]] = {}
    for role in ("extra_comments", "segments"):
        given_list = getattr(overrides, role)
        if given_list is None:
            continue
        chosen: list[str] = []
        for given in given_list:
            found = find(given, role)
            if found in chosen:
                continue
            claim(found, role)
            if role == "segments" and found in TIDY_COLUMNS:
                raise InputError(
                    "cannot be a segment: the loaded table has a column of that name itself; "
                    "rename it",
                    column=found,
                )
            chosen.append(found)
        lists[role] = chosen
    return forced, lists


def _loose(name: str) -> str:
    return " ".join(name.split()).casefold()
