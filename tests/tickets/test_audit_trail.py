"""Every change writes an append-only event: who, what, when, from → to."""

import pytest
from django.db import DatabaseError, connection, transaction

from tickets import services
from tickets.audit import EventAction
from tickets.models import AppendOnlyError, Channel, Priority, TicketEvent


@pytest.fixture
def ticket(agent, team, customer):
    return services.ticket_create(
        actor=agent, subject="Router reboots", channel=Channel.PHONE, team=team, customer=customer
    )


def test_creation_and_each_change_are_recorded_with_actor_and_values(ticket, agent, supervisor):
    services.ticket_change_priority(ticket=ticket, actor=supervisor, priority=Priority.URGENT)
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
    services.ticket_note(ticket=ticket, actor=agent, body="Checked the logs")
    services.ticket_update_details(ticket=ticket, actor=agent, changes={"product": "Router X1"})

    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("pk"))
    assert [e.action for e in events] == [
        EventAction.CREATED,
        EventAction.PRIORITY_CHANGED,
        EventAction.ASSIGNED,
        EventAction.NOTED,
        EventAction.FIELD_CHANGED,
    ]
    priority = events[1]
    assert (priority.actor, priority.before, priority.after) == (supervisor, "normal", "urgent")
    assert events[2].after == "agent"
    assert (events[4].field, events[4].before, events[4].after) == ("product", "", "Router X1")


def test_saving_an_existing_event_is_refused(ticket):
    event = TicketEvent.objects.filter(ticket=ticket).first()
    event.after = {"forged": True}
    with pytest.raises(AppendOnlyError):
        event.save()


def test_queryset_update_and_delete_are_refused(ticket):
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).update(action="forged")
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).delete()
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).first().delete()
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.CREATED).exists()


def test_raw_sql_update_is_refused_by_the_database(ticket):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_ticketevent SET action = 'forged'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent")
    assert TicketEvent.objects.filter(ticket=ticket).exclude(action="forged").count() == 1
