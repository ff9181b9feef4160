"""The satisfaction section of the customer profile (registered from QualityConfig.ready:
customers sits below quality): the customer's answered surveys and their averages."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Window
from django.db.models.functions import RowNumber

from .models import Survey

PROFILE_SURVEYS = 20


@dataclass
class SatisfactionHistory:
    answered: int = 0
    attitude: float | None = None
    effectiveness: float | None = None
    timeliness: float | None = None
    recommend: float | None = None
    recent: list[Survey] = field(default_factory=list)


def customer_satisfaction(
    *, customer_ids: Sequence[int], user=None
) -> dict[int, SatisfactionHistory]:
    """Set-based: the averages (one query) and the latest PROFILE_SURVEYS answers (one)."""
    answered = Survey.objects.filter(customer_id__in=customer_ids, answered_at__isnull=False)
    found: dict[int, SatisfactionHistory] = {}
    averages = (
        answered.values("customer_id")
        .annotate(
            answered=Count("pk"),
            attitude_mean=Avg("attitude"),
            effectiveness_mean=Avg("effectiveness"),
            timeliness_mean=Avg("timeliness"),
            recommend_mean=Avg("recommend"),
        )
        .order_by("customer_id")
    )
    for row in averages:
        found[row["customer_id"]] = SatisfactionHistory(
            answered=row["answered"],
            attitude=row["attitude_mean"],
            effectiveness=row["effectiveness_mean"],
            timeliness=row["timeliness_mean"],
            recommend=row["recommend_mean"],
        )
    recent = (
        answered.select_related("ticket")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("answered_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=PROFILE_SURVEYS)
        .order_by("customer_id", "position")
    )
    for survey in recent:
        found[survey.customer_id].recent.append(survey)
    return found


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def customer_satisfaction_json(history: SatisfactionHistory | None, request) -> dict:
    history = history or SatisfactionHistory()
    return {
        "answered": history.answered,
        "mean": {
            "attitude": _rounded(history.attitude),
            "effectiveness": _rounded(history.effectiveness),
            "timeliness": _rounded(history.timeliness),
            "recommend": _rounded(history.recommend),
        },
        "recent": [
            {
                "ticket": survey.ticket.reference,
                "kind": survey.kind,
                "answered_at": survey.answered_at,
                "attitude": survey.attitude,
                "effectiveness": survey.effectiveness,
                "timeliness": survey.timeliness,
                "recommend": survey.recommend,
                "comment": survey.comment,
            }
            for survey in history.recent
        ],
    }
