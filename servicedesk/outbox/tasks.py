"""Celery entry point of the outbox: deliver what is due (beat runs it; the SLA sweep kicks it)."""

from celery import shared_task

from .delivery import outbox_deliver_due


@shared_task(name="outbox.deliver", acks_late=True, ignore_result=True)
def outbox_deliver() -> dict:
    """Safe to run twice or in parallel: each row is claimed with SKIP LOCKED before sending."""
    report = outbox_deliver_due()
    return {"sent": report.sent, "retried": report.retried, "dead": report.dead}
