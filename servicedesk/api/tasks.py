"""Celery entry points of the API app."""

from celery import shared_task

from .idempotency import idempotency_records_purge


@shared_task(acks_late=True, ignore_result=True)
def api_idempotency_purge() -> int:
    """Forget Idempotency-Keys older than 24 h (hourly from beat)."""
    return idempotency_records_purge()
