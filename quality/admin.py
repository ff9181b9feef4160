from django.contrib import admin

from .models import Investigation, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "agent", "sent_at", "answered_at", "recommend")
    list_filter = ("kind",)
    exclude = ("nonce",)  # part of the customer's credential

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    list_display = ("ticket", "supervisor", "status", "opened_at", "closed_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
