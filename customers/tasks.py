"""Celery entry points for customers: thin, idempotent, calling one service."""

from celery import shared_task

from .ltv import ltv_review_compute
from .segmentation import customer_segments_compute


@shared_task(name="customers.tasks.customer_segments_compute_task", acks_late=True)
def customer_segments_compute_task() -> int:
    """Classify every customer (nightly). Safe to run twice: a second run finds every
    customer already in their class and changes nothing."""
    return customer_segments_compute(actor=None).customers_moved


@shared_task(name="customers.tasks.ltv_review_compute_task", acks_late=True)
def ltv_review_compute_task() -> int:
    """The quarter's lifetime-value review (beat, at quarter start). Safe to run twice: the
    quarter's review is computed once."""
    return ltv_review_compute(actor=None).pk
