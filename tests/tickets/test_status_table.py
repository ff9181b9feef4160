"""The status lifecycle: every pair of statuses is either allowed or refused."""

import itertools

import pytest

from servicedesk.exceptions import TransitionError
from tickets import services
from tickets.models import STATUS_TRANSITIONS, Channel, Status, Ticket, TicketEvent

ALLOWED = {
    (Status.NEW, Status.OPEN),
    (Status.NEW, Status.PENDING_CUSTOMER),
    (Status.NEW, Status.PENDING_INTERNAL),
    (Status.NEW, Status.RESOLVED),
    (Status.OPEN, Status.PENDING_CUSTOMER),
    (Status.OPEN, Status.PENDING_INTERNAL),
    (Status.OPEN, Status.RESOLVED),
    (Status.PENDING_CUSTOMER, Status.OPEN),
    (Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL),
    (Status.PENDING_CUSTOMER, Status.RESOLVED),
    (Status.PENDING_INTERNAL, Status.OPEN),
    (Status.PENDING_INTERNAL, Status.PENDING_CUSTOMER),
    (Status.PENDING_INTERNAL, Status.RESOLVED),
    (Status.RESOLVED, Status.OPEN),
    (Status.RESOLVED, Status.CLOSED),
}
ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def test_the_table_is_exactly_the_documented_moves():
    table = {(before, after) for before, afters in STATUS_TRANSITIONS.items() for after in afters}
    assert table == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("before", "after"), ALL_PAIRS)
def test_every_status_pair_is_allowed_or_refused_by_the_service(before, after, agent, team):
    ticket = services.ticket_create(
        actor=agent, subject="Printer", channel=Channel.EMAIL, team=team
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=before)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()

    if (before, after) in ALLOWED:
        services.ticket_change_status(ticket=ticket, actor=agent, to=after)
        ticket.refresh_from_db()
        assert ticket.status == after
        event = TicketEvent.objects.filter(ticket=ticket).last()
        assert (event.field, event.before, event.after) == ("status", before, after)
    else:
        with pytest.raises(TransitionError):
            services.ticket_change_status(ticket=ticket, actor=agent, to=after)
        ticket.refresh_from_db()
        assert ticket.status == before
        assert TicketEvent.objects.filter(ticket=ticket).count() == events_before


@pytest.mark.django_db
def test_an_unknown_status_is_refused_naming_the_field(agent, team):
    from servicedesk.exceptions import ValidationError

    ticket = services.ticket_create(
        actor=agent, subject="Printer", channel=Channel.EMAIL, team=team
    )
    with pytest.raises(ValidationError) as error:
        services.ticket_change_status(ticket=ticket, actor=agent, to="vanished")
    assert "status" in error.value.fields
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.django_db
def test_resolving_stamps_resolved_at_and_reopening_clears_it(agent, team):
    ticket = services.ticket_create(
        actor=agent, subject="Printer", channel=Channel.EMAIL, team=team
    )
    ticket = services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    assert ticket.resolved_at is not None
    ticket = services.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    assert ticket.resolved_at is None
