"""The monthly complaint analysis pages: the latest month, any month, and its CSV and PDF."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .analysis import Month, complaint_monthly_analysis_generate, monthly_analysis_for
from .loyalty import LOYALTY_WINDOW_DAYS, after_complaint_loyalty
from .models import (
    RECORDED_STAGES,
    RootCause,
    Stage,
)
from .report import report_pdf_render

MONTHLY_PERMISSION = "complaints.view_monthlycomplaintanalysis"


def _month_or_404(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404 from None


def _chart(data: dict) -> dict:
    """Bar geometry for the inline SVG chart: this month and last, per top category."""
    top = data["top_categories"]
    highest = max([1, *(item["count"] for item in top), *(item["previous_count"] for item in top)])
    bars = []
    for index, item in enumerate(top):
        x = 60 + index * 140
        bars.append(
            {
                "item": item,
                "x": x,
                "current_height": round(160 * item["count"] / highest),
                "previous_height": round(160 * item["previous_count"] / highest),
            }
        )
    history = data.get("history", [])
    history_high = max([1, *(point["count"] for point in history)])
    points = [
        {
            "x": 40 + index * 70,
            "y": 180 - round(150 * point["count"] / history_high),
            **point,
        }
        for index, point in enumerate(history)
    ]
    return {
        "bars": bars,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
    }


def _monthly_context(request, month: Month) -> dict:
    data, stored = monthly_analysis_for(month)
    language = request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "zh-hans"
    root_labels = dict(RootCause.choices)
    for item in [*data["top_categories"], *data.get("categories", [])]:
        item["display_name"] = (
            item["name_en"] if language.startswith("en") and item["name_en"] else item["name"]
        )
        for cause in item.get("root_causes", []):
            cause["label"] = root_labels.get(cause["root_cause"], cause["root_cause"])
    # In stage order (a stored JSON object does not keep its key order).
    averages = data["stage_average_minutes"]
    stage_times = [(Stage(stage).label, averages.get(stage)) for stage in RECORDED_STAGES]
    return {
        "month": month,
        "data": data,
        "stored": stored,
        "chart": _chart(data),
        "stage_times": stage_times,
        "can_store": request.user.has_perm("complaints.approve_compensation"),
        "loyalty": after_complaint_loyalty(month),
        "loyalty_window_days": LOYALTY_WINDOW_DAYS,
    }


@login_required
@permission_required(MONTHLY_PERMISSION, raise_exception=True)
@require_GET
def monthly_latest(request):
    return redirect("complaints:monthly", month=str(Month.containing(timezone.now()).previous))


@login_required
@permission_required(MONTHLY_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def monthly(request, month: str):
    target = _month_or_404(month)
    if request.method == "POST":
        complaint_monthly_analysis_generate(month=target)
        messages.success(request, _("The analysis of %(month)s was stored.") % {"month": target})
        return redirect("complaints:monthly", month=str(target))
    return render(request, "complaints/monthly.html", _monthly_context(request, target))


@login_required
@permission_required(MONTHLY_PERMISSION, raise_exception=True)
@require_GET
def monthly_csv(request, month: str):
    target = _month_or_404(month)
    context = _monthly_context(request, target)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{target}.csv"'
    response.write("\ufeff")  # a BOM so that spreadsheet programs read the Chinese names
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Rank"),
            _("Category"),
            _("Complaints"),
            _("Previous month"),
            _("Change"),
            _("Recurrence rate"),
            _("Repeat-customer rate"),
            _("Root causes"),
        ]
    )
    for rank, item in enumerate(context["data"]["top_categories"], start=1):
        writer.writerow(
            [
                rank,
                item["display_name"],
                item["count"],
                item["previous_count"],
                item["change"],
                item["recurrence_rate"] if item["recurrence_rate"] is not None else "",
                item["repeat_customer_rate"] if item["repeat_customer_rate"] is not None else "",
                "; ".join(f"{c['label']} ({c['count']})" for c in item["root_causes"]),
            ]
        )
    return response


@login_required
@permission_required(MONTHLY_PERMISSION, raise_exception=True)
@require_GET
def monthly_pdf(request, month: str):
    target = _month_or_404(month)
    html = render_to_string(
        "complaints/monthly_print.html", _monthly_context(request, target), request=request
    )
    response = HttpResponse(report_pdf_render(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="complaints-{target}.pdf"'
    return response
