"""/api/v1/tokens/: administrators issue, list and revoke integration tokens.

The secret is in the answer to the POST only; afterwards a token is known by its prefix.
DELETE revokes (the row stays, for the audit trail and last-used figures).
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from .models import ApiToken
from .scopes import Scope
from .serializers import IdField, InputSerializer
from .services import api_token_issue, api_token_revoke
from .views import ApiViewSet


class ApiTokenSerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(Scope.choices))
    is_active = serializers.BooleanField()

    class Meta:
        model = ApiToken
        fields = (
            "id",
            "name",
            "prefix",
            "user",
            "scopes",
            "rate_per_minute",
            "is_active",
            "created_at",
            "last_used_at",
            "revoked_at",
        )
        read_only_fields = fields


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret: shown in this answer only.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields


class ApiTokenInput(InputSerializer):
    name = serializers.CharField(max_length=100)
    user = IdField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="The user the token acts as: it sees and may do what this user may.",
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(Scope.choices), allow_empty=False, max_length=len(Scope)
    )
    rate_per_minute = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, allow_null=True
    )


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApiViewSet
):
    """Integration tokens, for administrators. The secret is returned once, on creation."""

    queryset = ApiToken.objects.order_by("pk")
    serializer_class = ApiTokenSerializer
    required_scopes = {"read": Scope.TOKENS_MANAGE, "write": Scope.TOKENS_MANAGE}
    # Only administrators hold these permissions (staff/roles.py gives that group all).
    action_permissions = {
        "list": ["api.view_apitoken"],
        "retrieve": ["api.view_apitoken"],
        "create": ["api.add_apitoken"],
        "destroy": ["api.change_apitoken"],
    }
    filterset_class = None
    ordering_fields = ("id",)

    @extend_schema(request=ApiTokenInput, responses={201: ApiTokenIssuedSerializer})
    def create(self, request):
        data = ApiTokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, plain = api_token_issue(**data.validated_data, actor=request.user)
        token.token = plain
        return Response(ApiTokenIssuedSerializer(token).data, status=201)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(status=204)
