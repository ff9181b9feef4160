"""schemathesis over every operation of the live schema: no 5xx, responses as documented.

Run alone with `make fuzz` (it is also part of `make test`). Examples are bounded and
derandomized so a run takes the same time and finds the same things every time.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from servicedesk.wsgi import application
from staff.models import Role
from tests.factories import CustomerFactory, UserFactory
from tickets import services

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 25


@pytest.fixture
def wsgi_requests_keep_the_test_connection():
    # As Django's test client does: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, team, settings, wsgi_requests_keep_the_test_connection):
    """A manager's all-scope token and a few real records, so ids sometimes exist."""
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "fuzz-media"
    manager = UserFactory(role=Role.MANAGER, teams=[team])
    _token, plain = api_token_issue(
        user=manager,
        name="fuzz",
        scopes=list(Scope.values),
        rate_per_minute=1_000_000,
    )
    customer = CustomerFactory()
    tickets = [
        services.ticket_create(
            actor=manager, subject=f"fuzz {i}", channel="api", team=team, customer=customer
        )
        for i in range(3)
    ]
    return {
        "headers": {"Authorization": f"Bearer {plain}"},
        "ids": [ticket.pk for ticket in tickets] + [customer.pk, manager.pk, team.pk],
    }


@schemathesis.serializer("message/rfc822")
def rfc822_body(ctx, value) -> dict:
    """Inbound e-mail bodies are raw bytes (schemathesis has no built-in for this type)."""
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": str(value).encode("utf-8", "surrogatepass")}


# Loaded from the running application (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_with_a_5xx(case, fuzz_world):
    identifier = (case.path_parameters or {}).get("id")
    if isinstance(identifier, int) and identifier % 2 == 0:
        # Half the cases address a record that exists, to reach past the 404.
        ids = fuzz_world["ids"]
        case.path_parameters["id"] = ids[identifier % len(ids)]
    case.call_and_validate(headers=fuzz_world["headers"], checks=CHECKS)
