"""Who hears about an SLA warning, breach or escalation, what they read, and when.

Escalation climbs assignee → team supervisor → manager. Notices of working-time targets
wait for the next opening of the target's calendar (the organisation's working hours),
unless the target runs on calendar time (24×7) or the ticket is urgent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from servicedesk.outbox.models import OutboxChannel, OutboxMessage
from staff.models import Role
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
    """Resolves recipients for a sweep; the managers are read at most once."""

    _managers: list | None = None

    def managers(self) -> list:
        if self._managers is None:
            self._managers = managers()
        return self._managers

    def for_step(self, step: str, ticket: Ticket) -> list:
        assignee = _reachable(ticket.assignee)
        supervisor = _reachable(ticket.team.supervisor if ticket.team_id else None)
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


def deliver_after(clock: Clock, now: datetime) -> datetime:
    """Now for urgent tickets and 24×7 targets, else the calendar's next opening."""
    if clock.is_urgent or clock.calendar.is_24x7:
        return now
    return working_calendar(clock.calendar).next_opening(now)


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
    *, step: str, clock: Clock, ticket: Ticket, people: list, now: datetime
) -> list[OutboxMessage]:
    """Unsaved outbox rows, one per person; the dedupe key makes a repeat a no-op."""
    when = deliver_after(clock, now)
    messages = []
    for person in people:
        with translation.override(_language(person)):
            subject, body = _subject(step, clock, ticket), _body(clock, ticket)
        messages.append(
            OutboxMessage(
                channel=OutboxChannel.EMAIL,
                topic=f"sla.{step}",
                recipient=person.email,
                subject=subject[:300],
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
