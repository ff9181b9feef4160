"""/api/v1/staff/ and /api/v1/teams/ (read-only)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins

from servicedesk.api.filters import IdFilter, YesNoFilter
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet
from staff.models import StaffLevel, Team

from .serializers import StaffSerializer, TeamSerializer

User = get_user_model()


class StaffFilter(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(
        field_name="staff_profile__level", choices=StaffLevel.choices, label=_("level")
    )
    team_id = IdFilter(field_name="teams", label=_("team"))
    is_active = YesNoFilter(field_name="is_active", label=_("active"))

    class Meta:
        model = User
        fields = ()


class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Staff with a profile: role, level on the career ladder, teams."""

    serializer_class = StaffSerializer
    filterset_class = StaffFilter
    ordering_fields = ("id",)
    ordering = ("id",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.STAFF_READ}

    def get_queryset(self):
        return (
            User.objects.filter(staff_profile__isnull=False)
            .select_related("staff_profile")
            .prefetch_related("groups", Prefetch("teams", queryset=Team.objects.order_by("name")))
        )


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TeamSerializer
    ordering_fields = ("id",)
    ordering = ("id",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.STAFF_READ}
    filter_backends = []

    def get_queryset(self):
        return Team.objects.prefetch_related("members")
