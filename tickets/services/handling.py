"""Handling a ticket: status moves (vetoed by other apps' guards), priority, assignment,
transfer, case owner, details and tags.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import (
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from staff.models import Team

from ..audit import EventAction, record_event
from ..extensions import (
    MSG_KIND_CHANGE_OWNED,
    HandlingAct,
    check_handling,
    is_kind_owned,
    kind_owned_message,
)
from ..models import (
    OPEN_STATUSES,
    Channel,
    Complexity,
    Kind,
    Priority,
    Status,
    Ticket,
    is_status_move_allowed,
)
from ..signals import ticket_resolved
from ..sla import services as sla
from .common import (
    _DETAIL_FIELDS,
    _SLA_TERM_FIELDS,
    MSG_REQUIRED,
    MSG_SAME_STATUS,
    MSG_STATUS_MOVE,
    _check_assignee,
    _check_single_line,
    _lock,
    _person,
    _tag_names,
    _tags_named,
    _touch,
    _webhook_payload,
)

# Other apps veto status moves their own rules forbid (a complaint's ticket cannot be
# resolved before its five-step workflow is closed); a guard raises TransitionError.
StatusGuard = Callable[[Ticket, str, str], None]
_status_guards: list[StatusGuard] = []


def register_status_guard(guard: StatusGuard) -> None:
    if guard not in _status_guards:
        _status_guards.append(guard)


@transaction.atomic
def ticket_change_status(
    *, ticket: Ticket, actor, to: str, expected_version: int | None = None
) -> Ticket:
    """Move a ticket along the status table; resolve, close and reopen are moves too."""
    require_choice("status", to, Status)
    ticket = _lock(ticket, expected_version=expected_version)
    before = ticket.status
    if before == to:
        raise TransitionError(MSG_SAME_STATUS % {"status": Status(to).label}, field="status")
    if not is_status_move_allowed(before, to):
        raise TransitionError(
            MSG_STATUS_MOVE % {"before": Status(before).label, "after": Status(to).label},
            field="status",
        )
    for guard in _status_guards:
        guard(ticket, before, to)
    check_handling(ticket, HandlingAct(HandlingAct.STATUS, actor, status=to))
    _apply_status(ticket, actor, before, to)
    return ticket


def _apply_status(ticket: Ticket, actor, before: str, to: str) -> None:
    now = timezone.now()
    ticket.status = to
    fields = ["status"]
    if to == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif to == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif before == Status.RESOLVED:
        # Reopen: the earlier resolution no longer stands.
        ticket.resolved_at = None
        fields.append("resolved_at")
    _touch(ticket, *fields)
    record_event(ticket, actor, EventAction.STATUS_CHANGED, field="status", before=before, after=to)
    sla.sla_status_changed(ticket=ticket, before=before, after=to, at=now, actor=actor)
    event_publish(
        "ticket.status_changed",
        {**_webhook_payload(ticket), "previous_status": before},
        ticket=ticket,
    )
    if to == Status.RESOLVED or (to == Status.CLOSED and before != Status.RESOLVED):
        ticket_resolved.send(sender=Ticket, ticket=ticket, actor=actor, at=now)


@transaction.atomic
def ticket_change_priority(
    *, ticket: Ticket, actor, priority: str, expected_version: int | None = None
) -> Ticket:
    require_choice("priority", priority, Priority)
    ticket = _lock(ticket, expected_version=expected_version)
    before = ticket.priority
    if before == priority:
        return ticket
    ticket.priority = priority
    _touch(ticket, "priority")
    record_event(
        ticket, actor, EventAction.PRIORITY_CHANGED, field="priority", before=before, after=priority
    )
    sla.sla_replan(ticket=ticket, at=timezone.now(), actor=actor)
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    actor,
    assignee,
    team: Team | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to a member of its team, or to nobody (assignee=None); naming
    another team than the ticket's transfers it there (ticket_transfer)."""
    if team is not None and team.pk != ticket.team_id:
        return ticket_transfer(
            ticket=ticket,
            actor=actor,
            team=team,
            assignee=assignee,
            expected_version=expected_version,
        )
    ticket = _lock(ticket, expected_version=expected_version)
    _check_assignee(assignee, ticket.team)
    before = ticket.assignee
    if before == assignee:
        return ticket
    if assignee is not None:
        check_handling(ticket, HandlingAct(HandlingAct.ASSIGN, actor, assignee=assignee))
    ticket.assignee = assignee
    fields = ["assignee"]
    if ticket.case_owner_id is None and assignee is not None:
        ticket.case_owner = assignee
        fields.append("case_owner")
    _touch(ticket, *fields)
    record_event(
        ticket,
        actor,
        EventAction.ASSIGNED,
        field="assignee",
        before=_person(before),
        after=_person(assignee),
    )
    if "case_owner" in fields:
        record_event(
            ticket,
            actor,
            EventAction.ASSIGNED,
            field="case_owner",
            before=None,
            after=_person(assignee),
        )
    return ticket


