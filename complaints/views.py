"""Complaint pages: the stage panel on the ticket page, opening a complaint, the list, the
approval inbox and the report download (monthly_views.py and script_views.py hold the rest).

Each view checks access once, parses input with a form, calls one service or selector and
renders. A domain error goes back next to its field with status 422 and the input kept.
The panel's htmx posts re-render the panel partial; plain posts redirect to the ticket.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.picker import customer_picker_context, finding_customer
from servicedesk.exceptions import ServiceDeskError
from tickets.forms import add_service_error
from tickets.models import Kind, Ticket
from tickets.selectors import ticket_for_user

from . import services
from .clock_definitions import complaint_clock_definitions
from .forms import (
    CompensationRequestForm,
    ComplaintOpenForm,
    ContactRecordForm,
    DecisionForm,
    ReopenForm,
    SeverityForm,
    StageVersionForm,
    stage_content_form,
    stage_content_raw,
)
from .models import (
    RECORDED_STAGES,
    STAGE_ORDER,
    Compensation,
    CompensationStatus,
    Complaint,
    Stage,
)
from .report import report_file_name, report_pdf_open
from .selectors import (
    ComplaintListFilters,
    approvals_pending_for,
    complaint_inbox,
    complaint_panel,
    reply_scripts_for,
)

INVALID = 422
CHANGE_PERMISSION = "complaints.change_complaint"


def _complaint_for(request, reference: str, *, write: bool = False) -> Complaint:
    """The one access check: the ticket must be visible (else 404) and a complaint."""
    if write and not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    ticket = ticket_for_user(request.user, reference)
    try:
        return Complaint.objects.select_related("ticket", "ticket__customer", "category").get(
            ticket=ticket
        )
    except Complaint.DoesNotExist:
        raise Http404 from None


def complaint_panel_context(request, ticket: Ticket, bound: dict | None = None) -> dict | None:
    """The ticket page's complaint panel; None for tickets that are not complaints."""
    if ticket.kind != Kind.COMPLAINT:
        return None
    try:
        complaint = Complaint.objects.select_related("category", "ticket__customer").get(
            ticket=ticket
        )
    except Complaint.DoesNotExist:
        return None
    bound = bound or {}
    panel = complaint_panel(complaint, user=request.user)
    next_stage = complaint.next_stage
    customer = complaint.ticket.customer
    script_language = customer.language if customer else None
    current_index = STAGE_ORDER.index(complaint.stage)
    steps = [
        {
            "label": Stage(stage).label,
            "state": "done"
            if STAGE_ORDER.index(stage) <= current_index
            else ("current" if stage == next_stage else "todo"),
        }
        for stage in RECORDED_STAGES
    ]
    return {
        "complaint": complaint,
        "panel": panel,
        "panel_steps": steps,
        # "None agreed" rows are shown with their stage entry, not as a compensation.
        "requested_compensations": [
            item for item in panel.compensations if item.status != CompensationStatus.NOT_REQUIRED
        ],
        "next_stage_label": Stage(next_stage).label if next_stage else "",
        "category_name": complaint.category.display_name(get_language()),
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "stage_form": bound.get("stage")
        or StageVersionForm(complaint=complaint, initial={"to": next_stage}),
        "content_form": bound.get("content")
        or (stage_content_form(next_stage) if next_stage else None),
        "compensation_form": bound.get("compensation")
        or CompensationRequestForm(complaint=complaint, initial={"currency": "CNY"}),
        "reopen_form": bound.get("reopen") or ReopenForm(complaint=complaint),
        "contact_form": bound.get("contact") or ContactRecordForm(complaint=complaint),
        "severity_form": bound.get("severity")
        or SeverityForm(
            complaint=complaint,
            initial={"severity": complaint.severity, "complexity": complaint.complexity},
        ),
        "decision_form": DecisionForm(),
        "clock_definitions": complaint_clock_definitions(complaint),
        "scripts": list(reply_scripts_for()),
        "script_language": script_language,
    }


def _render_panel(request, complaint: Complaint, *, bound=None, status=200):
    context = complaint_panel_context(request, complaint.ticket, bound)
    # Swapped in alone, the panel shows the messages; inside the ticket page, the page does.
    html = render_to_string(
        "complaints/_stage_panel.html",
        {"ticket": complaint.ticket, "panel_messages": True, **context},
        request=request,
    )
    return HttpResponse(html, status=status)


