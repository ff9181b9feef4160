"""Contract tests for /api/v1/customers/, /staff/, /teams/ and /webhooks/."""

import pytest

from customers.models import Customer
from servicedesk.api.models import WebhookEndpoint
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_creating_a_customer_goes_through_the_service_and_returns_it(make_client, supervisor):
    response = make_client(supervisor).post(
        "/api/v1/customers/",
        {
            "name": " Wang Fang ",
            "email": "wang@example.com",
            "phone": "13900001111",
            "language": "en",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.name == "Wang Fang"  # trimmed by customers.services.customer_create
    # Stored as given, answered masked: every role reveals a contact detail explicitly.
    assert customer.email == "wang@example.com"
    assert response.json()["email"] == "w***@example.com"
    assert set(response.json()) == {
        "id",
        "name",
        "email",
        "phone",
        "id_number",
        "language",
        "tier",
        "created_at",
        "updated_at",
    }


def test_the_customer_list_filters_by_name_and_tier(api):
    wanted = CustomerFactory(name="Li Lei", tier="important")
    CustomerFactory(name="Han Meimei", tier="general")
    rows = api.get("/api/v1/customers/", {"q": "li", "tier": "important"}).json()["results"]
    assert [row["id"] for row in rows] == [wanted.pk]


def test_agents_cannot_create_customers_without_the_scope(make_client, integration):
    client = make_client(integration, scopes=["customers:read"])
    response = client.post("/api/v1/customers/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert Customer.objects.count() == 0


def test_teams_list_their_members_and_channels(api, team, integration):
    rows = api.get("/api/v1/teams/").json()["results"]
    assert rows == [
        {
            "id": team.pk,
            "name": "Support",
            "channels": [],
            "supervisor": None,
            "members": [integration.pk],
        }
    ]


def test_webhook_endpoints_can_be_listed_changed_and_re_enabled(make_client, manager):
    client = make_client(manager)
    created = client.post(
        "/api/v1/webhooks/",
        {"name": "crm", "url": "https://crm.example.com/hook", "events": ["sla.breached"]},
        format="json",
    ).json()
    WebhookEndpoint.objects.filter(pk=created["id"]).update(active=False, consecutive_failures=10)
    response = client.patch(
        f"/api/v1/webhooks/{created['id']}/",
        {"active": True, "events": ["sla.warning", "sla.breached"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["consecutive_failures"] == 0
    assert response.json()["events"] == ["sla.breached", "sla.warning"]
    assert [row["id"] for row in client.get("/api/v1/webhooks/").json()["results"]] == [
        created["id"]
    ]


def test_a_webhook_for_an_unknown_event_is_400(make_client, manager):
    response = make_client(manager).post(
        "/api/v1/webhooks/",
        {"name": "x", "url": "https://x.example.com", "events": ["ticket.exploded"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["events.0"]
    assert WebhookEndpoint.objects.count() == 0
