"""After-complaint loyalty: how many complainants buy again within six months of the
complaint's close, split by whether they were satisfied with the outcome [S2 §4.5.2].

Definition (shown on the monthly report too): the complaints *closed* in a month form its
cohort; a complaint counts as *repurchased* when its customer recorded a purchase in the
`LOYALTY_WINDOW_DAYS` (183, six months) after the close. Satisfaction is the answer
recorded at the follow-up visit of the complaint's last handling round
(StageEntry.customer_satisfied, a reopened complaint answers again); a complaint closed
without that answer is counted as "not recorded". A cohort whose window has not ended yet
is marked partial: its rate can still rise.

The complaints layer owns both inputs (the follow-up answer and, below it, the customers'
purchases), so the figure is computed here and shown beside the monthly report; the
quality app's survey after complaint_closed asks about the handling, not the outcome.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from customers.models import Purchase

from .analysis import Month
from .models import Complaint, Stage, StageEntry

LOYALTY_WINDOW_DAYS = 183
LOYALTY_MONTHS = 6


@dataclass(frozen=True)
class LoyaltyGroup:
    complaints: int
    repurchased: int

    @property
    def rate(self) -> float | None:
        return round(self.repurchased / self.complaints, 4) if self.complaints else None


@dataclass(frozen=True)
class LoyaltyMonth:
    month: Month
    satisfied: LoyaltyGroup
    unsatisfied: LoyaltyGroup
    not_recorded: LoyaltyGroup
    partial: bool  # the window of the month's last close has not ended yet

    @property
    def groups(self) -> tuple[LoyaltyGroup, LoyaltyGroup, LoyaltyGroup]:
        """Satisfied, not satisfied, not recorded: the page's column order."""
        return (self.satisfied, self.unsatisfied, self.not_recorded)


def after_complaint_loyalty(
    month: Month, *, months: int = LOYALTY_MONTHS, now: datetime | None = None
) -> list[LoyaltyMonth]:
    """The cohorts of the `months` months up to and including `month`, oldest first.

    One query: the complaints closed in those months grouped by close month and
    satisfaction, each counted and counted again if a purchase followed within the window.
    """
    now = now or timezone.now()
    first = month
    for _step in range(months - 1):
        first = first.previous
    window = timedelta(days=LOYALTY_WINDOW_DAYS)
    satisfied = StageEntry.objects.filter(
        complaint=OuterRef("pk"), round=OuterRef("round"), stage=Stage.FOLLOW_UP
    ).values("customer_satisfied")[:1]
    bought_again = Purchase.objects.filter(
        customer=OuterRef("ticket__customer"),
        purchased_at__gt=OuterRef("closed_at"),
        purchased_at__lte=OuterRef("window_end"),
    )
    rows = (
        Complaint.objects.filter(
            stage=Stage.CLOSED, closed_at__gte=first.start, closed_at__lt=month.end
        )
        .annotate(
            window_end=F("closed_at") + window,
            satisfied=Subquery(satisfied),
        )
        .annotate(
            repurchased=Exists(bought_again),
            close_month=TruncMonth("closed_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        )
        .values("close_month", "satisfied")
        .annotate(complaints=Count("pk"), repurchased_count=Count("pk", filter=Q(repurchased=True)))
        .values_list("close_month", "satisfied", "complaints", "repurchased_count")
    )
    counts: dict[tuple[Month, bool | None], LoyaltyGroup] = {
        (Month.containing(close_month), answer): LoyaltyGroup(total, repurchased)
        for close_month, answer, total, repurchased in rows
    }
    empty = LoyaltyGroup(0, 0)
    result, current = [], first
    for _step in range(months):
        result.append(
            LoyaltyMonth(
                month=current,
                satisfied=counts.get((current, True), empty),
                unsatisfied=counts.get((current, False), empty),
                not_recorded=counts.get((current, None), empty),
                partial=current.end + window > now,
            )
        )
        current = current.next
    return result
