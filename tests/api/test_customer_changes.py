"""PATCH /api/v1/customers/{id}/: contact details and tier through the customer services,
with the API's conventions (If-Match for tokens, 412 when stale, the error shape)."""

import pytest

from customers.models import CustomerEvent, Tier
from tests.nothing_written import nothing_written

URL = "/api/v1/customers/{}/"


@pytest.fixture
def supervisor_api(make_client, supervisor):
    return make_client(supervisor)


def etag_of(client, customer) -> str:
    return client.get(URL.format(customer.pk))["ETag"]


def test_a_supervisor_changes_the_tier_with_a_reason(supervisor_api, customer, supervisor):
    tag = etag_of(supervisor_api, customer)
    response = supervisor_api.patch(
        URL.format(customer.pk),
        {"tier": "important", "reason": "Annual contract"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["tier"] == "important"
    assert response["ETag"] == f'W/"{customer.pk}-2"' != tag
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.actor, event.reason) == (supervisor, "Annual contract")


def test_contact_and_tier_change_together(supervisor_api, customer):
    response = supervisor_api.patch(
        URL.format(customer.pk),
        {"phone": "13900000000", "tier": "potential", "reason": "No purchase in a year"},
        format="json",
        HTTP_IF_MATCH=etag_of(supervisor_api, customer),
    )
    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert (customer.phone, customer.tier, customer.version) == ("13900000000", Tier.POTENTIAL, 3)
    assert CustomerEvent.objects.count() == 2


def test_a_token_must_send_if_match(supervisor_api, customer):
    with nothing_written():
        response = supervisor_api.patch(URL.format(customer.pk), {"name": "X"}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"


def test_a_stale_if_match_is_412_and_changes_nothing(supervisor_api, customer):
    stale = etag_of(supervisor_api, customer)
    supervisor_api.patch(
        URL.format(customer.pk), {"phone": "1"}, format="json", HTTP_IF_MATCH=stale
    )
    response = supervisor_api.patch(
        URL.format(customer.pk), {"name": "Someone else"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    customer.refresh_from_db()
    assert customer.name == "Zhang Wei"


def test_a_tier_change_without_a_reason_is_refused_and_nothing_is_written(supervisor_api, customer):
    response = supervisor_api.patch(
        URL.format(customer.pk),
        {"email": "new@example.com", "tier": "important"},
        format="json",
        HTTP_IF_MATCH=etag_of(supervisor_api, customer),
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    customer.refresh_from_db()
    assert (customer.email, customer.tier) == ("zhang.wei@example.com", Tier.GENERAL)
    assert not CustomerEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tier": "platinum", "reason": "x"}, "tier"),
        ({"email": "nope"}, "email"),
        ({"vip": 1}, "vip"),
    ],
)
def test_bad_input_is_400_naming_the_field(supervisor_api, customer, body, field):
    with nothing_written():
        response = supervisor_api.patch(
            URL.format(customer.pk),
            body,
            format="json",
            HTTP_IF_MATCH=etag_of(supervisor_api, customer),
        )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_agents_may_not_change_customers(api, customer):
    with nothing_written():
        response = api.patch(
            URL.format(customer.pk), {"name": "X"}, format="json", HTTP_IF_MATCH='W/"1-1"'
        )
    assert response.status_code == 403


def test_a_browser_session_may_omit_if_match(client, supervisor, customer):
    client.force_login(supervisor)
    response = client.patch(
        URL.format(customer.pk), {"language": "en"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["language"] == "en"
