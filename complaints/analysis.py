"""The monthly complaint analysis: the top 3 categories with their root causes and
recurrence, the trend against the previous month, time per stage and SLA met % [S0 §03].

Months are calendar months in the desk's time zone (settings.TIME_ZONE), and a complaint
belongs to the month in which it was received (Complaint.opened_at).

Recurrence (stated on the page too): a complaint *recurs* when the same customer already
complained in the same category in the window before it was received (90 days by default,
settings.COMPLAINT_RECURRENCE_WINDOW_DAYS). A category's recurrence rate is the share of
its complaints of the month that recur, so a fix that stops one customer's problem
coming back shows as a lower rate. The repeat-customer rate counts the same customer in
any category. Each category's share of the month and its change from the previous month
are reported beside it.
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

from tickets.sla.models import Clock

from .models import (
    RECORDED_STAGES,
    Complaint,
    ComplaintCategory,
    MonthlyComplaintAnalysis,
    Stage,
    StageEntry,
)

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


def recurrence_window_days() -> int:
    return settings.COMPLAINT_RECURRENCE_WINDOW_DAYS


def _recurrence_flags(complaints, window: timedelta):
    """Annotate each complaint with whether its customer complained within the window
    before: in the same category (recurrent) or in any (repeat customer)."""
    same_customer_earlier = Complaint.objects.filter(
        opened_at__lt=OuterRef("opened_at"),
        opened_at__gte=OuterRef("opened_at") - window,
        ticket__customer__isnull=False,
        ticket__customer=OuterRef("ticket__customer"),
    ).exclude(pk=OuterRef("pk"))
    return complaints.annotate(
        recurrent=Exists(same_customer_earlier.filter(category=OuterRef("category"))),
        repeat_customer=Exists(same_customer_earlier),
    )


def _share_change(share: float | None, previous_share: float | None) -> float | None:
    """Change of a category's share in percentage points (as a fraction, 0.1 = 10 points)."""
    if share is None or previous_share is None:
        return None
    return round(share - previous_share, 4)


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


def _sla_figures(month: Month) -> dict:
    finished = Clock.objects.filter(
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
    window_days = recurrence_window_days()
    rows = list(
        _recurrence_flags(
            Complaint.objects.filter(opened_at__gte=month.start, opened_at__lt=month.end),
            timedelta(days=window_days),
        ).values("pk", "category_id", "severity", "opened_at", "recurrent", "repeat_customer")
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
    previous_total = sum(previous_counts.values())
    categories = ComplaintCategory.objects.in_bulk(list({*by_category, *previous_counts}))
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

    def category_figures(pk: int) -> dict:
        members = by_category.get(pk, [])
        count, previous = len(members), previous_counts.get(pk, 0)
        share, previous_share = _rate(count, len(rows)), _rate(previous, previous_total)
        recurrent = sum(1 for row in members if row["recurrent"])
        return {
            "category_id": pk,
            "name": categories[pk].name,
            "name_en": categories[pk].name_en,
            "count": count,
            "share": share,
            "previous_count": previous,
            "previous_share": previous_share,
            "share_change": _share_change(share, previous_share),
            "change": count - previous,
            "change_rate": _rate(count - previous, previous),
            "recurrent": recurrent,
            "recurrence_rate": _rate(recurrent, count),
            "repeat_customer_rate": _rate(
                sum(1 for row in members if row["repeat_customer"]), count
            ),
        }

    top = []
    for pk in ranked:
        top.append(
            {
                **category_figures(pk),
                "root_causes": [
                    {"root_cause": cause, "count": n}
                    for cause, n in sorted(
                        root_causes[pk].items(), key=lambda item: (-item[1], item[0])
                    )
                ],
            }
        )
    every_category = sorted(
        (category_figures(pk) for pk in categories),
        key=lambda item: (-item["count"], -item["previous_count"], item["name"]),
    )
    return {
        "month": str(month),
        "recurrence_window_days": window_days,
        "total": len(rows),
        "previous_total": previous_total,
        "change": len(rows) - previous_total,
        "by_severity": dict(Counter(row["severity"] for row in rows)),
        "recurrence_rate": _rate(sum(1 for row in rows if row["recurrent"]), len(rows)),
        "top_categories": top,
        "categories": every_category,
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
    # Figures stored before recurrence meant "same customer, same category" carry no
    # window: they are computed afresh rather than shown under the new definition.
    if stored is not None and "recurrence_window_days" in stored.data:
        return stored.data, stored
    return monthly_analysis_compute(month), None
