"""Celery entry points of the tickets app."""

from celery import shared_task

from .mail_archive import inbound_mail_purge


@shared_task(acks_late=True, ignore_result=True)
def inbound_mail_purge_task() -> int:
    """Delete kept inbound mail past INBOUND_MAIL_RETENTION_DAYS (daily from beat)."""
    return inbound_mail_purge()
