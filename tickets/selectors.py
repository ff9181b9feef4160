"""Read queries for tickets, shared by the pages and the API."""

from dataclasses import dataclass
from itertools import chain

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from staff.models import Team

from .extensions import queue_view
from .models import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Attachment,
    CannedReply,
    Channel,
    Mention,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from .search import search_condition
from .sla.states import sla_state_expression
from .timeline import display_names, event_sentence, logins_named_in


class QueueScope:
    """The queue's saved views; other apps add theirs (tickets.extensions.register_queue_view)."""

    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MENTIONED = "mentioned"
    ALL = "all"
    VALUES = (MINE, TEAM, UNASSIGNED, AT_RISK, BREACHED, MENTIONED, ALL)


# Among tickets of the same priority, customers higher on the membership ladder first
# (a customer without a level stands on the lowest rung, so last).
_LEVEL_FIRST = F("customer__membership_level__rank").desc(nulls_last=True)
# Nearest SLA due time first; tickets with nothing due come last.
_BY_SLA = (
    F("next_due_at").asc(nulls_last=True),
    "priority_rank",
    _LEVEL_FIRST,
    "-created_at",
    "-pk",
)
QUEUE_ORDERINGS = {
    "sla": _BY_SLA,
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "priority": ("priority_rank", _LEVEL_FIRST, "-created_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
}
# Every column of the queue sorts by these fields; "-column" reverses the order.
QUEUE_SORT_COLUMNS = {
    "reference": ("pk",),
    "subject": ("subject",),
    "customer": ("customer__name",),
    "status": ("status",),
    "priority": ("priority_rank", "-customer__membership_level__rank"),
    "sla": ("next_due_at",),
    "channel": ("channel",),
    "team": ("team__name",),
    "assignee": ("assignee__first_name", "assignee__username"),
    "age": ("-created_at",),
}


def is_queue_ordering(ordering: str) -> bool:
    return ordering in QUEUE_ORDERINGS or ordering.removeprefix("-") in QUEUE_SORT_COLUMNS


def _queue_order_by(ordering: str) -> tuple:
    if ordering in QUEUE_ORDERINGS:
        return QUEUE_ORDERINGS[ordering]
    column = ordering.removeprefix("-")
    if column not in QUEUE_SORT_COLUMNS:
        return _BY_SLA
    descending = ordering.startswith("-")
    fields = []
    for field in QUEUE_SORT_COLUMNS[column]:
        field_descending = descending != field.startswith("-")
        name = F(field.removeprefix("-"))
        fields.append(name.desc(nulls_last=True) if field_descending else name.asc(nulls_last=True))
    return (*fields, "-pk" if descending else "pk")


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


def with_sla_due(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate sla_state (an SlaState or None) from the ticket's stored SLA summary
    (next_due_at, next_warn_at, sla_paused, kept by the database from its clocks), decided
    by the one rule of tickets.sla.states that the ticket page's clocks follow too."""
    return tickets.annotate(
        sla_state=sla_state_expression(
            due="next_due_at", warn="next_warn_at", paused=Q(sla_paused=True)
        )
    )


def tickets_visible_to(user) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user)


# These views hold unresolved tickets only and say so themselves: the status condition twice
# would make PostgreSQL count its selectivity twice and expect a handful of rows.
_UNRESOLVED_SCOPES = (QueueScope.AT_RISK, QueueScope.BREACHED)


def _in_view(tickets: QuerySet[Ticket], user, scope: str) -> QuerySet[Ticket]:
    if scope == QueueScope.MINE:
        return tickets.filter(assignee=user)
    if scope == QueueScope.TEAM:
        return tickets.filter(team__members=user)
    if scope == QueueScope.UNASSIGNED:
        return tickets.filter(assignee__isnull=True)
    if scope == QueueScope.MENTIONED:
        return tickets.filter(Exists(Mention.objects.filter(ticket=OuterRef("pk"), user=user)))
    if scope in (QueueScope.AT_RISK, QueueScope.BREACHED):
        # The same rule as the rows' SLA state (tickets.sla.states) over the stored summary:
        # breached once the nearest owed clock is past due, at risk once past its warning
        # point and not breached (both read from the unresolved tickets' due-time index).
        now = timezone.now()
        tickets = tickets.filter(status__in=OPEN_STATUSES)
        if scope == QueueScope.BREACHED:
            return tickets.filter(next_due_at__lte=now)
        return tickets.filter(next_warn_at__lte=now, next_due_at__gt=now)
    view = queue_view(scope)
    if view is not None:
        return tickets.filter(view.condition())
    return tickets


def agent_queue(*, user, filters: QueueFilters) -> QuerySet[Ticket]:
    tickets = tickets_visible_to(user)
    tickets = _in_view(tickets, user, filters.scope)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    elif filters.unresolved and filters.scope not in _UNRESOLVED_SCOPES:
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
        tickets = tickets.filter(search_condition(filters.q))
    ordering = _queue_order_by(filters.ordering)
    tickets = tickets.select_related("customer__membership_level", "team", "assignee", "category")
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


def tickets_by_reference_for_user(user, references: list[str]) -> dict[str, Ticket]:
    """The tickets among `references` this user may see, by reference (one query)."""
    found = tickets_visible_to(user).filter(reference__in=references).select_related("team")
    return {ticket.reference: ticket for ticket in found}


def queue_page_versions(rows: list[Ticket]) -> str:
    """What a queue page shows, as "id.version,…": the live refresh compares it."""
    return ",".join(f"{ticket.pk}.{ticket.version}" for ticket in rows)


def changed_rows(seen: str, rows: list[Ticket]) -> set[int]:
    """Ids of the rows that are new or changed since the page showed `seen`."""
    before = set(seen.split(","))
    return {ticket.pk for ticket in rows if f"{ticket.pk}.{ticket.version}" not in before}


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
    sentence: str = ""  # an event as people read it (tickets/timeline.py)


def ticket_timeline(ticket: Ticket, *, include_internal: bool = True) -> list[TimelineEntry]:
    """Replies, notes, customer messages and audit events in time order: 3 queries, and
    a 4th when events stored logins (whom an SLA alert told) to read as names."""
    messages = TicketMessage.objects.filter(ticket=ticket).select_related("author__staff_profile")
    if not include_internal:
        messages = messages.exclude(kind="note")
    messages = messages.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor__staff_profile"))
    names = display_names(logins_named_in(events))
    entries = chain(
        (TimelineEntry("message", m.created_at, m) for m in messages),
        (TimelineEntry("event", e.created_at, e, event_sentence(e, names)) for e in events),
    )
    return sorted(entries, key=lambda entry: (entry.at, entry.kind != "message"))


def ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")


def agent_channel(user) -> str:
    """The channel a new ticket of this user defaults to: the first one routed to one of the
    user's own teams (routing takes the first team by name that claims a channel), so the
    ticket lands with the author's team unless the author picks another channel."""
    from_team: dict[str, int] = {}
    for team_id, channels in Team.objects.order_by("name").values_list("id", "channels"):
        for channel in channels or []:
            from_team.setdefault(channel, team_id)
    own = set(user.teams.values_list("id", flat=True)) if user.is_authenticated else set()
    for channel in Channel.values:
        if from_team.get(channel) in own:
            return channel
    return Channel.PHONE


@dataclass(frozen=True)
class CannedChoice:
    pk: int
    title: str
    text: str


def canned_replies_for(ticket: Ticket, *, page_language: str) -> list[CannedChoice]:
    """The canned replies offered on this ticket (one query): of its kind or every kind,
    of its category, a parent category or none; titled in the page's language, the text
    in the customer's (the reply goes to them)."""
    categories = []
    node, seen = ticket.category, set()
    while node is not None and node.pk not in seen:  # the page read this chain already
        seen.add(node.pk)
        categories.append(node.pk)
        node = node.parent
    replies = CannedReply.objects.filter(active=True).filter(
        Q(kind="") | Q(kind=ticket.kind), Q(category=None) | Q(category__in=categories)
    )
    customer_language = ticket.customer.language if ticket.customer else page_language
    return [
        CannedChoice(
            reply.pk,
            reply.display_title(page_language),
            reply.display_body(customer_language),
        )
        for reply in replies
    ]


@dataclass(frozen=True)
class CustomerSummary:
    open_count: int
    recent: list


CUSTOMER_RECENT_TICKETS = 5


def customer_summary(user, ticket: Ticket) -> CustomerSummary | None:
    """The ticket's customer at a glance (two queries): how many of their tickets are
    open — all of them, a number reveals no other team's content — and their latest
    other tickets this user may open."""
    if ticket.customer_id is None:
        return None
    open_count = Ticket.objects.filter(
        customer_id=ticket.customer_id, status__in=OPEN_STATUSES
    ).count()
    recent = list(
        tickets_visible_to(user)
        .filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .only("reference", "subject", "status", "created_at")
        .order_by("-created_at", "-pk")[:CUSTOMER_RECENT_TICKETS]
    )
    return CustomerSummary(open_count, recent)
