"""Closing writes the handling report in the customer's language (HTML and PDF), stores it
versioned, attaches it to the ticket and queues it to the customer through the outbox.

The close writes the report's row and HTML; the PDF, the attachment and the mail are the
worker's (complaint_report_deliver_task, queued after the close commits), so the tests
close inside `worker_after_commit`, which runs that task when the close has committed."""

import io

import pytest
from pypdf import PdfReader

from complaints import services
from complaints.models import ComplaintReport, Stage
from complaints.report import report_pdf_open
from complaints.tasks import complaint_report_deliver_task
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.conftest import advance_to
from tickets.audit import EventAction
from tickets.models import Attachment


def pdf_text(report: ComplaintReport) -> str:
    report.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(report.pdf.read()))
    finally:
        report.pdf.close()
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def closed_in(open_complaint, customer, agent, settings, tmp_path, worker_after_commit):
    settings.MEDIA_ROOT = tmp_path

    def _closed(language):
        customer.language = language
        customer.save()
        complaint = open_complaint()
        with worker_after_commit():
            return advance_to(complaint, agent, Stage.CLOSED)

    return _closed


def test_the_chinese_report_names_every_stage_in_chinese(closed_in):
    complaint = closed_in("zh-hans")
    report = complaint.reports.get()
    assert (report.version, report.language) == (1, "zh-hans")
    text = pdf_text(report)
    for name in ("受理", "调查", "协商", "补偿", "跟进"):
        assert name in text
    assert "投诉处理报告" in text
    assert "Investigate" not in text
    assert complaint.ticket.reference in text


def test_the_english_report_names_every_stage_in_english(closed_in):
    complaint = closed_in("en")
    report = complaint.reports.get()
    text = pdf_text(report)
    for name in ("Accept", "Investigate", "Negotiate", "Compensate", "Follow up"):
        assert name in text
    assert "Complaint handling report" in text
    assert "Seal fitted the wrong way" in text  # the investigation's findings
    assert "No compensation was agreed." in text
    assert "受理" not in text
    assert "Investigate" in report.html


def test_the_report_is_attached_to_the_ticket_and_queued_to_the_customer(closed_in, customer):
    complaint = closed_in("en")
    report = complaint.reports.get()
    attachment = Attachment.objects.get(ticket=complaint.ticket)
    assert report.attachment == attachment
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == f"{complaint.ticket.reference}-report-v1.pdf"
    mail = OutboxMessage.objects.get(topic="complaint.report")
    assert mail.recipient == customer.email
    assert mail.payload["attachment_ids"] == [attachment.pk]
    assert "handling report" in mail.subject
    complaint.ticket.refresh_from_db()
    assert complaint.ticket.status == "resolved"


def test_regenerating_stores_the_next_version_and_keeps_the_first(
    closed_in, supervisor, worker_after_commit
):
    complaint = closed_in("en")
    with worker_after_commit():
        second = services.complaint_report_generate(complaint=complaint, actor=supervisor)
    assert second.version == 2
    assert list(complaint.reports.values_list("version", flat=True)) == [2, 1]
    assert OutboxMessage.objects.filter(topic="complaint.report").count() == 2


def test_a_compensation_appears_in_the_report(
    open_complaint, agent, customer, settings, tmp_path, worker_after_commit
):
    settings.MEDIA_ROOT = tmp_path
    customer.language = "en"
    customer.save()
    complaint = advance_to(open_complaint(), agent, Stage.NEGOTIATE)
    services.complaint_request_compensation(
        complaint=complaint, actor=agent, kind="money", amount="150", currency="CNY"
    )
    services.complaint_advance(
        complaint=complaint,
        actor=agent,
        to=Stage.COMPENSATE,
        content={"recovery_actions": ["apology", "symbolic_atonement"]},
    )
    with worker_after_commit():
        complaint = advance_to(complaint, agent, Stage.CLOSED)
    text = pdf_text(complaint.reports.get())
    assert "150.00 CNY" in text
    assert "Symbolic atonement" in text


def test_the_report_email_carries_the_pdf_when_the_outbox_sends_it(closed_in, settings, mailoutbox):
    from servicedesk.outbox.delivery import send_email

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    complaint = closed_in("en")
    send_email(OutboxMessage.objects.get(topic="complaint.report"))
    (sent,) = mailoutbox
    ((name, content, content_type),) = sent.attachments
    assert name == f"{complaint.ticket.reference}-report-v1.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF")


def test_the_close_writes_the_report_and_leaves_the_pdf_to_the_worker(
    open_complaint, agent, customer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    customer.language = "en"
    customer.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        complaint = advance_to(open_complaint(), agent, Stage.CLOSED)
    report = complaint.reports.get()
    assert "Investigate" in report.html
    # No PDF rendered in the close: no file, no attachment, no mail yet; one task queued.
    assert not report.pdf and report.attachment is None
    assert not Attachment.objects.filter(ticket=complaint.ticket).exists()
    assert not OutboxMessage.objects.filter(topic="complaint.report").exists()
    assert len(queued) == 1
    # Until the worker has stored it, a download renders it from the stored HTML.
    assert report_pdf_open(report).read().startswith(b"%PDF")
    assert not Attachment.objects.filter(ticket=complaint.ticket).exists()


def test_the_worker_delivers_a_report_once_however_often_it_runs(
    open_complaint, agent, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    complaint = advance_to(open_complaint(), agent, Stage.CLOSED)
    report = complaint.reports.get()
    complaint_report_deliver_task(report.pk)
    complaint_report_deliver_task(report.pk)  # acks_late: a redelivered task runs again
    report.refresh_from_db()
    assert report.pdf and report.attachment is not None
    assert Attachment.objects.filter(ticket=complaint.ticket).count() == 1
    assert OutboxMessage.objects.filter(topic="complaint.report").count() == 1
    added = complaint.ticket.events.filter(action=EventAction.ATTACHMENT_ADDED)
    assert added.count() == 1 and added.get().actor == agent
    complaint_report_deliver_task(report.pk + 1000)  # a report that is gone: quietly nothing
