"""GET /api/v1/customers/{id}/profile/: the profile page's sections, as JSON."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Purchase
from tests.factories import TicketFactory


def profile_path(customer) -> str:
    return f"/api/v1/customers/{customer.pk}/profile/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_profile_answers_the_customer_and_the_sections_the_user_may_see(
    agent, supervisor, customer, team
):
    customer.preference_tags = ["晚上来电"]
    customer.save()
    TicketFactory(customer=customer, team=team, subject="Washer leaks")
    TicketFactory(customer=customer, subject="Another team's")
    Purchase.objects.create(
        customer=customer,
        order_number="SO-1",
        amount=Decimal("99.90"),
        purchased_at=timezone.now() - timedelta(days=2),
    )
    body = api_as(agent).get(profile_path(customer)).json()
    assert body["customer"]["name"] == "Zhang Wei"
    assert body["customer"]["email"] == "z***@example.com"  # masked for an agent
    assert body["customer"]["preference_tags"] == ["晚上来电"]
    assert body["customer"]["kind"] == "person"
    sections = body["sections"]
    assert {"segment", "purchases", "tickets", "complaints"} <= set(sections)
    assert "satisfaction" not in sections  # agents do not read surveys
    assert sections["segment"] is None  # not classified yet
    assert sections["purchases"]["lifetime_spend"][0] | {"first_purchase_at": None} == {
        "currency": "CNY",
        "total": "99.90",
        "orders": 1,
        "first_purchase_at": None,
        "last_purchase_at": sections["purchases"]["lifetime_spend"][0]["last_purchase_at"],
    }
    assert [t["subject"] for t in sections["tickets"]["recent"]] == ["Washer leaks"]
    assert sections["tickets"]["total"] == 1
    assert sections["complaints"] == []
    # Supervisors read surveys: the satisfaction section is theirs too.
    supervisors = api_as(supervisor).get(profile_path(customer)).json()["sections"]
    assert supervisors["satisfaction"] == {
        "answered": 0,
        "mean": {"attitude": None, "effectiveness": None, "timeliness": None, "recommend": None},
        "recent": [],
    }


def test_profile_of_an_unknown_customer_is_404(agent):
    assert api_as(agent).get("/api/v1/customers/999999/profile/").status_code == 404


# session, user, permissions (1: the API reads them in one query), the customer, segment
# (1), purchases (2), tickets (3), complaints (2), care contacts (1): 3 + 1 + 1 + 2 + 3 + 2 + 1.
PROFILE_API_QUERIES = 13


@pytest.mark.parametrize("ticket_count", [1, 20])
def test_profile_api_query_count_does_not_grow_with_the_tickets(
    agent, customer, team, ticket_count, django_assert_num_queries
):
    TicketFactory.create_batch(ticket_count, customer=customer, team=team)
    client = api_as(agent)
    with django_assert_num_queries(PROFILE_API_QUERIES):
        response = client.get(profile_path(customer))
    assert len(response.json()["sections"]["tickets"]["recent"]) == ticket_count
