"""Authority covers handling: being assigned, replying to the customer and pausing a
complaint need the authority of its severity (the same configurable table as stage
moves) [S0 §03], on the page and in the API, with nothing written when refused. Approve
and Reject are offered only to someone whose approval limit covers the amount."""

import pytest
from django.urls import reverse

from complaints.models import ComplaintAuthority, Severity, Stage
from servicedesk.outbox.models import OutboxMessage
from staff.models import Role, StaffLevel
from tests.complaints.conftest import advance_to
from tests.complaints.test_complaint_api import token_client
from tests.factories import UserFactory
from tickets.models import TicketEvent, TicketMessage
from tickets.services import ticket_change_status, ticket_reply
from tickets.sla.models import Clock


@pytest.fixture
def urgent(open_complaint, manager_in_team):
    return open_complaint(severity=Severity.URGENT)


@pytest.fixture
def manager_in_team(team):
    return UserFactory(username="desk-manager", role=Role.MANAGER, teams=[team])


def _written(complaint) -> tuple:
    ticket = complaint.ticket
    ticket.refresh_from_db()
    return (
        ticket.assignee_id,
        ticket.status,
        ticket.version,
        TicketEvent.objects.count(),
        TicketMessage.objects.count(),
        OutboxMessage.objects.count(),
        sorted(Clock.objects.filter(ticket=ticket).values_list("metric", "state")),
    )


def _etag(client, ticket) -> str:
    return client.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]


def test_an_agent_cannot_be_assigned_an_urgent_complaint_in_the_api_or_on_the_page(
    urgent, agent, client, supervisor
):
    ticket = urgent.ticket
    before = _written(urgent)
    api = token_client(supervisor)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/assign/",
        {"assignee": agent.pk},
        format="json",
        HTTP_IF_MATCH=_etag(api, ticket),
    )
    assert response.status_code == 400, response.json()
    assert (
        "Urgent complaints are handled by a Service manager"
        in response.json()["fields"]["assignee"][0]
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("tickets:assign", args=[ticket.reference]),
        {"version": ticket.version, "assignee": agent.pk},
    )
    assert response.status_code == 422
    assert "cannot be assigned this complaint" in response.content.decode()
    assert _written(urgent) == before


def test_an_agent_cannot_reply_to_an_urgent_complaint_in_the_api_or_on_the_page(
    urgent, agent, client
):
    ticket = urgent.ticket
    before = _written(urgent)
    response = token_client(agent).post(
        f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "We are on it."}, format="json"
    )
    assert response.status_code == 403, response.json()
    assert "handled by a Service manager or above" in response.json()["detail"]
    client.force_login(agent)
    response = client.post(
        reverse("tickets:reply", args=[ticket.reference]),
        {"version": ticket.version, "body": "We are on it."},
    )
    assert response.status_code == 422
    assert "handled by a Service manager or above" in response.content.decode()
    # Nothing sent, and the first-contact clock still runs.
    assert _written(urgent) == before


def test_an_agent_cannot_pause_an_urgent_complaint_in_the_api_or_on_the_page(urgent, agent, client):
    ticket = urgent.ticket
    before = _written(urgent)
    api = token_client(agent)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/status/",
        {"status": "pending_customer"},
        format="json",
        HTTP_IF_MATCH=_etag(api, ticket),
    )
    assert response.status_code == 403, response.json()
    client.force_login(agent)
    response = client.post(
        reverse("tickets:status", args=[ticket.reference]),
        {"version": ticket.version, "status": "pending_customer"},
    )
    assert response.status_code == 422
    assert "handled by a Service manager or above" in response.content.decode()
    assert _written(urgent) == before


def test_a_manager_handles_an_urgent_complaint(urgent, supervisor, manager_in_team):
    ticket = urgent.ticket
    api = token_client(supervisor)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/assign/",
        {"assignee": manager_in_team.pk},
        format="json",
        HTTP_IF_MATCH=_etag(api, ticket),
    )
    assert response.status_code == 200, response.json()
    ticket_reply(ticket=ticket, actor=manager_in_team, body="We are on it.")
    ticket_change_status(ticket=ticket, actor=manager_in_team, to="pending_customer")
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (manager_in_team, "pending_customer")


def test_an_agent_handles_a_routine_complaint(complaint, agent):
    ticket = complaint.ticket
    ticket_reply(ticket=ticket, actor=agent, body="We are on it.")
    ticket_change_status(ticket=ticket, actor=agent, to="pending_customer")
    ticket.refresh_from_db()
    assert ticket.status == "pending_customer"


def test_handling_follows_the_configurable_authority_table(open_complaint, agent, team):
    senior = UserFactory(username="senior-2", role=Role.AGENT, teams=[team])
    senior.staff_profile.level = StaffLevel.SENIOR
    senior.staff_profile.save()
    important = open_complaint(severity=Severity.IMPORTANT)
    with pytest.raises(Exception, match="handled by a Service supervisor or above"):
        ticket_reply(ticket=important.ticket, actor=senior, body="Hello")
    ComplaintAuthority.objects.filter(severity=Severity.IMPORTANT).update(
        minimum_level=StaffLevel.SENIOR
    )
    ticket_reply(ticket=important.ticket, actor=senior, body="Hello")
    assert TicketMessage.objects.filter(ticket=important.ticket, author=senior).exists()


@pytest.fixture
def waiting_above_supervisor(complaint, agent):
    from complaints import services

    advance_to(complaint, agent, Stage.NEGOTIATE)
    # Above a supervisor's 2000 CNY, within a manager's 20000.
    return services.complaint_request_compensation(
        complaint=complaint, actor=agent, kind="money", amount="5000", currency="CNY"
    )


def _panel(client, user, complaint) -> str:
    client.force_login(user)
    return client.get(
        reverse("complaints:panel", args=[complaint.ticket.reference])
    ).content.decode()


def test_approve_is_offered_only_to_someone_whose_limit_covers_the_amount(
    client, complaint, supervisor, manager, waiting_above_supervisor
):
    assert 'value="approve"' not in _panel(client, supervisor, complaint)
    assert 'value="reject"' not in _panel(client, supervisor, complaint)
    assert 'value="approve"' in _panel(client, manager, complaint)


def test_approve_is_offered_to_a_supervisor_within_their_limit(
    client, complaint, agent, supervisor
):
    from complaints import services

    advance_to(complaint, agent, Stage.NEGOTIATE)
    services.complaint_request_compensation(
        complaint=complaint, actor=agent, kind="money", amount="900", currency="CNY"
    )
    assert 'value="approve"' in _panel(client, supervisor, complaint)
    assert 'value="approve"' not in _panel(client, agent, complaint)
