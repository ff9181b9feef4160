"""Pages of the plans app: the plan panel's actions on the ticket page, the customer's
acceptance page and the managers' list of improvement measures. Each action parses its
form, calls one service and goes back to the ticket page with the outcome as a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.exceptions import ServiceDeskError
from tickets.models import Kind
from tickets.selectors import ticket_for_user

from . import acceptance, execution, measures, services
from .forms import (
    AcceptanceRecordForm,
    CustomerAcceptanceForm,
    DailyCheckForm,
    MeasureForm,
    ReviewForm,
    SubmitForm,
    TaskAddForm,
    TaskUpdateForm,
)
from .models import ImprovementMeasure, PlanTask, ServicePlan
from .selectors import improvement_measures, plan_of_ticket

CHANGE_PERMISSION = "tickets.change_ticket"
MEASURES_PERMISSION = "plans.view_improvementmeasure"


def plan_panel_context(request, ticket) -> dict | None:
    """The ticket page's plan section (registered in apps.py); None hides it."""
    if ticket.kind == Kind.FEEDBACK:
        return {
            "measures": list(ticket.improvement_measures.order_by("created_at", "pk")),
            "measure_form": MeasureForm(),
            "is_feedback": True,
        }
    if ticket.kind != Kind.REQUEST:
        return None
    plan = plan_of_ticket(ticket)
    context = {"plan": plan, "can_change": request.user.has_perm(CHANGE_PERMISSION)}
    if plan is None:
        return context
    versions = list(plan.versions.all())
    current = next((v for v in versions if v.number == plan.version), None)
    texts = current.sections if current is not None else {}
    sections = [
        {"key": s.key, "title": s.title, "required": s.required, "text": texts.get(s.key, "")}
        for s in (plan.template.sections.all() if plan.template_id else [])
    ]
    reviews = [review for review in plan.reviews.all() if review.round == plan.review_round]
    context.update(
        sections=sections,
        reviews=reviews,
        earlier_reviews=[r for r in plan.reviews.all() if r.round != plan.review_round],
        tasks=list(plan.tasks.all()),
        acceptances=list(plan.acceptances.all()),
        submit_form=SubmitForm(),
        review_form=ReviewForm(),
        task_form=TaskAddForm(),
        task_update_form=TaskUpdateForm(),
        check_form=DailyCheckForm(),
        acceptance_form=AcceptanceRecordForm(),
    )
    return context


def _ticket(request, reference: str):
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    return ticket_for_user(request.user, reference)


def _plan(request, reference: str) -> ServicePlan:
    ticket = _ticket(request, reference)
    return get_object_or_404(ServicePlan.objects.select_related("ticket"), ticket=ticket)


def _back(request, ticket, *, form=None, error=None, done: str = ""):
    """To the ticket page, with the form's or the service's errors, or the success."""
    if form is not None:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    elif error is not None:
        for field_errors in error.fields.values():
            for message in field_errors:
                messages.error(request, message)
        if not error.fields:
            messages.error(request, error.message)
    elif done:
        messages.success(request, done)
    return redirect("tickets:detail", reference=ticket.reference)


def _run(request, ticket, call, done: str):
    try:
        call()
    except ServiceDeskError as error:
        return _back(request, ticket, error=error)
    return _back(request, ticket, done=done)


@login_required
@require_POST
def draft(request, reference: str):
    ticket = _ticket(request, reference)
    return _run(
        request,
        ticket,
        lambda: services.plan_draft(ticket=ticket, actor=request.user),
        _("The plan was drafted from its template."),
    )


@login_required
@require_POST
def sections(request, reference: str):
    plan = _plan(request, reference)
    texts = {
        key.removeprefix("section_"): value
        for key, value in request.POST.items()
        if key.startswith("section_")
    }
    return _run(
        request,
        plan.ticket,
        lambda: services.plan_update_sections(plan=plan, actor=request.user, sections=texts),
        _("The plan was saved."),
    )


