"""Every route, as every role: the status each one gets is the one this table expects.

The routes are not listed by hand: pages come from the URL resolver and API operations
from the OpenAPI schema, so a new route that is missing from the table fails the test
(as does a row for a route that no longer exists). Every routed id names a real record
of tests/world.py, so the answer is the permission's, not a 404 for a missing record.

Pages are fetched with GET (a form-only route gets an empty form POST); API operations
with their own method, an empty JSON body and the record's current ETag: a role that may
act gets past the permission and the precondition to the input check (400) or the action
itself. Every request is rolled back, so each cell starts from the same world. A page
that answers an empty form with a redirect and a message (the complaint actions) is
judged by its own tests; here it shows that the page let the role in.

When a route is added, the failure prints every observed row: check the new row's
statuses are what the role should get, then add it to the table.
"""

import json

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from quality.surveys import survey_token
from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from tests.world import build_world

pytestmark = pytest.mark.django_db

PAGE_ROLES = ("anonymous", "agent", "supervisor", "manager", "administrator")
API_ROLES = (*PAGE_ROLES, "token", "token_read_only", "token_without_scopes")
READ_SCOPES = [scope for scope in Scope.values if scope.endswith(":read")]
LOGIN = "login"  # a 302 to the login page

# Pages: route name → status per role, in PAGE_ROLES order.
PAGES: dict[str, tuple] = {
    # The team's care task: its agent, supervisor and managers mark it done (the note is
    # optional); skipping it with no reason is refused for everyone.
    "care:opt_out": ("login", 200, 200, 200, 200),
    "care:task_done": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "care:task_skip": ("login", "POST 400", "POST 400", "POST 400", "POST 400"),
    "care:tasks": ("login", 200, 200, 200, 200),
    "complaints:advance": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "complaints:approvals": ("login", 403, 200, 200, 200),
    "complaints:compensation": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "complaints:contact": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "complaints:decide": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "complaints:list": ("login", 200, 200, 200, 200),
    "customers:import": ("login", 403, 403, 200, 200),
    "customers:list": ("login", 200, 200, 200, 200),
    "customers:pick": ("login", 200, 200, 200, 200),
    "customers:profile": ("login", 200, 200, 200, 200),
    # Masked for every role; a reveal needs the contact permission (agents have none).
    "customers:export_csv": ("login", 200, 200, 200, 200),
    "customers:reveal": ("login", "POST 403", "POST 200", "POST 200", "POST 200"),
    "complaints:monthly": ("login", 403, 200, 200, 200),
    "complaints:monthly_csv": ("login", 403, 200, 200, 200),
    "complaints:monthly_latest": ("login", 403, 302, 302, 302),
    "complaints:monthly_pdf": ("login", 403, 200, 200, 200),
    "complaints:new": ("login", 200, 200, 200, 200),
    "complaints:panel": ("login", 200, 200, 200, 200),
    "complaints:reopen": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "complaints:report_download": ("login", 200, 200, 200, 200),
    "complaints:script_edit": ("login", 403, 403, 200, 200),
    "complaints:script_new": ("login", 403, 403, 200, 200),
    "complaints:scripts": ("login", 200, 200, 200, 200),
    "complaints:terms": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "healthz": (200, 200, 200, 200, 200),
    "livez": (200, 200, 200, 200, 200),
    "login": (200, 200, 200, 200, 200),
    "logout": ("POST login", "POST login", "POST login", "POST login", "POST login"),
    "plans:accept": (200, 200, 200, 200, 200),
    "plans:acceptance_link": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:acceptance_record": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:daily_check": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:draft": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:measure_done": ("login", 403, "POST 302", "POST 302", "POST 302"),
    "plans:measure_record": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:measures": ("login", 403, 200, 200, 200),
    "plans:review": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:sections": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:submit": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:task_add": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "plans:task_update": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "quality:coaching_plan": ("login", 403, 200, 200, 200),
    "quality:compute": ("login", 403, 403, "POST 302", "POST 302"),
    "quality:inspection": ("login", 403, 200, 200, 200),
    "quality:investigation": ("login", 403, 200, 200, 200),
    "quality:investigations": ("login", 403, 200, 200, 200),
    "quality:metrics": ("login", 403, 200, 200, 200),
    "quality:my_scorecard": ("login", 200, 200, 200, 200),
    "quality:publish": ("login", 403, 403, "POST 302", "POST 302"),
    "quality:scorecards": ("login", 403, 200, 200, 200),
    "customers:ltv_review": ("login", 403, 403, 200, 200),
    "quality:suggestion": ("login", 403, 403, 200, 200),
    "quality:suggestions": ("login", 200, 200, 200, 200),
    "quality:survey": (200, 200, 200, 200, 200),
    "quality:workload": ("login", 403, 200, 200, 200),
    "staff:list": ("login", 403, 200, 200, 200),
    "staff:profile": ("login", 403, 200, 200, 200),
    "staff:training_add": ("login", 403, "POST 422", "POST 422", "POST 422"),
    "readyz": (200, 200, 200, 200, 200),
    "set_language": (302, 302, 302, 302, 302),
    "sla:dashboard": ("login", 403, 200, 200, 200),
    "sla:export": ("login", 403, 200, 200, 200),
    "sla:figure": ("login", 403, 200, 200, 200),
    "sla:live": ("login", 403, 200, 200, 200),
    "sla:reassign": ("login", 403, 200, 200, 200),
    "tickets:assign": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
    "tickets:attachment": ("login", 200, 200, 200, 200),
    "tickets:bulk": ("login", "POST 302", "POST 302", "POST 302", "POST 302"),
    "tickets:detail": ("login", 200, 200, 200, 200),
    "tickets:new": ("login", 200, 200, 200, 200),
    "tickets:note": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
    "tickets:presence": ("login", 200, 200, 200, 200),
    "tickets:priority": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
    "tickets:queue": ("login", 200, 200, 200, 200),
    "tickets:reply": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
    "tickets:status": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
    "tickets:tags": ("login", "POST 422", "POST 422", "POST 422", "POST 422"),
}

