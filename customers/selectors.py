"""Read queries for customers, shared by pages and the API."""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from . import crypto
from .models import PERSONAL_DATA_FIELDS, Customer, CustomerSegment, Purchase, Tier

# The profile shows this many latest orders; the API's /purchases/ pages through all.
PROFILE_RECENT_PURCHASES = 20

# What a search text must look like to be read as a phone number: digits with the usual
# separators, at least five digits (fewer would be a fragment of a name or an order).
_PHONE_TEXT = re.compile(r"^\+?[\d\s\-()]{5,40}$")
# An ID number with letters (a passport, the check character X): letters and digits only.
_ID_NUMBER_TEXT = re.compile(r"^(?=.*\d)[0-9A-Za-z]{6,32}$")


# Finding customers by personal data: only ever by the keyed lookup hashes (the columns
# are encrypted). Exact and normalised — e-mail lower-cased, phone digits only, ID number
# letters and digits — never partial: a partial search would let someone who may not see
# contact details enumerate them; an exact one only confirms what the searcher already has.


def customers_by_email(email: str) -> QuerySet[Customer]:
    """Customers with this e-mail address (any case), oldest first."""
    lookups = crypto.email_lookups(email)
    return Customer.objects.filter(email_lookup__in=lookups).order_by("pk") if lookups else _none()


def customers_by_phone(phone: str) -> QuerySet[Customer]:
    """Customers with this phone number, whatever its spaces, dashes or brackets."""
    lookups = crypto.phone_lookups(phone)
    return Customer.objects.filter(phone_lookup__in=lookups).order_by("pk") if lookups else _none()


def customers_by_id_number(number: str) -> QuerySet[Customer]:
    lookups = crypto.id_number_lookups(number)
    return (
        Customer.objects.filter(id_number_lookup__in=lookups).order_by("pk") if lookups else _none()
    )


def _none() -> QuerySet[Customer]:
    return Customer.objects.none()


def _by_lookups(**values: str) -> Q:
    """OR of the lookup columns for the values that normalise to something (an empty
    lookup would match every customer without that field)."""
    condition = Q()
    for name, value in values.items():
        lookups = crypto.lookup_hashes(name, value)
        if lookups:
            condition |= Q(**{f"{name}_lookup__in": lookups})
    return condition


def customer_duplicates(
    *, email: str = "", phone: str = "", id_number: str = "", exclude_pk: int | None = None
) -> dict[str, Customer]:
    """field → an existing customer with that value (for dedupe on create, edit, import);
    one query."""
    values = {"email": email, "phone": phone, "id_number": id_number}
    wanted = {name: set(crypto.lookup_hashes(name, value)) for name, value in values.items()}
    wanted = {name: lookups for name, lookups in wanted.items() if lookups}
    if not wanted:
        return {}
    found = Customer.objects.filter(_by_lookups(**values)).order_by("pk")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    duplicates = {}
    columns = ("pk", "name", "email_lookup", "phone_lookup", "id_number_lookup")
    for customer in found.only(*columns)[:20]:
        for name, lookups in wanted.items():
            if getattr(customer, f"{name}_lookup") in lookups:
                duplicates.setdefault(name, customer)
    return {name: duplicates[name] for name in PERSONAL_DATA_FIELDS if name in duplicates}


def customers_matching(text: str, *, limit: int | None = 10) -> QuerySet[Customer]:
    """customer_search for a chooser (the new-ticket form, the admin): nothing for no text,
    at most `limit` customers."""
    if not (text or "").strip():
        return Customer.objects.none()
    return customer_search(text)[:limit]


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
    return segment_explanation(segment)


def segment_explanation(segment: CustomerSegment) -> SegmentExplanation:
    """A computed segment read against the rule of its run (no query once `run` is loaded)."""
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


def customer_search(text: str) -> QuerySet[Customer]:
    """The customer list's search: a name by any part of it (Chinese too), an e-mail
    address, a phone number or an ID number only whole. Exact matching of contact details
    lets an agent find the caller whose address or number they were given without letting
    them fish for customers by a fragment (contact details are masked for agents)."""
    text = (text or "").strip()
    customers = Customer.objects.all()
    if not text:
        return customers.order_by("name", "pk")
    # Contact details through their keyed lookup hashes (the columns are encrypted).
    if "@" in text:
        return customers_by_email(text).order_by("name", "pk")
    if _PHONE_TEXT.match(text):
        # 18 digits may be a resident ID number as well as a phone number.
        found = _by_lookups(phone=text, id_number=text)
        return customers.filter(found).order_by("name", "pk") if found else _none()
    if _ID_NUMBER_TEXT.match(text):
        found = Q(name__icontains=text) | _by_lookups(id_number=text)
        return customers.filter(found).order_by("name", "pk")
    return customers.filter(name__icontains=text).order_by("name", "pk")


def customers_with_contacts(*, emails: set[str], phones: set[str]) -> list[Customer]:
    """Customers registered with any of these e-mail addresses (in any case) or phone
    numbers (whatever the separators): how an import recognises customers it must not add twice. One
    query for the whole file."""
    # Through the lookup hashes (the columns are encrypted): e-mail in any case, phone
    # whatever its separators.
    email_lookups = {lookup for email in emails for lookup in crypto.email_lookups(email)}
    phone_lookups = {lookup for phone in phones for lookup in crypto.phone_lookups(phone)}
    if not email_lookups and not phone_lookups:
        return []
    return list(
        Customer.objects.filter(
            Q(email_lookup__in=email_lookups) | Q(phone_lookup__in=phone_lookups)
        )
    )


@dataclass(frozen=True)
class SpendInCurrency:
    currency: str
    total: Decimal
    orders: int
    first_purchase_at: object
    last_purchase_at: object


@dataclass
class PurchaseHistory:
    """Lifetime spend per currency (never converted) and the latest orders."""

    spend: list[SpendInCurrency] = field(default_factory=list)
    recent: list[Purchase] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return sum(item.orders for item in self.spend)


def purchase_histories(*, customer_ids: Sequence[int], user=None) -> dict[int, PurchaseHistory]:
    """Each customer's lifetime spend and latest PROFILE_RECENT_PURCHASES orders: two
    queries for any number of customers (the latest orders by a window per customer)."""
    histories: dict[int, PurchaseHistory] = defaultdict(PurchaseHistory)
    totals = (
        Purchase.objects.filter(customer_id__in=customer_ids)
        .values("customer_id", "currency")
        .annotate(
            total=Sum("amount"),
            orders=Count("pk"),
            first=Min("purchased_at"),
            last=Max("purchased_at"),
        )
        .order_by("customer_id", "-total", "currency")
    )
    for row in totals:
        histories[row["customer_id"]].spend.append(
            SpendInCurrency(row["currency"], row["total"], row["orders"], row["first"], row["last"])
        )
    recent = (
        Purchase.objects.filter(customer_id__in=customer_ids)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("purchased_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=PROFILE_RECENT_PURCHASES)
        .order_by("customer_id", "position")
    )
    for purchase in recent:
        histories[purchase.customer_id].recent.append(purchase)
    return dict(histories)


def segment_explanations(*, customer_ids: Sequence[int], user=None) -> dict:
    """Each classified customer's segment explained (one query)."""
    segments = CustomerSegment.objects.filter(customer_id__in=customer_ids).select_related("run")
    return {segment.customer_id: segment_explanation(segment) for segment in segments}
