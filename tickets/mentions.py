"""@mentions in internal notes: "@li.lei" or "@李雷" (a login, a display name or a full
name) names a colleague, who is told by e-mail through the outbox.

Only staff who may see the ticket are told. A mention of anyone else is ignored — the
note is still saved, and the author is told whom it did not reach — because a
notification would hand a person without access the note's text and the ticket's
subject. Refusing the whole note instead would make the author retype it.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from servicedesk.outbox.services import outbox_enqueue_email
from servicedesk.templatetags.desk import person

from .models import Mention, Ticket, TicketMessage

# A name ends where a login could not go on: "@li.lei," and "@李雷请看" both end there.
_NAME_GOES_ON = re.compile(r"[A-Za-z0-9_.\-]")
MAX_MENTIONS = 20


@dataclass
class Mentions:
    notified: list = field(default_factory=list)
    not_notified: list = field(default_factory=list)


def _staff_by_name() -> dict[str, object]:
    """Every active staff member under each name people may write after "@" (casefolded)."""
    staff = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .select_related("staff_profile")
    )
    names: dict[str, object] = {}
    for user in staff:
        for name in (user.get_username(), user.get_full_name(), user.staff_profile.display_name):
            if name and name.strip():
                names.setdefault(name.strip().casefold(), user)
    return names


def mentioned_people(body: str) -> list:
    """The staff a text mentions, in the order first mentioned, each once. The longest
    name that follows an "@" wins ("@Li Lei" over a colleague called "Li")."""
    if "@" not in body:
        return []
    names = _staff_by_name()
    by_length = sorted(names, key=len, reverse=True)
    found: list = []
    for at in re.finditer("@", body):
        rest = body[at.end() :].casefold()
        for name in by_length:
            if rest.startswith(name) and not _NAME_GOES_ON.match(rest[len(name) : len(name) + 1]):
                if names[name] not in found:
                    found.append(names[name])
                break
        if len(found) >= MAX_MENTIONS:
            break
    return found


def notify_mentions(*, ticket: Ticket, actor, message: TicketMessage) -> Mentions:
    """Tell each colleague the note mentions who may see the ticket (one e-mail each,
    in their language); the others are listed as not notified. Inside the note's
    transaction: the note and its notices are written together or not at all."""
    outcome = Mentions()
    for user in mentioned_people(message.body):
        if user == actor:
            continue
        if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
            outcome.not_notified.append(user)
            continue
        outcome.notified.append(user)
        Mention.objects.create(ticket=ticket, message=message, user=user)
        if not user.email:
            continue
        language = getattr(user.staff_profile, "language", "") or settings.LANGUAGE_CODE
        with override(language):
            subject = _("[%(reference)s] %(who)s mentioned you: %(subject)s") % {
                "reference": ticket.reference,
                "who": person(actor),
                "subject": ticket.subject,
            }
            body = _("%(who)s mentioned you in an internal note:\n\n%(note)s\n\n%(link)s") % {
                "who": person(actor),
                "note": message.body,
                "link": getattr(settings, "SERVICEDESK_BASE_URL", "").rstrip("/")
                + reverse("tickets:detail", args=[ticket.reference]),
            }
        outbox_enqueue_email(
            topic="ticket.mention",
            to=user.email,
            subject=subject,
            body=body,
            ticket=ticket,
            dedupe_key=f"ticket.mention:{message.pk}:{user.pk}",
        )
    return outcome
