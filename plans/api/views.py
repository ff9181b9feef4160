"""/api/v1/plans/, /api/v1/plan-tasks/ and /api/v1/improvement-measures/: thin views over
the plans services (the same the ticket page calls)."""

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet
from tickets.selectors import tickets_visible_to

from .. import acceptance, execution, measures, services
from ..models import DepartmentReview, PlanTask
from ..selectors import improvement_measures, plans_with_details
from .serializers import (
    AcceptanceInput,
    CheckInput,
    ImprovementMeasureSerializer,
    MeasureInput,
    PlanDraftInput,
    PlanSerializer,
    PlanTaskSerializer,
    ReviewInput,
    SectionsInput,
    SubmitInput,
    TaskInput,
    TaskStatusInput,
)

CHANGE = ["tickets.change_ticket"]


def _visible_ticket(user, ticket):
    if not tickets_visible_to(user).filter(pk=ticket.pk).exists():
        raise Http404
    return ticket


@extend_schema_view(
    list=extend_schema(summary="List the service plans of the tickets the caller may see"),
    retrieve=extend_schema(summary="Read one plan: versions, reviews, tasks, acceptance"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Service plans of requests [S1 §2.2–2.4]."""

    serializer_class = PlanSerializer
    ordering_fields = ("id", "created_at")
    ordering = ("-id",)
    filterset_fields = ("status", "ticket")
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.TICKETS_READ, "write": Scope.TICKETS_WRITE}
    action_permissions = {
        name: CHANGE
        for name in (
            "create",
            "sections",
            "submit",
            "review",
            "add_task",
            "check",
            "acceptance",
            "acceptance_link",
        )
    }

    def get_queryset(self):
        # A department asked to review a plan sees it, whichever team owns the ticket.
        user = self.request.user
        if not user.is_authenticated:  # the schema generator's fake request
            return plans_with_details().none()
        return plans_with_details().filter(
            Q(ticket__in=tickets_visible_to(user))
            | Q(pk__in=DepartmentReview.objects.filter(team__members=user).values("plan"))
        )

    def _respond(self, plan, status_code=status.HTTP_200_OK):
        return Response(
            PlanSerializer(plans_with_details().get(pk=plan.pk)).data, status=status_code
        )

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(
        summary="Draft the plan of a request from its category's template",
        request=PlanDraftInput,
        responses={201: PlanSerializer},
    )
    def create(self, request):
        data = self._input(PlanDraftInput)
        ticket = _visible_ticket(request.user, data["ticket"])
        plan = services.plan_draft(ticket=ticket, actor=request.user)
        return self._respond(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Write the draft's sections", request=SectionsInput, responses={200: PlanSerializer}
    )
    @action(detail=True, methods=["post"])
    def sections(self, request, pk=None):
        plan = self.get_object()
        data = self._input(SectionsInput)
        services.plan_update_sections(plan=plan, actor=request.user, sections=data["sections"])
        return self._respond(plan)

    @extend_schema(
        summary="Submit the plan (complex: to the departments named)",
        request=SubmitInput,
        responses={200: PlanSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = self.get_object()
        data = self._input(SubmitInput)
        services.plan_submit(plan=plan, actor=request.user, departments=data.get("departments", []))
        return self._respond(plan)

    @extend_schema(
        summary="A department's opinion: approve or request changes",
        request=ReviewInput,
        responses={200: PlanSerializer},
    )
    @action(detail=True, methods=["post"], url_path="reviews")
    def review(self, request, pk=None):
        plan = self.get_object()
        services.plan_review(plan=plan, actor=request.user, **self._input(ReviewInput))
        return self._respond(plan)

    @extend_schema(
        summary="Add a task (never due before the plan was made)",
        request=TaskInput,
        responses={201: PlanTaskSerializer},
    )
    @action(detail=True, methods=["post"], url_path="tasks")
    def add_task(self, request, pk=None):
        plan = self.get_object()
        task = execution.plan_task_add(plan=plan, actor=request.user, **self._input(TaskInput))
        return Response(PlanTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the case owner's daily check",
        request=CheckInput,
        responses={200: PlanSerializer},
    )
    @action(detail=True, methods=["post"], url_path="checks")
    def check(self, request, pk=None):
        plan = self.get_object()
        execution.plan_daily_check_record(plan=plan, actor=request.user, **self._input(CheckInput))
        return self._respond(plan)

    @extend_schema(
        summary="Record the customer's acceptance (case owner, with confirmation)",
        request=AcceptanceInput,
        responses={200: PlanSerializer},
    )
    @action(detail=True, methods=["post"])
    def acceptance(self, request, pk=None):
        plan = self.get_object()
        acceptance.plan_acceptance_record(
            plan=plan, actor=request.user, **self._input(AcceptanceInput)
        )
        return self._respond(plan)

    @extend_schema(
        summary="Mail the customer a signed acceptance link",
        request=None,
        responses={200: PlanSerializer},
    )
    @action(detail=True, methods=["post"], url_path="acceptance-link")
    def acceptance_link(self, request, pk=None):
        plan = self.get_object()
        acceptance.plan_acceptance_link_send(plan=plan, actor=request.user)
        return self._respond(plan)


class PlanTaskViewSet(ApiViewSet):
    """A plan's task: its status, updated with a note."""

    serializer_class = PlanTaskSerializer
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.TICKETS_READ, "write": Scope.TICKETS_WRITE}
    action_permissions = {"change_status": CHANGE}

    def get_queryset(self):
        visible = tickets_visible_to(self.request.user)
        return PlanTask.objects.select_related("owner", "plan").filter(plan__ticket__in=visible)

    @extend_schema(
        summary="Update a task's status with a note",
        request=TaskStatusInput,
        responses={200: PlanTaskSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        task = self.get_object()
        data = TaskStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = execution.plan_task_update(task=task, actor=request.user, **data.validated_data)
        return Response(PlanTaskSerializer(task).data)


@extend_schema_view(list=extend_schema(summary="Improvement measures (managers track them)"))
class ImprovementMeasureViewSet(mixins.ListModelMixin, ApiViewSet):
    """Improvement measures decided on feedback and suggestions [S1 §2.4]."""

    serializer_class = ImprovementMeasureSerializer
    ordering_fields = ("id", "created_at")
    ordering = ("-id",)
    filterset_fields = ("status",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.TICKETS_READ, "write": Scope.TICKETS_WRITE}
    action_permissions = {
        "list": ["plans.view_improvementmeasure"],
        "create": CHANGE,
        "done": ["plans.change_improvementmeasure"],
    }

    def get_queryset(self):
        return improvement_measures()

    @extend_schema(
        summary="Record a feedback ticket's measure, or why there is none",
        request=MeasureInput,
        responses={201: ImprovementMeasureSerializer},
    )
    def create(self, request):
        data = MeasureInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ticket = _visible_ticket(request.user, values.pop("ticket"))
        measure = measures.improvement_measure_record(ticket=ticket, actor=request.user, **values)
        return Response(ImprovementMeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark a measure done", request=None, responses={200: ImprovementMeasureSerializer}
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        measure = measures.improvement_measure_complete(
            measure=self.get_object(), actor=request.user
        )
        return Response(ImprovementMeasureSerializer(measure).data)