# API: "METHOD /path" → status per role, in API_ROLES order.
API: dict[str, tuple] = {
    "GET /api/v1/improvement-measures/": (401, 403, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/plans/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/plans/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "POST /api/v1/improvement-measures/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/improvement-measures/{id}/done/": (401, 403, 200, 200, 200, 200, 403, 403),
    "POST /api/v1/plan-tasks/{id}/status/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/{id}/acceptance-link/": (401, 200, 200, 200, 200, 200, 403, 403),
    "POST /api/v1/plans/{id}/acceptance/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/{id}/checks/": (401, 200, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/{id}/reviews/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/{id}/sections/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/plans/{id}/submit/": (401, 409, 409, 409, 409, 409, 403, 403),
    "POST /api/v1/plans/{id}/tasks/": (401, 400, 400, 400, 400, 400, 403, 403),
    "DELETE /api/v1/tokens/{id}/": (401, 403, 403, 403, 204, 204, 403, 403),
    "GET /api/v1/compensations/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/compensations/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/complaints/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/complaints/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/complaints/{id}/reports/{version}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/customers/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/customers/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/customers/{id}/events/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/customers/{id}/profile/": (401, 200, 200, 200, 200, 200, 200, 403),
    "POST /api/v1/customers/import/": (401, 403, 403, 415, 415, 415, 403, 403),
    "GET /api/v1/customers/{id}/purchases/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/ltv-proposals/": (401, 403, 403, 200, 200, 200, 200, 403),
    "POST /api/v1/ltv-proposals/decide/": (401, 403, 403, 400, 400, 400, 403, 403),
    "GET /api/v1/docs/": (200, 200, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/redoc/": (200, 200, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/schema/": (200, 200, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/sla/dashboard/": (401, 403, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/inspections/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/inspections/{id}/": (401, 404, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/investigations/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/investigations/{id}/": (401, 404, 200, 200, 200, 200, 200, 403),
    "POST /api/v1/investigations/{id}/close/": (401, 403, 400, 400, 400, 400, 403, 403),
    "GET /api/v1/suggestions/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/suggestions/{id}/": (401, 200, 404, 200, 200, 200, 200, 403),
    "POST /api/v1/suggestions/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/suggestions/{id}/review/": (401, 403, 403, 400, 400, 400, 403, 403),
    "GET /api/v1/scorecards/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/scorecards/{id}/": (401, 404, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/surveys/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/surveys/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/staff/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/staff/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/teams/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/teams/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/{id}/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/{id}/attachments/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/{id}/events/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/{id}/messages/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tickets/{id}/sla/": (401, 200, 200, 200, 200, 200, 200, 403),
    "GET /api/v1/tokens/": (401, 403, 403, 403, 200, 200, 403, 403),
    "GET /api/v1/tokens/{id}/": (401, 403, 403, 403, 200, 200, 403, 403),
    "GET /api/v1/webhooks/": (401, 403, 403, 200, 200, 200, 403, 403),
    "GET /api/v1/webhooks/{id}/": (401, 403, 403, 200, 200, 200, 403, 403),
    "PATCH /api/v1/customers/{id}/": (401, 403, 200, 200, 200, 200, 403, 403),
    "PATCH /api/v1/tickets/{id}/": (401, 200, 200, 200, 200, 200, 403, 403),
    "PATCH /api/v1/webhooks/{id}/": (401, 403, 403, 200, 200, 200, 403, 403),
    "POST /api/v1/compensations/{id}/approve/": (401, 403, 200, 200, 200, 200, 403, 403),
    "POST /api/v1/compensations/{id}/reject/": (401, 403, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/{id}/advance/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/{id}/contacts/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/{id}/compensations/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/{id}/reopen/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/complaints/{id}/severity/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/customers/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/customers/{id}/purchases/": (401, 403, 400, 400, 400, 400, 403, 403),
    # A reveal reads (customers:read suffices) but needs the contact permission.
    "POST /api/v1/customers/{id}/reveal/": (401, 403, 400, 400, 400, 400, 400, 403),
    "POST /api/v1/inbound-email/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/{id}/assign/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/{id}/attachments/": (401, 415, 415, 415, 415, 415, 403, 403),
    "POST /api/v1/tickets/{id}/notes/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/{id}/priority/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/{id}/replies/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tickets/{id}/status/": (401, 400, 400, 400, 400, 400, 403, 403),
    "POST /api/v1/tokens/": (401, 403, 403, 403, 400, 400, 403, 403),
    "POST /api/v1/webhooks/": (401, 403, 403, 400, 400, 400, 403, 403),
}

# Unnamed routes that are no page of their own.
NOT_PAGES = {
    "",  # redirects to the queue
    "admin/(?P<url>.*)$",  # the admin's catch-all
    "api/v1/^[\\s\\S]*$",  # the API's JSON 404
    "^media/(?P<path>.*)$",  # files in development only
}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


class _Undo(Exception):
    pass


def undone(call):
    """The response of `call`, with every row it wrote rolled back: each cell of the
    table starts from the same world, whatever the cells before it did."""
    try:
        with transaction.atomic():
            response = call()
            raise _Undo
    except _Undo:
        return response


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def page_routes():
    """Named routes outside the API, and the admin's (checked by their own rule)."""
    pages, admin, unnamed = {}, {}, set()
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            continue
        if name is None:
            unnamed.add(route)
        elif name.startswith("admin:"):
            admin[name] = pattern
        else:
            pages[name] = pattern
    return pages, admin, unnamed


def api_operations(client):
    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}"
    for name in ("api:schema", "api:docs", "api:redoc"):
        yield f"GET {reverse(name)}"


def page_arguments(name, pattern, world) -> dict:
    ticket = world.complaint.ticket if name.startswith("complaints:") else world.ticket
    if name.startswith("plans:"):
        ticket = world.plan.ticket
    values = {
        "reference": ticket.reference,
        "attachment_id": world.attachment.pk,
        "compensation_id": world.compensation.pk,
        "script_id": world.script.pk,
        "month": 11 if name == "quality:coaching_plan" else "2026-11",
        "version": 1,
        # An SLA dashboard export, or one of the dashboard's period figures.
        "name": "trend" if name == "sla:figure" else "breached",
        "task_id": world.plan.tasks.first().pk if world.plan else 0,
        "measure_id": world.measure.pk if world.measure else 0,
        "token": (
            survey_token(world.survey) if name == "quality:survey" else world.acceptance_token
        ),
        "inspection_id": world.inspection.pk,
        "pk": world.customer.pk,  # customers:profile, customers:reveal, care:opt_out
        "field": "email",  # customers:reveal
        "investigation_id": world.investigation.pk,
        "suggestion_id": world.suggestion.pk,
        "agent_id": world.users["agent"].pk,
        "user_id": world.users["agent"].pk,
        "year": 2026,
        "contact_id": world.care_task.pk,
    }
    return {name: values[name] for name in pattern.pattern.converters}


def clients(world) -> dict:
    result = {"anonymous": APIClient()}
    for role, user in world.users.items():
        result[role] = APIClient()
        result[role].force_login(user)
    for role, scopes in (
        ("token", list(Scope.values)),
        ("token_read_only", READ_SCOPES),
        ("token_without_scopes", []),
    ):
        _token, plain = api_token_issue(
            user=world.users["administrator"], name=role, scopes=scopes, rate_per_minute=10**6
        )
        result[role] = APIClient()
        result[role].credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return result


def page_status(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def api_call(client, operation, world):
    method, template = operation.split(" ", 1)
    resource = template.split("/")[3] if template.count("/") > 3 else ""
    path = template.replace("{id}", str(world.ids.get(resource, 0))).replace("{version}", "1")
    headers = {}
    if method in {"POST", "PATCH"} and "{id}" in template:
        detail = "/".join(path.split("/")[:5]) + "/"
        headers["HTTP_IF_MATCH"] = _etag(world, detail)
    if method == "GET":
        return client.get(path)
    return client.generic(method, path, "{}", content_type="application/json", **headers)


def _etag(world, detail_path):
    reader = APIClient()
    reader.force_login(world.users["administrator"])
    return reader.get(detail_path).get("ETag", "")


def _page_call(client, url, user):
    """GET, or an empty form POST where the route only takes forms (405 to a GET)."""
    response = undone(lambda: client.get(url))
    if response.status_code == 405:
        response = undone(lambda: client.post(url, {}))
        if user is not None:
            client.force_login(user)  # the logout route ends the session
        return f"POST {page_status(response)}"
    return page_status(response)


def _observe_pages(world, role_clients):
    pages, _admin, _unnamed = page_routes()
    observed = {}
    for name, pattern in sorted(pages.items()):
        url = reverse(name, kwargs=page_arguments(name, pattern, world))
        observed[name] = tuple(
            _page_call(role_clients[role], url, world.users.get(role)) for role in PAGE_ROLES
        )
    return observed


def _observe_api(world, role_clients):
    observed = {}
    for operation in sorted(set(api_operations(role_clients["administrator"]))):
        observed[operation] = tuple(
            undone(
                lambda role=role, op=operation: api_call(role_clients[role], op, world)
            ).status_code
            for role in API_ROLES
        )
    return observed


def _table(observed) -> str:
    return "\n".join(f"    {key!r}: {value!r}," for key, value in observed.items())


def test_every_page_answers_each_role_as_the_table_says(world):
    observed = _observe_pages(world, clients(world))
    assert observed == PAGES, "observed:\n" + _table(observed)


def test_every_api_operation_answers_each_role_as_the_table_says(world):
    observed = _observe_api(world, clients(world))
    assert observed == API, "observed:\n" + _table(observed)


def test_no_unnamed_route_is_left_out():
    _pages, _admin, unnamed = page_routes()
    # The admin's unnamed `<object_id>/` routes redirect to its named change pages.
    unnamed = {route for route in unnamed if not route.endswith("/<path:object_id>/")}
    assert unnamed <= NOT_PAGES, unnamed - NOT_PAGES


def admin_arguments(pattern) -> dict:
    values = {"object_id": "0", "app_label": "tickets", "content_type_id": "1", "url": ""}
    names = pattern.pattern.converters or pattern.pattern.regex.groupindex
    return {name: values.get(name, "0") for name in names}  # other ids: a missing record


def test_every_admin_page_is_for_administrators_only(world):
    """The admin is one gate (staff + model permissions), so it has a rule, not rows:
    everyone else is sent to the admin's login; an administrator is not."""
    _pages, admin, _unnamed = page_routes()
    role_clients = clients(world)
    assert len(admin) > 100
    for name, pattern in sorted(admin.items()):
        if name in {"admin:logout", "admin:login"}:
            continue
        arguments = admin_arguments(pattern)
        url = reverse(name, kwargs=arguments)
        for role in ("anonymous", "agent", "supervisor", "manager"):
            response = undone(lambda role=role, url=url: role_clients[role].get(url))
            assert response.status_code == 302, (name, role, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (name, role)
        response = undone(lambda url=url: role_clients["administrator"].get(url))
        # Records that services write are read-only in the admin: no add, change, delete.
        # (The autocomplete answers 403 to a request without its model parameters.)
        refused = 403 if name.endswith(("_add", "_change", "_delete", ":autocomplete")) else None
        # Record "0" does not exist: some admin pages say so with a 404.
        missing = 404 if set(arguments) - {"app_label", "url"} else None
        assert response.status_code in {200, 302, refused, missing}, (name, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("admin:login")), name
