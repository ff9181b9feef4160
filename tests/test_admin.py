"""The admin shows what the services wrote (tickets, audit trails, clocks, purchases) and
lets nobody, not even a superuser (pytest-django's admin_client), add, change or delete it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerEvent, Purchase
from customers.services import customer_update_contact, purchase_record
from tickets import services
from tickets.models import Channel, Ticket, TicketEvent
from tickets.sla.models import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(team, agent, customer, supervisor):
    ticket = services.ticket_create(
        actor=agent, subject="Printer", channel=Channel.API, team=team, customer=customer
    )
    customer_update_contact(customer=customer, actor=supervisor, changes={"phone": "13900000000"})
    purchase_record(
        customer=customer,
        actor=supervisor,
        order_number="JD-77",
        amount=Decimal("10.00"),
        purchased_at=timezone.now() - timedelta(days=1),
    )
    return ticket


@pytest.mark.parametrize("model", [Ticket, TicketEvent, CustomerEvent, Clock])
def test_service_records_are_listed_and_viewed_but_not_added_changed_or_deleted(
    admin_client, written, model
):
    meta = model._meta
    record = model.objects.first()
    name = f"admin:{meta.app_label}_{meta.model_name}"
    assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{name}_add")).status_code == 403
    change_url = reverse(f"{name}_change", args=[record.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert admin_client.post(change_url, {}).status_code == 403
    assert admin_client.get(reverse(f"{name}_delete", args=[record.pk])).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_purchases_and_clock_plans_are_shown_read_only_under_their_parent(
    admin_client, written, customer
):
    page = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    [purchases] = [f for f in page.context["inline_admin_formsets"] if f.opts.model is Purchase]
    assert not purchases.has_add_permission and not purchases.has_delete_permission
    assert "JD-77" in page.content.decode()
    assert 'name="purchases-0-order_number"' not in page.content.decode()
    assert 'name="purchases-0-DELETE"' not in page.content.decode()

    clock = Clock.objects.filter(ticket=written).first()
    page = admin_client.get(reverse("admin:sla_clock_change", args=[clock.pk]))
    [plans] = page.context["inline_admin_formsets"]
    assert not plans.has_add_permission and not plans.has_delete_permission
    assert 'name="plans-0-due_at' not in page.content.decode()
    assert 'name="plans-0-DELETE"' not in page.content.decode()
