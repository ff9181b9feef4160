"""/api/v1/customers/{id}/purchases/ and /events/: the spend tiers are reviewed by, and the
customer's history, through the customer services and the API's conventions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import CustomerAction, CustomerEvent, Purchase
from customers.services import customer_update_contact, purchase_record
from tests.concurrency import in_parallel
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

PURCHASES = "/api/v1/customers/{}/purchases/"
EVENTS = "/api/v1/customers/{}/events/"


def body(**overrides):
    return {
        "order_number": "JD-1001",
        "amount": "1299.00",
        "currency": "CNY",
        "purchased_at": "2026-10-01T10:00:00+08:00",
        "product": "扫地机器人 X1",
        "channel": "web shop",
        **overrides,
    }


@pytest.fixture
def supervisor_api(make_client, supervisor):
    return make_client(supervisor)


def test_a_purchase_is_recorded_and_noted_in_the_history(supervisor_api, customer, supervisor):
    response = supervisor_api.post(PURCHASES.format(customer.pk), body(), format="json")
    assert response.status_code == 201, response.json()
    shown = response.json()
    assert shown["order_number"] == "JD-1001" and shown["amount"] == "1299.00"
    purchase = Purchase.objects.get(pk=shown["id"])
    assert (purchase.customer, purchase.recorded_by) == (customer, supervisor)
    assert purchase.amount == Decimal("1299.00")
    event = CustomerEvent.objects.get(customer=customer)
    assert event.action == CustomerAction.PURCHASE_RECORDED
    assert event.changes["purchase"][1]["order_number"] == "JD-1001"


def test_the_same_order_twice_is_a_conflict_and_writes_nothing(supervisor_api, customer):
    supervisor_api.post(PURCHASES.format(customer.pk), body(), format="json")
    again = supervisor_api.post(PURCHASES.format(customer.pk), body(amount="1"), format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict" and "JD-1001" in again.json()["detail"]
    assert Purchase.objects.count() == 1
    assert CustomerEvent.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "12345678901.00"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"currency": "元元元元"}, "currency"),
        ({"currency": "c1y"}, "currency"),
        # Three letters are not a currency: ISO 4217 (Babel's list) decides.
        ({"currency": "ABC"}, "currency"),
        ({"currency": "RMB"}, "currency"),
        ({"currency": "ZZZ"}, "currency"),
        ({"order_number": "JD-\u202e1001"}, "order_number"),
        ({"product": "Robot\x00X1"}, "product"),
        ({"channel": "web\nshop"}, "channel"),
        ({"order_number": "  "}, "order_number"),
        ({"purchased_at": "yesterday"}, "purchased_at"),
        ({"purchased_at": "2099-01-01T00:00:00Z"}, "purchased_at"),
        ({"discount": "5"}, "discount"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(supervisor_api, customer, change, field):
    response = supervisor_api.post(PURCHASES.format(customer.pk), body(**change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not Purchase.objects.exists() and not CustomerEvent.objects.exists()


@pytest.mark.parametrize("currency", ["CNY", "usd", "EUR", "HKD", "JPY"])
def test_an_iso_4217_currency_is_recorded_in_capitals(supervisor_api, customer, currency):
    response = supervisor_api.post(
        PURCHASES.format(customer.pk), body(currency=currency), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Purchase.objects.get().currency == currency.upper()


def test_purchases_are_listed_latest_first_across_pages(supervisor_api, customer, supervisor):
    start = timezone.now() - timedelta(days=30)
    for day in (3, 1, 2, 5, 4):
        purchase_record(
            customer=customer,
            actor=supervisor,
            order_number=f"O-{day}",
            amount=Decimal(day),
            purchased_at=start + timedelta(days=day),
        )
    first = supervisor_api.get(PURCHASES.format(customer.pk), {"page_size": 2}).json()
    second = supervisor_api.get(first["next"]).json()
    third = supervisor_api.get(second["next"]).json()
    orders = [row["order_number"] for page in (first, second, third) for row in page["results"]]
    assert orders == ["O-5", "O-4", "O-3", "O-2", "O-1"]
    assert third["next"] is None


def test_agents_read_purchases_but_do_not_record_them(make_client, agent, customer):
    api = make_client(agent)
    assert api.get(PURCHASES.format(customer.pk)).status_code == 200
    assert api.post(PURCHASES.format(customer.pk), body(), format="json").status_code == 403
    assert not Purchase.objects.exists()


def test_recording_needs_the_customers_write_scope(make_client, supervisor, customer):
    api = make_client(supervisor, scopes=["customers:read"])
    with nothing_written():
        response = api.post(PURCHASES.format(customer.pk), body(), format="json")
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_an_unknown_customer_is_404(supervisor_api):
    assert supervisor_api.get(PURCHASES.format(999999)).status_code == 404
    with nothing_written():
        response = supervisor_api.post(PURCHASES.format(999999), body(), format="json")
    assert response.status_code == 404


def test_the_history_masks_contact_values_for_everyone(make_client, agent, supervisor, customer):
    customer_update_contact(customer=customer, actor=supervisor, changes={"phone": "13987654321"})
    agents_response = make_client(agent).get(EVENTS.format(customer.pk))
    assert agents_response.status_code == 200, agents_response.json()
    agents_view = agents_response.json()["results"]
    supervisors_view = make_client(supervisor).get(EVENTS.format(customer.pk)).json()["results"]
    assert agents_view[0]["changes"]["phone"] == ["138****5678", "139****4321"]
    # Recorded masked: the audit trail is no clear copy of personal data, whoever reads it.
    assert supervisors_view[0]["changes"]["phone"] == ["138****5678", "139****4321"]
    assert agents_view[0]["action"] == "customer.contact_updated"
    assert agents_view[0]["actor"]["username"] == supervisor.username


def test_history_and_purchase_lists_take_a_fixed_number_of_queries(
    supervisor_api, customer, supervisor, django_assert_num_queries
):
    for number in range(3):
        purchase_record(
            customer=customer,
            actor=supervisor,
            order_number=f"A-{number}",
            amount=Decimal(10),
            purchased_at=timezone.now(),
        )
    supervisor_api.get(PURCHASES.format(customer.pk))
    # token with its user and permissions, the customer, the page
    with django_assert_num_queries(3):
        assert len(supervisor_api.get(PURCHASES.format(customer.pk)).json()["results"]) == 3
    with django_assert_num_queries(3):
        assert len(supervisor_api.get(EVENTS.format(customer.pk)).json()["results"]) == 3


def test_concurrent_reports_of_one_order_record_it_once(
    committed_db, make_client, supervisor, customer
):
    client = make_client(supervisor)
    statuses = in_parallel(
        lambda: client.post(PURCHASES.format(customer.pk), body(), format="json").status_code,
        workers=5,
    )
    assert sorted(statuses) == [201, 409, 409, 409, 409]
    assert Purchase.objects.count() == 1
    assert CustomerEvent.objects.filter(action=CustomerAction.PURCHASE_RECORDED).count() == 1
