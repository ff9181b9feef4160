from rest_framework import serializers

from quality.models import (
    Inspection,
    Investigation,
    InvestigationFinding,
    Scorecard,
    Suggestion,
    SuggestionStatus,
    Survey,
)


class ScorecardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scorecard
        fields = (
            "id",
            "month",
            "agent",
            "team",
            "home_team",
            "version",
            "status",
            "quality_score",
            "efficiency_score",
            "satisfaction_score",
            "total_score",
            "quality_percent",
            "efficiency_percent",
            "satisfaction_percent",
            "handled_count",
            "team_median_handled",
            "sla_met_count",
            "sla_clock_count",
            "survey_count",
            "inspection_count",
            "computed_at",
            "published_at",
            "correction_reason",
        )
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ticket.reference", read_only=True)

    class Meta:
        model = Survey
        fields = (
            "id",
            "ticket",
            "reference",
            "kind",
            "agent",
            "team",
            "channel",
            "language",
            "sent_at",
            "expires_at",
            "answered_at",
            "attitude",
            "effectiveness",
            "timeliness",
            "recommend",
            "comment",
        )
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ticket.reference", read_only=True)

    class Meta:
        model = Inspection
        fields = (
            "id",
            "ticket",
            "reference",
            "agent",
            "month",
            "reason",
            "status",
            "inspector",
            "score",
            "coaching_notes",
            "inspected_at",
        )
        read_only_fields = fields


class InvestigationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ticket.reference", read_only=True)

    class Meta:
        model = Investigation
        fields = (
            "id",
            "ticket",
            "reference",
            "survey",
            "supervisor",
            "status",
            "opened_at",
            "finding",
            "outcome",
            "closed_by",
            "closed_at",
        )
        read_only_fields = fields


class InvestigationCloseInput(serializers.Serializer):
    finding = serializers.ChoiceField(choices=InvestigationFinding.choices)
    outcome = serializers.CharField(max_length=10000)


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = (
            "id",
            "author",
            "title",
            "body",
            "status",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "decision_reason",
        )
        read_only_fields = fields


class SuggestionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)


class SuggestionReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (SuggestionStatus.ADOPTED, SuggestionStatus.DECLINED)]
    )
    reason = serializers.CharField(max_length=10000)
