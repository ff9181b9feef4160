"""Celery entry points of the SLA engine: thin, idempotent, safe to overlap."""

from celery import shared_task
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


@shared_task(name="sla.replan_calendar", acks_late=True, ignore_result=True)
def sla_replan_calendar(calendar_id: int) -> int:
    """An administrator edited a calendar: re-plan the open clocks that run on it."""
    ticket_ids = replanning.tickets_on_calendar(calendar_id)
    return replanning.sla_replan_tickets(
        ticket_ids=ticket_ids, at=timezone.now(), reason=PlanReason.CALENDAR_CHANGED
    )


@shared_task(name="sla.replan_policy", acks_late=True, ignore_result=True)
def sla_replan_policy(policy_id: int) -> int:
    """An administrator edited a policy or its targets: re-plan the tickets it may affect."""
    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        return 0
    ticket_ids = replanning.tickets_for_policy(policy)
    return replanning.sla_replan_tickets(
        ticket_ids=ticket_ids, at=timezone.now(), reason=PlanReason.POLICY_CHANGED
    )