@transaction.atomic
def ticket_transfer(
    *, ticket: Ticket, actor, team: Team, assignee=None, expected_version: int | None = None
) -> Ticket:
    """Hand the ticket to another team (and optionally one of its members)."""
    ticket = _lock(ticket, expected_version=expected_version)
    _check_assignee(assignee, team)
    if assignee is not None:
        check_handling(ticket, HandlingAct(HandlingAct.ASSIGN, actor, assignee=assignee))
    before_team, before_assignee = ticket.team, ticket.assignee
    ticket.team = team
    ticket.assignee = assignee
    _touch(ticket, "team", "assignee")
    if before_team != team:
        # Team is one of the SLA policy's match fields.
        sla.sla_replan(ticket=ticket, at=timezone.now(), actor=actor)
    record_event(
        ticket,
        actor,
        EventAction.ASSIGNED,
        field="team",
        before=before_team.name if before_team else None,
        after=team.name,
    )
    if before_assignee != assignee:
        record_event(
            ticket,
            actor,
            EventAction.ASSIGNED,
            field="assignee",
            before=_person(before_assignee),
            after=_person(assignee),
        )
    return ticket


@transaction.atomic
def ticket_set_case_owner(*, ticket: Ticket, actor, case_owner) -> Ticket:
    """Name the case owner who checks progress daily [S1 §2.3]."""
    ticket = _lock(ticket)
    before = ticket.case_owner
    if before == case_owner:
        return ticket
    ticket.case_owner = case_owner
    _touch(ticket, "case_owner")
    record_event(
        ticket,
        actor,
        EventAction.ASSIGNED,
        field="case_owner",
        before=_person(before),
        after=_person(case_owner),
    )
    return ticket


@transaction.atomic
def ticket_update_details(
    *,
    ticket: Ticket,
    actor,
    changes: dict,
    tags: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Edit descriptive fields, and the tags if given; one audit event per field that
    actually changed (the tags: one for the set)."""
    unknown = set(changes) - set(_DETAIL_FIELDS)
    if unknown:
        raise ValidationError(
            fields={name: [_("This field cannot be edited here.")] for name in sorted(unknown)}
        )
    if "subject" in changes and not (changes["subject"] or "").strip():
        raise ValidationError(MSG_REQUIRED, field="subject")
    _check_single_line(changes)
    for field, choices in (("channel", Channel), ("kind", Kind), ("complexity", Complexity)):
        if field in changes:
            require_choice(field, changes[field], choices)
    tag_names = _tag_names(tags) if tags is not None else None
    ticket = _lock(ticket, expected_version=expected_version)
    if "kind" in changes and changes["kind"] != ticket.kind:
        for kind in (ticket.kind, changes["kind"]):
            if is_kind_owned(kind):
                raise ValidationError(kind_owned_message(MSG_KIND_CHANGE_OWNED, kind), field="kind")
    changed = []
    for field, value in changes.items():
        before = getattr(ticket, field)
        if before == value:
            continue
        setattr(ticket, field, value)
        changed.append(field)
        record_event(
            ticket, actor, EventAction.FIELD_CHANGED, field=field, before=before, after=value
        )
    if changed:
        _touch(ticket, *changed)
        now = timezone.now()
        if _SLA_TERM_FIELDS.intersection(changed):
            sla.sla_replan(ticket=ticket, at=now, actor=actor)
        if "category" in changed and ticket.category_id is not None:
            # Classifying the problem meets the chat classification target [S1 §2.1].
            sla.sla_ticket_classified(ticket=ticket, at=now, actor=actor)
    if tag_names is not None:
        _set_tags(ticket, actor, tag_names)
    return ticket


def _set_tags(ticket: Ticket, actor, after: list[str]) -> None:
    """The locked ticket's tags become `after` (checked names); nothing if they are."""
    before = sorted(ticket.tags.values_list("name", flat=True))
    if before == after:
        return
    ticket.tags.set(_tags_named(after))
    _touch(ticket)
    record_event(ticket, actor, EventAction.TAGS_CHANGED, field="tags", before=before, after=after)


def ticket_is_open(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES
