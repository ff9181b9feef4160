"""What every ticket service shares: the messages a person reads, the fields a ticket's
details are made of, the row lock with its version check, tags, and the audit and webhook
forms of a ticket.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import (
    PreconditionFailed,
    ValidationError,
)
from servicedesk.text import require_single_line
from staff.models import Team

from ..models import (
    Tag,
    Ticket,
)

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
MSG_TOO_MANY_ATTACHMENTS = _("A message carries at most %(limit)d files; these are %(count)d.")
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
