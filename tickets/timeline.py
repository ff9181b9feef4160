"""The one place that turns an audit event into the sentence the timeline shows
("Wang Fang changed the status from Open to Pending customer", "Resolution clock
breached; told Zhao Qiang"), in the reader's language and with people's display names.

The tickets core writes the sentences of its own actions and of the SLA engine's; other
apps register theirs from AppConfig.ready() with `register_event_sentence`. An action
with no sentence of its own reads "<who> <action label>[: <what changed>]", which is a
sentence too (the action labels are verb phrases: "approved a compensation").
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from servicedesk.templatetags.desk import event_value, field_label, person

from .audit import EventAction, action_label
from .models import TicketEvent


@dataclass(frozen=True)
class EventReading:
    """An event with what its sentence needs: who did it, and people's names by login
    (the SLA sweep and a few others stored logins, not names)."""

    event: TicketEvent
    names: Mapping[str, str]

    @property
    def who(self) -> str:
        return person(self.event.actor, _("System"))

    @property
    def field(self) -> str:
        return str(field_label(self.event.field))

    def value(self, value, field: str | None = None) -> str:
        return event_value(value, self.event.field if field is None else field)

    def people(self, stored) -> str:
        """A stored person (the audit's {"id", "username", "label"}), a login or a list
        of logins, as names people read."""
        if stored is None or stored == "" or stored == []:
            return "—"
        if isinstance(stored, dict):
            return str(stored.get("label") or stored.get("username") or "—")
        if isinstance(stored, list):
            return ", ".join(self.people(item) for item in stored)
        return self.names.get(str(stored), str(stored))


Sentence = Callable[[EventReading], str]
_SENTENCES: dict[str, Sentence] = {}


def register_event_sentence(action: str, sentence: Sentence) -> None:
    _SENTENCES[action] = sentence


def event_sentence(event: TicketEvent, names: Mapping[str, str] | None = None) -> str:
    reading = EventReading(event, names or {})
    sentence = _SENTENCES.get(event.action, _default_sentence)
    return sentence(reading)


def logins_named_in(events: Iterable[TicketEvent]) -> set[str]:
    """Logins that events stored instead of names: whom an SLA alert told, and the
    supervisor an investigation went to."""
    logins: set[str] = set()
    for event in events:
        after = event.after
        if isinstance(after, dict) and isinstance(after.get("notified"), list):
            logins.update(str(login) for login in after["notified"])
        elif event.action in _LOGIN_VALUED and isinstance(after, str):
            logins.add(after)
    return logins


# Actions whose `after` is a login (registered by the app that writes them).
_LOGIN_VALUED: set[str] = set()


def register_login_valued(action: str) -> None:
    _LOGIN_VALUED.add(action)


def display_names(logins: set[str]) -> dict[str, str]:
    """Login → display name, in one query (none when no event stored a login)."""
    if not logins:
        return {}
    users = get_user_model().objects.filter(username__in=logins).select_related("staff_profile")
    return {user.get_username(): person(user) for user in users}


def _default_sentence(reading: EventReading) -> str:
    event = reading.event
    action = str(action_label(event.action))
    detail = _detail(reading)
    if detail:
        return _("%(who)s %(action)s: %(detail)s") % {
            "who": reading.who,
            "action": action,
            "detail": detail,
        }
    return _("%(who)s %(action)s") % {"who": reading.who, "action": action}


def _detail(reading: EventReading) -> str:
    event = reading.event
    # An event without a field (a complaint opened) carries facts the page shows elsewhere.
    if not event.field or (event.before is None and event.after is None):
        return ""
    if event.action in _LOGIN_VALUED:
        return reading.people(event.after)
    if event.before is None:
        return reading.value(event.after)
    return _("%(field)s from %(before)s to %(after)s") % {
        "field": reading.field,
        "before": reading.value(event.before),
        "after": reading.value(event.after),
    }


def _from_to(reading: EventReading) -> dict[str, str]:
    return {
        "who": reading.who,
        "field": reading.field,
        "before": reading.value(reading.event.before),
        "after": reading.value(reading.event.after),
    }


def _created(reading: EventReading) -> str:
    return _("%(who)s opened the ticket") % {"who": reading.who}


def _status(reading: EventReading) -> str:
    return _("%(who)s changed the status from %(before)s to %(after)s") % _from_to(reading)


def _priority(reading: EventReading) -> str:
    return _("%(who)s changed the priority from %(before)s to %(after)s") % _from_to(reading)


def _field_changed(reading: EventReading) -> str:
    return _("%(who)s changed %(field)s from %(before)s to %(after)s") % _from_to(reading)


def _assigned(reading: EventReading) -> str:
    event = reading.event
    words = {
        "who": reading.who,
        "before": reading.people(event.before),
        "after": reading.people(event.after),
    }
    if event.field == "team":
        words = {"who": reading.who, "before": event.before or "—", "after": event.after or "—"}
        return _("%(who)s assigned the ticket to team %(after)s") % words
    if event.field == "case_owner":
        return _("%(who)s made %(after)s the case owner") % words
    if event.after is None:
        return _("%(who)s unassigned the ticket from %(before)s") % words
    if event.before is None:
        return _("%(who)s assigned the ticket to %(after)s") % words
    return _("%(who)s reassigned the ticket from %(before)s to %(after)s") % words


def _tags(reading: EventReading) -> str:
    before = list(reading.event.before or [])
    after = list(reading.event.after or [])
    added = [tag for tag in after if tag not in before]
    removed = [tag for tag in before if tag not in after]
    words = {"who": reading.who, "added": ", ".join(added), "removed": ", ".join(removed)}
    if added and removed:
        return _("%(who)s tagged the ticket %(added)s and removed %(removed)s") % words
    if added:
        return _("%(who)s tagged the ticket %(added)s") % words
    if removed:
        return _("%(who)s removed the tags %(removed)s") % words
    return _("%(who)s changed the tags") % words


def _attachment(reading: EventReading) -> str:
    after = reading.event.after if isinstance(reading.event.after, dict) else {}
    return _("%(who)s attached %(name)s") % {
        "who": reading.who,
        "name": after.get("name") or "—",
    }


def _replied(reading: EventReading) -> str:
    return _("%(who)s replied to the customer") % {"who": reading.who}


def _noted(reading: EventReading) -> str:
    return _("%(who)s added an internal note") % {"who": reading.who}


def _customer_message(reading: EventReading) -> str:
    return _("The customer wrote")


for _action, _sentence in (
    (EventAction.CREATED, _created),
    (EventAction.STATUS_CHANGED, _status),
    (EventAction.PRIORITY_CHANGED, _priority),
    (EventAction.FIELD_CHANGED, _field_changed),
    (EventAction.ASSIGNED, _assigned),
    (EventAction.TAGS_CHANGED, _tags),
    (EventAction.ATTACHMENT_ADDED, _attachment),
    (EventAction.REPLIED, _replied),
    (EventAction.NOTED, _noted),
    (EventAction.CUSTOMER_MESSAGE, _customer_message),
):
    register_event_sentence(_action, _sentence)
