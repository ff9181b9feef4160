"""Reads shared by the quality pages and API: who sees which scorecards, surveys and
inspections. Managers see everything; a supervisor the agents and teams they supervise
(and their own); an agent only their own (scorecards once published)."""

from django.db.models import Count, Q, QuerySet

from .models import (
    CoachingPlan,
    Inspection,
    InspectionStatus,
    Investigation,
    Scorecard,
    ScorecardStatus,
    Suggestion,
    Survey,
)

ALL_TEAMS_PERMISSION = "quality.publish_scorecard"
TEAM_PERMISSION = "quality.view_team_scorecards"
MANAGE_ALL_INVESTIGATIONS = "quality.manage_all_investigations"
REVIEW_SUGGESTION = "quality.review_suggestion"


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


def investigations_visible_to(user) -> QuerySet[Investigation]:
    """Managers see every investigation; a supervisor those they investigate and those of
    the teams they supervise; nobody else any."""
    investigations = Investigation.objects.select_related(
        "ticket", "survey", "supervisor__staff_profile", "closed_by__staff_profile"
    )
    if user.is_superuser or user.has_perm(MANAGE_ALL_INVESTIGATIONS):
        return investigations
    if user.has_perm("quality.view_investigation"):
        return investigations.filter(
            Q(supervisor=user) | Q(ticket__team__supervisor=user)
        ).distinct()
    return investigations.none()


def suggestions_visible_to(user) -> QuerySet[Suggestion]:
    """Reviewers see every suggestion; everyone else their own."""
    suggestions = Suggestion.objects.select_related(
        "author__staff_profile", "reviewed_by__staff_profile"
    )
    if user.is_superuser or user.has_perm(REVIEW_SUGGESTION):
        return suggestions
    return suggestions.filter(author=user)


def coaching_plans_of(month, agent_ids) -> dict[int, CoachingPlan]:
    plans = CoachingPlan.objects.filter(month=month, agent_id__in=list(agent_ids))
    return {plan.agent_id: plan for plan in plans.select_related("created_by__staff_profile")}


def inspection_progress(user, month) -> dict[str, int]:
    """How many of the month's sampled inspections this user sees are done and to do (one
    query): the team scorecards page says to compute after the last one."""
    counts = (
        inspections_visible_to(user)
        .filter(month=month)
        .order_by()
        .aggregate(
            done=Count("pk", filter=Q(status=InspectionStatus.DONE)),
            pending=Count("pk", filter=Q(status=InspectionStatus.PENDING)),
        )
    )
    return counts
