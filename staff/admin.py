from django.contrib import admin

from servicedesk.admin import ReadOnlyAdmin

from .models import StaffApprovalLimit, StaffEvent, StaffProfile, Team, TrainingRecord


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "supervisor")
    filter_horizontal = ("members",)


class ApprovalLimitInline(admin.TabularInline):
    model = StaffApprovalLimit
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "level", "hire_date", "mentor")
    list_filter = ("level",)
    inlines = [ApprovalLimitInline]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "started_on", "days")
    list_filter = ("kind",)


@admin.register(StaffEvent)
class StaffEventAdmin(ReadOnlyAdmin):
    """The staff records' audit trail."""

    list_display = ("created_at", "user", "actor", "action")
    list_filter = ("action",)
