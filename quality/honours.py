"""Honours and coaching [S1 §3.2–3.3, S0 §06]: Service Star for the month's top agents
(a configurable number, with a minimum handled volume; everyone tied with the last place
shares it), Excellent Team for the top team, and agents below KPI_COACHING_BELOW flagged
for coaching with a plan record. Read from the month's stored scorecards."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from staff.models import Team

from .models import CoachingPlan, Scorecard

MSG_PLAN_REQUIRED = _("Write the coaching plan.")
MSG_PLAN_EXISTS = _("This agent already has a coaching plan for that month.")
MSG_NOT_THEIR_SUPERVISOR = _("Only the agent's supervisor or a manager records a coaching plan.")


def latest_scorecards(month: date, *, teams: bool = False) -> QuerySet[Scorecard]:
    """Each subject's latest version of the month (a correction replaces what it corrects)."""
    subject = "team" if teams else "agent"
    newer = Scorecard.objects.filter(
        month=OuterRef("month"), **{subject: OuterRef(subject)}, version__gt=OuterRef("version")
    )
    return (
        Scorecard.objects.filter(month=month, **{f"{subject}__isnull": False})
        .exclude(Exists(newer))
        .select_related("agent__staff_profile", "team", "home_team")
        .order_by("-total_score", "pk")
    )


def top_with_ties(cards: list[Scorecard], count: int) -> list[Scorecard]:
    """The best `count` by total score, and everyone tied with the last of them."""
    ranked = sorted(
        (card for card in cards if card.total_score is not None),
        key=lambda card: card.total_score,
        reverse=True,
    )
    if count <= 0 or not ranked:
        return []
    if len(ranked) <= count:
        return ranked
    cutoff = ranked[count - 1].total_score
    return [card for card in ranked if card.total_score >= cutoff]


@dataclass(frozen=True)
class Honours:
    service_stars: list
    excellent_teams: list
    coaching: list


def month_honours(month: date) -> Honours:
    agents = list(latest_scorecards(month))
    eligible = [card for card in agents if card.handled_count >= settings.SERVICE_STAR_MIN_HANDLED]
    return Honours(
        service_stars=top_with_ties(eligible, settings.SERVICE_STAR_COUNT),
        excellent_teams=top_with_ties(list(latest_scorecards(month, teams=True)), 1),
        coaching=[
            card
            for card in agents
            if card.total_score is not None and card.total_score < settings.KPI_COACHING_BELOW
        ],
    )


def may_coach(actor, agent) -> bool:
    """The agent's supervisor (of any of their teams) or a manager."""
    if actor.has_perm("quality.publish_scorecard"):
        return True
    return Team.objects.filter(supervisor=actor, members=agent).exists()


@transaction.atomic
def coaching_plan_record(*, actor, agent, month: date, plan: str) -> CoachingPlan:
    plan = (plan or "").replace("\x00", "").strip()
    if not plan:
        raise ValidationError(MSG_PLAN_REQUIRED, field="plan")
    if not may_coach(actor, agent):
        raise AuthorityError(MSG_NOT_THEIR_SUPERVISOR)
    try:
        with transaction.atomic():
            return CoachingPlan.objects.create(
                agent=agent, month=month.replace(day=1), plan=plan, created_by=actor
            )
    except IntegrityError:
        raise ConflictError(MSG_PLAN_EXISTS, field="plan") from None
