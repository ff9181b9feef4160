"""The customer API and inbound mail on encrypted personal data: masked for every role,
exact lookup by e-mail and phone, reveal audited or refused."""

import pytest

from customers.models import CustomerAction, CustomerEvent
from tests.api.test_inbound_email import deliver, mail
from tests.factories import CustomerFactory
from tests.nothing_written import nothing_written
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


@pytest.mark.parametrize("role", ["integration", "supervisor", "manager"])
def test_the_list_masks_personal_data_for_every_role(request, make_client, customer, role):
    customer.id_number = "11010119900307451X"
    customer.save()
    body = make_client(request.getfixturevalue(role)).get(LIST).json()
    [row] = [item for item in body["results"] if item["id"] == customer.pk]
    assert (row["email"], row["phone"], row["id_number"]) == (
        "z***@example.com",
        "138****5678",
        "**************451X",
    )


def test_the_list_filters_by_exact_email_and_phone(make_client, supervisor, customer):
    CustomerFactory(email="other@example.com", phone="13900000000")
    api = make_client(supervisor)
    for query in (
        {"email": "ZHANG.WEI@example.com"},
        {"phone": "138-1234 5678"},
        {"phone": "138 1234 5678", "email": "zhang.wei@example.com"},
    ):
        found = api.get(LIST, query).json()["results"]
        assert [item["id"] for item in found] == [customer.pk], query
    assert api.get(LIST, {"email": "zhang"}).json()["results"] == []  # exact, not partial
    assert api.get(LIST, {"phone": "--"}).json()["results"] == []


def test_reveal_discloses_one_field_and_records_it(make_client, supervisor, customer):
    response = make_client(supervisor).post(
        f"{LIST}{customer.pk}/reveal/", {"field": "email"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"field": "email", "value": "zhang.wei@example.com"}
    event = CustomerEvent.objects.get(action=CustomerAction.CONTACT_REVEALED)
    assert (event.actor, event.changes) == (supervisor, {"revealed": "email"})
    assert event.created_at is not None


def test_reveal_without_the_permission_is_403_and_records_nothing(
    make_client, integration, customer
):
    api = make_client(integration)
    with nothing_written():
        response = api.post(f"{LIST}{customer.pk}/reveal/", {"field": "phone"}, format="json")
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()


def test_reveal_of_an_unknown_field_is_400_and_records_nothing(make_client, supervisor, customer):
    api = make_client(supervisor)
    with nothing_written():
        response = api.post(f"{LIST}{customer.pk}/reveal/", {"field": "name"}, format="json")
    assert response.status_code == 400
    assert "field" in response.json()["fields"]


def test_a_second_customer_with_the_same_phone_is_409(make_client, supervisor, customer):
    api = make_client(supervisor)
    with nothing_written():
        response = api.post(LIST, {"name": "Copy", "phone": "138 1234 5678"}, format="json")
    assert response.status_code == 409
    assert "phone" in response.json()["fields"]


def test_inbound_mail_finds_its_customer_whatever_the_case(make_client, integration, customer):
    gateway = make_client(integration, scopes=["email:ingest"])
    response = deliver(gateway, mail(sender="Wei <ZHANG.Wei@EXAMPLE.com>"))
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get(pk=response.json()["ticket"]).customer == customer
