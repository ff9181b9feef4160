"""The written handling report: HTML and PDF in the customer's language, stored and sent.

Closing a complaint writes it [S0 §03]; a regeneration stores the next version. The PDF
is rendered by WeasyPrint with Noto Sans CJK so that Chinese text renders, by the worker
after the close commits (or on download, until the worker has stored it).
"""

import hashlib
import io
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import Language
from servicedesk.outbox.services import outbox_enqueue_email
from tickets.audit import EventAction, record_event
from tickets.models import Attachment

from .actions import ComplaintAction
from .models import Complaint, ComplaintReport, ScriptLanguage
from .selectors import complaint_report_context

logger = logging.getLogger(__name__)
# WeasyPrint and fontTools log every layout step at INFO; one line per report is enough.
for _noisy in ("weasyprint", "fontTools"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

MSG_REPORT_SUBJECT = _("[%(reference)s] Your complaint handling report")
MSG_REPORT_BODY = _(
    "Dear %(name)s,\n\nyour complaint %(reference)s is closed. The attached report sets out "
    "each step we took, what was found and agreed, and the follow-up.\n\n"
    "Thank you for telling us; it helps us improve."
)


def report_language(complaint: Complaint) -> str:
    """The customer's language (zh-Hans or English); zh-Hans when there is no customer."""
    customer = complaint.ticket.customer
    language = customer.language if customer else Language.ZH_HANS
    return language if language in ScriptLanguage.values else ScriptLanguage.ZH_HANS


def report_html_render(complaint: Complaint, *, language: str, version: int) -> str:
    with translation.override(language):
        context = complaint_report_context(complaint, language=language)
        return render_to_string(
            "complaints/report.html", {**context, "version": version, "language": language}
        )


def report_pdf_render(html: str) -> bytes:
    """The PDF of a document whose stylesheet is one of our static files (the same
    <link> a browser follows for the HTML copy; the Content-Security-Policy refuses
    inline styles there)."""
    # Imported here: WeasyPrint loads Pango at import, which pages that never print skip.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """Our static files and nothing else: a report carries customer text, and nothing
        in it may make the renderer read a local file or the network."""

        def fetch(self, url, headers=None):
            path = unquote(urlsplit(url).path)
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            found = None
            if url.startswith("file:") and path.startswith(static_prefix):
                found = finders.find(path.removeprefix(static_prefix))
            if found is None:
                raise ValueError(f"not one of our static files: {url}")
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            body = Path(found).read_bytes()
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return HTML(string=html, base_url="file:///", url_fetcher=StaticFilesOnly()).write_pdf()


@transaction.atomic
def complaint_report_write(*, complaint: Complaint, actor) -> ComplaintReport:
    """Write the next version of the report (its HTML, the record of what was done).

    The PDF is not rendered here: WeasyPrint takes a second or more per report, which the
    close request and the demo seed should not wait for. `complaint_report_deliver` (run by
    the worker once this commits) renders it, attaches it to the ticket and mails it.
    """
    complaint = Complaint.objects.select_related("ticket", "ticket__customer", "category").get(
        pk=complaint.pk
    )
    language = report_language(complaint)
    last = complaint.reports.order_by("-version").values_list("version", flat=True).first()
    version = (last or 0) + 1
    report = ComplaintReport.objects.create(
        complaint=complaint,
        version=version,
        language=language,
        html=report_html_render(complaint, language=language, version=version),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record_event(
        complaint.ticket,
        actor,
        ComplaintAction.REPORT_GENERATED,
        field="report",
        after={"label": f"v{version} ({language})", "version": version, "language": language},
    )
    logger.info(
        "complaint report written ticket=%s version=%s", complaint.ticket.reference, version
    )
    return report


def report_file_name(report: ComplaintReport) -> str:
    return f"{report.complaint.ticket.reference}-report-v{report.version}.pdf"


def report_pdf_open(report: ComplaintReport):
    """The report's PDF to send: the stored file, or, while the worker has not stored it
    yet (or the file is gone from storage), one rendered now from the stored HTML."""
    if report.pdf and report.pdf.storage.exists(report.pdf.name):
        return report.pdf.open("rb")
    return io.BytesIO(report_pdf_render(report.html))


@transaction.atomic
def complaint_report_deliver(*, report_id: int) -> ComplaintReport | None:
    """Render a written report's PDF, store it, attach it to the ticket and mail it to the
    customer. Safe to run twice: a report that has its attachment is left as it is."""
    report = (
        ComplaintReport.objects.select_for_update(of=("self",))
        .select_related("complaint__ticket__customer", "created_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.attachment_id is not None:
        return report
    ticket = report.complaint.ticket
    actor = report.created_by
    pdf = report_pdf_render(report.html)
    file_name = report_file_name(report)
    stored = []
    try:
        report.pdf.save(file_name, ContentFile(pdf), save=False)
        stored.append(report.pdf)
        # The ticket's attachment row is written here rather than through ticket_attach:
        # the file is ours, not an upload, and the ticket row need not be locked again.
        attachment = Attachment(
            ticket=ticket,
            original_name=file_name,
            content_type="application/pdf",
            size_bytes=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            uploaded_by=actor,
        )
        attachment.file.save(file_name, ContentFile(pdf), save=False)
        stored.append(attachment.file)
        attachment.save()
        report.attachment = attachment
        report.save(update_fields=["pdf", "attachment"])
        record_event(
            ticket,
            actor,
            EventAction.ATTACHMENT_ADDED,
            after={"name": file_name, "size": len(pdf), "type": "application/pdf"},
        )
        customer = ticket.customer
        if customer is not None and customer.email:
            with translation.override(report.language):
                subject = gettext(MSG_REPORT_SUBJECT) % {"reference": ticket.reference}
                body = gettext(MSG_REPORT_BODY) % {
                    "name": customer.name,
                    "reference": ticket.reference,
                }
            # The e-mail sender attaches the files listed in payload["attachment_ids"].
            outbox_enqueue_email(
                topic="complaint.report",
                to=customer.email,
                subject=subject,
                body=body,
                payload={"attachment_ids": [attachment.pk], "complaint_report_id": report.pk},
                ticket=ticket,
                dedupe_key=f"complaint.report:{report.pk}",
            )
    except Exception:
        # Django has no on-rollback hook: remove the stored files so no orphan remains.
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    logger.info(
        "complaint report PDF stored ticket=%s version=%s", ticket.reference, report.version
    )
    return report
