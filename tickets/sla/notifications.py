"""Who hears about an SLA warning, breach or escalation, what they read, and when.

Escalation climbs assignee → team supervisor → manager. A metric whose work is owned by
someone other than the ticket's assignee (a low-satisfaction investigation is the
supervisor's) registers a clock-owner rule: its owner then stands where the assignee
would. Notices of working-time targets
wait for the next opening of the target's calendar (the organisation's working hours),
unless the target runs on calendar time (24×7) or the ticket is urgent.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from servicedesk.outbox.models import OutboxChannel, OutboxMessage
from staff.models import Role, Team
from tickets.models import Ticket

from .models import Clock, EscalationLevel, Metric
from .working_calendars import working_calendar


class AlertStep:
    WARNING = "warning"
    BREACHED = "breached"
    ESCALATED = "escalated"


STEP_LEVEL = {
    AlertStep.WARNING: EscalationLevel.ASSIGNEE,
    AlertStep.BREACHED: EscalationLevel.SUPERVISOR,
    AlertStep.ESCALATED: EscalationLevel.MANAGER,
}


def managers() -> list:
    User = get_user_model()
    return list(
        User.objects.filter(groups__name=Role.MANAGER, is_active=True)
        .exclude(email="")
        .select_related("staff_profile")
        .order_by("pk")
        .distinct()
    )


# metric → rule(ticket ids) → {ticket id: the user who owns that metric's work}. A higher
# app registers one from its AppConfig.ready (the SLA engine imports no app above it); a
# rule answers for a whole batch in one query. A ticket missing from the answer, or owned
# by None, is treated like an unassigned ticket.
ClockOwnerRule = Callable[[set[int]], dict[int, int | None]]
_clock_owner_rules: dict[str, ClockOwnerRule] = {}


@dataclass(frozen=True)
class _ClockKey:
    metric: str
    ticket_id: int


def register_clock_owner(metric: str, rule: ClockOwnerRule) -> None:
    _clock_owner_rules[metric] = rule


@dataclass
class Recipients:
    """Resolves recipients for a sweep: each person, team supervisor and the managers are
    read once per sweep (`load` reads a batch's in two queries, plus one per metric with an
    owner rule), not once per clock."""

    _managers: list | None = None
    _users: dict = field(default_factory=dict)
    _supervisor_of: dict[int, int | None] = field(default_factory=dict)
    _owner_of: dict[tuple[str, int], int | None] = field(default_factory=dict)

    def managers(self) -> list:
        if self._managers is None:
            self._managers = managers()
        return self._managers

    def load(self, tickets: Iterable[Ticket], clocks: Iterable[Clock] = ()) -> None:
        """Read the assignees and team supervisors of these tickets not met before, and the
        owners of these clocks whose metric has an owner rule."""
        tickets = list(tickets)
        wanted = self._load_owners((clock.metric, clock.ticket_id) for clock in clocks)
        teams = {ticket.team_id for ticket in tickets}
        teams = {team for team in teams if team is not None and team not in self._supervisor_of}
        if teams:
            supervisors = dict(Team.objects.filter(pk__in=teams).values_list("pk", "supervisor"))
            self._supervisor_of.update({team: supervisors.get(team) for team in teams})
        wanted |= {ticket.assignee_id for ticket in tickets}
        wanted |= {self._supervisor_of.get(ticket.team_id) for ticket in tickets}
        wanted = {pk for pk in wanted if pk is not None and pk not in self._users}
        if wanted:
            found = get_user_model().objects.select_related("staff_profile").in_bulk(wanted)
            self._users.update({pk: found.get(pk) for pk in wanted})

    def _load_owners(self, keys: Iterable[tuple[str, int]]) -> set:
        """Ask each metric's owner rule once for the tickets not asked before; returns the
        owners found."""
        asked: dict[str, set[int]] = {}
        for metric, ticket_id in keys:
            if metric in _clock_owner_rules and (metric, ticket_id) not in self._owner_of:
                asked.setdefault(metric, set()).add(ticket_id)
        found = set()
        for metric, ticket_ids in asked.items():
            owners = _clock_owner_rules[metric](ticket_ids)
            for ticket_id in ticket_ids:
                self._owner_of[(metric, ticket_id)] = owners.get(ticket_id)
                found.add(owners.get(ticket_id))
        return found

    def for_step(self, step: str, ticket: Ticket, metric: str | None = None) -> list:
        """Who hears of this step: the clock's owner (the assignee, unless the metric has
        an owner rule), then the team supervisor (or the managers), then the managers."""
        if metric in _clock_owner_rules:
            self.load([ticket], [_ClockKey(metric, ticket.pk)])
            owner_id = self._owner_of[(metric, ticket.pk)]
        else:
            self.load([ticket])
            owner_id = ticket.assignee_id
        assignee = _reachable(self._users.get(owner_id))
        supervisor = _reachable(self._users.get(self._supervisor_of.get(ticket.team_id)))
        if step == AlertStep.WARNING:
            people = [assignee] if assignee else [supervisor] if supervisor else self.managers()
        elif step == AlertStep.BREACHED:
            people = [assignee, *([supervisor] if supervisor else self.managers())]
        else:
            people = self.managers()
        unique = {}
        for person in people:
            if person is not None:
                unique.setdefault(person.pk, person)
        return list(unique.values())


def _reachable(user):
    if user is None or not user.is_active or not user.email:
        return None
    return user


def _language(user) -> str:
    try:
        return user.staff_profile.language or settings.LANGUAGE_CODE
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def deliver_after(clock: Clock, now: datetime, openings: dict | None = None) -> datetime:
    """Now for urgent tickets and 24×7 targets, else the calendar's next opening.

    `openings` (calendar id → next opening after `now`) lets a sweep compute each
    calendar's opening once for all its clocks."""
    if clock.is_urgent or clock.calendar.is_24x7:
        return now
    if openings is None:
        return working_calendar(clock.calendar).next_opening(now)
    if clock.calendar_id not in openings:
        openings[clock.calendar_id] = working_calendar(clock.calendar).next_opening(now)
    return openings[clock.calendar_id]


