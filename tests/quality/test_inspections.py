"""QA inspections [S1 §4.2]: the monthly sample (random N per agent, plus every
low-satisfaction and breached ticket), the rubric score, and the inspector's scope."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quality.inspections import inspection_record, inspections_sample_month
from quality.models import Inspection, InspectionReason, InspectionScore, InspectionStatus
from quality.surveys import survey_answer, survey_token
from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from staff.models import Role
from tests.factories import TeamFactory, UserFactory
from tickets import services as ticket_services
from tickets.models import Channel

from .conftest import LOW_ANSWER, resolve

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = datetime(2026, 11, 1).date()
ALL_FIVES = {"greeting": 5, "accuracy": 5, "empathy": 5, "compliance": 5, "resolution": 5}


def _resolved(agent, team, customer, *, day, hours=2):
    opened = datetime(2026, 11, day, 10, tzinfo=SHANGHAI)
    with time_machine.travel(opened, tick=False):
        ticket = ticket_services.ticket_create(
            actor=agent,
            subject="Question",
            channel=Channel.EMAIL,
            team=team,
            customer=customer,
            assignee=agent,
        )
    with time_machine.travel(opened + timedelta(hours=hours), tick=False):
        return resolve(ticket, agent)


def test_the_sample_takes_n_per_agent_plus_every_low_and_breached_ticket(agent, team, customer):
    other = UserFactory(username="other", role=Role.AGENT, teams=[team])
    mine = [_resolved(agent, team, customer, day=day) for day in range(2, 8)]
    theirs = [_resolved(other, team, customer, day=9)]
    late = _resolved(agent, team, customer, day=10, hours=40)  # resolution breached
    low = mine[0]
    with time_machine.travel(datetime(2026, 11, 10, tzinfo=SHANGHAI), tick=False):
        survey_answer(token=survey_token(low.survey), answers=LOW_ANSWER)
    created = inspections_sample_month(month=NOVEMBER, per_agent=2)
    sampled = {i.ticket_id: i for i in Inspection.objects.filter(month=NOVEMBER)}
    assert sampled[late.pk].reason in (InspectionReason.BREACHED, InspectionReason.RANDOM)
    assert sampled[low.pk].reason == InspectionReason.LOW_SATISFACTION
    assert theirs[0].pk in sampled
    random_mine = [
        i for i in sampled.values() if i.agent == agent and i.reason == InspectionReason.RANDOM
    ]
    assert len(random_mine) <= 2 and created == len(sampled)
    # At most 2 random + the low one + the breached one for this agent, 1 for the other.
    assert len([i for i in sampled.values() if i.agent == agent]) <= 4
    assert inspections_sample_month(month=NOVEMBER, per_agent=2) == 0  # idempotent


@pytest.fixture
def pending(resolved_ticket, agent):
    return Inspection.objects.create(
        ticket=resolved_ticket, agent=agent, month=NOVEMBER, reason=InspectionReason.RANDOM
    )


def test_the_supervisor_scores_the_rubric_and_leaves_coaching_notes(pending, supervisor):
    scores = {"greeting": 4, "accuracy": 5, "empathy": 3, "compliance": 5, "resolution": 4}
    inspection_record(
        inspection=pending, actor=supervisor, scores=scores, coaching_notes="Slow down"
    )
    pending.refresh_from_db()
    # Weights 15, 25, 20, 20, 20: (60 + 125 + 60 + 100 + 80) / (5 × 100) = 425 / 500 = 85.
    assert pending.score == Decimal("85.00") and pending.status == InspectionStatus.DONE
    assert pending.coaching_notes == "Slow down" and pending.inspector == supervisor
    assert InspectionScore.objects.filter(inspection=pending).count() == 5


@pytest.mark.parametrize(
    "change",
    [{"greeting": 6}, {"greeting": -1}, {"empathy": "4.5"}, {"accuracy": ""}, {"tone": 3}],
)
def test_scores_out_of_range_are_refused_and_nothing_is_written(pending, supervisor, change):
    scores = {**ALL_FIVES, **change}
    if change == {"accuracy": ""}:
        scores.pop("accuracy")
    with pytest.raises(ValidationError) as refused:
        inspection_record(inspection=pending, actor=supervisor, scores=scores)
    assert set(refused.value.fields) & (set(change) | {"accuracy"})
    pending.refresh_from_db()
    assert pending.status == InspectionStatus.PENDING and pending.score is None
    assert not InspectionScore.objects.exists()


def test_inspecting_outside_ones_scope_is_refused(pending, agent):
    stranger = UserFactory(
        username="stranger", role=Role.SUPERVISOR, teams=[TeamFactory(name="Elsewhere")]
    )
    stranger.supervised_teams.set([stranger.teams.get()])
    for actor in (stranger, agent):
        with pytest.raises(AuthorityError):
            inspection_record(inspection=pending, actor=actor, scores=ALL_FIVES)
    pending.refresh_from_db()
    assert pending.status == InspectionStatus.PENDING and not InspectionScore.objects.exists()


def test_a_manager_inspects_any_team_once(pending, manager, supervisor):
    inspection_record(inspection=pending, actor=manager, scores=ALL_FIVES)
    with pytest.raises(ConflictError):
        inspection_record(inspection=pending, actor=supervisor, scores=ALL_FIVES)
    pending.refresh_from_db()
    assert pending.inspector == manager and pending.score == Decimal("100.00")
