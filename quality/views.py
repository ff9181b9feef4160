"""Quality pages. The survey page is public (the signed link is the credential), one
form, no JavaScript, readable on a phone, in the customer's language. The staff pages:
my scorecard, team scorecards with honours, the QA inspection form, monthly metrics."""

import csv
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.exceptions import ConflictError, NotFound, ServiceDeskError, ValidationError
from servicedesk.templatetags.desk import person
from staff.models import Team

from .honours import latest_scorecards, month_honours
from .inspections import inspection_record
from .kpi import current_weights, month_start, next_month
from .metrics import METRIC_COLUMNS, monthly_metrics
from .models import CRITERION_SCORE_MAX, InspectionStatus, RubricCriterion
from .scorecards import PUBLISH_PERMISSION, scorecards_compute, scorecards_publish
from .selectors import (
    coaching_plans_of,
    inspection_progress,
    inspections_visible_to,
    scorecards_visible_to,
)
from .surveys import (
    DIMENSIONS,
    MSG_ALREADY_ANSWERED,
    SurveyExpired,
    survey_answer,
    survey_for_token,
)
from .workload import workload

INVALID = 422


DIMENSION_QUESTIONS = {
    "attitude": _("Service attitude"),
    "effectiveness": _("Effectiveness: was your problem solved?"),
    "timeliness": _("Timeliness: were we quick enough?"),
}


def _survey_form(request, survey, *, values=None, errors=None, status=200):
    values, errors = values or {}, errors or {}
    context = {
        "survey": survey,
        "dimensions": [
            (name, DIMENSION_QUESTIONS[name], errors.get(name), values.get(name, ""))
            for name in DIMENSIONS
        ],
        "recommend": values.get("recommend", ""),
        "comment": values.get("comment", ""),
        "errors": errors,
        "scale": [str(score) for score in range(1, 6)],
        "recommend_scale": [str(score) for score in range(0, 11)],
    }
    return render(request, "quality/survey.html", context, status=status)


def _closed(request, message, status):
    return render(request, "quality/survey_closed.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    try:
        survey = survey_for_token(token)
    except NotFound as error:
        return _closed(request, error.message, 404)
    except SurveyExpired as error:
        with translation.override(error.language or translation.get_language()):
            return _closed(request, error.message, 410)
    with translation.override(survey.language):
        if survey.is_answered:
            return _closed(request, MSG_ALREADY_ANSWERED, 409)
        if request.method == "GET":
            return _survey_form(request, survey)
        try:
            survey_answer(token=token, answers=request.POST.dict())
        except ValidationError as error:
            return _survey_form(
                request, survey, values=request.POST, errors=error.fields, status=INVALID
            )
        except ConflictError as error:
            return _closed(request, error.message, 409)
        except SurveyExpired as error:
            return _closed(request, error.message, 410)
        return render(request, "quality/survey_thanks.html", {"survey": survey})


# --- staff pages ----------------------------------------------------------------------------

MONTH_FORMAT = "%Y-%m"


def _month_param(request):
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return datetime.strptime(raw, MONTH_FORMAT).date()
    except ValueError:
        return month_start(timezone.localdate())


COMPONENT_DEFINITIONS = (
    _("Service quality: the mean score (0–100) of the agent's QA inspections of the month."),
    _(
        "Efficiency: the mean of the SLA met-on-time rate of the tickets the agent resolved "
        "and the handled volume against the team median (capped at 100)."
    ),
    _(
        "Customer satisfaction: the mean of attitude, effectiveness and timeliness (1–5) of "
        "the month's survey answers, 1 → 0 and 5 → 100."
    ),
    _(
        "A component without data (no surveys, no inspections) is left out and its weight "
        "is shared by the others in proportion."
    ),
)


def kpi_formula() -> str:
    weights = current_weights()
    return (
        _(
            "KPI score = service quality × %(quality)d %% + efficiency × %(efficiency)d %% + "
            "customer satisfaction × %(satisfaction)d %%."
        )
        % weights
    )


@login_required
@require_GET
def my_scorecard(request):
    cards = (
        scorecards_visible_to(request.user)
        .filter(agent=request.user)
        .order_by("-month", "-version")[:12]
    )
    return render(
        request,
        "quality/my_scorecard.html",
        {"cards": cards, "definitions": COMPONENT_DEFINITIONS, "formula": kpi_formula()},
    )


@login_required
@permission_required("quality.view_team_scorecards", raise_exception=True)
@require_GET
def scorecards(request):
    month = _month_param(request)
    visible = scorecards_visible_to(request.user).filter(month=month)
    latest = {card.pk for card in latest_scorecards(month)} | {
        card.pk for card in latest_scorecards(month, teams=True)
    }
    cards = [card for card in visible.order_by("-total_score", "pk") if card.pk in latest]
    honours = month_honours(month)
    plans = coaching_plans_of(month, [card.agent_id for card in honours.coaching])
    context = {
        "month": month,
        "agents": [card for card in cards if card.agent_id],
        "teams": [card for card in cards if card.team_id],
        "honours": honours,
        "coaching": [(card, plans.get(card.agent_id)) for card in honours.coaching],
        "inspections": inspection_progress(request.user, month),
        "to_inspect": list(
            inspections_visible_to(request.user)
            .filter(month=month, status=InspectionStatus.PENDING)
            .select_related("agent__staff_profile")
            .order_by("agent_id", "pk")[:50]
        ),
        "definitions": COMPONENT_DEFINITIONS,
        "formula": kpi_formula(),
        "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        "previous": (month - timedelta(days=1)).replace(day=1),
        "following": next_month(month),
    }
    return render(request, "quality/scorecards.html", context)


@login_required
@permission_required(PUBLISH_PERMISSION, raise_exception=True)
@require_POST
def scorecards_action(request, action: str):
    month = _month_param(request)
    try:
        if action == "publish":
            count = scorecards_publish(month=month, actor=request.user)
            messages.success(request, _("%(count)d scorecards published.") % {"count": count})
        else:
            count = scorecards_compute(month=month, actor=request.user)
            messages.success(request, _("%(count)d scorecards computed.") % {"count": count})
    except ServiceDeskError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('quality:scorecards')}?month={month:%Y-%m}")


