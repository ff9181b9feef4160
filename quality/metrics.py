"""Manager metrics per month [S0 §05, S3 ch.1], each with its definition:

- response time: mean minutes from creation to first public reply, tickets created that month;
- resolution rate: share of the month's new tickets resolved or closed (%);
- CSAT: share of the month's survey answers whose three dimensions average 4 or more (%);
- NPS: % promoters (9–10) − % detractors (0–6) of the month's answers;
- channel consistency: the population standard deviation, across channels, of CSAT and of
  the mean first-response time (lower is more consistent);
- suggestion adoption rate: adopted / (adopted + declined) of suggestions reviewed that month.

One aggregate query per source, grouped by month (and channel); no row-by-row Python.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract, TruncMonth
from django.utils.translation import gettext_lazy as _

from tickets.models import Status, Ticket

from .kpi import month_bounds
from .models import Suggestion, SuggestionStatus, Survey

SATISFIED_DIMENSION_SUM = 12  # an average of 4 over the three dimensions


def nps(promoters: int, detractors: int, answers: int) -> float | None:
    if not answers:
        return None
    return round(100 * (promoters - detractors) / answers, 1)


def population_std_dev(values: list[float]) -> float | None:
    return round(statistics.pstdev(values), 2) if len(values) >= 2 else None


@dataclass
class MonthMetrics:
    month: date
    created: int = 0
    resolved: int = 0
    response_minutes: float | None = None
    answers: int = 0
    satisfied: int = 0
    promoters: int = 0
    detractors: int = 0
    adopted: int = 0
    declined: int = 0
    csat_by_channel: dict = field(default_factory=dict)
    response_by_channel: dict = field(default_factory=dict)

    @property
    def resolution_rate(self):
        return round(100 * self.resolved / self.created, 1) if self.created else None

    @property
    def csat(self):
        return round(100 * self.satisfied / self.answers, 1) if self.answers else None

    @property
    def nps(self):
        return nps(self.promoters, self.detractors, self.answers)

    @property
    def csat_std_dev(self):
        return population_std_dev(list(self.csat_by_channel.values()))

    @property
    def response_std_dev(self):
        return population_std_dev(list(self.response_by_channel.values()))

    @property
    def adoption_rate(self):
        reviewed = self.adopted + self.declined
        return round(100 * self.adopted / reviewed, 1) if reviewed else None


def _months(last: date, count: int) -> list[date]:
    months = [last]
    while len(months) < count:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def monthly_metrics(*, last: date, count: int = 6) -> list[MonthMetrics]:
    """The metrics of `count` months ending with `last`, oldest first (the trend)."""
    months = _months(last.replace(day=1), count)
    start, _ = month_bounds(months[0])
    _, end = month_bounds(months[-1])
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = {month: MonthMetrics(month=month) for month in months}
    response = ExpressionWrapper(
        Extract(F("first_response_at") - F("created_at"), "epoch") / 60.0,
        output_field=FloatField(),
    )
    tickets = Ticket.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
        month=TruncMonth("created_at", tzinfo=zone)
    )
    for row in tickets.values("month").annotate(
        created=Count("pk"),
        resolved=Count("pk", filter=Q(status__in=[Status.RESOLVED, Status.CLOSED])),
        response=Avg(response),
    ):
        metrics = rows[row["month"].date()]
        metrics.created, metrics.resolved = row["created"], row["resolved"]
        metrics.response_minutes = _rounded(row["response"])
    for row in (
        tickets.filter(first_response_at__isnull=False)
        .values("month", "channel")
        .annotate(response=Avg(response))
    ):
        rows[row["month"].date()].response_by_channel[row["channel"]] = _rounded(row["response"])
    answers = Survey.objects.filter(answered_at__gte=start, answered_at__lt=end).annotate(
        month=TruncMonth("answered_at", tzinfo=zone),
        dimension_sum=F("attitude") + F("effectiveness") + F("timeliness"),
    )
    satisfied = Q(dimension_sum__gte=SATISFIED_DIMENSION_SUM)
    for row in answers.values("month").annotate(
        answers=Count("pk"),
        satisfied=Count("pk", filter=satisfied),
        promoters=Count("pk", filter=Q(recommend__gte=9)),
        detractors=Count("pk", filter=Q(recommend__lte=6)),
    ):
        metrics = rows[row["month"].date()]
        metrics.answers, metrics.satisfied = row["answers"], row["satisfied"]
        metrics.promoters, metrics.detractors = row["promoters"], row["detractors"]
    for row in answers.values("month", "channel").annotate(
        answers=Count("pk"), satisfied=Count("pk", filter=satisfied)
    ):
        rows[row["month"].date()].csat_by_channel[row["channel"]] = round(
            100 * row["satisfied"] / row["answers"], 1
        )
    reviewed = Suggestion.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end).annotate(
        month=TruncMonth("reviewed_at", tzinfo=zone)
    )
    for row in reviewed.values("month").annotate(
        adopted=Count("pk", filter=Q(status=SuggestionStatus.ADOPTED)),
        declined=Count("pk", filter=Q(status=SuggestionStatus.DECLINED)),
    ):
        metrics = rows[row["month"].date()]
        metrics.adopted, metrics.declined = row["adopted"], row["declined"]
    return [rows[month] for month in months]


def _rounded(value):
    return None if value is None else round(value, 1)


METRIC_COLUMNS = (
    ("month", _("month")),
    ("created", _("tickets created")),
    ("response_minutes", _("first response (min)")),
    ("resolution_rate", _("resolution rate (%)")),
    ("csat", _("CSAT (%)")),
    ("nps", _("NPS")),
    ("csat_std_dev", _("CSAT std dev across channels")),
    ("response_std_dev", _("first response std dev across channels (min)")),
    ("adoption_rate", _("suggestion adoption rate (%)")),
)
