"""Fixtures for quality: a resolved ticket with its survey, and the link to answer it."""

import re

import pytest
from django.urls import reverse

from quality.models import Survey
from quality.surveys import survey_token
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.conftest import category, complaint, open_complaint  # noqa: F401
from tests.factories import CustomerFactory
from tickets import services as ticket_services
from tickets.models import Channel, Status

GOOD_ANSWER = {"attitude": "5", "effectiveness": "4", "timeliness": "5", "recommend": "9"}
LOW_ANSWER = {"attitude": "2", "effectiveness": "4", "timeliness": "5", "recommend": "9"}


def resolve(ticket, actor):
    for status in (Status.OPEN, Status.RESOLVED):
        ticket.refresh_from_db()
        if ticket.status == status:
            continue
        ticket = ticket_services.ticket_change_status(ticket=ticket, actor=actor, to=status)
    return ticket


@pytest.fixture
def customer(db):
    # Assertions read English: this customer reads English (Chinese is tested on its own).
    return CustomerFactory(name="Zhang Wei", email="zhang.wei@example.com", language="en")


@pytest.fixture
def resolved_ticket(agent, supervisor, team, customer):
    ticket = ticket_services.ticket_create(
        actor=agent,
        subject="Printer offline",
        channel=Channel.EMAIL,
        team=team,
        customer=customer,
        assignee=agent,
    )
    return resolve(ticket, agent)


@pytest.fixture
def survey(resolved_ticket) -> Survey:
    return Survey.objects.get(ticket=resolved_ticket)


def survey_path(survey: Survey) -> str:
    """The link as the customer got it in the survey e-mail."""
    body = OutboxMessage.objects.get(topic="survey.sent", ticket=survey.ticket_id).body
    [path] = re.findall(r"/quality/survey/[^/\s]+/", body)
    return path


def fresh_path(survey: Survey) -> str:
    return reverse("quality:survey", args=[survey_token(survey)])
