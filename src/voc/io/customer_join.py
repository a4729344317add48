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
    type_customers,
    with_customers,
    without_customers,
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
        return without_customers(loaded, actions)
    cells = loaded.frame[list(loaded.report.mapping.segments)].fillna("").astype(str)
    survey_key, customer_key = find_join_key(cells, customers, key)
    attributes = type_customers(customers, customer_key, revenue=revenue, owner=owner)
    return with_customers(loaded, survey_key, cells[survey_key], attributes, customers, actions)
