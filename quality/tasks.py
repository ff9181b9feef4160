"""Celery entry points of quality: thin, idempotent."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .inspections import inspections_sample_month
from .kpi import month_start
from .scorecards import scorecards_compute


@shared_task(name="quality.tasks.quality_month_end_task", acks_late=True)
def quality_month_end_task() -> dict:
    """After a month ends: its scorecards (drafts for a manager to publish) and the QA
    sample of the month. Safe to run twice: drafts are refreshed, published ones kept, a
    ticket is sampled once."""
    previous = month_start(month_start(timezone.localdate()) - timedelta(days=1))
    return {
        "scorecards": scorecards_compute(month=previous),
        "sampled": inspections_sample_month(month=previous),
    }
