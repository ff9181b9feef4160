from django.contrib import admin

from .models import StaffProfile, Team, TrainingRecord


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "supervisor")
    filter_horizontal = ("members",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "level", "hire_date", "mentor")
    list_filter = ("level",)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "started_on", "days")
    list_filter = ("kind",)
