"""The daily care plan: which customers get a return visit or a greeting today, set-based.

One run (beat, daily; `care_day_plan`) in one transaction:

1. every occasion of the last `CATCH_UP_DAYS` days becomes a contact row, one INSERT …
   SELECT per kind and day, `ON CONFLICT DO NOTHING` on (customer, kind, occasion) — so a
   second run, or a run after a missed day, adds only what is missing;
2. the new rows are decided, each by one statement over all of them: opted-out customers
   → skipped (opted out); messages to customers with no e-mail address → skipped (no
   address); beyond the frequency cap → skipped (capped), the earlier kinds of
   `CareKind` first; tasks → scheduled for their agent or team;
3. the messages left are rendered in each customer's language and handed to the outbox
   (dedupe key per contact), a chunk at a time — the addresses are read through the ORM,
   which may decrypt them.

Two runs at once queue behind a transaction-level advisory lock on PostgreSQL.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Concat, RowNumber
from django.utils import timezone

from complaints.models import Complaint, Stage
from customers.models import Customer, Purchase
from servicedesk.db import quoted
from servicedesk.outbox.models import OutboxChannel, OutboxMessage
from staff.models import Team
from tickets.sla.models import Calendar

from .holidays import holiday_periods_starting
from .messages import care_message_render
from .models import (
    CONTACTING_STATUSES,
    PLANNING_STATUS,
    CareContact,
    CareDelivery,
    CareKind,
    CareSettings,
    CareStatus,
    SkipReason,
)

logger = logging.getLogger(__name__)

# A day the beat missed (a deploy, an outage) is planned by the next run, up to this far back.
CATCH_UP_DAYS = 3
MESSAGE_CHUNK = 1000
PLANNING = PLANNING_STATUS  # rows decided within the run's transaction only
_ADVISORY_LOCK = 0x43617265  # "Care"

_COLUMNS = (
    ("customer_id", "c_customer"),
    ("kind", "c_kind"),
    ("occasion", "c_occasion"),
    ("occasion_names", "c_names"),
    ("delivery", "c_delivery"),
    ("status", "c_status"),
    ("skip_reason", "c_skip_reason"),
    ("note", "c_note"),
    ("planned_on", "c_planned_on"),
    ("due_on", "c_due_on"),
    ("assignee_id", "c_assignee"),
    ("team_id", "c_team"),
    ("created_at", "c_created_at"),
)


@dataclass
class CarePlanResult:
    day: date
    planned: int = 0
    tasks: int = 0
    messages: int = 0
    skipped: Counter = field(default_factory=Counter)


def care_settings() -> CareSettings:
    """The programme's settings: the single row, created with the defaults on first use
    (holidays of the plans' working calendar, China's by default)."""
    row = CareSettings.objects.order_by("pk").first()
    if row is None:
        row = CareSettings.objects.create(
            holiday_calendar=Calendar.objects.filter(name=settings.PLANS_CALENDAR).first()
        )
    return row


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(settings.TIME_ZONE))


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthdays_on(day: date) -> Q:
    """Customers whose birthday is greeted on `day`. Born on 29 February: greeted on 28
    February in a year without one (still in their birthday month, and before the day
    rather than after it)."""
    match = Q(birthday__month=day.month, birthday__day=day.day)
    if day.month == 2 and day.day == 28 and not _is_leap(day.year):
        match |= Q(birthday__month=2, birthday__day=29)
    return match


def _insert(rows: QuerySet) -> int:
    """INSERT … SELECT the candidate rows, skipping occasions already planned (the ORM
    has no INSERT … SELECT; the select is the ORM's own, compiled for the database)."""
    rows = rows.order_by().values(*(alias for _column, alias in _COLUMNS)).distinct()
    if list(rows.query.annotation_select) != [alias for _column, alias in _COLUMNS]:
        raise AssertionError("candidate columns out of order")  # the INSERT lists them so
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    table = CareContact._meta.db_table
    sql = (
        f"INSERT INTO {quoted([table])} ({quoted(column for column, _alias in _COLUMNS)}) "  # noqa: S608  # nosec B608
        # "WHERE true": SQLite reads ON after a bare SELECT … FROM as a join's ON.
        f"SELECT * FROM ({select}) AS candidates WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _candidates(
    queryset: QuerySet,
    *,
    customer,
    kind: str,
    occasion,
    delivery: str,
    today: date,
    due_on: date,
    now: datetime,
    names: dict | None = None,
    team,
    assignee=None,
) -> QuerySet:
    return queryset.annotate(
        c_customer=customer,
        c_kind=Value(kind, CharField()),
        c_occasion=occasion if not isinstance(occasion, str) else Value(occasion, CharField()),
        c_names=Value(names or {}, JSONField()),
        c_delivery=Value(delivery, CharField()),
        c_status=Value(PLANNING, CharField()),
        c_skip_reason=Value("", CharField()),
        c_note=Value("", CharField()),
        c_planned_on=Value(today, DateField()),
        c_due_on=Value(due_on, DateField()),
        # Typed: an untyped NULL under SELECT DISTINCT is text to PostgreSQL.
        c_assignee=assignee if assignee is not None else Cast(Value(None), IntegerField()),
        c_team=team,
        c_created_at=Value(now, DateTimeField()),
    )


def _advisor_routing(path: str, care_team) -> dict:
    """The care task's agent and team from the customer at `path` ("" for a customer row,
    "customer__" from a purchase): the dedicated advisor and their team when the
    customer's membership level grants one (customers.membership's rule, here as SQL: an
    inactive advisor, or one who left the team, leaves the task to the team), else the
    care team. A customer with no level stands on the lowest rung, which grants none by
    default."""
    granted = Q(**{f"{path}advisor_team__isnull": False}) & Q(
        **{f"{path}membership_level__dedicated_advisor": True}
    )
    in_team = Exists(
        Team.members.through.objects.filter(
            team_id=OuterRef(f"{path}advisor_team_id"), user_id=OuterRef(f"{path}advisor_id")
        )
    )
    advisor_works = granted & Q(**{f"{path}advisor__is_active": True}) & in_team
    return {
        "assignee": Case(
            When(advisor_works, then=F(f"{path}advisor_id")),
            default=Cast(Value(None), IntegerField()),
            output_field=IntegerField(),
        ),
        "team": Case(
            When(granted, then=F(f"{path}advisor_team_id")),
            default=care_team,
            output_field=IntegerField(),
        ),
    }


def _plan_occasions(rules: CareSettings, today: date, now: datetime) -> int:
    days = [today - timedelta(days=back) for back in range(CATCH_UP_DAYS - 1, -1, -1)]
    task_due = today + timedelta(days=rules.task_due_days)
    care_team = Cast(Value(rules.care_team_id), IntegerField())
    inserted = 0

    def common(kind):
        delivery = rules.delivery_of(kind)
        due_on = task_due if delivery == CareDelivery.TASK else today
        return {"kind": kind, "delivery": delivery, "today": today, "due_on": due_on, "now": now}

    for day in days:
        if rules.complaint_return_delivery != CareDelivery.OFF:
            closed_on = day - timedelta(days=rules.complaint_return_days)
            closed = Complaint.objects.filter(
                stage=Stage.CLOSED,
                closed_at__gte=_day_start(closed_on),
                closed_at__lt=_day_start(closed_on + timedelta(days=1)),
            )
            # A reopened complaint that closes again earns another visit: one per round.
            occasion = Concat(
                Value("complaint:"),
                Cast("pk", CharField()),
                Value(":"),
                Cast("round", CharField()),
                output_field=CharField(),
            )
            inserted += _insert(
                _candidates(
                    closed,
                    customer=F("ticket__customer_id"),
                    occasion=occasion,
                    assignee=F("ticket__assignee_id"),
                    team=Coalesce(F("ticket__team_id"), care_team),
                    **common(CareKind.COMPLAINT_RETURN),
                )
            )
        if rules.purchase_return_delivery != CareDelivery.OFF:
            bought_on = day - timedelta(days=rules.purchase_return_days)
            bought = Purchase.objects.filter(
                purchased_at__gte=_day_start(bought_on),
                purchased_at__lt=_day_start(bought_on + timedelta(days=1)),
            )
            # One visit for the day's orders, however many there were.
            inserted += _insert(
                _candidates(
                    bought,
                    customer=F("customer_id"),
                    occasion=f"purchase:{bought_on.isoformat()}",
                    **_advisor_routing("customer__", care_team),
                    **common(CareKind.PURCHASE_RETURN),
                )
            )
        if rules.birthday_delivery != CareDelivery.OFF:
            inserted += _insert(
                _candidates(
                    Customer.objects.filter(birthdays_on(day)),
                    customer=F("pk"),
                    occasion=f"birthday:{day.year}",
                    **_advisor_routing("", care_team),
                    **common(CareKind.BIRTHDAY),
                )
            )
    if rules.holiday_delivery != CareDelivery.OFF:
        for period in holiday_periods_starting(
            rules.holiday_calendar, days, list(rules.greeted_holidays or [])
        ):
            inserted += _insert(
                _candidates(
                    Customer.objects.all(),
                    customer=F("pk"),
                    occasion=f"holiday:{period.first_day.isoformat()}",
                    names=period.names,
                    **_advisor_routing("", care_team),
                    **common(CareKind.HOLIDAY),
                )
            )
    return inserted


def _skip(queryset: QuerySet, reason: str) -> int:
    return CareContact.objects.filter(pk__in=queryset.values("pk")).update(
        status=CareStatus.SKIPPED, skip_reason=reason
    )


def _undecided_messages():
    """The undecided message rows, a chunk at a time, each with its customer: two
    indexed queries a chunk (a join would read every customer each time)."""
    last = 0
    while True:
        chunk = list(
            CareContact.objects.filter(
                status=PLANNING, delivery=CareDelivery.MESSAGE, pk__gt=last
            ).order_by("pk")[:MESSAGE_CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1].pk
        customers = Customer.objects.only("name", "email", "language").in_bulk(
            {contact.customer_id for contact in chunk}
        )
        yield [(contact, customers[contact.customer_id]) for contact in chunk]


def _skip_without_address() -> int:
    """Messages to customers with no e-mail address (read through the ORM: the address
    may be stored encrypted)."""
    skipped = 0
    for chunk in _undecided_messages():
        without = [contact.pk for contact, customer in chunk if not customer.email]
        if without:
            skipped += _skip(CareContact.objects.filter(pk__in=without), SkipReason.NO_ADDRESS)
    return skipped


def _skip_capped(rules: CareSettings, today: date) -> int:
    """No more than `cap_contacts` contacts in `cap_days` days per customer: the new
    contacts past what the customer's recent contacts leave are skipped, the kinds that
    matter most (CareKind's order) kept first."""
    window_start = today - timedelta(days=rules.cap_days - 1)
    made = (
        CareContact.objects.filter(
            customer=OuterRef("customer"),
            status__in=CONTACTING_STATUSES,
            planned_on__gte=window_start,
            planned_on__lte=today,
        )
        .order_by()
        .values("customer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    kind_order = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(CareKind.values)),
        output_field=IntegerField(),
    )
    ranked = CareContact.objects.filter(status=PLANNING).annotate(
        made=Coalesce(Subquery(made, output_field=IntegerField()), Value(0)),
        rank=Window(RowNumber(), partition_by=[F("customer_id")], order_by=[kind_order, "pk"]),
    )
    over = ranked.filter(rank__gt=Value(rules.cap_contacts) - F("made"))
    return _skip(over, SkipReason.CAPPED)


def _send_messages(now: datetime) -> int:
    sent = 0
    for chunk in _undecided_messages():
        rows = []
        for contact, customer in chunk:
            subject, body = care_message_render(
                kind=contact.kind,
                language=customer.language,
                name=customer.name,
                holiday_names=contact.occasion_names,
            )
            rows.append(
                OutboxMessage(
                    channel=OutboxChannel.EMAIL,
                    topic=f"care.{contact.kind}",
                    recipient=customer.email,
                    subject=subject,
                    body=body,
                    dedupe_key=f"care:{contact.pk}",
                    deliver_after=now,
                )
            )
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        sent += CareContact.objects.filter(pk__in=[contact.pk for contact, _c in chunk]).update(
            status=CareStatus.SENT
        )
    return sent


@transaction.atomic
def care_day_plan(*, today: date | None = None) -> CarePlanResult:
    """Plan and send the day's care contacts (the daily beat job). Running it again the
    same day makes nothing twice: every occasion is planned once per customer."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
    rules = care_settings()
    result = CarePlanResult(day=today)
    result.planned = _plan_occasions(rules, today, now)
    if not result.planned:
        return result
    planning = CareContact.objects.filter(status=PLANNING)
    result.skipped[SkipReason.OPTED_OUT] = _skip(
        planning.filter(customer__care_opted_out_at__isnull=False), SkipReason.OPTED_OUT
    )
    result.skipped[SkipReason.NO_ADDRESS] = _skip_without_address()
    result.skipped[SkipReason.CAPPED] = _skip_capped(rules, today)
    result.tasks = planning.filter(delivery=CareDelivery.TASK).update(status=CareStatus.SCHEDULED)
    result.messages = _send_messages(now)
    logger.info(
        "care plan %s: planned=%s tasks=%s messages=%s skipped=%s",
        today,
        result.planned,
        result.tasks,
        result.messages,
        dict(result.skipped),
    )
    return result
