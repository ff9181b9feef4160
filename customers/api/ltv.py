"""/api/v1/ltv-proposals/: the quarterly lifetime-value review's proposals, listed and
decided in bulk (the same service as the review page; managers only)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.ltv import DECISIONS, ltv_proposals_decide, proposal_reason
from customers.models import LevelProposal, ProposalState
from servicedesk.api.scopes import Scope
from servicedesk.api.serializers import InputSerializer
from servicedesk.api.views import ApiViewSet

REVIEW_PERMISSION = "customers.review_ltv"
MAX_DECIDED_AT_ONCE = 1000


class LevelProposalFilter(django_filters.FilterSet):
    review = django_filters.NumberFilter(field_name="review_id", label=_("review"))
    state = django_filters.ChoiceFilter(choices=ProposalState.choices, label=_("state"))

    class Meta:
        model = LevelProposal
        fields = ()


class LevelProposalSerializer(serializers.ModelSerializer):
    quarter = serializers.CharField(source="review.quarter")
    currency = serializers.CharField(source="review.currency")
    from_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reason = serializers.SerializerMethodField()

    class Meta:
        model = LevelProposal
        fields = (
            "id",
            "review",
            "quarter",
            "customer",
            "from_level",
            "to_level",
            "lifetime_value",
            "currency",
            "orders",
            "reason",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        read_only_fields = fields

    def get_reason(self, proposal) -> str:
        return proposal_reason(proposal)


class ProposalDecisionInput(InputSerializer):
    proposals = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=MAX_DECIDED_AT_ONCE,
        help_text="Proposal ids, decided all or none.",
    )
    decision = serializers.ChoiceField(choices=DECISIONS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class LevelProposalViewSet(mixins.ListModelMixin, ApiViewSet):
    """Level proposals of the lifetime-value reviews, highest lifetime value first."""

    queryset = LevelProposal.objects.select_related(
        "review", "customer", "from_level", "to_level"
    ).order_by("-review_id", "-lifetime_value", "pk")
    serializer_class = LevelProposalSerializer
    filterset_class = LevelProposalFilter
    ordering_fields = ("id", "lifetime_value")
    ordering = ("-id",)
    required_scopes = {"read": Scope.CUSTOMERS_READ, "write": Scope.CUSTOMERS_WRITE}
    action_permissions = {"list": [REVIEW_PERMISSION], "decide": [REVIEW_PERMISSION]}

    @extend_schema(
        summary="Approve or reject proposals in bulk (all or none; 409 if one is decided or stale)",
        request=ProposalDecisionInput,
        responses={200: LevelProposalSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def decide(self, request):
        data = ProposalDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = ltv_proposals_decide(
            proposal_ids=data.validated_data["proposals"],
            decision=data.validated_data["decision"],
            actor=request.user,
            note=data.validated_data.get("note", ""),
        )
        return Response(LevelProposalSerializer(decided, many=True).data)
