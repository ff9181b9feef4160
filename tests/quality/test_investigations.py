"""Low satisfaction triggers an investigation [S1 §2.4]: exactly one, for the agent's
supervisor, linked to the ticket, on its own SLA clock; its outcome is recorded."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quality.investigations import investigation_close, investigation_open_if_low
from quality.models import Investigation, InvestigationStatus
from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from servicedesk.outbox.models import OutboxMessage
from tickets import services as ticket_services
from tickets.models import Status
from tickets.sla.models import Clock, ClockState, Metric
from tickets.sla.sweep import sla_sweep

from .conftest import GOOD_ANSWER, LOW_ANSWER, survey_path

pytestmark = pytest.mark.django_db


def _clocks(ticket):
    return list(Clock.objects.filter(ticket=ticket, metric=Metric.SATISFACTION_INVESTIGATION))


@pytest.mark.parametrize(
    "answer",
    [
        LOW_ANSWER,  # attitude 2: any dimension at or below 2
        {**GOOD_ANSWER, "timeliness": "1"},
        {**GOOD_ANSWER, "recommend": "6"},  # a detractor (NPS 0–6)
    ],
)
def test_a_low_score_opens_one_investigation_for_the_supervisor_with_its_clock(
    client, survey, supervisor, answer
):
    assert client.post(survey_path(survey), answer).status_code == 200
    [investigation] = Investigation.objects.all()
    assert investigation.survey == survey and investigation.ticket == survey.ticket
    assert investigation.supervisor == supervisor
    assert investigation.status == InvestigationStatus.OPEN
    [clock] = _clocks(survey.ticket)
    assert clock.state == ClockState.RUNNING and clock.started_at == investigation.opened_at
    # The default target: 3 business days on the working calendar.
    assert clock.target_duration == timedelta(hours=24)
    # Opening it again (a repeated hook) adds nothing.
    survey.refresh_from_db()
    assert investigation_open_if_low(survey=survey, at=timezone.now()) is None
    assert Investigation.objects.count() == 1 and len(_clocks(survey.ticket)) == 1


@pytest.mark.parametrize(
    "answer", [GOOD_ANSWER, {**GOOD_ANSWER, "attitude": "3", "recommend": "7"}]
)
def test_scores_above_the_threshold_open_nothing(client, survey, answer):
    client.post(survey_path(survey), answer)
    assert not Investigation.objects.exists() and not _clocks(survey.ticket)


def test_the_threshold_is_configurable(client, survey, settings):
    settings.SURVEY_LOW_DIMENSION_MAX = 3
    client.post(survey_path(survey), {**GOOD_ANSWER, "effectiveness": "3"})
    assert Investigation.objects.count() == 1


def test_closing_the_ticket_leaves_the_investigation_clock_running(client, survey, agent):
    client.post(survey_path(survey), LOW_ANSWER)
    ticket_services.ticket_change_status(ticket=survey.ticket, actor=agent, to=Status.CLOSED)
    [clock] = _clocks(survey.ticket)
    assert clock.state == ClockState.RUNNING


def test_the_supervisor_records_the_outcome_and_the_clock_is_met(client, survey, supervisor):
    client.post(survey_path(survey), LOW_ANSWER)
    investigation = Investigation.objects.get()
    investigation_close(
        investigation=investigation,
        actor=supervisor,
        finding="agent_coaching",
        outcome="Agent was curt on the phone; coached on greeting.",
    )
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.DONE
    assert investigation.closed_by == supervisor and investigation.finding == "agent_coaching"
    [clock] = _clocks(survey.ticket)
    assert clock.state == ClockState.MET and clock.met_at == investigation.closed_at


def test_an_investigation_closed_late_counts_as_breached(client, survey, supervisor):
    client.post(survey_path(survey), LOW_ANSWER)
    investigation = Investigation.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        investigation_close(
            investigation=investigation, actor=supervisor, finding="no_fault", outcome="Checked."
        )
    [clock] = _clocks(survey.ticket)
    assert clock.state == ClockState.BREACHED


def test_an_agent_cannot_close_the_investigation_and_nothing_is_written(client, survey, agent):
    client.post(survey_path(survey), LOW_ANSWER)
    investigation = Investigation.objects.get()
    with pytest.raises(AuthorityError):
        investigation_close(
            investigation=investigation, actor=agent, finding="no_fault", outcome="Fine"
        )
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.OPEN and investigation.outcome == ""


@pytest.mark.parametrize("finding,outcome", [("no_fault", "  "), ("guilty", "Because")])
def test_an_outcome_needs_a_known_finding_and_words(client, survey, supervisor, finding, outcome):
    client.post(survey_path(survey), LOW_ANSWER)
    investigation = Investigation.objects.get()
    with pytest.raises(ValidationError):
        investigation_close(
            investigation=investigation, actor=supervisor, finding=finding, outcome=outcome
        )
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.OPEN
    assert _clocks(survey.ticket)[0].state == ClockState.RUNNING


def test_a_closed_investigation_cannot_be_closed_again(client, survey, supervisor, manager):
    client.post(survey_path(survey), LOW_ANSWER)
    investigation = Investigation.objects.get()
    investigation_close(
        investigation=investigation, actor=manager, finding="process", outcome="Fixed the script"
    )
    with pytest.raises(ConflictError):
        investigation_close(
            investigation=investigation, actor=supervisor, finding="no_fault", outcome="x"
        )
    investigation.refresh_from_db()
    assert investigation.closed_by == manager


def test_the_investigation_clock_warns_and_breaches_to_the_supervisor_not_the_agent(
    client, survey, agent, supervisor
):
    client.post(survey_path(survey), LOW_ANSWER)
    [clock] = _clocks(survey.ticket)
    assert survey.ticket.assignee == agent

    def notified(topic):
        return set(
            OutboxMessage.objects.filter(topic=topic, ticket=survey.ticket).values_list(
                "recipient", flat=True
            )
        )

    with time_machine.travel(clock.warn_at + timedelta(minutes=1), tick=False):
        assert sla_sweep().warned == 1
    assert notified("sla.warning") == {supervisor.email}
    with time_machine.travel(clock.due_at + timedelta(minutes=1), tick=False):
        assert sla_sweep().breached == 1
    assert notified("sla.breached") == {supervisor.email}
