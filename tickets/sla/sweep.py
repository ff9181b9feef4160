"""The SLA sweep: warn, breach and escalate the clocks whose time has come.

Set-based: one query on the partial index `sla_clock_alert_due_idx` reads the clocks
whose next alert has passed, so the cost follows the clocks falling due, not the open
tickets. Clocks are claimed in batches with FOR UPDATE SKIP LOCKED (two beats may
overlap during a deploy, or a slow sweep may meet the next one): a claimed clock is
invisible to the other sweep, and its event, escalation level and outbox rows are written
in one transaction with it — a sweep killed mid-batch rolls the whole batch back, and the
next sweep does it once. Outbox rows also carry dedupe keys, a second line of defence.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from servicedesk.outbox.models import OutboxMessage
from servicedesk.outbox.services import event_publish_many
from tickets.models import Ticket, TicketEvent

from .actions import SlaAction
from .models import Clock, ClockState, EscalationLevel
from .notifications import STEP_LEVEL, AlertNotices, AlertStep, Recipients, webhook_payload
from .planning import next_alert_at

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 200
STEP_ACTION = {
    AlertStep.WARNING: SlaAction.WARNING,
    AlertStep.BREACHED: SlaAction.BREACHED,
    AlertStep.ESCALATED: SlaAction.ESCALATED,
}
STEP_COUNTER = {
    AlertStep.WARNING: "warned",
    AlertStep.BREACHED: "breached",
    AlertStep.ESCALATED: "escalated",
}


@dataclass
class SweepReport:
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    notices: int = 0
    # What the registered steps of other apps did (e.g. "plan_tasks_escalated": 3).
    steps: dict[str, int] = field(default_factory=dict)
    # Clocks whose ticket another transaction held: the next sweep takes them.
    deferred: set[int] = field(default_factory=set)


# Other apps' deadlines escalated by the same sweep without tickets importing them (plan
# tasks): each step takes `now`, claims its own rows (SKIP LOCKED) and returns a count.
SweepStep = Callable[[datetime], int]
_sweep_steps: dict[str, SweepStep] = {}


def register_sweep_step(name: str, step: SweepStep) -> None:
    _sweep_steps[name] = step


def claim_due_clocks(now: datetime, limit: int, exclude: set[int] = frozenset()):
    """The sweep's one query: due clocks, oldest first, locked, others' locks skipped."""
    clocks = (
        Clock.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("calendar")
        .filter(next_alert_at__lte=now)
        .order_by("next_alert_at")
    )
    if exclude:
        clocks = clocks.exclude(pk__in=exclude)
    return clocks[:limit]


def sla_sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE) -> SweepReport:
    """Process every clock due at `now`, a batch per transaction."""
    now = now or timezone.now()
    report = SweepReport()
    recipients = Recipients()
    notices = AlertNotices(now)
    while True:
        with transaction.atomic():
            claimed = list(claim_due_clocks(now, batch_size, report.deferred))
            if not claimed:
                break
            _sweep_batch(claimed, now, report, recipients, notices)
        if len(claimed) < batch_size:
            break
    for name, step in _sweep_steps.items():
        report.steps[name] = step(now)
    return report


# What the notices, audit rows and webhook payloads read of a ticket: nothing else is
# loaded (subscribers that read more get it from the database on access).
TICKET_FIELDS = ("id", "reference", "subject", "assignee_id", "team_id")


def _sweep_batch(
    claimed: list[Clock],
    now: datetime,
    report: SweepReport,
    recipients: Recipients,
    notices: AlertNotices,
) -> None:
    """One batch, set-based: a constant number of statements whatever its size — the
    tickets and (new) recipients read, one UPDATE per combination of steps taken, one
    INSERT of audit rows, one of notices and one of webhook deliveries."""
    # Lock the tickets too, skipping any an agent's transaction holds: that transaction may
    # be waiting for one of our clocks, and waiting for its ticket would deadlock.
    tickets = Ticket.objects.select_for_update(skip_locked=True, of=("self",)).only(*TICKET_FIELDS)
    by_id = tickets.in_bulk({clock.ticket_id for clock in claimed})
    recipients.load(by_id.values(), claimed)
    messages: list[OutboxMessage] = []
    events: list[TicketEvent] = []
    published: list[tuple[str, dict, Ticket]] = []
    # Clocks that took the same steps get the same SQL update: one UPDATE per group.
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    replanned: list[Clock] = []
    for clock in claimed:
        ticket = by_id.get(clock.ticket_id)
        if ticket is None:
            report.deferred.add(clock.pk)
            continue
        steps = tuple(_due_steps(clock, now))
        for step in steps:
            _apply_step(step, clock, now)
            people = recipients.for_step(step, ticket, clock.metric)
            messages += notices.messages(step=step, clock=clock, ticket=ticket, people=people)
            events.append(
                TicketEvent(
                    ticket_id=ticket.pk,
                    actor=None,
                    action=STEP_ACTION[step],
                    field=clock.metric,
                    after={
                        "cycle": clock.cycle,
                        "due_at": clock.due_at.isoformat(),
                        "escalation_level": clock.escalation_level,
                        "notified": [person.get_username() for person in people],
                    },
                )
            )
            published.append((STEP_ACTION[step], webhook_payload(step, clock, ticket), ticket))
            counter = STEP_COUNTER[step]
            setattr(report, counter, getattr(report, counter) + 1)
            logger.info(
                "%s ticket=%s metric=%s cycle=%s level=%s",
                STEP_ACTION[step],
                ticket.reference,
                clock.metric,
                clock.cycle,
                clock.escalation_level,
            )
        if steps:
            groups[steps].append(clock.pk)
        else:
            # Nothing due after all (the plan moved): just put the next alert right.
            clock.next_alert_at = next_alert_at(clock)
            replanned.append(clock)
    for steps, ids in groups.items():
        Clock.objects.filter(pk__in=ids).update(**_step_changes(steps, now))
    if replanned:
        Clock.objects.bulk_update(replanned, ["next_alert_at"])
    # The audit rows as record_event writes them (the actor is the system), in one INSERT.
    TicketEvent.objects.bulk_create(events)
    event_publish_many(published)
    if messages:
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        report.notices += len(messages)


def _step_changes(steps: tuple[str, ...], now: datetime) -> dict:
    """The columns these steps write, as expressions over each row (so one UPDATE serves a
    whole group); they match _apply_step and planning.next_alert_at."""
    changes: dict = {"updated_at": now}
    if AlertStep.WARNING in steps:
        changes.update(
            warned_at=now,
            escalation_level=Greatest("escalation_level", Value(EscalationLevel.ASSIGNEE)),
            next_alert_at=F("due_at"),
        )
    if AlertStep.BREACHED in steps:
        changes.update(
            state=ClockState.BREACHED,
            breached_at=F("due_at"),
            escalation_level=Greatest("escalation_level", Value(EscalationLevel.SUPERVISOR)),
            next_alert_at=F("escalate_at"),
        )
    if AlertStep.ESCALATED in steps:
        changes.update(
            escalated_at=now, escalation_level=Value(EscalationLevel.MANAGER), next_alert_at=None
        )
    return changes


def _due_steps(clock: Clock, now: datetime) -> list[str]:
    steps = []
    if clock.state == ClockState.RUNNING:
        if clock.due_at <= now:
            # A warning after the deadline is noise: the breach notice says it all.
            steps.append(AlertStep.BREACHED)
        elif (
            clock.warned_at is None
            and clock.escalation_level < EscalationLevel.ASSIGNEE
            and clock.warn_at <= now
        ):
            steps.append(AlertStep.WARNING)
    breached = clock.state == ClockState.BREACHED or AlertStep.BREACHED in steps
    if (
        breached
        and clock.met_at is None
        and clock.escalate_at is not None
        and clock.escalate_at <= now
        and clock.escalation_level < EscalationLevel.MANAGER
    ):
        steps.append(AlertStep.ESCALATED)
    return steps


def _apply_step(step: str, clock: Clock, now: datetime) -> None:
    if step == AlertStep.WARNING:
        clock.warned_at = now
    elif step == AlertStep.BREACHED:
        # Breached at the deadline itself; the notice goes out at `now`.
        clock.state, clock.breached_at = ClockState.BREACHED, clock.due_at
    else:
        clock.escalated_at = now
    clock.escalation_level = max(clock.escalation_level, STEP_LEVEL[step])
