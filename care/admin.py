from django.contrib import admin

from .models import CareContact, CareSettings


@admin.register(CareSettings)
class CareSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "cap_contacts", "cap_days", "holiday_calendar", "updated_at")

    def has_add_permission(self, request) -> bool:
        # A single row: the daily plan reads the first one.
        return not CareSettings.objects.exists()


@admin.register(CareContact)
class CareContactAdmin(admin.ModelAdmin):
    """Read-only history: contacts are planned by the daily job and finished by agents."""

    list_display = ("customer", "kind", "occasion", "delivery", "status", "skip_reason", "due_on")
    list_filter = ("kind", "status", "skip_reason", "delivery")
    list_select_related = ("customer",)
    raw_id_fields = ("customer", "assignee", "team", "finished_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