@login_required
@require_POST
def submit(request, reference: str):
    plan = _plan(request, reference)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: services.plan_submit(
            plan=plan, actor=request.user, departments=form.cleaned_data["departments"]
        ),
        _("The plan was submitted."),
    )


@login_required
@require_POST
def review(request, reference: str):
    plan = _plan(request, reference)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: services.plan_review(plan=plan, actor=request.user, **form.cleaned_data),
        _("The department's opinion was recorded."),
    )


@login_required
@require_POST
def task_add(request, reference: str):
    plan = _plan(request, reference)
    form = TaskAddForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: execution.plan_task_add(plan=plan, actor=request.user, **form.cleaned_data),
        _("The task was added."),
    )


@login_required
@require_POST
def task_update(request, reference: str, task_id: int):
    plan = _plan(request, reference)
    task = get_object_or_404(PlanTask, pk=task_id, plan=plan)
    form = TaskUpdateForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: execution.plan_task_update(task=task, actor=request.user, **form.cleaned_data),
        _("The task was updated."),
    )


@login_required
@require_POST
def daily_check(request, reference: str):
    plan = _plan(request, reference)
    form = DailyCheckForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: execution.plan_daily_check_record(
            plan=plan, actor=request.user, **form.cleaned_data
        ),
        _("Today's check was recorded."),
    )


@login_required
@require_POST
def acceptance_record(request, reference: str):
    plan = _plan(request, reference)
    form = AcceptanceRecordForm(request.POST)
    if not form.is_valid():
        return _back(request, plan.ticket, form=form)
    return _run(
        request,
        plan.ticket,
        lambda: acceptance.plan_acceptance_record(
            plan=plan, actor=request.user, **form.cleaned_data
        ),
        _("The customer's verdict was recorded."),
    )


@login_required
@require_POST
def acceptance_link(request, reference: str):
    plan = _plan(request, reference)
    return _run(
        request,
        plan.ticket,
        lambda: acceptance.plan_acceptance_link_send(plan=plan, actor=request.user),
        _("The acceptance link was sent to the customer."),
    )


@require_http_methods(["GET", "POST"])
def accept(request, token: str):
    """The customer's page (no login): the signed link is the credential."""
    try:
        link = acceptance.acceptance_link_read(token)
    except ServiceDeskError as error:
        return render(request, "plans/accept.html", {"error": error.message}, status=400)
    form = CustomerAcceptanceForm(request.POST or None)
    context = {"form": form, "plan": link.plan, "ticket": link.plan.ticket}
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "plans/accept.html", context, status=200 if request.method == "GET" else 400
        )
    try:
        acceptance.plan_accept_by_customer(token=token, **form.cleaned_data)
    except ServiceDeskError as error:
        for field_errors in error.fields.values() or [[error.message]]:
            for message in field_errors:
                form.add_error(None, str(message))
        return render(request, "plans/accept.html", context, status=400)
    return render(request, "plans/accept.html", {**context, "done": True})


@login_required
@require_POST
def measure_record(request, reference: str):
    ticket = _ticket(request, reference)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _back(request, ticket, form=form)
    return _run(
        request,
        ticket,
        lambda: measures.improvement_measure_record(
            ticket=ticket, actor=request.user, **form.cleaned_data
        ),
        _("The improvement measure was recorded."),
    )


@login_required
@permission_required(MEASURES_PERMISSION, raise_exception=True)
@require_GET
def measure_list(request):
    status = request.GET.get("status") or "open"
    rows = improvement_measures(status=None if status == "all" else status)
    return render(request, "plans/measures.html", {"measures": rows[:500], "status": status})


@login_required
@permission_required("plans.change_improvementmeasure", raise_exception=True)
@require_POST
def measure_done(request, measure_id: int):
    measure = get_object_or_404(ImprovementMeasure, pk=measure_id)
    try:
        measures.improvement_measure_complete(measure=measure, actor=request.user)
    except ServiceDeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The measure is done."))
    return redirect("plans:measures")