def ticket_link_builder() -> Callable[[str], str]:
    """reference → the ticket page's absolute URL, as reverse() gives it, with the reverse
    done once: a sweep links hundreds of tickets, and reverse() cost ~30 % of a notice.

    A reference no URL can carry (empty, or with a slash) is given back as it is."""
    try:
        path = reverse("tickets:detail", args=[_LINK_MARKER])
    except NoReverseMatch:
        return str
    before, after = path.split(_LINK_MARKER)
    before = getattr(settings, "SERVICEDESK_BASE_URL", "").rstrip("/") + before

    def link(reference: str) -> str:
        if not reference or "/" in reference:  # the <str:reference> converter refuses it
            return reference
        # reverse() quotes the whole path this way; quoting works character by character.
        return before + quote(reference, safe=RFC3986_SUBDELIMS + "/~:@") + after

    return link


_LINK_MARKER = "reference"


@dataclass(frozen=True)
class _Wording:
    """A notice's words in one language: the translated templates and labels."""

    subjects: dict[str, str]
    lines: tuple[str, str, str, str, str]  # ticket, target, due, escalation level, link
    metrics: dict[str, str]
    levels: dict[int, str]


def _wording(language: str) -> _Wording:
    with translation.override(language):
        return _Wording(
            subjects={
                AlertStep.WARNING: _("[%(reference)s] SLA warning: %(metric)s is due soon"),
                AlertStep.BREACHED: _("[%(reference)s] SLA breached: %(metric)s"),
                AlertStep.ESCALATED: _("[%(reference)s] SLA escalated to managers: %(metric)s"),
            },
            lines=(
                _("Ticket: %(reference)s %(subject)s"),
                _("Target: %(metric)s (policy “%(policy)s”)"),
                _("Due: %(due)s (%(zone)s)"),
                _("Escalation level: %(level)s"),
                _("Open the ticket: %(link)s"),
            ),
            metrics={metric.value: str(metric.label) for metric in Metric},
            levels={level.value: str(level.label) for level in EscalationLevel},
        )


class AlertNotices:
    """Writes a sweep's notices. What is the same for many clocks is worked out once per
    sweep: the words per language, the link's URL, each calendar's zone and next opening
    (a sweep of a mass breach renders thousands of notices; per clock only the formatting
    is left)."""

    def __init__(self, now: datetime):
        self.now = now
        self._wordings: dict[str, _Wording] = {}
        self._openings: dict[int, datetime] = {}
        self._zones: dict[int, ZoneInfo] = {}
        self._link = ticket_link_builder()

    def messages(
        self, *, step: str, clock: Clock, ticket: Ticket, people: list
    ) -> list[OutboxMessage]:
        """Unsaved outbox rows, one per person; the dedupe key makes a repeat a no-op."""
        when = deliver_after(clock, self.now, self._openings)
        texts: dict[str, tuple[str, str]] = {}  # rendered once per language, not per person
        messages = []
        for person in people:
            language = _language(person)
            if language not in texts:
                texts[language] = self._texts(language, step, clock, ticket)
            subject, body = texts[language]
            messages.append(
                OutboxMessage(
                    channel=OutboxChannel.EMAIL,
                    topic=f"sla.{step}",
                    recipient=person.email,
                    subject=subject,
                    body=body,
                    payload={"clock": clock.pk, "metric": clock.metric, "user": person.pk},
                    ticket_id=ticket.pk,
                    dedupe_key=f"sla.{step}:clock:{clock.pk}:user:{person.pk}",
                    deliver_after=when,
                )
            )
        return messages

    def _texts(self, language: str, step: str, clock: Clock, ticket: Ticket) -> tuple[str, str]:
        wording = self._wordings.get(language)
        if wording is None:
            wording = self._wordings[language] = _wording(language)
        metric = wording.metrics[clock.metric]
        subject = wording.subjects[step] % {"reference": ticket.reference, "metric": metric}
        zone = self._zone(clock)
        ticket_line, target_line, due_line, level_line, link_line = wording.lines
        body = "\n".join(
            (
                ticket_line % {"reference": ticket.reference, "subject": ticket.subject},
                target_line % {"metric": metric, "policy": clock.policy_name},
                due_line
                % {
                    "due": clock.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    "zone": zone.key,
                },
                level_line % {"level": wording.levels[clock.escalation_level]},
                link_line % {"link": self._link(ticket.reference)},
            )
        )
        return subject[:300], body

    def _zone(self, clock: Clock):
        zone = self._zones.get(clock.calendar_id)
        if zone is None:
            zone = self._zones[clock.calendar_id] = working_calendar(clock.calendar).zone
        return zone


def webhook_payload(step: str, clock: Clock, ticket: Ticket) -> dict:
    return {
        "reference": ticket.reference,
        "id": ticket.pk,
        "metric": clock.metric,
        "cycle": clock.cycle,
        "state": clock.state,
        "due_at": clock.due_at.isoformat(),
        "warn_at": clock.warn_at.isoformat(),
        "breached_at": clock.breached_at.isoformat() if clock.breached_at else None,
        "escalation_level": clock.escalation_level,
        "step": step,
    }
