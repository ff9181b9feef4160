"""Reads of the plans app shared by the ticket page and the API."""

from django.db.models import Prefetch, QuerySet

from .models import (
    DepartmentReview,
    ImprovementMeasure,
    MeasureStatus,
    PlanTask,
    PlanVersion,
    ServicePlan,
)


def plans_with_details() -> QuerySet[ServicePlan]:
    """Plans with everything the page and the API show, in a fixed number of queries."""
    return ServicePlan.objects.select_related(
        "ticket", "template", "ticket__case_owner"
    ).prefetch_related(
        Prefetch("versions", queryset=PlanVersion.objects.order_by("number")),
        Prefetch(
            "reviews",
            queryset=DepartmentReview.objects.select_related("team", "answered_by").order_by(
                "round", "team__name"
            ),
        ),
        Prefetch(
            "tasks",
            queryset=PlanTask.objects.select_related("owner").order_by("position", "pk"),
        ),
        "template__sections",
        "acceptances",
    )


def plan_of_ticket(ticket) -> ServicePlan | None:
    return plans_with_details().filter(ticket=ticket).first()


def plans_visible_to(user, tickets_visible: QuerySet) -> QuerySet[ServicePlan]:
    return plans_with_details().filter(ticket__in=tickets_visible)


def improvement_measures(*, status: str | None = None) -> QuerySet[ImprovementMeasure]:
    measures = ImprovementMeasure.objects.select_related("ticket", "decided_by", "done_by")
    if status:
        measures = measures.filter(status=status)
    return measures.order_by("status", "-created_at", "pk")


def open_measures() -> QuerySet[ImprovementMeasure]:
    return improvement_measures(status=MeasureStatus.OPEN)
