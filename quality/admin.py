from django import forms
from django.contrib import admin

from .models import (
    CoachingPlan,
    Inspection,
    Investigation,
    KpiWeights,
    RubricCriterion,
    Scorecard,
    Suggestion,
    Survey,
)
from .scorecards import MSG_WEIGHTS_SUM


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


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "weight", "active", "order")


class KpiWeightsForm(forms.ModelForm):
    class Meta:
        model = KpiWeights
        fields = ("quality_percent", "efficiency_percent", "satisfaction_percent")

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in self.Meta.fields]
        if None not in values and sum(values) != 100:
            raise forms.ValidationError(MSG_WEIGHTS_SUM % {"sum": sum(values)})
        return cleaned


@admin.register(KpiWeights)
class KpiWeightsAdmin(admin.ModelAdmin):
    form = KpiWeightsForm
    list_display = ("quality_percent", "efficiency_percent", "satisfaction_percent")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("month", "agent", "team", "version", "status", "total_score")
    list_filter = ("status", "month")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # computed, published and corrected only through the services


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("ticket", "agent", "month", "reason", "status", "score")
    list_filter = ("status", "reason", "month")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoachingPlan)
class CoachingPlanAdmin(admin.ModelAdmin):
    list_display = ("agent", "month", "created_by", "created_at")
