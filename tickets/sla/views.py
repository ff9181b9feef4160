"""The manager SLA dashboard: thin view over the selectors, one query per widget."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .apps import DASHBOARD_PERMISSION
from .forms import DashboardPeriodForm
from .selectors import (
    DIMENSION_LABELS,
    DIMENSIONS,
    OutcomeRow,
    pause_time_by_agent,
    response_times,
    sla_outcomes_by,
    tickets_at_risk,
)

CHART_LABEL_WIDTH = 160
CHART_BAR_WIDTH = 400
CHART_ROW_HEIGHT = 26


def _chart(rows: list[OutcomeRow]) -> dict:
    """Geometry of a horizontal stacked bar per row: met on time, then breached, in %."""
    bars = []
    for index, row in enumerate(rows):
        met = CHART_BAR_WIDTH * row.met_on_time_percent / 100
        breached = CHART_BAR_WIDTH * row.breach_rate_percent / 100
        bars.append(
            {
                "row": row,
                "y": index * CHART_ROW_HEIGHT,
                "text_y": index * CHART_ROW_HEIGHT + 17,
                "met_width": round(met, 1),
                "breached_x": round(CHART_LABEL_WIDTH + met, 1),
                "breached_width": round(breached, 1),
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * CHART_ROW_HEIGHT,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60,
        "bar_x": CHART_LABEL_WIDTH,
        "value_x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 6,
    }


def _in_choice_order(dimension: str, rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """Priorities urgent → low and tiers as declared, not in the codes' alphabetical order."""
    choices = DIMENSIONS[dimension][1]
    if choices is None:
        return rows
    position = {value: index for index, value in enumerate(choices.values)}
    return sorted(rows, key=lambda row: position.get(row.key, len(position)))


@login_required
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard(request):
    form = DashboardPeriodForm(request.GET) if request.GET else DashboardPeriodForm.default()
    context = {"form": form, "at_risk": tickets_at_risk(user=request.user)}
    if not form.is_valid():
        return render(request, "sla/dashboard.html", context, status=422)
    period = form.period()
    outcomes = [
        {
            "dimension": dimension,
            "label": DIMENSION_LABELS[dimension],
            "rows": _in_choice_order(
                dimension, sla_outcomes_by(dimension, period=period, user=request.user)
            ),
        }
        for dimension in DIMENSIONS
    ]
    context.update(
        outcomes=outcomes,
        chart=_chart(outcomes[0]["rows"]),
        response_times=response_times(period=period, user=request.user),
        pauses=pause_time_by_agent(period=period, user=request.user),
    )
    return render(request, "sla/dashboard.html", context)
