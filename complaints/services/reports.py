"""The written handling report: written with the close, delivered by the worker."""

from django.db import transaction

from servicedesk.enqueue import enqueue_after_commit

from ..models import Complaint, ComplaintReport
from ..report import complaint_report_write
from ..tasks import complaint_report_deliver_task


@transaction.atomic
def complaint_report_generate(*, complaint: Complaint, actor) -> ComplaintReport:
    """Write the next version of the report; once this commits, the worker renders its
    PDF, attaches it to the ticket and mails it to the customer."""
    report = complaint_report_write(complaint=complaint, actor=actor)
    enqueue_after_commit(complaint_report_deliver_task, report.pk)
    return report
