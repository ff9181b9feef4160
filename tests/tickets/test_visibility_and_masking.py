"""Who sees which tickets, and whose contact details are masked."""

import pytest

from customers.masking import customer_contact_for, mask_email, mask_phone
from staff.models import Role
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tickets.models import Ticket


@pytest.fixture
def tickets(team, other_team, agent):
    return {
        "own_team": TicketFactory(team=team),
        "other_team": TicketFactory(team=other_team),
        "assigned_elsewhere": TicketFactory(team=other_team, assignee=agent),
    }


def test_agent_sees_own_team_and_assigned_tickets_only(agent, tickets):
    visible = set(Ticket.objects.visible_to(agent))
    assert visible == {tickets["own_team"], tickets["assigned_elsewhere"]}


def test_supervisor_sees_the_team_tickets(supervisor, tickets):
    assert set(Ticket.objects.visible_to(supervisor)) == {tickets["own_team"]}


def test_manager_sees_every_ticket(manager, tickets):
    assert set(Ticket.objects.visible_to(manager)) == set(tickets.values())


def test_member_of_two_teams_sees_each_ticket_once(agent, other_team, tickets):
    other_team.members.add(agent)
    assert Ticket.objects.visible_to(agent).count() == 3


def test_masks_keep_just_enough_to_confirm():
    assert mask_email("zhang.wei@example.com") == "z***@example.com"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("role", "may_reveal"),
    [(Role.AGENT, False), (Role.SUPERVISOR, True), (Role.MANAGER, True)],
)
def test_contact_details_are_masked_and_only_some_roles_may_reveal(role, may_reveal, customer):
    user = UserFactory(role=role, teams=[TeamFactory()])
    contact = customer_contact_for(user, customer)
    assert contact == {
        "email": "z***@example.com",
        "phone": "138****5678",
        "id_number": "",
        "can_reveal": may_reveal,
    }
