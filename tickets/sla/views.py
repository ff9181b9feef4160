"""The manager SLA dashboard: thin views over tickets/sla/dashboard.py and response_times.py.

The page, its live part (polled by htmx), its period figures (each a request of its own),
its CSV exports and the API read the same selectors; the reassign buttons call the ticket
assign service.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from servicedesk.exceptions import ServiceDeskError
from tickets.forms import AssignForm, add_service_error
from tickets.selectors import ticket_for_user
from tickets.services import ticket_assign

from . import charts, tables
from .apps import DASHBOARD_PERMISSION
from .dashboard import (
    DIMENSIONS,
    backlog_age,
    pause_time_by_agent,
    sla_live_counts,
    sla_outcomes,
    sla_outcomes_by,
    sla_trend,
    tickets_at_risk,
    tickets_breached,
)
from .forms import DashboardPeriodForm
from .response_times import response_times

INVALID = 422
CHANGE_PERMISSION = "tickets.change_ticket"


def _live_context(request, form: DashboardPeriodForm) -> dict:
    filters = form.filters()
    breached = tickets_breached(user=request.user, filters=filters)
    at_risk = tickets_at_risk(user=request.user, filters=filters)
    return {
        "counts": sla_live_counts(user=request.user, filters=filters),
        "lists": [
            {
                "slug": "breached",
                "title": _("Breached now"),
                "help": _(
                    "Targets missed and still not met on open tickets, longest overdue first."
                ),
                "empty": _("Nothing is breached right now."),
                "clocks": breached,
            },
            {
                "slug": "at-risk",
                "title": _("At risk now"),
                "help": _("Warned and not yet breached, soonest due first."),
                "empty": _("Nothing is at risk right now."),
                "clocks": at_risk,
            },
        ],
        "int_column": tables.Column("", "int"),
        "can_reassign": request.user.has_perm(CHANGE_PERMISSION),
        "query": urlencode(filters.as_query()),
        "refresh_seconds": settings.SLA_DASHBOARD_REFRESH_SECONDS,
        "now": timezone.now(),
    }


def _trend_figure(request, form: DashboardPeriodForm) -> dict:
    step = form.trend_step()
    trend = sla_trend(period=form.period(), user=request.user, step=step, filters=form.filters())
    return {"table": tables.trend_table(step, trend), "chart": charts.trend_chart(trend)}


def _backlog_figure(request, form: DashboardPeriodForm) -> dict:
    backlog = backlog_age(user=request.user, filters=form.filters())
    return {"table": tables.backlog_table(backlog), "chart": charts.count_chart(backlog)}


def _times_figure(request, form: DashboardPeriodForm) -> dict:
    times = response_times(period=form.period(), user=request.user, filters=form.filters())
    return {
        "table": tables.response_times_table(times),
        "first_response_chart": charts.count_chart(times.first_response.buckets),
        "resolution_chart": charts.count_chart(times.resolution.buckets),
        "distribution": tables.distribution_table(times),
    }


def _outcomes_figure(request, form: DashboardPeriodForm) -> dict:
    outcomes = sla_outcomes(period=form.period(), user=request.user, filters=form.filters())
    return {
        "outcomes": [
            {"table": tables.outcome_table(dimension, rows), "chart": charts.outcome_chart(rows)}
            for dimension, rows in outcomes.items()
        ]
    }


def _pauses_figure(request, form: DashboardPeriodForm) -> dict:
    pauses = pause_time_by_agent(period=form.period(), user=request.user, filters=form.filters())
    return {"table": tables.pauses_table(pauses)}


# The period's figures, in the page's order: each is read by its own request once the page
# is shown (see `figure`), so the live part comes first and the figures in parallel.
FIGURES = {
    "trend": _trend_figure,
    "backlog": _backlog_figure,
    "times": _times_figure,
    "outcomes": _outcomes_figure,
    "pauses": _pauses_figure,
}


def _export_query(request) -> str:
    return request.GET.urlencode()


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def dashboard(request):
    form = DashboardPeriodForm.from_query(request.GET)
    valid = form.is_valid()
    context = {
        "form": form,
        "export_query": _export_query(request),
        # An invalid period shows its error and no figures.
        "figures": list(FIGURES) if valid else [],
        **_live_context(request, form),
    }
    return render(request, "sla/dashboard.html", context, status=200 if valid else INVALID)


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def live(request):
    """The live part alone: htmx polls it, so counts and lists change without a reload."""
    form = DashboardPeriodForm.from_query(request.GET)
    form.is_valid()  # an invalid filter is ignored here; the full page shows its error
    return render(request, "sla/_live.html", _live_context(request, form))


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def figure(request, name: str):
    """One of the period's figures (FIGURES), for the period and filters of the query: the
    dashboard's htmx fetches each into its place; without script it is a page of its own."""
    if name not in FIGURES:
        raise Http404
    form = DashboardPeriodForm.from_query(request.GET)
    if not form.is_valid():  # the dashboard shows the error and asks for no figure
        return render(request, "sla/_figure_invalid.html", {"form": form}, status=INVALID)
    context = {"name": name, "export_query": _export_query(request)}
    context.update(FIGURES[name](request, form))
    fragment = f"sla/_figure_{name}.html"
    if request.htmx:
        return render(request, fragment, context)
    return render(request, "sla/figure.html", {**context, "fragment": fragment})


