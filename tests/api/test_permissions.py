"""Who may call what: token scopes, the pages' visibility rules, revoked tokens."""

import pytest
from rest_framework.test import APIClient

from servicedesk.api.services import api_token_revoke
from tests.factories import TeamFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets import services
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def open_ticket(team, actor):
    return services.ticket_create(actor=actor, subject="Help", channel=Channel.API, team=team)


def test_a_request_without_credentials_is_401_in_the_error_shape():
    response = APIClient().get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "fields": {},
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(api):
    assert api.get("/api/v1/tickets/").status_code == 200
    api_token_revoke(token=api.token)
    response = api.get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_token_with_a_wrong_secret_is_401(api):
    prefix = api.token.prefix
    api.credentials(HTTP_AUTHORIZATION=f"Bearer sd_{prefix}_not-the-secret")
    assert api.get("/api/v1/tickets/").status_code == 401


def test_the_token_is_stored_only_as_a_digest(api):
    api.token.refresh_from_db()
    assert api.plain not in (api.token.digest, api.token.prefix)
    assert api.token.matches(api.plain)


def test_a_read_only_token_cannot_create_tickets(make_client, integration):
    client = make_client(integration, scopes=["tickets:read"])
    assert client.get("/api/v1/tickets/").status_code == 200
    response = client.post("/api/v1/tickets/", {"subject": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert Ticket.objects.count() == 0


def test_a_token_without_customers_read_cannot_list_customers(make_client, integration):
    client = make_client(integration, scopes=["tickets:read"])
    assert client.get("/api/v1/customers/").json()["code"] == "insufficient_scope"


def test_sla_clocks_need_the_sla_scope(make_client, integration, team):
    ticket = open_ticket(team, integration)
    client = make_client(integration, scopes=["tickets:read"])
    assert client.get(f"/api/v1/tickets/{ticket.pk}/sla/").status_code == 403
    client = make_client(integration, scopes=["tickets:read", "sla:read"])
    assert client.get(f"/api/v1/tickets/{ticket.pk}/sla/").status_code == 200


def test_another_teams_ticket_is_404_for_read_and_write(api, integration, other_team):
    stranger = UserFactory(teams=[other_team])
    ticket = open_ticket(other_team, stranger)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
    response = api.post(f"/api/v1/tickets/{ticket.pk}/notes/", {"body": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ticket.messages.count() == 0
    assert ticket.pk not in [row["id"] for row in api.get("/api/v1/tickets/").json()["results"]]


def test_a_manager_token_sees_every_teams_tickets(make_client, manager, other_team):
    ticket = open_ticket(other_team, manager)
    assert make_client(manager).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200


def test_a_browser_session_works_without_a_token_and_without_scopes(client, integration, team):
    ticket = open_ticket(team, integration)
    client.force_login(integration)
    assert client.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200


def test_contact_details_are_masked_for_everyone_and_revealed_only_with_the_permission(
    make_client, integration, supervisor, customer
):
    for user in (integration, supervisor):
        masked = make_client(user).get(f"/api/v1/customers/{customer.pk}/").json()
        assert masked["phone"] == "138****5678" and masked["email"] == "z***@example.com"
    reveal = f"/api/v1/customers/{customer.pk}/reveal/"
    refused = make_client(integration).post(reveal, {"field": "phone"}, format="json")
    assert refused.status_code == 403
    clear = make_client(supervisor).post(reveal, {"field": "phone"}, format="json").json()
    assert clear == {"field": "phone", "value": "13812345678"}


def test_agents_cannot_register_webhooks_but_managers_can(make_client, integration, manager):
    body = {"name": "crm", "url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]}
    integration_client = make_client(integration)
    with nothing_written():
        refused = integration_client.post("/api/v1/webhooks/", body, format="json")
    assert refused.status_code == 403
    response = make_client(manager).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 201
    assert len(response.json()["secret"]) >= 16
    listed = make_client(manager).get(f"/api/v1/webhooks/{response.json()['id']}/").json()
    assert "secret" not in listed


def test_staff_list_shows_role_level_and_teams(make_client, integration, supervisor, team):
    rows = make_client(integration).get("/api/v1/staff/").json()["results"]
    by_name = {row["username"]: row for row in rows}
    assert by_name["supervisor"]["role"] == "supervisor"
    assert by_name["supervisor"]["level"] == "supervisor"
    assert by_name["crm-integration"]["teams"] == [{"id": team.pk, "name": "Support"}]


def test_staff_list_query_count_is_constant(make_client, integration, django_assert_num_queries):
    client = make_client(integration)
    client.get("/api/v1/staff/")
    with django_assert_num_queries(4):  # token, staff, groups, teams
        client.get("/api/v1/staff/")
    for index in range(10):
        UserFactory(teams=[TeamFactory(name=f"T{index}")])
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/staff/").json()["results"]) == 11


def test_permissions_read_in_one_query_equal_what_django_reads_in_two(
    django_assert_num_queries,
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from servicedesk.api.permissions import permissions_preload
    from staff.models import Role

    user = UserFactory(role=Role.AGENT)
    user.user_permissions.add(Permission.objects.get(codename="view_all_tickets"))
    expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    fresh = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        permissions_preload(fresh)
        assert fresh.has_perm("tickets.view_all_tickets")
        assert fresh.has_perm("tickets.add_ticket")
    assert fresh.get_all_permissions() == expected
    assert "tickets.view_all_tickets" in expected and len(expected) > 1


def test_the_token_query_brings_the_users_permissions_as_django_reads_them(
    django_assert_num_queries,
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from servicedesk.api.authentication import token_from_header
    from servicedesk.api.services import api_token_issue
    from staff.models import Role

    user = UserFactory(role=Role.AGENT)
    user.user_permissions.add(Permission.objects.get(codename="view_all_tickets"))
    _token, plain = api_token_issue(user=user, name="crm", scopes=["tickets:read"])
    expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    with django_assert_num_queries(1):
        token = token_from_header(f"Bearer {plain}")
        assert token.user.pk == user.pk and token.scopes == ["tickets:read"]
        assert token.user.has_perm("tickets.view_all_tickets")
        assert token.user.get_all_permissions() == expected
    assert not token.user.has_perm("tickets.delete_ticket")


def test_a_user_with_neither_groups_nor_permissions_has_none_through_a_token(make_client):
    nobody = UserFactory(username="nobody")
    nobody.groups.clear()
    client = make_client(nobody)
    response = client.post("/api/v1/tickets/", {"subject": "x"}, format="json")
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_a_deactivated_users_token_is_401(make_client, integration):
    client = make_client(integration)
    integration.is_active = False
    integration.save()
    assert client.get("/api/v1/tickets/").status_code == 401
