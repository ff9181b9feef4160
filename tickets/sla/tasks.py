"""Celery entry points of the SLA engine: thin, idempotent, safe to overlap."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from servicedesk.outbox.tasks import outbox_deliver

from . import replanning
from .models import PlanReason, Policy
from .sweep import sla_sweep as run_sweep


@shared_task(name="sla.sweep", acks_late=True, ignore_result=True)
def sla_sweep() -> dict:
    """Warn, breach and escalate due clocks; beat runs it every SLA_SWEEP_INTERVAL_SECONDS."""
    report = run_sweep()
    if report.notices or any(report.steps.values()):
        # The sweep has committed: deliver now rather than at the next outbox beat.
        outbox_deliver.delay()
    return {"warned": report.warned, "breached": report.breached, "escalated": report.escalated}


def _actor(actor_id: int | None):
    # The administrator whose edit this re-plan follows (a task gets ids, not users).
    if actor_id is None:
        return None
    return get_user_model().objects.filter(pk=actor_id).first()


@shared_task(name="sla.replan_calendar", acks_late=True, ignore_result=True)
def sla_replan_calendar(calendar_id: int, actor_id: int | None = None) -> int:
    """An administrator edited a calendar: re-plan the open clocks that run on it."""
    ticket_ids = replanning.tickets_on_calendar(calendar_id)
    return replanning.sla_replan_tickets(
        ticket_ids=ticket_ids,
        at=timezone.now(),
        reason=PlanReason.CALENDAR_CHANGED,
        actor=_actor(actor_id),
    )


@shared_task(name="sla.replan_policy", acks_late=True, ignore_result=True)
def sla_replan_policy(policy_id: int, actor_id: int | None = None) -> int:
    """An administrator edited a policy or its targets: re-plan the tickets it may affect."""
    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        return 0
    ticket_ids = replanning.tickets_for_policy(policy)
    return replanning.sla_replan_tickets(
        ticket_ids=ticket_ids,
        at=timezone.now(),
        reason=PlanReason.POLICY_CHANGED,
        actor=_actor(actor_id),
    )
