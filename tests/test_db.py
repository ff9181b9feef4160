"""servicedesk.db: rows written by hand-built statements equal what the ORM writes."""

import pytest
from django.db.models.signals import post_save, pre_save

from servicedesk.db import insert_row, insert_values
from tests.factories import TeamFactory, UserFactory
from tickets import services
from tickets.models import Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    user = UserFactory()
    return services.ticket_create(
        actor=user, subject="Help", channel=Channel.API, team=TeamFactory(name="Support")
    )


def test_insert_row_returns_the_primary_key_and_fills_auto_now_add(ticket):
    event = TicketEvent(ticket=ticket, action="test", after={"k": ["v", 1]})
    insert_row(event)
    assert event.pk is not None and not event._state.adding
    stored = TicketEvent.objects.get(pk=event.pk)
    assert stored.created_at == event.created_at is not None
    assert (stored.ticket_id, stored.action, stored.after, stored.before) == (
        ticket.pk,
        "test",
        {"k": ["v", 1]},
        None,
    )


def test_insert_row_keeps_a_primary_key_that_is_set(ticket):
    copy = Ticket(
        pk=ticket.pk + 1000,
        reference="SD-TEST",
        subject="Set id",
        channel=Channel.API,
        team=ticket.team,
    )
    insert_row(copy)
    assert copy.pk == ticket.pk + 1000
    assert Ticket.objects.get(pk=copy.pk).reference == "SD-TEST"


def test_insert_row_sends_the_save_signals_as_save_does(ticket):
    seen = []

    def before(sender, instance, **kwargs):
        seen.append(("pre", instance.pk))

    def after(sender, instance, created, **kwargs):
        seen.append(("post", created, instance.pk))

    pre_save.connect(before, sender=TicketEvent)
    post_save.connect(after, sender=TicketEvent)
    try:
        event = TicketEvent(ticket=ticket, action="test")
        insert_row(event)
    finally:
        pre_save.disconnect(before, sender=TicketEvent)
        post_save.disconnect(after, sender=TicketEvent)
    assert seen == [("pre", None), ("post", True, event.pk)]


def test_insert_values_leaves_out_the_primary_key_and_skipped_fields(ticket):
    values = insert_values(TicketEvent(ticket=ticket, action="x"), skip=["field"])
    assert "id" not in values and "field" not in values
    assert values["ticket_id"] == ticket.pk and values["created_at"] is not None