@login_required
@permission_required("quality.change_inspection", raise_exception=True)
@require_http_methods(["GET", "POST"])
def inspection_form(request, inspection_id: int):
    inspection = get_object_or_404(inspections_visible_to(request.user), pk=inspection_id)
    criteria = list(RubricCriterion.objects.filter(active=True).order_by("order", "pk"))
    language = translation.get_language()
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        values = {c.code: request.POST.get(c.code, "") for c in criteria}
        try:
            inspection_record(
                inspection=inspection,
                actor=request.user,
                scores=values,
                coaching_notes=request.POST.get("coaching_notes", ""),
            )
        except ServiceDeskError as error:
            errors = error.fields or {"__all__": [error.message]}
            status = error.status_code if error.status_code != 400 else INVALID
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("quality:inspection", inspection_id=inspection.pk)
    rows = [
        (c.code, c.display_name(language), c.weight, values.get(c.code, ""), errors.get(c.code))
        for c in criteria
    ]
    context = {
        "inspection": inspection,
        "rows": rows,
        "errors": errors,
        "notes": request.POST.get("coaching_notes", inspection.coaching_notes),
        "scale": [str(score) for score in range(0, CRITERION_SCORE_MAX + 1)],
    }
    return render(request, "quality/inspection.html", context, status=status)


@login_required
@permission_required("quality.view_team_scorecards", raise_exception=True)
@require_GET
def metrics(request):
    rows = monthly_metrics(last=_month_param(request))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="service-metrics.csv"'
        writer = csv.writer(response)
        writer.writerow([str(label) for _name, label in METRIC_COLUMNS])
        for row in rows:
            writer.writerow(
                [
                    f"{row.month:%Y-%m}" if name == "month" else _blank(getattr(row, name))
                    for name, _label in METRIC_COLUMNS
                ]
            )
        return response
    table = [
        [f"{row.month:%Y-%m}", *[_blank(getattr(row, name)) for name, _l in METRIC_COLUMNS[1:]]]
        for row in rows
    ]
    return render(
        request,
        "quality/metrics.html",
        {"columns": [label for _n, label in METRIC_COLUMNS], "table": table},
    )


def _blank(value):
    return "" if value is None else value


WORKLOAD_COLUMNS = (
    _("agent"),
    _("team"),
    _("open tickets"),
    _("team median open"),
    _("open vs median (%)"),
    _("handled in the month"),
    _("team median handled"),
    _("handled vs median (%)"),
)


@login_required
@permission_required("quality.view_team_scorecards", raise_exception=True)
@require_GET
def workload_page(request):
    month = _month_param(request)
    teams = Team.objects.all()
    if not request.user.has_perm(PUBLISH_PERMISSION):
        teams = teams.filter(supervisor=request.user)
    rows = [
        [
            person(row.agent),
            row.team.name,
            row.open_count,
            _blank(row.team_median_open),
            _blank(row.open_vs_median),
            row.handled_count,
            _blank(row.team_median_handled),
            _blank(row.handled_vs_median),
        ]
        for row in workload(month=month, teams=teams)
    ]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="workload-{month:%Y-%m}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 (Chinese names) with the BOM
        writer = csv.writer(response)
        writer.writerow([str(label) for label in WORKLOAD_COLUMNS])
        writer.writerows(rows)
        return response
    context = {
        "month": month,
        "columns": WORKLOAD_COLUMNS,
        "rows": rows,
        "previous": (month - timedelta(days=1)).replace(day=1),
        "following": next_month(month),
    }
    return render(request, "quality/workload.html", context)
