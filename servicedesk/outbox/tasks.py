"""Celery entry point of the outbox: deliver what is due (beat runs it; the SLA sweep kicks it)."""

from celery import shared_task

from .delivery import outbox_deliver_due

# Rows one task delivers; a task that found this many queues the next one at once, so a
# backlog (a mass breach queues thousands of notices) drains at the workers' pace rather
# than one batch per beat interval.
DELIVERY_BATCH = 100


@shared_task(name="outbox.deliver", acks_late=True, ignore_result=True)
def outbox_deliver() -> dict:
    """Safe to run twice or in parallel: each row is claimed with SKIP LOCKED before sending."""
    report = outbox_deliver_due(limit=DELIVERY_BATCH)
    if report.claimed == DELIVERY_BATCH:
        outbox_deliver.delay()
    return {"sent": report.sent, "retried": report.retried, "dead": report.dead}