def _after_change(request, complaint: Complaint, *, bound=None, message: str = ""):
    if bound is not None:
        if request.htmx:
            return _render_panel(request, complaint, bound=bound, status=INVALID)
        for form in bound.values():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("tickets:detail", reference=complaint.ticket.reference)
    if request.htmx:
        return _refresh_ticket_page(request, _render_panel(request, complaint), message)
    if message:
        messages.success(request, message)
    return redirect("tickets:detail", reference=complaint.ticket.reference)


def _refresh_ticket_page(request, response: HttpResponse, message: str = "") -> HttpResponse:
    """A recorded change also moves the ticket's status, its SLA clocks and its timeline, which
    lie outside the panel: htmx reloads the whole page (HX-Refresh) and the message shows there.
    The message is queued after the panel is rendered so that the reloaded page shows it."""
    if message:
        messages.success(request, message)
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def panel(request, reference: str):
    complaint = _complaint_for(request, reference)
    return _render_panel(request, complaint)


@login_required
@require_POST
def advance(request, reference: str):
    complaint = _complaint_for(request, reference, write=True)
    stage_form = StageVersionForm(request.POST, complaint=complaint)
    if not stage_form.is_valid():
        return _after_change(request, complaint, bound={"stage": stage_form})
    to = stage_form.cleaned_data["to"]
    if to == Stage.RECEIVED:
        raise Http404
    content_form = stage_content_form(to, data=request.POST)
    bound = {"stage": stage_form, "content": content_form}
    if not content_form.is_valid():
        return _after_change(request, complaint, bound=bound)
    try:
        services.complaint_advance(
            complaint=complaint,
            actor=request.user,
            to=to,
            content=stage_content_raw(content_form, request.POST),
            expected_version=stage_form.cleaned_data["version"],
        )
    except ServiceDeskError as error:
        add_service_error(content_form if error.fields else stage_form, error)
        return _after_change(request, complaint, bound=bound)
    complaint.refresh_from_db()
    return _after_change(
        request, complaint, message=_("Recorded: %(stage)s.") % {"stage": Stage(to).label}
    )


@login_required
@require_POST
def request_compensation(request, reference: str):
    complaint = _complaint_for(request, reference, write=True)
    form = CompensationRequestForm(request.POST, complaint=complaint)
    if not form.is_valid():
        return _after_change(request, complaint, bound={"compensation": form})
    data = form.cleaned_data
    try:
        compensation = services.complaint_request_compensation(
            complaint=complaint,
            actor=request.user,
            kind=data["kind"],
            amount=data["amount"],
            currency=data["currency"],
            goods_or_service=data["goods_or_service"],
            reason=data["reason"],
            expected_version=data["version"],
        )
    except ServiceDeskError as error:
        add_service_error(form, error)
        return _after_change(request, complaint, bound={"compensation": form})
    complaint.refresh_from_db()
    message = (
        _("Compensation recorded within your limit.")
        if compensation.status == "approved"
        else _("Compensation is waiting for approval.")
    )
    return _after_change(request, complaint, message=message)


@login_required
@require_POST
def record_contact(request, reference: str):
    complaint = _complaint_for(request, reference, write=True)
    form = ContactRecordForm(request.POST, complaint=complaint)
    if not form.is_valid():
        return _after_change(request, complaint, bound={"contact": form})
    data = form.cleaned_data
    try:
        services.complaint_contact_record(
            complaint=complaint,
            actor=request.user,
            channel=data["channel"],
            contacted_at=data["contacted_at"],
            note=data["note"],
            expected_version=data["version"],
        )
    except ServiceDeskError as error:
        add_service_error(form, error)
        return _after_change(request, complaint, bound={"contact": form})
    complaint.refresh_from_db()
    return _after_change(request, complaint, message=_("Contact with the customer recorded."))


