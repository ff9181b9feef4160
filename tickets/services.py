"""Every state change a ticket can undergo: one function per use case.

Each function locks the ticket row, checks the rule, writes, records the audit event,
lets the SLA engine react and queues outgoing work — all in one transaction.
"""

import hashlib
import mimetypes
from collections.abc import Callable, Iterable
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from servicedesk.db import insert_row
from servicedesk.exceptions import (
    PreconditionFailed,
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish, outbox_enqueue_email
from servicedesk.text import require_single_line
from staff.models import Team

from .audit import EventAction, record_event
from .extensions import (
    MSG_KIND_CHANGE_OWNED,
    HandlingAct,
    check_handling,
    is_kind_owned,
    kind_owned_message,
    refuse_owned_kind,
)
from .models import (
    OPEN_STATUSES,
    Attachment,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Kind,
    MessageKind,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketMessage,
    is_status_move_allowed,
)
from .sla import hooks as sla

MSG_REQUIRED = _("This field is required.")
MSG_TEMPLATE_REQUIRED = _("The “%(template)s” template requires this field.")
MSG_STATUS_MOVE = _("A ticket cannot move from “%(before)s” to “%(after)s”.")
MSG_SAME_STATUS = _("The ticket is already “%(status)s”.")
MSG_STALE = _("This ticket was changed by someone else; reload it and try again.")
MSG_ASSIGNEE_NOT_IN_TEAM = _("%(user)s is not a member of team %(team)s.")
MSG_ASSIGNEE_INACTIVE = _("%(user)s is not an active staff member.")
MSG_ATTACHMENT_TOO_LARGE = _("The file is %(size)s MB; the limit is %(limit)s MB.")
MSG_ATTACHMENT_TYPE = _("Files of type “%(type)s” are not accepted.")
MSG_ATTACHMENT_EMPTY = _("The file is empty.")
MSG_EMPTY_BODY = _("Write a message first.")
MSG_CLOSED_TICKET = _("The ticket is closed; open a new ticket instead.")
MSG_TOO_MANY_TAGS = _("A ticket carries at most %(limit)d tags; these are %(count)d.")

# Fields a template may require, with how to tell whether a value was given.
_DETAIL_FIELDS = (
    "subject",
    "description",
    "category",
    "product",
    "order_number",
    "purchase_date",
    "customer_demand",
    "preferred_contact_time",
    "channel",
    "kind",
    "complexity",
)
# Shown on one line (lists, exports, mail subjects): no control or bidi characters.
_SINGLE_LINE_FIELDS = ("subject", "product", "order_number", "preferred_contact_time")
# A change to any of these changes which SLA policy applies.
_SLA_TERM_FIELDS = frozenset({"channel", "kind", "complexity"})


# Other apps veto status moves their own rules forbid (a complaint's ticket cannot be
# resolved before its five-step workflow is closed); a guard raises TransitionError.
StatusGuard = Callable[[Ticket, str, str], None]
_status_guards: list[StatusGuard] = []


def register_status_guard(guard: StatusGuard) -> None:
    if guard not in _status_guards:
        _status_guards.append(guard)


def _lock(ticket: Ticket, *, expected_version: int | None = None) -> Ticket:
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(MSG_STALE)
    return locked


def _touch(ticket: Ticket, *fields: str) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _webhook_payload(ticket: Ticket) -> dict:
    return {
        "reference": ticket.reference,
        "id": ticket.pk,
        "status": ticket.status,
        "priority": ticket.priority,
        "kind": ticket.kind,
        "channel": ticket.channel,
    }


def _missing_template_fields(template: IntakeTemplate, values: dict) -> dict[str, list]:
    missing = {}
    for field in template.required_fields or []:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing[field] = [
                MSG_TEMPLATE_REQUIRED % {"template": template.display_name(get_language())}
            ]
    return missing


def _person(user) -> dict | None:
    """How the audit trail keeps a person: the id to join on and the name people read."""
    if user is None:
        return None
    profile = getattr(user, "staff_profile", None)
    name = (profile.display_name if profile is not None else "") or user.get_username()
    return {"id": user.pk, "username": user.get_username(), "label": name}


def _check_assignee(assignee, team: Team | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active:
        raise ValidationError(MSG_ASSIGNEE_INACTIVE % {"user": assignee}, field="assignee")
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            MSG_ASSIGNEE_NOT_IN_TEAM % {"user": assignee, "team": team}, field="assignee"
        )


def team_for_channel(channel: str) -> Team | None:
    """The team responsible for a channel [S1 §2.1]; the first by name if several claim it."""
    for team in Team.objects.order_by("name"):
        if channel in (team.channels or []):
            return team
    return None


@transaction.atomic
def ticket_create(
    *,
    actor,
    subject: str,
    channel: str,
    kind: str = Kind.REQUEST,
    priority: str | None = None,
    complexity: str = Complexity.SIMPLE,
    description: str = "",
    customer: Customer | None = None,
    category: Category | None = None,
    intake_template: IntakeTemplate | None = None,
    team: Team | None = None,
    assignee=None,
    case_owner=None,
    tags: Iterable[str] = (),
    product: str = "",
    order_number: str = "",
    purchase_date: date | None = None,
    customer_demand: str = "",
    preferred_contact_time: str = "",
    opened_by: str = "tickets",
) -> Ticket:
    """Open a ticket; an intake template's required fields must all be given.

    A kind another app owns (a complaint) is opened only by that app (`opened_by`, its
    label); anyone else is told where to go.
    """
    if not subject or not subject.strip():
        raise ValidationError(MSG_REQUIRED, field="subject")
    _check_single_line(
        {
            "subject": subject,
            "product": product,
            "order_number": order_number,
            "preferred_contact_time": preferred_contact_time,
        }
    )
    tag_names = _tag_names(tags)
    require_choice("channel", channel, Channel)
    require_choice("kind", kind, Kind)
    refuse_owned_kind(kind, opened_by)
    if intake_template is not None:
        refuse_owned_kind(intake_template.kind, opened_by)
    require_choice("complexity", complexity, Complexity)
    if intake_template is not None:
        priority = priority or intake_template.default_priority
        category = category or intake_template.default_category
    priority = priority or Priority.NORMAL
    require_choice("priority", priority, Priority)
    if intake_template is not None:
        missing = _missing_template_fields(
            intake_template,
            {
                "description": description,
                "customer": customer,
                "category": category,
                "product": product,
                "order_number": order_number,
                "purchase_date": purchase_date,
                "customer_demand": customer_demand,
                "preferred_contact_time": preferred_contact_time,
            },
        )
        if missing:
            raise ValidationError(fields=missing)
    team = team or team_for_channel(channel)
    _check_assignee(assignee, team)

    ticket = Ticket(
        subject=subject.strip(),
        description=description,
        channel=channel,
        kind=kind,
        complexity=complexity,
        priority=priority,
        customer=customer,
        category=category,
        intake_template=intake_template,
        team=team,
        assignee=assignee,
        case_owner=case_owner or assignee,
        product=product,
        order_number=order_number,
        purchase_date=purchase_date,
        customer_demand=customer_demand,
        preferred_contact_time=preferred_contact_time,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        status=Status.NEW,
    )
    _insert_numbered(ticket)
    if tag_names:
        Ticket.tags.through.objects.bulk_create(
            Ticket.tags.through(ticket=ticket, tag=tag) for tag in _tags_named(tag_names)
        )
    record_event(
        ticket,
        actor,
        EventAction.CREATED,
        after={
            "subject": ticket.subject,
            "channel": channel,
            "kind": kind,
            "priority": priority,
            "team": team.name if team else None,
            "assignee": _person(assignee),
            "tags": tag_names,
        },
    )
    sla.on_ticket_created(ticket, at=ticket.created_at)
    event_publish("ticket.created", _webhook_payload(ticket), ticket=ticket)
    return ticket


def _insert_numbered(ticket: Ticket) -> None:
    """Insert a new ticket with its reference, derived from the never-reused primary key
    sequence (so references are never reused either).

    On PostgreSQL the id is drawn from the sequence first, and the row is written once with
    both. Elsewhere (SQLite for `make run`) the row is inserted under a unique placeholder,
    never visible outside this transaction, and then given its reference.
    """
    if connection.vendor == "postgresql":
        meta = Ticket._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column]
            )
            ticket.pk = cursor.fetchone()[0]
        ticket.reference = Ticket.reference_for(ticket.pk)
        insert_row(ticket)
        return
    ticket.reference = f"tmp-{timezone.now().timestamp()}-{id(object())}"[:20]
    ticket.save()
    ticket.reference = Ticket.reference_for(ticket.pk)
    ticket.save(update_fields=["reference"])


