"""The customer join for a survey that is already loaded (the service's stored responses).

:func:`voc.io.customers.load_joined_survey` reads the export itself; the service keeps
only the parsed responses, whose segment columns hold the account key. This joins those.
"""

from __future__ import annotations

from collections.abc import Sequence

from voc.analytics.actions import Action
from voc.io.customers import (
    CustomerTable,
    JoinedSurvey,
    find_join_key,
    join_customers,
    join_warnings,
    type_customers,
)
from voc.io.survey import LoadedSurvey


def join_loaded_survey(
    loaded: LoadedSurvey,
    customers: CustomerTable | None,
    *,
    actions: Sequence[Action] = (),
    key: str | None = None,
    revenue: str | None = None,
    owner: str | None = None,
) -> JoinedSurvey:
    """``loaded`` with the accounts' attributes joined by a shared segment column.

    Raises InputError as :func:`voc.io.customers.load_joined_survey` does (no shared key,
    duplicated accounts, non-numeric revenue ...).
    """
    if customers is None:
        return JoinedSurvey(
            frame=loaded.frame,
            report=loaded.report,
            warnings=loaded.warnings,
            comment_fields=loaded.comment_fields,
            actions=tuple(actions),
        )
    mapping = loaded.report.mapping
    cells = loaded.frame[list(mapping.segments)].fillna("").astype(str)
    survey_key, customer_key = find_join_key(cells, customers, key)
    attributes = type_customers(customers, customer_key, revenue=revenue, owner=owner)
    frame, join = join_customers(
        loaded.frame, survey_key, cells[survey_key], attributes, customers.source
    )
    segments = list(mapping.segments) + [s for s in join.segments if s not in mapping.segments]
    report = loaded.report.model_copy(
        update={"mapping": mapping.model_copy(update={"segments": segments})}
    )
    return JoinedSurvey(
        frame=frame,
        report=report,
        warnings=(*loaded.warnings, *customers.notes, *join_warnings(join.report)),
        comment_fields=loaded.comment_fields,
        customers=join,
        actions=tuple(actions),
    )
