"""Complaint representations and request bodies: shape and types only; services decide."""

from django.conf import settings
from rest_framework import serializers

from customers.models import Customer
from servicedesk.api.serializers import IdField, InputSerializer
from staff.models import Team
from tickets.models import Channel

from ..models import (
    RECORDED_STAGES,
    Compensation,
    CompensationKind,
    Complaint,
    ComplaintCategory,
    ComplaintComplexity,
    ComplaintContact,
    ComplaintReport,
    ContactMethod,
    Severity,
    StageEntry,
)

# The stages a person records (every stage but "received"): one enum in the schema.
STAGE_STEP_CHOICES = [(stage, stage) for stage in RECORDED_STAGES]


class StageEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username")

    class Meta:
        model = StageEntry
        fields = [
            "id",
            "round",
            "stage",
            "actor",
            "created_at",
            "content",
            "root_cause",
            "customer_satisfied",
            "compensation_id",
        ]


class CompensationSerializer(serializers.ModelSerializer):
    complaint_id = serializers.IntegerField()
    requested_by = serializers.CharField(source="requested_by.get_username")
    decided_by = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = Compensation
        fields = [
            "id",
            "complaint_id",
            "round",
            "kind",
            "amount",
            "currency",
            "goods_or_service",
            "status",
            "approved_within_own_limit",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "reason",
        ]

    def get_decided_by(self, compensation) -> str | None:
        return compensation.decided_by.get_username() if compensation.decided_by else None


class ContactSerializer(serializers.ModelSerializer):
    made_by = serializers.CharField(source="made_by.get_username")

    class Meta:
        model = ComplaintContact
        fields = ["id", "channel", "contacted_at", "made_by", "note", "recorded_at"]


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintReport
        fields = ["version", "language", "created_at"]


class ComplaintSerializer(serializers.ModelSerializer):
    ticket_id = serializers.IntegerField()
    reference = serializers.CharField(source="ticket.reference")
    subject = serializers.CharField(source="ticket.subject")
    category = serializers.CharField(source="category.name")
    next_stage = serializers.CharField(allow_null=True)
    entries = StageEntrySerializer(many=True)
    compensations = CompensationSerializer(many=True)
    reports = ReportSerializer(many=True)
    contacts = ContactSerializer(many=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "ticket_id",
            "reference",
            "subject",
            "severity",
            "complexity",
            "category",
            "source",
            "product",
            "customer_demand",
            "stage",
            "next_stage",
            "round",
            "version",
            "opened_at",
            "closed_at",
            "entries",
            "compensations",
            "reports",
            "contacts",
        ]


class ComplaintCreateInput(InputSerializer):
    subject = serializers.CharField(max_length=200)
    severity = serializers.ChoiceField(choices=Severity.choices)
    complexity = serializers.ChoiceField(
        choices=ComplaintComplexity.choices, default=ComplaintComplexity.GENERAL
    )
    category_id = IdField(source="category", queryset=ComplaintCategory.objects.filter(active=True))
    customer_id = IdField(
        source="customer", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    team_id = IdField(source="team", queryset=Team.objects.all(), required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Channel.choices, default=Channel.COMPLAINT_HOTLINE)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    product = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    customer_demand = serializers.CharField(required=False, allow_blank=True, default="")


class AdvanceInput(InputSerializer):
    to = serializers.ChoiceField(choices=STAGE_STEP_CHOICES)
    content = serializers.DictField(required=False, default=dict)


class CompensationRequestInput(InputSerializer):
    kind = serializers.ChoiceField(choices=CompensationKind.choices)
    # Text: the service gives the one message for a missing, negative or malformed amount.
    amount = serializers.CharField(required=False, allow_blank=True, default="0", max_length=30)
    currency = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)
    goods_or_service = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_amount(self, value):
        return str(value)

    @staticmethod
    def currencies() -> list[str]:
        return list(settings.COMPENSATION_CURRENCIES)


class ContactInput(InputSerializer):
    channel = serializers.ChoiceField(choices=ContactMethod.choices)
    # The service refuses a time in the future or before the complaint was received.
    contacted_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionInput(InputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenInput(InputSerializer):
    redo_from = serializers.ChoiceField(choices=STAGE_STEP_CHOICES)
    reason = serializers.CharField()


class SeverityInput(InputSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    complexity = serializers.ChoiceField(choices=ComplaintComplexity.choices, required=False)
