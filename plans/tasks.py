"""Celery entry points of the plans app: thin, idempotent."""

from celery import shared_task

from .execution import plan_digests_send


@shared_task(name="plans.tasks.plan_digests_send_task", acks_late=True, ignore_result=True)
def plan_digests_send_task() -> int:
    """Beat runs it every PLANS_DIGEST_INTERVAL_SECONDS; only the first run of a working
    morning writes each case owner's digest (the outbox dedupes the rest)."""
    return plan_digests_send()