# The exports of the period's figures: export name → (figure, which of its tables).
_EXPORTED_TABLES = {
    "backlog-age": ("backlog", "table"),
    "response-times": ("times", "table"),
    "distribution": ("times", "distribution"),
    "pauses": ("pauses", "table"),
}


def _period_figure(name: str, request, form: DashboardPeriodForm) -> tables.Table | None:
    """The one period figure an export names, read alone by the function that reads it for
    the page (FIGURES); the outcomes of one dimension alone. None for a name that is no
    figure."""
    if name.startswith("outcomes-") and name.removeprefix("outcomes-") in DIMENSIONS:
        dimension = name.removeprefix("outcomes-")
        rows = sla_outcomes_by(
            dimension, period=form.period(), user=request.user, filters=form.filters()
        )
        return tables.outcome_table(dimension, rows)
    exported = {f"trend-{form.trend_step()}": ("trend", "table"), **_EXPORTED_TABLES}
    if name not in exported:
        return None
    figure, table = exported[name]
    return FIGURES[figure](request, form)[table]


def _export_table(request, form: DashboardPeriodForm, name: str) -> tables.Table:
    live_lists = {"breached": tickets_breached, "at-risk": tickets_at_risk}
    if name in live_lists:
        clocks = live_lists[name](user=request.user, filters=form.filters())
        title = _("Breached now") if name == "breached" else _("At risk now")
        return tables.clock_table(name, title, clocks)
    if not form.is_valid():
        raise Http404
    table = _period_figure(name, request, form)
    if table is None:
        raise Http404
    return table


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_GET
def export(request, name: str):
    """One figure of the dashboard as CSV (UTF-8 with a BOM, so spreadsheets read Chinese)."""
    form = DashboardPeriodForm.from_query(request.GET)
    form.is_valid()
    table = _export_table(request, form, name)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sla-{name}-{timezone.localdate().isoformat()}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([tables.csv_header(column) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                tables.csv_value(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return response


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def reassign(request, reference: str):
    """Reassign a listed ticket through the ticket assign service. GET: the choices, the
    ticket's team's members, read only when asked for (htmx puts them in the row; without
    script they are a page of their own); the lists would otherwise carry every team's
    members in every row. POST: the reassignment."""
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    ticket = ticket_for_user(request.user, reference)
    if request.method == "GET":
        form = AssignForm(ticket=ticket, auto_id=f"id_reassign_{ticket.pk}_%s")
        form.fields["assignee"].widget.attrs["autofocus"] = True
        context = {"ticket": ticket, "form": form, "query": _export_query(request)}
        template = "sla/_reassign.html" if request.htmx else "sla/reassign.html"
        return render(request, template, context)
    form = AssignForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_assign(
                ticket=ticket,
                actor=request.user,
                assignee=form.cleaned_data["assignee"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceDeskError as error:
            add_service_error(form, error)
    failed = bool(form.errors)
    if failed:
        outcome = " ".join(str(error) for errors in form.errors.values() for error in errors)
    else:
        outcome = _("%(reference)s reassigned.") % {"reference": ticket.reference}
    if not request.htmx:
        (messages.error if failed else messages.success)(request, outcome)
        return redirect("sla:dashboard")
    filters_form = DashboardPeriodForm.from_query(request.GET)
    filters_form.is_valid()
    context = {**_live_context(request, filters_form), "outcome": outcome, "failed": failed}
    return render(request, "sla/_live.html", context, status=INVALID if failed else 200)
