"""Admin: administrators configure categories, authority by severity, approval limits and
reply scripts. Complaints themselves change only through the pages and the API (audited)."""

from django.contrib import admin

from servicedesk.admin import ReadOnlyAdmin

from .models import (
    Complaint,
    ComplaintAuthority,
    ComplaintCategory,
    ComplaintReport,
    MonthlyComplaintAnalysis,
    ReplyScript,
)


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "active")
    list_filter = ("active",)
    search_fields = ("name", "name_en")


@admin.register(ComplaintAuthority)
class ComplaintAuthorityAdmin(admin.ModelAdmin):
    list_display = ("severity", "minimum_level")


@admin.register(ReplyScript)
class ReplyScriptAdmin(admin.ModelAdmin):
    list_display = ("title", "step", "language", "active", "position", "updated_by", "updated_at")
    list_filter = ("step", "language", "active")
    search_fields = ("title", "body")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "severity", "complexity", "stage", "category", "opened_at")
    list_filter = ("stage", "severity", "complexity", "category")
    search_fields = ("ticket__reference", "ticket__subject")
    list_select_related = ("ticket", "category")


@admin.register(ComplaintReport)
class ComplaintReportAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "version", "language", "created_at")
    list_select_related = ("complaint__ticket",)


@admin.register(MonthlyComplaintAnalysis)
class MonthlyComplaintAnalysisAdmin(ReadOnlyAdmin):
    list_display = ("month", "created_at", "updated_at")
