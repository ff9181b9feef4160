"""Honours with ties, coaching plans, training shortfalls, suggestions, and the managers'
metrics (NPS, standard deviation across channels) on known data."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from quality.honours import coaching_plan_record, month_honours, top_with_ties
from quality.metrics import monthly_metrics, nps, population_std_dev
from quality.models import CoachingPlan, Scorecard, Suggestion, SuggestionStatus, Survey
from quality.suggestions import suggestion_review, suggestion_submit
from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from staff.models import Role, StaffLevel, TrainingKind, TrainingRecord
from staff.training import training_shortfalls
from tests.factories import TicketFactory, UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _card(agent, total, handled=30, **fields):
    return Scorecard.objects.create(
        month=NOVEMBER,
        agent=agent,
        total_score=None if total is None else Decimal(total),
        handled_count=handled,
        quality_percent=40,
        efficiency_percent=30,
        satisfaction_percent=30,
        computed_at=timezone.now(),
        **fields,
    )


def test_service_star_takes_the_top_n_and_everyone_tied_with_the_last(team, settings):
    settings.SERVICE_STAR_COUNT = 2
    settings.SERVICE_STAR_MIN_HANDLED = 20
    users = [UserFactory(username=f"s{n}", role=Role.AGENT, teams=[team]) for n in range(6)]
    _card(users[0], "90")
    _card(users[1], "85")
    _card(users[2], "85")  # tied with the second place: both are stars
    _card(users[3], "70")
    _card(users[4], "99", handled=19)  # the best score, below the minimum volume
    _card(users[5], None)  # nothing to score
    stars = month_honours(NOVEMBER).service_stars
    assert [card.agent for card in stars] == [users[0], users[1], users[2]]


def test_top_with_ties_keeps_the_order_and_the_count_without_ties():
    cards = [Scorecard(total_score=Decimal(v)) for v in ("60", "80", "70")]
    assert [c.total_score for c in top_with_ties(cards, 2)] == [Decimal("80"), Decimal("70")]
    assert top_with_ties(cards, 0) == []


def test_excellent_team_and_low_scorers_flagged_for_coaching(team, other_team, settings):
    settings.KPI_COACHING_BELOW = 60
    low = UserFactory(username="low", role=Role.AGENT, teams=[team])
    fine = UserFactory(username="fine", role=Role.AGENT, teams=[team])
    _card(low, "59.99")
    _card(fine, "60.00")
    for squad, total in ((team, "70"), (other_team, "75")):
        Scorecard.objects.create(
            month=NOVEMBER,
            team=squad,
            total_score=Decimal(total),
            quality_percent=40,
            efficiency_percent=30,
            satisfaction_percent=30,
            computed_at=timezone.now(),
        )
    honours = month_honours(NOVEMBER)
    assert [card.team for card in honours.excellent_teams] == [other_team]
    assert [card.agent for card in honours.coaching] == [low]


def test_a_coaching_plan_is_recorded_once_by_the_supervisor(team, supervisor, agent, manager):
    with pytest.raises(AuthorityError):
        coaching_plan_record(actor=agent, agent=agent, month=NOVEMBER, plan="Self-coaching")
    with pytest.raises(ValidationError):
        coaching_plan_record(actor=supervisor, agent=agent, month=NOVEMBER, plan=" ")
    assert not CoachingPlan.objects.exists()
    coaching_plan_record(actor=supervisor, agent=agent, month=NOVEMBER, plan="Shadow a senior")
    with pytest.raises(ConflictError):
        coaching_plan_record(actor=manager, agent=agent, month=NOVEMBER, plan="Another")
    assert CoachingPlan.objects.get().plan == "Shadow a senior"


def test_who_is_short_of_onboarding_or_yearly_trainings(team):
    # Onboarding one week; at least two trainings of 3+ days a year [S1 §3.1].
    complete, short_training, no_onboarding = (
        UserFactory(username=name, role=Role.AGENT, teams=[team])
        for name in ("complete", "short", "new")
    )
    for user in (complete, short_training):
        TrainingRecord.objects.create(
            user=user,
            kind=TrainingKind.ONBOARDING,
            title="Onboarding",
            started_on=date(2026, 1, 5),
            days=5,
        )
    for started, days in ((date(2026, 3, 2), 3), (date(2026, 9, 7), 4)):
        TrainingRecord.objects.create(
            user=complete,
            kind=TrainingKind.TRAINING,
            title="Complaints",
            started_on=started,
            days=days,
        )
    # A 2-day course does not count, nor one from last year.
    TrainingRecord.objects.create(
        user=short_training,
        kind=TrainingKind.TRAINING,
        title="Short",
        started_on=date(2026, 4, 1),
        days=2,
    )
    TrainingRecord.objects.create(
        user=short_training,
        kind=TrainingKind.TRAINING,
        title="Old",
        started_on=date(2025, 4, 1),
        days=5,
    )
    TrainingRecord.objects.create(
        user=short_training,
        kind=TrainingKind.TRAINING,
        title="Good",
        started_on=date(2026, 5, 1),
        days=3,
    )
    short = {status.user: status for status in training_shortfalls(year=2026)}
    assert complete not in short
    assert short[short_training].trainings_short and not short[short_training].onboarding_short
    assert short[no_onboarding].onboarding_short


def test_the_career_ladder_is_translated_in_order():
    assert [level.value for level in StaffLevel] == ["junior", "senior", "supervisor", "manager"]
    assert StaffLevel.SENIOR.label == "Senior service specialist"


def test_a_suggestion_is_adopted_or_declined_with_a_reason(agent, manager):
    suggestion = suggestion_submit(actor=agent, title="Callback slots", body="Let customers pick")
    with pytest.raises(AuthorityError):
        suggestion_review(suggestion=suggestion, actor=agent, decision="adopted", reason="Mine")
    with pytest.raises(ValidationError):
        suggestion_review(suggestion=suggestion, actor=manager, decision="adopted", reason="")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED
    suggestion_review(suggestion=suggestion, actor=manager, decision="adopted", reason="Cheap")
    with pytest.raises(ConflictError):
        suggestion_review(suggestion=suggestion, actor=manager, decision="declined", reason="No")
    assert Suggestion.objects.get().status == SuggestionStatus.ADOPTED


def test_nps_is_promoters_minus_detractors():
    # 10 answers: 5 promoters (9–10), 3 passives (7–8), 2 detractors (0–6) → 50 − 20 = 30.
    assert nps(5, 2, 10) == 30.0
    assert nps(0, 3, 3) == -100.0
    assert nps(0, 0, 0) is None


def test_population_standard_deviation_on_known_data():
    # Mean 5; squared deviations 9, 1, 1, 1, 0, 0, 4, 16 → 32 / 8 = 4 → 2.
    assert population_std_dev([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0
    assert population_std_dev([80.0]) is None


def _survey(channel, recommend, dimensions, answered):
    ticket = TicketFactory(channel=channel)
    attitude, effectiveness, timeliness = dimensions
    return Survey.objects.create(
        ticket=ticket,
        kind="ticket",
        customer=ticket.customer,
        channel=channel,
        language="en",
        nonce=f"n-{ticket.pk}",
        sent_at=answered - timedelta(hours=1),
        expires_at=answered + timedelta(days=13),
        answered_at=answered,
        attitude=attitude,
        effectiveness=effectiveness,
        timeliness=timeliness,
        recommend=recommend,
    )


def test_monthly_metrics_on_known_data(manager, agent):
    at = datetime(2026, 11, 10, 12, tzinfo=SHANGHAI)
    # Email: 2 answers, 1 satisfied → CSAT 50 %; phone: 2 answers, 2 satisfied → 100 %.
    _survey("email", 10, (5, 5, 5), at)
    _survey("email", 3, (2, 2, 2), at)
    _survey("phone", 9, (4, 4, 4), at)
    _survey("phone", 7, (4, 5, 3), at)
    # First responses: email after 10 and 30 min (mean 20), phone after 60 (mean 60).
    for ticket, minutes in zip(Ticket.objects.order_by("pk"), (10, 30, 60, None), strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=at,
            first_response_at=None if minutes is None else at + timedelta(minutes=minutes),
            status="resolved" if minutes else "open",
        )
    adopted = suggestion_submit(actor=agent, title="A", body="a")
    declined = suggestion_submit(actor=agent, title="B", body="b")
    for suggestion, decision in ((adopted, "adopted"), (declined, "declined")):
        suggestion_review(suggestion=suggestion, actor=manager, decision=decision, reason="ok")
    Suggestion.objects.update(reviewed_at=at)
    [october, november] = monthly_metrics(last=NOVEMBER, count=2)
    assert october.month == date(2026, 10, 1) and october.csat is None
    assert november.created == 4 and november.resolution_rate == 75.0
    assert november.response_minutes == 33.3  # (10 + 30 + 60) / 3
    assert november.csat == 75.0  # 3 of 4 answers average 4 or more
    assert november.nps == 25.0  # promoters 10, 9 (2); detractors 3 (1); 4 answers
    assert november.csat_std_dev == 25.0  # channels 50 and 100
    assert november.response_std_dev == 20.0  # channels 20 and 60 min
    assert november.adoption_rate == 50.0
