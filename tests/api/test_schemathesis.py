"""Property-based API tests from the OpenAPI spec: no 5xx, responses match the schema.

Bounded: a few generated cases per operation (``MAX_EXAMPLES``), derandomised, so the run
is repeatable and takes seconds. The counts are printed (``pytest -s``) for the docs.
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from .conftest import Tenant
from .test_service import analysed

MAX_EXAMPLES = 4
# No 5xx, documented status codes and content types, bodies match the response schemas.
# (Not "positive data acceptance": a schema-valid multipart file can still be a bad CSV.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_api_conforms_to_its_schema(service: TestClient, tenant_a: Tenant) -> None:
    analysed(service, tenant_a)  # some data, so the result routes have something to return
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app)
    headers = tenant_a.headers("admin")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE":
            continue  # erasing the workspace mid-run would leave nothing to test
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except BaseException as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    print(
        f"\nschemathesis: {operations} operations, {sum(statuses.values())} calls, {dict(statuses)}"
    )
    assert not failures, "\n\n".join(failures)
    assert statuses and max(statuses) < 500
