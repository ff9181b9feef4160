"""The monthly KPI figures [S1 §3.2], each component on a 0–100 scale:

- service quality: the mean score of the agent's QA inspections of the month;
- efficiency: the mean of (a) the SLA met-on-time rate — clocks met on time among the
  clocks that ended met or breached on the tickets the agent resolved that month — and
  (b) handled volume against the home team's median: min(100, 100 × handled / median);
- customer satisfaction: the mean of attitude, effectiveness and timeliness (1–5) over the
  surveys answered that month, mapped 1 → 0 and 5 → 100.

A component with no data (no inspections, no surveys, no ended clocks…) is left out and
its weight is shared among the others in proportion: an agent with no surveys is scored
on quality and efficiency only (40:30 of the total), and the page says so. Everything is
read with one SQL aggregate per source, grouped by agent; Python only combines the
per-agent rows (hundreds), never tickets.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, F, Min, Q

from staff.models import Team
from tickets.models import Ticket
from tickets.sla.models import Clock, ClockState
from tickets.sla.services import FOLLOW_UP_METRICS

from .models import Inspection, InspectionStatus, KpiWeights, Survey

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
COMPONENTS = ("quality", "efficiency", "satisfaction")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in the organisation's time zone (a shift at 23:30 local time on the 31st
    belongs to that month)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    following = next_month(month)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(scores: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal | None:
    """Σ weight × score / Σ weight over the components that have a score."""
    present = [name for name in COMPONENTS if scores.get(name) is not None]
    weight_sum = sum(weights[name] for name in present)
    if not weight_sum:
        return None
    return _round(sum(Decimal(weights[name]) * scores[name] for name in present) / weight_sum)


@dataclass
class Figures:
    """One subject's month: the raw counts and the three components."""

    agent_id: int | None = None
    team_id: int | None = None
    home_team_id: int | None = None
    handled_count: int = 0
    team_median_handled: Decimal | None = None
    sla_met_count: int = 0
    sla_clock_count: int = 0
    survey_count: int = 0
    inspection_count: int = 0
    scores: dict = field(default_factory=dict)
    total_score: Decimal | None = None

    def key(self) -> tuple:
        return (self.agent_id, self.team_id)


def current_weights() -> dict[str, int]:
    weights, _created = KpiWeights.objects.get_or_create(pk=1)
    return {
        "quality": weights.quality_percent,
        "efficiency": weights.efficiency_percent,
        "satisfaction": weights.satisfaction_percent,
    }


def _by_agent(queryset, key: str) -> dict[int, dict]:
    return {row.pop(key): row for row in queryset}


def agent_figures(month: date, weights: dict[str, int]) -> dict[int, Figures]:
    start, end = month_bounds(month)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end, assignee__isnull=False)
    handled = _by_agent(
        Ticket.objects.filter(resolved).values("assignee").annotate(n=Count("pk")), "assignee"
    )
    sla = _by_agent(
        Clock.objects.filter(
            ticket__resolved_at__gte=start,
            ticket__resolved_at__lt=end,
            ticket__assignee__isnull=False,
            state__in=(ClockState.MET, ClockState.BREACHED),
        )
        .exclude(metric__in=FOLLOW_UP_METRICS)
        .values("ticket__assignee")
        .annotate(met=Count("pk", filter=Q(state=ClockState.MET)), total=Count("pk")),
        "ticket__assignee",
    )
    surveys = _by_agent(
        Survey.objects.filter(answered_at__gte=start, answered_at__lt=end, agent__isnull=False)
        .values("agent")
        .annotate(
            n=Count("pk"),
            dimension_sum=Avg(F("attitude") + F("effectiveness") + F("timeliness")),
        ),
        "agent",
    )
    inspections = _by_agent(
        Inspection.objects.filter(month=month, status=InspectionStatus.DONE)
        .values("agent")
        .annotate(n=Count("pk"), mean=Avg("score")),
        "agent",
    )
    agent_ids = set(handled) | set(sla) | set(surveys) | set(inspections)
    home_teams = dict(
        Team.members.through.objects.filter(user_id__in=agent_ids)
        .values("user_id")
        .annotate(team=Min("team_id"))
        .values_list("user_id", "team")
    )
    figures = {}
    for agent_id in agent_ids:
        row = Figures(agent_id=agent_id, home_team_id=home_teams.get(agent_id))
        row.handled_count = handled.get(agent_id, {}).get("n", 0)
        row.sla_met_count = sla.get(agent_id, {}).get("met", 0)
        row.sla_clock_count = sla.get(agent_id, {}).get("total", 0)
        row.survey_count = surveys.get(agent_id, {}).get("n", 0)
        row.inspection_count = inspections.get(agent_id, {}).get("n", 0)
        row.scores["quality"] = _round(inspections.get(agent_id, {}).get("mean"))
        if row.survey_count:
            mean = Decimal(str(surveys[agent_id]["dimension_sum"])) / 3
            row.scores["satisfaction"] = _round((mean - 1) / 4 * HUNDRED)
        else:
            row.scores["satisfaction"] = None
        figures[agent_id] = row
    _add_efficiency(figures)
    for row in figures.values():
        row.total_score = weighted_total(row.scores, weights)
    return figures


def _add_efficiency(figures: dict[int, Figures]) -> None:
    handled_by_team: dict[int, list[int]] = {}
    for row in figures.values():
        if row.home_team_id is not None and row.handled_count:
            handled_by_team.setdefault(row.home_team_id, []).append(row.handled_count)
    medians = {team: Decimal(statistics.median(counts)) for team, counts in handled_by_team.items()}
    for row in figures.values():
        row.team_median_handled = medians.get(row.home_team_id)
        parts = []
        if row.sla_clock_count:
            parts.append(HUNDRED * row.sla_met_count / row.sla_clock_count)
        if row.team_median_handled:
            parts.append(min(HUNDRED, HUNDRED * row.handled_count / row.team_median_handled))
        row.scores["efficiency"] = _round(sum(parts) / len(parts)) if parts else None


def team_figures(agents: dict[int, Figures], weights: dict[str, int]) -> dict[int, Figures]:
    """A team's components are the means of its agents' (those who have the component);
    its counts are their sums. An agent belongs to their home team."""
    teams: dict[int, list[Figures]] = {}
    for row in agents.values():
        if row.home_team_id is not None:
            teams.setdefault(row.home_team_id, []).append(row)
    figures = {}
    for team_id, members in teams.items():
        row = Figures(team_id=team_id)
        for count in (
            "handled_count",
            "sla_met_count",
            "sla_clock_count",
            "survey_count",
            "inspection_count",
        ):
            setattr(row, count, sum(getattr(member, count) for member in members))
        row.team_median_handled = members[0].team_median_handled
        for name in COMPONENTS:
            values = [m.scores[name] for m in members if m.scores.get(name) is not None]
            row.scores[name] = _round(sum(values) / len(values)) if values else None
        row.total_score = weighted_total(row.scores, weights)
        figures[team_id] = row
    return figures


def month_figures(month: date) -> tuple[dict[str, int], list[Figures]]:
    weights = current_weights()
    agents = agent_figures(month, weights)
    return weights, [*agents.values(), *team_figures(agents, weights).values()]