def _check_single_line(values: dict) -> None:
    for field in _SINGLE_LINE_FIELDS:
        if isinstance(values.get(field), str):
            require_single_line(field, values[field])


def _tag_names(tags: Iterable[str]) -> list[str]:
    """The distinct tag names given, checked: one line each, at most TICKET_MAX_TAGS
    (every new name becomes a global tag, so the limit also bounds what one call adds)."""
    names = sorted({name.strip()[:50] for name in tags if name and name.strip()})
    for name in names:
        require_single_line("tags", name)
    limit = settings.TICKET_MAX_TAGS
    if len(names) > limit:
        raise ValidationError(
            MSG_TOO_MANY_TAGS % {"limit": limit, "count": len(names)}, field="tags"
        )
    return names


def _tags_named(names: list[str]) -> list[Tag]:
    """The tags of these names, created if missing: one read, and one insert if needed."""
    tags = list(Tag.objects.filter(name__in=names))
    missing = set(names) - {tag.name for tag in tags}
    if missing:
        # ignore_conflicts: a concurrent request may create the same tag meanwhile.
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        tags += Tag.objects.filter(name__in=missing)
    return tags


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
    sla.on_status_changed(ticket, before=before, after=to, at=now)
    event_publish(
        "ticket.status_changed",
        {**_webhook_payload(ticket), "previous_status": before},
        ticket=ticket,
    )


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
    sla.on_terms_changed(ticket, at=timezone.now())
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, actor, assignee, expected_version: int | None = None
) -> Ticket:
    """Give the ticket to a member of its team, or to nobody (assignee=None)."""
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
        sla.on_terms_changed(ticket, at=timezone.now())
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
    *, ticket: Ticket, actor, changes: dict, expected_version: int | None = None
) -> Ticket:
    """Edit descriptive fields; one audit event per field that actually changed."""
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
            sla.on_terms_changed(ticket, at=now)
        if "category" in changed and ticket.category_id is not None:
            # Classifying the problem meets the chat classification target [S1 §2.1].
            sla.on_ticket_classified(ticket, at=now)
    return ticket


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, actor, tags: Iterable[str]) -> Ticket:
    after = _tag_names(tags)
    ticket = _lock(ticket)
    before = sorted(ticket.tags.values_list("name", flat=True))
    if before == after:
        return ticket
    ticket.tags.set(_tags_named(after))
    _touch(ticket)
    record_event(ticket, actor, EventAction.TAGS_CHANGED, field="tags", before=before, after=after)
    return ticket


