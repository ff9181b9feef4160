"""Who hears about an SLA warning, breach or escalation, what they read, and when.

Escalation climbs assignee → team supervisor → manager. Notices of working-time targets
wait for the next opening of the target's calendar (the organisation's working hours),
unless the target runs on calendar time (24×7) or the ticket is urgent.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import translation
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


@dataclass
class Recipients:
    """Resolves recipients for a sweep: each person, team supervisor and the managers are
    read once per sweep (`load` reads a batch's in two queries), not once per clock."""

    _managers: list | None = None
    _users: dict = field(default_factory=dict)
    _supervisor_of: dict[int, int | None] = field(default_factory=dict)

    def managers(self) -> list:
        if self._managers is None:
            self._managers = managers()
        return self._managers

    def load(self, tickets: Iterable[Ticket]) -> None:
        """Read the assignees and team supervisors of these tickets not met before."""
        tickets = list(tickets)
        teams = {ticket.team_id for ticket in tickets}
        teams = {team for team in teams if team is not None and team not in self._supervisor_of}
        if teams:
            supervisors = dict(Team.objects.filter(pk__in=teams).values_list("pk", "supervisor"))
            self._supervisor_of.update({team: supervisors.get(team) for team in teams})
        wanted = {ticket.assignee_id for ticket in tickets}
        wanted |= {self._supervisor_of.get(ticket.team_id) for ticket in tickets}
        wanted = {pk for pk in wanted if pk is not None and pk not in self._users}
        if wanted:
            found = get_user_model().objects.select_related("staff_profile").in_bulk(wanted)
            self._users.update({pk: found.get(pk) for pk in wanted})

    def for_step(self, step: str, ticket: Ticket) -> list:
        self.load([ticket])
        assignee = _reachable(self._users.get(ticket.assignee_id))
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


def _ticket_link(ticket: Ticket) -> str:
    try:
        path = reverse("tickets:detail", args=[ticket.reference])
    except NoReverseMatch:
        return ticket.reference
    return getattr(settings, "SERVICEDESK_BASE_URL", "").rstrip("/") + path


def _subject(step: str, clock: Clock, ticket: Ticket) -> str:
    values = {"reference": ticket.reference, "metric": Metric(clock.metric).label}
    if step == AlertStep.WARNING:
        return _("[%(reference)s] SLA warning: %(metric)s is due soon") % values
    if step == AlertStep.BREACHED:
        return _("[%(reference)s] SLA breached: %(metric)s") % values
    return _("[%(reference)s] SLA escalated to managers: %(metric)s") % values


def _body(clock: Clock, ticket: Ticket) -> str:
    zone = working_calendar(clock.calendar).zone
    lines = [
        _("Ticket: %(reference)s %(subject)s")
        % {"reference": ticket.reference, "subject": ticket.subject},
        _("Target: %(metric)s (policy “%(policy)s”)")
        % {"metric": Metric(clock.metric).label, "policy": clock.policy_name},
        _("Due: %(due)s (%(zone)s)")
        % {"due": clock.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), "zone": zone.key},
        _("Escalation level: %(level)s") % {"level": EscalationLevel(clock.escalation_level).label},
        _("Open the ticket: %(link)s") % {"link": _ticket_link(ticket)},
    ]
    return "\n".join(str(line) for line in lines)


def alert_messages(
    *, step: str, clock: Clock, ticket: Ticket, people: list, now: datetime, openings=None
) -> list[OutboxMessage]:
    """Unsaved outbox rows, one per person; the dedupe key makes a repeat a no-op."""
    when = deliver_after(clock, now, openings)
    texts: dict[str, tuple[str, str]] = {}  # rendered once per language, not per person
    messages = []
    for person in people:
        language = _language(person)
        if language not in texts:
            with translation.override(language):
                texts[language] = (_subject(step, clock, ticket)[:300], _body(clock, ticket))
        subject, body = texts[language]
        messages.append(
            OutboxMessage(
                channel=OutboxChannel.EMAIL,
                topic=f"sla.{step}",
                recipient=person.email,
                subject=subject,
                body=body,
                payload={"clock": clock.pk, "metric": clock.metric, "user": person.pk},
                ticket=ticket,
                dedupe_key=f"sla.{step}:clock:{clock.pk}:user:{person.pk}",
                deliver_after=when,
            )
        )
    return messages


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
