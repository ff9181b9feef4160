"""Administrators configure calendars and policies here; clocks are read-only history.

Saving a calendar or a policy re-plans the open clocks that depend on it (after commit,
in a task), so no clock is left half on the old rule. Deleting a calendar that a target
or a clock uses is refused (PROTECT) and the admin lists what still uses it.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from servicedesk.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from servicedesk.enqueue import enqueue_after_commit

from .models import Calendar, CalendarException, Clock, ClockPlan, Policy, Target, WorkingHours
from .official_admin import warn_about_missing_years
from .working_calendars import build_working_calendar

MSG_CALENDAR_UNUSABLE = _("These working hours do not make a usable calendar: %(problem)s")


class WorkingHoursFormSet(BaseInlineFormSet):
    """Refuse overlapping intervals and a calendar with no working time before saving."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        calendar = self.instance
        hours = [
            (
                form.cleaned_data["weekday"],
                form.cleaned_data["starts_at"],
                form.cleaned_data["ends_at"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            build_working_calendar(
                time_zone=calendar.time_zone,
                is_24x7=calendar.is_24x7,
                country="",
                hours=hours,
                exceptions=(),
                years=(),
            )
        except ValueError as error:
            raise ValidationError(MSG_CALENDAR_UNUSABLE % {"problem": error}) from error


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 0


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


def _replan_after_commit(task, object_id: int, actor) -> None:
    enqueue_after_commit(task, object_id, actor.pk)


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "country", "is_24x7", "updated_at")
    inlines = [WorkingHoursInline, CalendarExceptionInline]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            warn_about_missing_years(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            warn_about_missing_years(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            from .tasks import sla_replan_calendar

            _replan_after_commit(sla_replan_calendar, form.instance.pk, request.user)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = (
        "metric",
        "duration",
        "unit",
        "calendar",
        "warn_at_percent",
        "warn_after",
        "manager_escalation_percent",
        "pauses_while_waiting_on_customer",
    )


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "active",
        "order",
        "kind",
        "priority",
        "severity",
        "complexity",
        "tier",
        "membership_level",
        "channel",
        "team",
    )
    list_filter = ("active", "kind", "channel")
    inlines = [TargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from .tasks import sla_replan_policy

        _replan_after_commit(sla_replan_policy, form.instance.pk, request.user)


class ClockPlanInline(ReadOnlyTabularInline):
    model = ClockPlan
    fields = (
        "planned_at",
        "planned_by",
        "reason",
        "policy_name",
        "calendar",
        "target_duration",
        "paused_total",
        "due_at",
        "warn_at",
    )


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "metric", "cycle", "state", "due_at", "escalation_level")
    list_filter = ("state", "metric", "escalation_level")
    search_fields = ("ticket__reference",)
    list_select_related = ("ticket",)
    inlines = [ClockPlanInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
