"""Celery entry points for complaints: thin, idempotent, calling one service."""

from celery import shared_task
from django.utils import timezone

from .analysis import Month, complaint_monthly_analysis_generate
from .report import complaint_report_deliver


@shared_task(name="complaints.tasks.complaint_monthly_analysis_task", acks_late=True)
def complaint_monthly_analysis_task(month: str | None = None) -> str:
    """Store the analysis of `month` ("2026-10"), by default the month that just ended.

    Safe to run twice: the month's row is replaced, never duplicated.
    """
    target = Month.parse(month) if month else Month.containing(timezone.now()).previous
    complaint_monthly_analysis_generate(month=target)
    return str(target)


@shared_task(name="complaints.tasks.complaint_report_deliver_task", acks_late=True)
def complaint_report_deliver_task(report_id: int) -> None:
    """Render a closed complaint's report PDF, attach it and mail it (once; quiet if the
    report is gone)."""
    complaint_report_deliver(report_id=report_id)
