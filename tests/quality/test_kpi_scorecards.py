"""Monthly KPI scorecards [S1 §3.2]: 40 % quality + 30 % efficiency + 30 % satisfaction,
on a crafted month whose answers are worked out by hand below."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from quality.models import Inspection, InspectionStatus, KpiWeights, Scorecard, ScorecardStatus
from quality.scorecards import (
    kpi_weights_set,
    scorecard_correct,
    scorecards_compute,
    scorecards_publish,
)
from quality.surveys import survey_answer, survey_token
from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from staff.models import Role
from tests.factories import UserFactory
from tickets import services as ticket_services
from tickets.models import Channel, Ticket

from .conftest import resolve

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = datetime(2026, 11, 1).date()


def _ticket(agent, team, customer, *, day: int, hours_to_resolve: int, answer=None):
    """A request opened on `day` of November 2026 at 10:00 and resolved after the given
    hours: within 24 h its resolution and service-plan clocks are met, later both breach."""
    opened = datetime(2026, 11, day, 10, tzinfo=SHANGHAI)
    with time_machine.travel(opened, tick=False):
        ticket = ticket_services.ticket_create(
            actor=agent,
            subject="Order question",
            channel=Channel.EMAIL,
            team=team,
            customer=customer,
            assignee=agent,
        )
    with time_machine.travel(opened + timedelta(hours=hours_to_resolve), tick=False):
        resolve(ticket, agent)
    if answer:
        with time_machine.travel(opened + timedelta(hours=hours_to_resolve + 1), tick=False):
            attitude, effectiveness, timeliness = answer
            survey_answer(
                token=survey_token(ticket.survey),
                answers={
                    "attitude": attitude,
                    "effectiveness": effectiveness,
                    "timeliness": timeliness,
                    "recommend": 8,
                },
            )
    return ticket


def _inspected(ticket, agent, score):
    return Inspection.objects.create(
        ticket=ticket,
        agent=agent,
        month=NOVEMBER,
        reason="random",
        status=InspectionStatus.DONE,
        score=Decimal(score),
        inspected_at=datetime(2026, 11, 28, tzinfo=SHANGHAI),
    )


@pytest.fixture
def crafted_month(team, supervisor, customer):
    """Agents A, B, C of one team in November 2026 (handled 4, 2, 1: team median 2).

    A: 3 tickets on time, 1 late → clocks met 6 of 8 = 75 %; volume 4/2 capped at 100 →
       efficiency 87.5; surveys (5,5,5) and (3,4,2) → mean 4 → satisfaction 75;
       inspections 80 and 90 → quality 85. Total 0.4·85 + 0.3·87.5 + 0.3·75 = 82.75.
    B: 2 on time → 100 % and 2/2 → efficiency 100; no survey; inspection 70.
       Total without satisfaction: (40·70 + 30·100) / 70 = 82.857… → 82.86.
    C: 1 late → 0 %, 1/2 → 50 → efficiency 25; survey (1,1,1) → 0; no inspection.
       Total: (30·25 + 30·0) / 60 = 12.5.
    Team: quality mean(85, 70) = 77.5, efficiency mean(87.5, 100, 25) = 70.83,
       satisfaction mean(75, 0) = 37.5 → 0.4·77.5 + 0.3·70.83 + 0.3·37.5 = 63.50.
    """
    a, b, c = (UserFactory(username=name, role=Role.AGENT, teams=[team]) for name in "abc")
    a_tickets = [
        _ticket(a, team, customer, day=3, hours_to_resolve=2, answer=(5, 5, 5)),
        _ticket(a, team, customer, day=4, hours_to_resolve=3, answer=(3, 4, 2)),
        _ticket(a, team, customer, day=5, hours_to_resolve=4),
        _ticket(a, team, customer, day=6, hours_to_resolve=30),
    ]
    b_tickets = [
        _ticket(b, team, customer, day=10, hours_to_resolve=1),
        _ticket(b, team, customer, day=11, hours_to_resolve=5),
    ]
    _ticket(c, team, customer, day=12, hours_to_resolve=48, answer=(1, 1, 1))
    _inspected(a_tickets[0], a, 80)
    _inspected(a_tickets[1], a, 90)
    _inspected(b_tickets[0], b, 70)
    return {"a": a, "b": b, "c": c}


def _card(month=NOVEMBER, **subject):
    return Scorecard.objects.filter(month=month, **subject).order_by("-version").first()


def test_the_kpi_arithmetic_of_a_crafted_month(crafted_month, team, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    a = _card(agent=crafted_month["a"])
    assert (a.quality_score, a.efficiency_score, a.satisfaction_score) == (
        Decimal("85.00"),
        Decimal("87.50"),
        Decimal("75.00"),
    )
    assert (a.handled_count, a.sla_met_count, a.sla_clock_count, a.survey_count) == (4, 6, 8, 2)
    assert a.team_median_handled == 2 and a.total_score == Decimal("82.75")
    c = _card(agent=crafted_month["c"])
    assert (c.quality_score, c.efficiency_score, c.satisfaction_score) == (
        None,
        Decimal("25.00"),
        Decimal("0.00"),
    )
    assert c.total_score == Decimal("12.50")
    squad = _card(team=team)
    assert (squad.quality_score, squad.efficiency_score, squad.satisfaction_score) == (
        Decimal("77.50"),
        Decimal("70.83"),
        Decimal("37.50"),
    )
    assert squad.total_score == Decimal("63.50") and squad.handled_count == 7
    assert (a.quality_percent, a.efficiency_percent, a.satisfaction_percent) == (40, 30, 30)


def test_an_agent_with_no_surveys_is_scored_on_quality_and_efficiency_alone(crafted_month, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    b = _card(agent=crafted_month["b"])
    assert b.survey_count == 0 and b.satisfaction_score is None
    # Not a zero (that would punish an agent whose customers did not answer), and not a
    # neutral guess: satisfaction's 30 % is shared 40:30 by quality and efficiency.
    assert b.total_score == Decimal("82.86")


def test_other_weights_change_the_total(crafted_month, manager):
    kpi_weights_set(actor=manager, quality=50, efficiency=50, satisfaction=0)
    scorecards_compute(month=NOVEMBER, actor=manager)
    a = _card(agent=crafted_month["a"])
    assert a.total_score == Decimal("86.25")  # (85 + 87.5) / 2


@pytest.mark.parametrize(
    "quality,efficiency,satisfaction",
    [(40, 30, 20), (50, 30, 30), (101, 0, -1), ("forty", 30, 30), (40.5, 29.5, 30)],
)
def test_weights_must_be_whole_numbers_adding_up_to_100(manager, quality, efficiency, satisfaction):
    with pytest.raises(ValidationError):
        kpi_weights_set(
            actor=manager, quality=quality, efficiency=efficiency, satisfaction=satisfaction
        )
    weights = KpiWeights.objects.get(pk=1)
    assert (weights.quality_percent, weights.efficiency_percent, weights.satisfaction_percent) == (
        40,
        30,
        30,
    )


def test_the_database_refuses_weights_that_do_not_add_up(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiWeights.objects.filter(pk=1).update(quality_percent=50)


def test_only_managers_compute_and_set_weights(agent, supervisor):
    for user in (agent, supervisor):
        with pytest.raises(AuthorityError):
            scorecards_compute(month=NOVEMBER, actor=user)
        with pytest.raises(AuthorityError):
            kpi_weights_set(actor=user, quality=50, efficiency=25, satisfaction=25)
    assert not Scorecard.objects.exists()


def test_a_published_scorecard_is_never_recomputed(crafted_month, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    assert scorecards_publish(month=NOVEMBER, actor=manager) == 4  # three agents, one team
    c = _card(agent=crafted_month["c"])
    # A late inspection, then the beat job runs again: the published figures stand.
    _inspected(Ticket.objects.get(assignee=crafted_month["c"]), crafted_month["c"], 100)
    scorecards_compute(month=NOVEMBER, actor=manager)
    again = _card(agent=crafted_month["c"])
    assert again.pk == c.pk and again.version == 1 and again.total_score == Decimal("12.50")


def test_editing_a_published_scorecard_is_refused(crafted_month, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    scorecards_publish(month=NOVEMBER, actor=manager)
    card = _card(agent=crafted_month["a"])
    card.total_score = Decimal("99")
    with pytest.raises(ConflictError):
        card.save()
    card.refresh_from_db()
    assert card.total_score == Decimal("82.75")


def test_the_database_refuses_bulk_and_raw_updates_of_a_published_scorecard(crafted_month, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    scorecards_publish(month=NOVEMBER, actor=manager)
    card = _card(agent=crafted_month["a"])
    # update() and raw SQL bypass save(); the trigger of migration quality 0003 does not.
    with pytest.raises(IntegrityError, match="published and final"), transaction.atomic():
        Scorecard.objects.filter(pk=card.pk).update(total_score=Decimal("99"))
    refused = pytest.raises(IntegrityError, match="published and final")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quality_scorecard SET status = 'draft', published_at = NULL WHERE id = %s",
            [card.pk],
        )
    card.refresh_from_db()
    assert (card.status, card.total_score) == (ScorecardStatus.PUBLISHED, Decimal("82.75"))
    # A draft stays writable by the same raw path (the job refreshes drafts this way).
    draft = Scorecard.objects.create(
        month=NOVEMBER,
        agent=crafted_month["a"],
        version=2,
        correction_reason="late inspection",
        quality_percent=40,
        efficiency_percent=30,
        satisfaction_percent=30,
        computed_at=card.computed_at,
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE quality_scorecard SET total_score = 50 WHERE id = %s", [draft.pk])
    draft.refresh_from_db()
    assert draft.total_score == Decimal("50")


def test_a_correction_is_a_new_version_with_its_reason(crafted_month, manager):
    scorecards_compute(month=NOVEMBER, actor=manager)
    scorecards_publish(month=NOVEMBER, actor=manager)
    published = _card(agent=crafted_month["c"])
    with pytest.raises(ValidationError):
        scorecard_correct(scorecard=published, actor=manager, reason="  ")
    assert Scorecard.objects.filter(agent=crafted_month["c"]).count() == 1
    _inspected(Ticket.objects.get(assignee=crafted_month["c"]), crafted_month["c"], 100)
    correction = scorecard_correct(
        scorecard=published, actor=manager, reason="Inspection of SD-3 was recorded late"
    )
    assert correction.version == 2 and correction.status == ScorecardStatus.DRAFT
    # quality 100 now counts: (40·100 + 30·25 + 30·0) / 100 = 47.5
    assert correction.total_score == Decimal("47.50")
    published.refresh_from_db()
    assert published.total_score == Decimal("12.50")
    with pytest.raises(ConflictError):  # only the latest published version is corrected
        scorecard_correct(scorecard=published, actor=manager, reason="again")
    scorecards_publish(month=NOVEMBER, actor=manager)
    assert _card(agent=crafted_month["c"]).status == ScorecardStatus.PUBLISHED


def test_a_running_month_is_computed_but_not_published(manager, resolved_ticket):
    december = datetime(2026, 12, 1).date()
    with time_machine.travel(datetime(2026, 12, 15, tzinfo=SHANGHAI)):
        assert scorecards_compute(month=december, actor=manager) >= 1
        with pytest.raises(ValidationError):
            scorecards_publish(month=december, actor=manager)
    assert not Scorecard.objects.filter(status=ScorecardStatus.PUBLISHED).exists()
