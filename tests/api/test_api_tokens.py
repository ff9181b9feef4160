"""Tokens issued by administrators over the API and by `manage.py create_api_token`."""

import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from servicedesk.api.models import ApiToken, token_digest
from staff.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def admin_api(administrator):
    client = APIClient()
    client.force_login(administrator)
    return client


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_an_administrator_issues_a_token_whose_secret_is_shown_once_and_works(
    admin_api, administrator, integration
):
    response = admin_api.post(
        "/api/v1/tokens/",
        {"name": "CRM", "user": integration.pk, "scopes": ["staff:read"], "rate_per_minute": 60},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    secret = body.pop("token")
    token = ApiToken.objects.get()
    assert body["id"] == token.pk
    assert (body["name"], body["user"], body["scopes"], body["prefix"]) == (
        "CRM",
        integration.pk,
        ["staff:read"],
        token.prefix,
    )
    assert token.digest == token_digest(secret) != secret
    assert bearer(secret).get("/api/v1/staff/").status_code == 200
    # Never again: not in the list, not in the detail.
    listed = admin_api.get("/api/v1/tokens/").json()["results"]
    assert [row["prefix"] for row in listed] == [token.prefix]
    assert "token" not in listed[0]
    assert secret not in admin_api.get(f"/api/v1/tokens/{token.pk}/").content.decode()
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.object_id, entry.action_flag) == (
        administrator.pk,
        str(token.pk),
        ADDITION,
    )


def test_deleting_a_token_revokes_it_and_is_audited(
    admin_api, administrator, make_client, integration
):
    client = make_client(integration, scopes=["staff:read"])
    assert client.get("/api/v1/staff/").status_code == 200
    response = admin_api.delete(f"/api/v1/tokens/{client.token.pk}/")
    assert response.status_code == 204
    client.token.refresh_from_db()
    assert client.token.revoked_at is not None
    assert client.get("/api/v1/staff/").status_code == 401
    assert (
        LogEntry.objects.filter(
            user_id=administrator.pk, object_id=str(client.token.pk), action_flag=CHANGE
        ).count()
        == 1
    )
    # Revoking again changes nothing and records nothing more.
    assert admin_api.delete(f"/api/v1/tokens/{client.token.pk}/").status_code == 204
    assert LogEntry.objects.count() == 1


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER])
def test_only_administrators_may_issue_list_or_revoke_tokens(role, make_client, integration):
    person = UserFactory(role=role)
    existing = make_client(integration).token
    client = APIClient()
    client.force_login(person)
    before = ApiToken.objects.count()
    created = client.post(
        "/api/v1/tokens/",
        {"name": "mine", "user": person.pk, "scopes": ["tickets:read"]},
        format="json",
    )
    assert created.status_code == 403
    assert created.json()["code"] == "permission_denied"
    assert client.get("/api/v1/tokens/").status_code == 403
    assert client.delete(f"/api/v1/tokens/{existing.pk}/").status_code == 403
    assert ApiToken.objects.count() == before
    existing.refresh_from_db()
    assert existing.revoked_at is None
    assert LogEntry.objects.count() == 0


def test_an_administrators_token_needs_the_tokens_scope(make_client, administrator):
    without = make_client(administrator, scopes=["staff:read"])
    response = without.get("/api/v1/tokens/")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    with_scope = make_client(administrator, scopes=["tokens:manage"])
    assert with_scope.get("/api/v1/tokens/").status_code == 200


def test_an_unknown_scope_is_refused_and_nothing_is_written(admin_api, integration):
    response = admin_api.post(
        "/api/v1/tokens/",
        {"name": "CRM", "user": integration.pk, "scopes": ["everything"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["scopes.0"]
    assert ApiToken.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_the_command_prints_the_secret_once_and_stores_only_its_digest(integration):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        user=integration.username,
        scopes="tickets:read, tickets:write",
        name="CRM",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scopes) == (
        integration,
        "CRM",
        ["tickets:read", "tickets:write"],
    )
    assert secret.startswith(f"sd_{token.prefix}_")
    assert token.digest == token_digest(secret)
    assert secret not in err.getvalue()
    assert bearer(secret).get("/api/v1/tickets/").status_code == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "nobody", "scopes": "tickets:read"}, "No active user named 'nobody'."),
        ({"user": "crm-integration", "scopes": "tickets:all"}, "Unknown scope: tickets:all."),
        ({"user": "crm-integration", "scopes": " , "}, "Give at least one scope."),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(integration, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", name="CRM", stdout=io.StringIO(), **options)
    assert ApiToken.objects.count() == 0


def test_a_token_issued_in_the_admin_has_one_history_entry(client, integration):
    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"name": "CRM", "user": integration.pk, "scopes": ["tickets:read"]},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert list(LogEntry.objects.values_list("user_id", "object_id", "action_flag")) == [
        (administrator.pk, str(token.pk), ADDITION)
    ]
