"""Reads shared by the quality pages and API: who sees which scorecards, surveys and
inspections. Managers see everything; a supervisor the agents and teams they supervise
(and their own); an agent only their own (scorecards once published)."""

from django.db.models import Q, QuerySet

from .models import Inspection, InspectionStatus, Scorecard, ScorecardStatus, Survey

ALL_TEAMS_PERMISSION = "quality.publish_scorecard"
TEAM_PERMISSION = "quality.view_team_scorecards"


def _sees_all(user) -> bool:
    return user.is_superuser or user.has_perm(ALL_TEAMS_PERMISSION)


def _supervised(user, agent_field: str, team_field: str | None = None) -> Q:
    scope = Q(**{f"{agent_field}__teams__supervisor": user})
    if team_field:
        scope |= Q(**{f"{team_field}__supervisor": user})
    return scope


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.select_related("agent__staff_profile", "team", "home_team")
    if _sees_all(user):
        return cards
    own = Q(agent=user, status=ScorecardStatus.PUBLISHED)
    if user.has_perm(TEAM_PERMISSION):
        return cards.filter(own | _supervised(user, "agent", "team")).distinct()
    return cards.filter(own)


def surveys_visible_to(user) -> QuerySet[Survey]:
    surveys = Survey.objects.select_related("ticket", "agent", "team")
    if _sees_all(user):
        return surveys
    if user.has_perm("quality.view_survey"):
        return surveys.filter(
            Q(agent=user) | _supervised(user, "agent") | Q(team__supervisor=user)
        ).distinct()
    return surveys.filter(agent=user)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    inspections = Inspection.objects.select_related("ticket", "agent", "inspector")
    if _sees_all(user) or user.has_perm("quality.inspect_any_team"):
        return inspections
    if user.has_perm("quality.view_inspection"):
        return inspections.filter(_supervised(user, "agent")).distinct()
    return inspections.filter(agent=user, status=InspectionStatus.DONE)
