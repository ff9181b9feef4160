"""Read queries for tickets, shared by the pages and the API."""

from dataclasses import dataclass
from itertools import chain

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import action_label
from .models import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Attachment,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from .sla.models import Clock, ClockState


class QueueScope:
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    ALL = "all"
    VALUES = (MINE, TEAM, UNASSIGNED, ALL)


QUEUE_ORDERINGS = {
    # Nearest SLA due time first; tickets with nothing due come last.
    "sla": (F("next_due_at").asc(nulls_last=True), "priority_rank", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "priority": ("priority_rank", "-created_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
}


@dataclass(frozen=True)
class QueueFilters:
    scope: str = QueueScope.ALL
    status: str = ""
    # Only tickets still being worked (new, open, pending); an explicit status overrides it.
    unresolved: bool = False
    priority: str = ""
    channel: str = ""
    category_id: int | None = None
    q: str = ""
    ordering: str = "sla"


def _priority_rank():
    return Case(
        *[When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()],
        output_field=IntegerField(),
    )


class QueueSlaState(TextChoices):
    """How a queue row's nearest SLA due time stands (the row's colour)."""

    BREACHED = "breached", _("Breached")
    AT_RISK = "at_risk", _("At risk")
    ON_TIME = "on_time", _("On time")


def owed_clocks() -> QuerySet[Clock]:
    """The outer ticket's clocks still owed: running, or breached and not yet fulfilled.

    Paused clocks wait on the customer and owe nothing until they resume.
    """
    running = Q(state=ClockState.RUNNING)
    overdue = Q(state=ClockState.BREACHED, met_at__isnull=True)
    return Clock.objects.filter(running | overdue, ticket=OuterRef("pk")).order_by()


def _nearest(field: str):
    """The earliest `field` of an unresolved ticket's owed clocks (NULL when none).

    A correlated subquery on the (ticket, metric, cycle) index rather than Min() over a
    join: no GROUP BY over the joined columns, and COUNT(*) for the pager leaves it out.
    """
    earliest = Subquery(owed_clocks().order_by(field).values(field)[:1])
    return Case(When(status__in=OPEN_STATUSES, then=earliest), default=None)


def with_sla_due(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate next_due_at, next_warn_at and sla_state (a QueueSlaState or None).

    "Now" is the application's clock, as the SLA services use, not the database's.
    """
    now = timezone.now()
    return tickets.annotate(
        next_due_at=_nearest("due_at"), next_warn_at=_nearest("warn_at")
    ).annotate(
        sla_state=Case(
            When(next_due_at__lte=now, then=Value(QueueSlaState.BREACHED)),
            When(next_warn_at__lte=now, then=Value(QueueSlaState.AT_RISK)),
            When(next_due_at__isnull=False, then=Value(QueueSlaState.ON_TIME)),
            default=None,
            output_field=CharField(),
        )
    )


def tickets_visible_to(user) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user)


def agent_queue(*, user, filters: QueueFilters) -> QuerySet[Ticket]:
    tickets = tickets_visible_to(user)
    if filters.scope == QueueScope.MINE:
        tickets = tickets.filter(assignee=user)
    elif filters.scope == QueueScope.TEAM:
        tickets = tickets.filter(team__members=user)
    elif filters.scope == QueueScope.UNASSIGNED:
        tickets = tickets.filter(assignee__isnull=True)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    elif filters.unresolved:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    if filters.category_id:
        tickets = tickets.filter(
            Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id)
        )
    if filters.q:
        text = filters.q.strip()
        tickets = tickets.filter(
            Q(reference__iexact=text)
            | Q(subject__icontains=text)
            | Q(description__icontains=text)
            | Q(customer__name__icontains=text)
            | Q(order_number__iexact=text)
        )
    ordering = QUEUE_ORDERINGS.get(filters.ordering, QUEUE_ORDERINGS["sla"])
    tickets = tickets.select_related("customer", "team", "assignee", "category")
    return with_sla_due(tickets).annotate(priority_rank=_priority_rank()).order_by(*ordering)


def ticket_for_user(user, reference: str, *, for_update: bool = False) -> Ticket:
    """The ticket if this user may see it, else 404 — never reveal another team's ticket."""
    tickets = tickets_visible_to(user).select_related(
        "customer", "team", "assignee", "case_owner", "category", "intake_template", "created_by"
    )
    try:
        return tickets.get(reference=reference)
    except (Ticket.DoesNotExist, ValueError):
        raise Http404 from None


def ticket_by_id_for_user(user, ticket_id) -> Ticket:
    try:
        return tickets_visible_to(user).get(pk=int(ticket_id))
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "message" or "event"
    at: object
    item: object
    label: str = ""


def ticket_timeline(ticket: Ticket, *, include_internal: bool = True) -> list[TimelineEntry]:
    """Replies, notes, customer messages and audit events in time order (3 queries)."""
    messages = TicketMessage.objects.filter(ticket=ticket).select_related("author")
    if not include_internal:
        messages = messages.exclude(kind="note")
    messages = messages.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
    entries = chain(
        (TimelineEntry("message", m.created_at, m) for m in messages),
        (TimelineEntry("event", e.created_at, e, str(action_label(e.action))) for e in events),
    )
    return sorted(entries, key=lambda entry: (entry.at, entry.kind != "message"))


def ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
