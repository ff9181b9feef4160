"""An agent's new ticket never vanishes: the form starts on a channel of the agent's own
team, and a ticket the channel routes to another team still opens for its author, from a
success message that links to it."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tickets import services
from tickets.models import Ticket

NEW = reverse("tickets:new")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def routed(team, other_team):
    # The phone belongs to another team; the agent's team answers e-mail.
    other_team.channels = ["phone"]
    other_team.save()
    team.channels = ["email"]
    team.save()


def test_the_form_starts_on_a_channel_routed_to_the_agents_team(agent_client, routed):
    form = agent_client.get(NEW, {"template": "none"}).context["form"]
    assert form["channel"].value() == "email"


def test_a_ticket_routed_to_another_team_opens_for_its_author(agent_client, routed, other_team):
    response = agent_client.post(
        f"{NEW}?template=none",
        {"subject": "Call back", "channel": "phone", "kind": "request", "priority": "normal",
         "complexity": "simple"},
    )  # fmt: skip
    ticket = Ticket.objects.get(subject="Call back")
    assert ticket.team == other_team
    detail = reverse("tickets:detail", args=[ticket.reference])
    assert (response.status_code, response.url) == (302, detail)

    page = agent_client.get(detail)

    assert page.status_code == 200
    assert f'<a href="{detail}">{ticket.reference}</a> opened for team' in page.content.decode()


def test_another_agent_of_the_authors_team_still_cannot_open_it(client, routed, agent, team):
    ticket = services.ticket_create(actor=agent, subject="Routed", channel="phone")
    colleague = UserFactory(teams=[team])
    client.force_login(colleague)
    assert client.get(reverse("tickets:detail", args=[ticket.reference])).status_code == 404
