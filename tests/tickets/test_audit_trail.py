"""Every change writes an append-only event: who, what, when, from → to."""

import pytest
from django.db import DatabaseError, connection, transaction

from servicedesk.models import AppendOnlyError
from tickets import services
from tickets.audit import EventAction
from tickets.models import Channel, Priority, TicketEvent


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
        EventAction.ASSIGNED,
        EventAction.NOTED,
        EventAction.FIELD_CHANGED,
    ]
    priority = events[1]
    assert (priority.actor, priority.before, priority.after) == (supervisor, "normal", "urgent")
    assert events[2].after == {"id": agent.pk, "username": "agent", "label": "agent"}
    assert events[3].field == "case_owner"
    assert (events[5].field, events[5].before, events[5].after) == ("product", "", "Router X1")


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


def test_the_timeline_names_people_as_they_are_known_not_by_login(
    ticket, agent, supervisor, client
):
    agent.staff_profile.display_name = "李娜"
    agent.staff_profile.save()
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=None)
    client.force_login(supervisor)
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    # Unassigned again; the name comes from the assignment events and the case owner.
    assert page.count("李娜") >= 3
    assert "→ agent" not in page


def test_the_first_assignee_becoming_case_owner_is_recorded_too(ticket, agent, supervisor):
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
    owner_event = TicketEvent.objects.filter(ticket=ticket, field="case_owner").get()
    assert (owner_event.actor, owner_event.before) == (supervisor, None)
    assert owner_event.after["id"] == agent.pk
