"""Workload per agent against the team [S0 §05]: each member's open tickets (now) and
tickets handled (resolved in the month, as the scorecards count them) beside their home
team's median of the same. An agent belongs to their home team (their first team, as on
the scorecard); members with no tickets count as 0 in the medians, since an idle member
is part of the team's spread. Two aggregate queries and one of the members, whatever the
number of tickets."""

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Q

from staff.models import Team
from tickets.models import OPEN_STATUSES, Ticket

from .kpi import month_bounds


@dataclass
class AgentWorkload:
    agent: object
    team: object
    open_count: int
    handled_count: int
    team_median_open: Decimal | None = None
    team_median_handled: Decimal | None = None

    @staticmethod
    def _against(value: int, median: Decimal | None) -> Decimal | None:
        if not median:
            return None
        return (Decimal(100) * value / median).quantize(Decimal("1"))

    @property
    def open_vs_median(self) -> Decimal | None:
        """Open tickets as a % of the team median (100 = a typical load)."""
        return self._against(self.open_count, self.team_median_open)

    @property
    def handled_vs_median(self) -> Decimal | None:
        return self._against(self.handled_count, self.team_median_handled)


def _median(values: list[int]) -> Decimal | None:
    return Decimal(str(statistics.median(values))) if values else None


def workload(*, month: date, teams) -> list[AgentWorkload]:
    """The members of these teams (a queryset), grouped by home team, busiest first."""
    start, end = month_bounds(month)
    memberships = Team.members.through.objects.filter(
        user__is_active=True, user__staff_profile__isnull=False
    )
    home = dict(
        memberships.values("user_id").annotate(team=Min("team_id")).values_list("user_id", "team")
    )
    team_ids = set(teams.values_list("pk", flat=True))
    members = {user: team for user, team in home.items() if team in team_ids}
    counts = (
        Ticket.objects.filter(assignee_id__in=list(members))
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=start, resolved_at__lt=end))
        .values("assignee_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            handled=Count("pk", filter=Q(resolved_at__gte=start, resolved_at__lt=end)),
        )
    )
    by_agent = {row["assignee_id"]: row for row in counts}
    team_objects = Team.objects.in_bulk(set(members.values()))
    users = (
        get_user_model()
        .objects.filter(pk__in=list(members))
        .select_related("staff_profile")
        .in_bulk()
    )
    rows = [
        AgentWorkload(
            agent=users[user_id],
            team=team_objects[team_id],
            open_count=by_agent.get(user_id, {}).get("open", 0),
            handled_count=by_agent.get(user_id, {}).get("handled", 0),
        )
        for user_id, team_id in members.items()
        if user_id in users
    ]
    by_team: dict[int, list[AgentWorkload]] = {}
    for row in rows:
        by_team.setdefault(row.team.pk, []).append(row)
    for team_rows in by_team.values():
        median_open = _median([row.open_count for row in team_rows])
        median_handled = _median([row.handled_count for row in team_rows])
        for row in team_rows:
            row.team_median_open, row.team_median_handled = median_open, median_handled
    return sorted(rows, key=lambda row: (row.team.name, -row.open_count, row.agent.pk))
