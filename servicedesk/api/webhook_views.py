"""/api/v1/webhooks/: integrations register the URLs and events they want."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from .filters import YesNoFilter
from .models import WebhookEndpoint, WebhookEvent
from .scopes import Scope
from .serializers import InputSerializer
from .services import webhook_endpoint_create, webhook_endpoint_update
from .views import ApiViewSet


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(WebhookEvent.choices))

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "name",
            "url",
            "events",
            "active",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        )
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class WebhookEndpointInput(InputSerializer):
    name = serializers.CharField(max_length=100)
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(WebhookEvent.choices), allow_empty=False, max_length=20
    )
    secret = serializers.CharField(min_length=16, max_length=100, required=False)


class WebhookEndpointChange(InputSerializer):
    name = serializers.CharField(max_length=100, required=False)
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(WebhookEvent.choices), max_length=20, required=False
    )
    active = serializers.BooleanField(required=False)


class WebhookEndpointFilter(django_filters.FilterSet):
    active = YesNoFilter(field_name="active", label=_("active"))

    class Meta:
        model = WebhookEndpoint
        fields = ()


class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Webhook endpoints. The signing secret is returned once, when the endpoint is created."""

    queryset = WebhookEndpoint.objects.order_by("pk")
    serializer_class = WebhookEndpointSerializer
    required_scopes = {"read": Scope.WEBHOOKS_MANAGE, "write": Scope.WEBHOOKS_MANAGE}
    action_permissions = {
        "list": ["api.view_webhookendpoint"],
        "retrieve": ["api.view_webhookendpoint"],
        "create": ["api.add_webhookendpoint"],
        "partial_update": ["api.change_webhookendpoint"],
    }
    filterset_class = WebhookEndpointFilter
    ordering_fields = ("id",)

    @extend_schema(request=WebhookEndpointInput, responses={201: WebhookEndpointCreatedSerializer})
    def create(self, request):
        data = WebhookEndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(**data.validated_data)
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=201)

    @extend_schema(request=WebhookEndpointChange, responses={200: WebhookEndpointSerializer})
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        data = WebhookEndpointChange(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, changes=dict(data.validated_data))
        return Response(WebhookEndpointSerializer(endpoint).data)
