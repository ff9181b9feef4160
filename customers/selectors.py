"""Read queries for customers, shared by pages and the API."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Customer, CustomerSegment, Purchase, Tier


def customers_named(text: str, *, limit: int = 10) -> QuerySet[Customer]:
    """Customers whose name contains the text (search by name only: contact details are
    masked for agents, so they must not be searchable by them either)."""
    text = (text or "").strip()
    if not text:
        return Customer.objects.none()
    return Customer.objects.filter(name__icontains=text).order_by("name", "pk")[:limit]


def customer_purchases(customer: Customer) -> QuerySet[Purchase]:
    """The customer's purchases, latest first."""
    return Purchase.objects.filter(customer=customer).order_by("-purchased_at", "-pk")


@dataclass(frozen=True)
class SegmentInput:
    """One input of the customer's score: what they did, what earns full marks, the
    points it gave of the most it can give."""

    label: str
    value: object
    full_marks: object
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class SegmentExplanation:
    segment: CustomerSegment
    inputs: tuple[SegmentInput, ...]
    threshold: int | None  # the class's lowest score (None for potential: below general)

    @property
    def deciding(self) -> tuple[SegmentInput, ...]:
        """The inputs that gave the most points, largest first: what put them in the class."""
        earned = [item for item in self.inputs if item.points > 0]
        return tuple(sorted(earned, key=lambda item: item.points, reverse=True))


def customer_segment_explanation(customer: Customer) -> SegmentExplanation | None:
    """Why the customer is in their class: their latest computed segment read against the
    rule of the run that computed it (None before the first run). No query when the
    caller select_related("segment__run"), one otherwise."""
    try:
        segment = customer.segment
    except CustomerSegment.DoesNotExist:
        return None
    rule = segment.run.rule
    weights = {
        name: Decimal(rule[f"{name}_weight"])
        for name in ("recency", "spend", "frequency", "tenure", "repeat")
    }
    total = sum(weights.values())

    def item(label, value, full, points, weight):
        most = (100 * weights[weight] / total).quantize(Decimal("0.01"))
        return SegmentInput(str(label), value, full, points, most)

    currency = rule["currency"]
    inputs = (
        item(
            _("Days since the last purchase"),
            segment.recency_days,
            0,
            segment.recency_points,
            "recency",
        ),
        item(
            _("Spend in the last %(days)s days") % {"days": rule["window_days"]},
            f"{segment.spend} {currency}",
            f"{rule['spend_full_marks']} {currency}",
            segment.spend_points,
            "spend",
        ),
        item(
            _("Orders in the last %(days)s days") % {"days": rule["window_days"]},
            segment.orders,
            rule["orders_full_marks"],
            segment.frequency_points,
            "frequency",
        ),
        item(
            _("Tenure (days)"),
            segment.tenure_days,
            rule["tenure_full_marks_days"],
            segment.tenure_points,
            "tenure",
        ),
        item(
            _("Repeat purchases"),
            segment.repeat_purchases,
            rule["repeat_full_marks"],
            segment.repeat_points,
            "repeat",
        ),
    )
    threshold = {
        Tier.IMPORTANT: int(rule["important_min_score"]),
        Tier.GENERAL: int(rule["general_min_score"]),
    }.get(segment.segment)
    return SegmentExplanation(segment=segment, inputs=inputs, threshold=threshold)
