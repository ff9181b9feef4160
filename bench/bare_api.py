"""The floor for bench/api.py: a bare DRF ModelViewSet writing the same ticket rows.

No service, no audit event, no SLA clocks, no outbox: what DRF alone costs on this
machine. Mounted at /bare/ only by bench/api_settings.py (ROOT_URLCONF), never by the
product's URLs.
"""

import uuid

from django.urls import include, path
from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import SimpleRouter

from servicedesk.urls import urlpatterns as product_urlpatterns
from tickets.models import Ticket


class BareTicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = (
            "id",
            "reference",
            "subject",
            "description",
            "status",
            "priority",
            "channel",
            "kind",
            "complexity",
            "team",
            "customer",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = ("id", "reference", "status", "created_at", "updated_at", "version")


class BareTicketViewSet(viewsets.ModelViewSet):
    queryset = Ticket.objects.all()
    serializer_class = BareTicketSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []

    def perform_create(self, serializer):
        serializer.save(reference=uuid.uuid4().hex[:20])


router = SimpleRouter()
router.register("tickets", BareTicketViewSet, basename="bare-ticket")

urlpatterns = [path("bare/", include(router.urls)), *product_urlpatterns]
