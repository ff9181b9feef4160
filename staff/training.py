"""Training rules [S1 §3.1]: onboarding of one week (5 working days), then at least two
trainings of three days or more every year; who falls short is flagged."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from .models import TrainingKind

ONBOARDING_DAYS = 5
LONG_TRAINING_DAYS = 3
LONG_TRAININGS_PER_YEAR = 2


@dataclass(frozen=True)
class TrainingStatus:
    user: object
    onboarding_days: int
    long_trainings: int

    @property
    def onboarding_short(self) -> bool:
        return self.onboarding_days < ONBOARDING_DAYS

    @property
    def trainings_short(self) -> bool:
        return self.long_trainings < LONG_TRAININGS_PER_YEAR

    @property
    def is_short(self) -> bool:
        return self.onboarding_short or self.trainings_short


def training_statuses(*, year: int) -> list[TrainingStatus]:
    """Every active staff member's onboarding days and long trainings of `year`, in one
    query."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .select_related("staff_profile")
        .annotate(
            onboarding_days=Sum(
                "training_records__days",
                filter=Q(training_records__kind=TrainingKind.ONBOARDING),
                default=0,
            ),
            long_trainings=Count(
                "training_records",
                filter=Q(
                    training_records__kind=TrainingKind.TRAINING,
                    training_records__days__gte=LONG_TRAINING_DAYS,
                    training_records__started_on__year=year,
                ),
            ),
        )
        .order_by("username")
    )
    return [TrainingStatus(user, user.onboarding_days, user.long_trainings) for user in users]


def training_shortfalls(*, year: int) -> list[TrainingStatus]:
    return [status for status in training_statuses(year=year) if status.is_short]
