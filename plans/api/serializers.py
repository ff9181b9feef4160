"""Plan representations and request bodies: shape and types only; the services decide."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from servicedesk.api.serializers import IdField, InputSerializer
from staff.models import Team
from tickets.models import Ticket

from ..models import (
    Acceptance,
    AcceptanceOutcome,
    DepartmentReview,
    ImprovementMeasure,
    PlanTask,
    PlanVersion,
    ReviewState,
    ServicePlan,
    TaskStatus,
)

User = get_user_model()


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "sections", "created_at", "submitted_at"]


class DepartmentReviewSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="team.name")
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = DepartmentReview
        fields = [
            "id",
            "round",
            "version",
            "team",
            "department",
            "state",
            "opinion",
            "answered_by",
            "requested_at",
            "answered_at",
        ]

    def get_answered_by(self, review) -> str | None:
        return review.answered_by.get_username() if review.answered_by else None


class PlanTaskSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username")

    class Meta:
        model = PlanTask
        fields = [
            "id",
            "title",
            "owner",
            "due_at",
            "duration",
            "duration_unit",
            "status",
            "note",
            "done_at",
            "escalated_at",
        ]


class AcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acceptance
        fields = ["id", "outcome", "source", "reason", "customer_confirmation", "created_at"]


class PlanSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference")
    ticket_id = serializers.IntegerField()
    versions = PlanVersionSerializer(many=True)
    reviews = DepartmentReviewSerializer(many=True)
    tasks = PlanTaskSerializer(many=True)
    acceptances = AcceptanceSerializer(many=True)

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "ticket",
            "ticket_id",
            "status",
            "version",
            "review_round",
            "is_complex",
            "created_at",
            "submitted_at",
            "approved_at",
            "accepted_at",
            "versions",
            "reviews",
            "tasks",
            "acceptances",
        ]


class PlanDraftInput(InputSerializer):
    ticket = IdField(queryset=Ticket.objects.all())


class SectionsInput(InputSerializer):
    sections = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20000)
    )


class SubmitInput(InputSerializer):
    departments = serializers.ListField(
        child=IdField(queryset=Team.objects.all()), required=False, max_length=50
    )


class ReviewInput(InputSerializer):
    team = IdField(queryset=Team.objects.all())
    decision = serializers.ChoiceField(
        choices=[ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED]
    )
    opinion = serializers.CharField(max_length=20000)


class TaskInput(InputSerializer):
    title = serializers.CharField(max_length=200)
    owner = IdField(queryset=User.objects.all())
    due_at = serializers.DateTimeField()


class TaskStatusInput(InputSerializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    note = serializers.CharField(max_length=20000)


class CheckInput(InputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AcceptanceInput(InputSerializer):
    outcome = serializers.ChoiceField(choices=AcceptanceOutcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    customer_confirmation = serializers.CharField(max_length=20000)


class ImprovementMeasureSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference")

    class Meta:
        model = ImprovementMeasure
        fields = ["id", "ticket", "measure", "none_reason", "status", "created_at", "done_at"]


class MeasureInput(InputSerializer):
    ticket = IdField(queryset=Ticket.objects.all())
    measure = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    none_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20000
    )
