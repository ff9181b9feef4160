"""The monthly complaint analysis: the top 3 categories with their root causes and
recurrence, the trend against the previous month, time per stage and SLA met % [S0 §03].

Months are calendar months in the desk's time zone (settings.TIME_ZONE), and a complaint
belongs to the month in which it was received (Complaint.opened_at).

Recurrence (stated on the page too): a complaint is *recurrent* when, in the 90 days
before it was received, the same customer or the same category already had a complaint.
A category's recurrence rate is the share of its complaints of the month that are
recurrent. The repeat-customer rate counts the same-customer half alone.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import (
    RECORDED_STAGES,
    Complaint,
    ComplaintCategory,
    MonthlyComplaintAnalysis,
    Stage,
    StageEntry,
)
from .selectors import sla_clock_model

RECURRENCE_WINDOW = timedelta(days=90)
TOP_CATEGORIES = 3
HISTORY_MONTHS = 6


@dataclass(frozen=True)
class Month:
    first_day: date

    @classmethod
    def parse(cls, text: str) -> "Month":
        """ "2026-10" → Month; ValueError for anything else."""
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        return cls(date(int(year), int(month), 1))

    @classmethod
    def containing(cls, moment: datetime) -> "Month":
        local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
        return cls(local.date().replace(day=1))

    def __str__(self) -> str:
        return self.first_day.strftime("%Y-%m")

    @property
    def previous(self) -> "Month":
        return Month((self.first_day - timedelta(days=1)).replace(day=1))

    @property
    def next(self) -> "Month":
        return Month((self.first_day + timedelta(days=32)).replace(day=1))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> datetime:
        return self.next.start


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _recurrence_flags(complaints):
    """Annotate each complaint with whether its customer / category had one in 90 days."""
    earlier = Complaint.objects.filter(
        opened_at__lt=OuterRef("opened_at"),
        opened_at__gte=OuterRef("opened_at") - RECURRENCE_WINDOW,
    ).exclude(pk=OuterRef("pk"))
    return complaints.annotate(
        customer_recurrent=Exists(
            earlier.filter(
                ticket__customer__isnull=False, ticket__customer=OuterRef("ticket__customer")
            )
        ),
        category_recurrent=Exists(earlier.filter(category=OuterRef("category"))),
    )


def _stage_average_minutes(complaint_ids: list[int], opened: dict[int, datetime]) -> dict:
    """Mean minutes each stage took (from the previous step), first handling round only."""
    durations: dict[str, list[float]] = defaultdict(list)
    previous: dict[int, datetime] = dict(opened)
    entries = (
        StageEntry.objects.filter(complaint_id__in=complaint_ids, round=1)
        .order_by("complaint_id", "created_at", "pk")
        .values_list("complaint_id", "stage", "created_at")
    )
    for complaint_id, stage, created_at in entries:
        durations[stage].append((created_at - previous[complaint_id]).total_seconds() / 60)
        previous[complaint_id] = created_at
    return {
        stage: round(sum(durations[stage]) / len(durations[stage]), 1) if durations[stage] else None
        for stage in RECORDED_STAGES
    }


def _sla_figures(month: Month) -> dict | None:
    clock_model = sla_clock_model()
    if clock_model is None:
        return None
    finished = clock_model.objects.filter(
        ticket__complaint__opened_at__gte=month.start,
        ticket__complaint__opened_at__lt=month.end,
        state__in=["met", "breached"],
    ).aggregate(met=Count("pk", filter=Q(state="met")), finished=Count("pk"))
    return {
        "met": finished["met"],
        "finished": finished["finished"],
        "met_rate": _rate(finished["met"], finished["finished"]),
    }


def _history(month: Month) -> list[dict]:
    first = month
    for _step in range(HISTORY_MONTHS - 1):
        first = first.previous
    counts = dict(
        Complaint.objects.filter(opened_at__gte=first.start, opened_at__lt=month.end)
        .annotate(month=TruncMonth("opened_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    counts = {Month.containing(key): value for key, value in counts.items()}
    history, current = [], first
    for _step in range(HISTORY_MONTHS):
        history.append({"month": str(current), "count": counts.get(current, 0)})
        current = current.next
    return history


def monthly_analysis_compute(month: Month) -> dict:
    """The month's figures as JSON-ready data (names in both languages for the page)."""
    rows = list(
        _recurrence_flags(
            Complaint.objects.filter(opened_at__gte=month.start, opened_at__lt=month.end)
        ).values(
            "pk",
            "category_id",
            "severity",
            "opened_at",
            "customer_recurrent",
            "category_recurrent",
        )
    )
    by_category: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_category[row["category_id"]].append(row)
    previous_counts = dict(
        Complaint.objects.filter(opened_at__gte=month.previous.start, opened_at__lt=month.start)
        .values("category_id")
        .annotate(count=Count("pk"))
        .values_list("category_id", "count")
    )
    categories = ComplaintCategory.objects.in_bulk(list(by_category))
    ranked = sorted(by_category, key=lambda pk: (-len(by_category[pk]), categories[pk].name, pk))[
        :TOP_CATEGORIES
    ]
    month_ids = [row["pk"] for row in rows]
    root_causes: dict[int, Counter] = defaultdict(Counter)
    for category_id, root_cause, count in (
        StageEntry.objects.filter(
            complaint_id__in=month_ids, complaint__category_id__in=ranked, stage=Stage.INVESTIGATE
        )
        .values("complaint__category_id", "root_cause")
        .annotate(count=Count("complaint", distinct=True))
        .values_list("complaint__category_id", "root_cause", "count")
    ):
        root_causes[category_id][root_cause] = count

    top = []
    for pk in ranked:
        members = by_category[pk]
        count, previous = len(members), previous_counts.get(pk, 0)
        recurrent = sum(
            1 for row in members if row["customer_recurrent"] or row["category_recurrent"]
        )
        repeat_customers = sum(1 for row in members if row["customer_recurrent"])
        top.append(
            {
                "category_id": pk,
                "name": categories[pk].name,
                "name_en": categories[pk].name_en,
                "count": count,
                "share": _rate(count, len(rows)),
                "previous_count": previous,
                "change": count - previous,
                "change_rate": _rate(count - previous, previous),
                "recurrent": recurrent,
                "recurrence_rate": _rate(recurrent, count),
                "repeat_customer_rate": _rate(repeat_customers, count),
                "root_causes": [
                    {"root_cause": cause, "count": n}
                    for cause, n in sorted(
                        root_causes[pk].items(), key=lambda item: (-item[1], item[0])
                    )
                ],
            }
        )
    previous_total = sum(previous_counts.values())
    return {
        "month": str(month),
        "total": len(rows),
        "previous_total": previous_total,
        "change": len(rows) - previous_total,
        "by_severity": dict(Counter(row["severity"] for row in rows)),
        "recurrence_rate": _rate(
            sum(1 for row in rows if row["customer_recurrent"] or row["category_recurrent"]),
            len(rows),
        ),
        "top_categories": top,
        "stage_average_minutes": _stage_average_minutes(
            month_ids, {row["pk"]: row["opened_at"] for row in rows}
        ),
        "sla": _sla_figures(month),
        "history": _history(month),
        "generated_at": timezone.now().isoformat(),
    }


@transaction.atomic
def complaint_monthly_analysis_generate(*, month: Month) -> MonthlyComplaintAnalysis:
    """Compute and store the month's analysis; running it again replaces the figures."""
    analysis, _created = MonthlyComplaintAnalysis.objects.update_or_create(
        month=month.first_day, defaults={"data": monthly_analysis_compute(month)}
    )
    return analysis


def monthly_analysis_for(month: Month) -> tuple[dict, MonthlyComplaintAnalysis | None]:
    """The stored figures if the month was stored, else computed now (not stored)."""
    stored = MonthlyComplaintAnalysis.objects.filter(month=month.first_day).first()
    if stored is not None:
        return stored.data, stored
    return monthly_analysis_compute(month), None
