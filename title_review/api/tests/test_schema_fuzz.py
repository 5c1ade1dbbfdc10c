"""The OpenAPI schema, fuzzed in-process: every operation, as an integration token of 杭州市职改办 and as the
`applicant` signed in on the web (session cookie and CSRF token), with data that fits the schema and data
that does not. No answer may be a server error, and every answer must be what the schema says — a
documented status code, its content type, a body matching its schema.

Bounded and reproducible: a few examples per operation and mode (the negative mode wherever a parameter or a
body can be made invalid), derandomized, no deadline, no example database; the whole test takes a few
seconds per identity.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.conf import settings as settings_
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from title_review.api.tokens import create_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 3  # per operation and generation mode
KNOWN_ID_EXAMPLES = 2  # per operation with an id in its path, and known object
CSRF = "fuzzCsrfSecret0123456789abcdefgh"  # a CSRF secret: 32 letters and digits, as Django makes them


@contextmanager
def _same_connection() -> Iterator[None]:
    """Requests through the WSGI handler share the test's connection (and its transaction), as Django's test
    client arranges: the handler must not close it at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token(users: dict, orgs: dict) -> dict[str, Any]:
    """An integration token of 杭州市职改办, made by its administrator."""
    office = orgs["杭州市职称工作领导小组办公室"]
    _token, key = create_token(actor=users["hzadmin"], organisation=office, name="接口测试")
    return {"headers": {"Authorization": f"Token {key}"}}


def _session(users: dict, orgs: dict) -> dict[str, Any]:
    """The `applicant` signed in on the web: the session cookie, and the CSRF cookie with its header."""
    client = Client()
    client.force_login(users["applicant"])
    session = client.cookies[settings_.SESSION_COOKIE_NAME].value
    return {
        "headers": {"X-CSRFToken": CSRF},
        "cookies": {settings_.SESSION_COOKIE_NAME: session, settings_.CSRF_COOKIE_NAME: CSRF},
    }


def _known_ids(orgs: dict) -> list[int]:
    from title_review.rounds.models import Round

    first_round = Round.objects.order_by("pk").values_list("pk", flat=True).first()
    return sorted({orgs["杭州市职称工作领导小组办公室"].pk, first_round or 1})


IDENTITIES = {"token of 杭州市职改办": _token, "applicant session": _session}


def _credentials(schema: Any) -> set[str]:
    """The parameters that only carry credentials (the schema's security schemes)."""
    schemes = schema.raw_schema.get("components", {}).get("securitySchemes", {})
    return {scheme["name"] for scheme in schemes.values() if "name" in scheme}


def _modes(operation: Any, credentials: set[str]) -> tuple[schemathesis.GenerationMode, ...]:
    """Both generation modes, or only the positive one where nothing can be made invalid: no parameter but the
    credentials, and no body (hypothesis would spend its whole budget finding that out, and then give up)."""
    inputs = [p for p in operation.iter_parameters() if p.name not in credentials] or list(operation.body)
    if inputs:
        return (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    return (schemathesis.GenerationMode.POSITIVE,)


def _fuzz(
    operation: Any,
    identity: dict[str, Any],
    mode: schemathesis.GenerationMode,
    statuses: set[int],
    examples: int = EXAMPLES,
    **fixed: Any,
) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case: schemathesis.Case) -> None:
        response = case.call(**identity)
        statuses.add(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=identity["headers"])
        except (Exception, BaseExceptionGroup) as exc:  # collected and reported per operation below
            failures.append(f"{operation.label} [{mode.value}] {response.status_code}: {str(exc)[:1500]}")

    try:
        run()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, no body): no negative cases.
        assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
    return failures


@pytest.mark.ci_on_postgresql
@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_operation_answers_as_documented(identity, users, orgs):
    who = IDENTITIES[identity](users, orgs)
    app = WSGIHandler()
    with _same_connection():
        cookie = "; ".join(f"{k}={v}" for k, v in who.get("cookies", {}).items())
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", app, headers={**who["headers"], **({"Cookie": cookie} if cookie else {})}
        )
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 30  # the whole API, not a schema that failed to load
        failures: list[str] = []
        statuses: set[int] = set()
        credentials = _credentials(schema)
        assert credentials == {"Authorization", settings_.SESSION_COOKIE_NAME}, credentials
        for operation in operations:
            for mode in _modes(operation, credentials):
                failures += _fuzz(operation, who, mode, statuses)
            if "{id}" in operation.path:
                # Random ids mostly name nothing; these name objects of the demo tree (the office, a round).
                for pk in _known_ids(orgs):
                    failures += _fuzz(
                        operation,
                        who,
                        schemathesis.GenerationMode.POSITIVE,
                        statuses,
                        KNOWN_ID_EXAMPLES,
                        path_parameters={"id": pk},
                    )
    # Both identities got through: a signed-in answer, and a write that passed the CSRF check to validation.
    assert {200, 400} <= statuses, statuses
    assert not failures, "\n\n".join(failures)
