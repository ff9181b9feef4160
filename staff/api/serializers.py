from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from staff.models import Role, StaffLevel, Team

User = get_user_model()

_ROLE_ORDER = (Role.ADMINISTRATOR, Role.MANAGER, Role.SUPERVISOR, Role.AGENT)


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StaffSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    teams = TeamRefSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "display_name", "role", "level", "teams", "is_active")
        read_only_fields = fields

    def _profile(self, user):
        return getattr(user, "staff_profile", None)

    def get_display_name(self, user) -> str:
        profile = self._profile(user)
        return (profile.display_name if profile else "") or user.get_username()

    @extend_schema_field(serializers.ChoiceField(StaffLevel.choices, allow_null=True))
    def get_level(self, user) -> str | None:
        profile = self._profile(user)
        return profile.level if profile else None

    @extend_schema_field(serializers.ChoiceField(Role.choices, allow_null=True))
    def get_role(self, user) -> str | None:
        # From the prefetched groups (staff.roles.role_of would query once per user).
        names = {group.name for group in user.groups.all()}
        for role in _ROLE_ORDER:
            if role in names:
                return role
        return Role.ADMINISTRATOR if user.is_superuser else None


class TeamSerializer(serializers.ModelSerializer):
    supervisor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Team
        fields = ("id", "name", "channels", "supervisor", "members")
        read_only_fields = fields
