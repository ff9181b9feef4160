"""Quality pages where staff record work: closing an investigation with its outcome,
writing a coaching plan for a flagged agent, submitting and reviewing suggestions. Thin:
the services decide; a refused input comes back as a form error (422), a refusal of
authority as 403, a conflict as 409, with nothing written."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from servicedesk.exceptions import ServiceDeskError
from tickets.forms import add_service_error
from tickets.sla.models import Clock, Metric

from .forms import CoachingPlanForm, InvestigationCloseForm, SuggestionForm, SuggestionReviewForm
from .honours import coaching_plan_record, may_coach
from .investigations import MANAGE_ALL_PERMISSION, investigation_close
from .models import InvestigationStatus, SuggestionStatus
from .selectors import coaching_plans_of, investigations_visible_to, suggestions_visible_to
from .suggestions import REVIEW_PERMISSION, suggestion_review, suggestion_submit

INVALID = 422


def _refused_status(error: ServiceDeskError) -> int:
    return INVALID if error.status_code == 400 else error.status_code


# --- investigations ---------------------------------------------------------------------------


@login_required
@permission_required("quality.view_investigation", raise_exception=True)
@require_GET
def investigations(request):
    visible = investigations_visible_to(request.user).order_by("status", "opened_at", "pk")
    show_all = request.GET.get("show") == "all"
    rows = visible if show_all else visible.filter(status=InvestigationStatus.OPEN)
    return render(
        request,
        "quality/investigations.html",
        {"investigations": list(rows[:200]), "show_all": show_all},
    )


def may_close(user, investigation) -> bool:
    return investigation.status == InvestigationStatus.OPEN and (
        investigation.supervisor_id == user.pk or user.has_perm(MANAGE_ALL_PERMISSION)
    )


@login_required
@permission_required("quality.view_investigation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def investigation_detail(request, investigation_id: int):
    investigation = get_object_or_404(investigations_visible_to(request.user), pk=investigation_id)
    status = 200
    form = InvestigationCloseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                investigation_close(
                    investigation=investigation, actor=request.user, **form.cleaned_data
                )
            except ServiceDeskError as error:
                add_service_error(form, error)
                status = _refused_status(error)
            else:
                messages.success(request, _("Investigation closed; its clock is stopped."))
                return redirect("quality:investigation", investigation_id=investigation.pk)
        else:
            status = INVALID
    clock = (
        Clock.objects.filter(
            ticket_id=investigation.ticket_id, metric=Metric.SATISFACTION_INVESTIGATION
        )
        .order_by("-cycle")
        .first()
    )
    context = {
        "investigation": investigation,
        "survey": investigation.survey,
        "clock": clock,
        "form": form,
        "can_close": may_close(request.user, investigation),
    }
    return render(request, "quality/investigation.html", context, status=status)


# --- coaching plans ---------------------------------------------------------------------------


@login_required
@permission_required("quality.view_team_scorecards", raise_exception=True)
@require_http_methods(["GET", "POST"])
def coaching_plan(request, agent_id: int, year: int, month: int):
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    month_day = date(year, month, 1)
    agent = get_object_or_404(get_user_model().objects.select_related("staff_profile"), pk=agent_id)
    if not may_coach(request.user, agent):
        raise PermissionDenied
    existing = coaching_plans_of(month_day, [agent.pk]).get(agent.pk)
    form = CoachingPlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                coaching_plan_record(
                    actor=request.user, agent=agent, month=month_day, plan=form.cleaned_data["plan"]
                )
            except ServiceDeskError as error:
                add_service_error(form, error)
                status = _refused_status(error)
            else:
                messages.success(request, _("Coaching plan recorded."))
                return redirect(f"{reverse('quality:scorecards')}?month={month_day:%Y-%m}")
        else:
            status = INVALID
    context = {"agent": agent, "month": month_day, "existing": existing, "form": form}
    return render(request, "quality/coaching_plan.html", context, status=status)


# --- suggestions ------------------------------------------------------------------------------


@login_required
@permission_required("quality.add_suggestion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def suggestions(request):
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                suggestion_submit(actor=request.user, **form.cleaned_data)
            except ServiceDeskError as error:
                add_service_error(form, error)
                status = _refused_status(error)
            else:
                messages.success(request, _("Thank you: your suggestion is submitted."))
                return redirect("quality:suggestions")
        else:
            status = INVALID
    visible = suggestions_visible_to(request.user).order_by("-submitted_at", "-pk")
    context = {
        "form": form,
        "can_review": request.user.has_perm(REVIEW_PERMISSION),
        "waiting": list(visible.filter(status=SuggestionStatus.SUBMITTED)[:200]),
        "reviewed": list(visible.exclude(status=SuggestionStatus.SUBMITTED)[:50]),
    }
    return render(request, "quality/suggestions.html", context, status=status)


@login_required
@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def suggestion_detail(request, suggestion_id: int):
    suggestion = get_object_or_404(suggestions_visible_to(request.user), pk=suggestion_id)
    form = SuggestionReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                suggestion_review(suggestion=suggestion, actor=request.user, **form.cleaned_data)
            except ServiceDeskError as error:
                add_service_error(form, error)
                status = _refused_status(error)
            else:
                messages.success(request, _("Suggestion reviewed."))
                return redirect("quality:suggestions")
        else:
            status = INVALID
    context = {"suggestion": suggestion, "form": form}
    return render(request, "quality/suggestion.html", context, status=status)
