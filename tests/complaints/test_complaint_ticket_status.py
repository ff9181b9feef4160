"""A complaint's ticket is resolved by closing the complaint, never around the workflow."""

import pytest

from complaints.models import Stage
from servicedesk.exceptions import TransitionError
from tests.complaints.conftest import advance_to
from tickets import services as ticket_services
from tickets.models import Status, TicketEvent


def test_resolving_the_ticket_of_an_unfinished_complaint_is_refused(complaint, agent):
    target = Status.RESOLVED
    advance_to(complaint, agent, Stage.NEGOTIATE)
    ticket = complaint.ticket
    ticket.refresh_from_db()
    events = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(TransitionError) as error:
        ticket_services.ticket_change_status(ticket=ticket, actor=agent, to=target)
    assert "Negotiate" in str(error.value.fields["status"][0])
    ticket.refresh_from_db()
    assert ticket.status != target
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_closing_the_complaint_resolves_the_ticket_and_it_can_then_be_closed(complaint, agent):
    advance_to(complaint, agent, Stage.CLOSED)
    ticket = complaint.ticket
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    ticket_services.ticket_change_status(ticket=ticket, actor=agent, to=Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_ordinary_tickets_are_not_affected(agent, team):
    from tickets.models import Channel

    ticket = ticket_services.ticket_create(
        actor=agent, subject="Printer", channel=Channel.WEB, team=team
    )
    ticket_services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