@login_required
@require_POST
def reopen(request, reference: str):
    complaint = _complaint_for(request, reference, write=True)
    form = ReopenForm(request.POST, complaint=complaint)
    if not form.is_valid():
        return _after_change(request, complaint, bound={"reopen": form})
    try:
        services.complaint_reopen(
            complaint=complaint,
            actor=request.user,
            redo_from=form.cleaned_data["redo_from"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceDeskError as error:
        add_service_error(form, error)
        return _after_change(request, complaint, bound={"reopen": form})
    complaint.refresh_from_db()
    return _after_change(request, complaint, message=_("The complaint was reopened."))


@login_required
@require_POST
def change_terms(request, reference: str):
    complaint = _complaint_for(request, reference, write=True)
    form = SeverityForm(request.POST, complaint=complaint)
    if not form.is_valid():
        return _after_change(request, complaint, bound={"severity": form})
    try:
        complaint = services.complaint_change_terms(
            complaint=complaint,
            actor=request.user,
            severity=form.cleaned_data["severity"],
            complexity=form.cleaned_data["complexity"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceDeskError as error:
        add_service_error(form, error)
        return _after_change(request, complaint, bound={"severity": form})
    complaint.refresh_from_db()
    return _after_change(request, complaint, message=_("Severity and complexity saved."))


@login_required
@require_POST
def decide(request, compensation_id: int):
    """Approve or reject from the inbox or the panel (the service checks who may)."""
    compensation = get_object_or_404(
        Compensation.objects.select_related("complaint__ticket"), pk=compensation_id
    )
    complaint = _complaint_for(request, compensation.complaint.ticket.reference)
    form = DecisionForm(request.POST)
    from_inbox = request.POST.get("from") == "inbox"
    error_message = None
    if not form.is_valid():
        error_message = _("Choose approve or reject.")
    else:
        decide_service = (
            services.complaint_approve_compensation
            if form.cleaned_data["decision"] == "approve"
            else services.complaint_reject_compensation
        )
        try:
            decide_service(
                compensation=compensation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceDeskError as error:
            error_message = str(error.message)
    from_panel = request.htmx and not from_inbox
    if error_message:
        messages.error(request, error_message)
    elif not from_panel:
        messages.success(request, _("Decision recorded."))
    if from_inbox:
        if request.htmx:
            return _render_inbox(request, status=INVALID if error_message else 200)
        return redirect("complaints:approvals")
    complaint.refresh_from_db()
    if request.htmx:
        if error_message:
            return _render_panel(request, complaint, status=INVALID)
        return _refresh_ticket_page(
            request, _render_panel(request, complaint), _("Decision recorded.")
        )
    return redirect("tickets:detail", reference=complaint.ticket.reference)


def _render_inbox(request, status=200):
    template = "complaints/_approvals_table.html" if request.htmx else "complaints/approvals.html"
    return render(
        request,
        template,
        {"rows": approvals_pending_for(request.user), "decision_form": DecisionForm()},
        status=status,
    )


@login_required
@permission_required("complaints.approve_compensation", raise_exception=True)
@require_GET
def approvals(request):
    return _render_inbox(request)


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    if not request.user.has_perm("complaints.add_complaint"):
        raise PermissionDenied
    status = 200
    if finding_customer(request):
        # "Find" without script: the same form again with the matches; nothing is saved.
        form = ComplaintOpenForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = ComplaintOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_open(
                    actor=request.user,
                    subject=data["subject"],
                    severity=data["severity"],
                    complexity=data["complexity"],
                    category=data["category"],
                    customer=data["customer"],
                    new_customer=form.new_customer_fields(),
                    source=data["source"],
                    product=data["product"],
                    customer_demand=data["customer_demand"],
                    description=data["description"],
                )
            except ServiceDeskError as error:
                add_service_error(form, error)
            else:
                ticket = complaint.ticket
                messages.success(
                    request,
                    _("Complaint %(reference)s opened for team %(team)s.")
                    % {"reference": ticket.reference, "team": ticket.team or "—"},
                )
                # The source's team may not be the agent's own; then the agent cannot open
                # the ticket (404), so the list it is filed under is shown instead.
                if Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
                    return redirect("tickets:detail", reference=ticket.reference)
                return redirect("complaints:list")
        status = INVALID
    else:
        form = ComplaintOpenForm()
    context = {"form": form, **customer_picker_context(request, form)}
    return render(request, "complaints/new.html", context, status=status)


# A page of the complaints list: as long as the queue's.
COMPLAINT_PAGE_SIZE = 25


@login_required
@require_GET
def complaint_list(request):
    filters = ComplaintListFilters.from_query(request.GET)
    complaints = complaint_inbox(user=request.user, filters=filters)
    page = Paginator(complaints, COMPLAINT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "complaints": page.object_list,
            "filters": filters,
            "stage": filters.stage,
            "severity": filters.severity,
            "stages": Stage.choices,
        },
    )


@login_required
@require_GET
def report_download(request, reference: str, version: int):
    complaint = _complaint_for(request, reference)
    report = get_object_or_404(complaint.reports, version=version)
    if request.GET.get("format") == "html":
        return HttpResponse(report.html)
    return FileResponse(
        report_pdf_open(report),
        as_attachment=True,
        filename=report_file_name(report),
        content_type="application/pdf",
    )