def _check_body(body: str) -> str:
    if not body or not body.strip():
        raise ValidationError(MSG_EMPTY_BODY, field="body")
    return body.strip()


@transaction.atomic
def ticket_reply(*, ticket: Ticket, actor, body: str) -> TicketMessage:
    """A public reply to the customer: meets first response, e-mails the customer."""
    body = _check_body(body)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise TransitionError(MSG_CLOSED_TICKET, field="body")
    check_handling(ticket, HandlingAct(HandlingAct.REPLY, actor))
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.PUBLIC_REPLY, author=actor, body=body
    )
    fields = []
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    _touch(ticket, *fields)
    record_event(ticket, actor, EventAction.REPLIED, after={"message": message.pk})
    # Only a reply the outbox accepted for an address the customer has reaches them: a
    # customer without an e-mail address was sent nothing (complaint first contact waits).
    queued = None
    if ticket.customer_id and ticket.customer.email:
        queued = outbox_enqueue_email(
            topic="ticket.reply",
            to=ticket.customer.email,
            subject=f"[{ticket.reference}] {ticket.subject}",
            body=body,
            ticket=ticket,
            dedupe_key=f"ticket.reply:{message.pk}",
        )
    sla.on_public_reply(ticket, at=message.created_at, delivered=queued is not None)
    if ticket.status == Status.NEW:
        # Answering a new ticket means someone is working it.
        _apply_status(ticket, actor, Status.NEW, Status.OPEN)
    return message


@transaction.atomic
def ticket_note(*, ticket: Ticket, actor, body: str) -> TicketMessage:
    """An internal note: never sent to the customer."""
    body = _check_body(body)
    ticket = _lock(ticket)
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=actor, body=body
    )
    _touch(ticket)
    record_event(ticket, actor, EventAction.NOTED, after={"message": message.pk})
    return message


@transaction.atomic
def ticket_customer_message(
    *, ticket: Ticket, body: str, email_message_id: str = ""
) -> TicketMessage:
    """The customer wrote. A ticket waiting on the customer resumes (no pause gaming)."""
    body = _check_body(body)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise TransitionError(MSG_CLOSED_TICKET, field="body")
    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER_MESSAGE,
        body=body,
        email_message_id=email_message_id[:255],
    )
    _touch(ticket)
    record_event(ticket, None, EventAction.CUSTOMER_MESSAGE, after={"message": message.pk})
    sla.on_customer_message(ticket, at=message.created_at)
    if ticket.status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
        _apply_status(ticket, None, ticket.status, Status.OPEN)
    return message


def _sniffed_type(filename: str) -> str:
    guessed, _encoding = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


@transaction.atomic
def ticket_attach(
    *, ticket: Ticket, actor, uploaded_file, message: TicketMessage | None = None
) -> Attachment:
    """Store a file through Django's storage API after checking size and type.

    The declared content type and the one implied by the file name must both be on the
    allow-list: a client cannot smuggle `evil.exe` by declaring it `image/png`.
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(MSG_ATTACHMENT_EMPTY, field="file")
    if size > limit:
        raise ValidationError(
            MSG_ATTACHMENT_TOO_LARGE
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"},
            field="file",
        )
    allowed = set(settings.ATTACHMENT_ALLOWED_CONTENT_TYPES)
    declared = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    by_name = _sniffed_type(uploaded_file.name or "")
    for content_type in (declared or by_name, by_name):
        if content_type not in allowed:
            raise ValidationError(MSG_ATTACHMENT_TYPE % {"type": content_type}, field="file")
    ticket = _lock(ticket)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        original_name=(uploaded_file.name or "file")[:255],
        content_type=by_name,
        size_bytes=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    attachment.file.save(uploaded_file.name or "file", uploaded_file, save=False)
    try:
        attachment.save()
        _touch(ticket)
        record_event(
            ticket,
            actor,
            EventAction.ATTACHMENT_ADDED,
            after={"name": attachment.original_name, "size": size, "type": by_name},
        )
    except Exception:
        # Django has no on-rollback hook: remove the stored file so no orphan remains.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def ticket_is_open(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES
