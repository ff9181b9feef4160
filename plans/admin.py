"""Administrators edit the plan templates: sections and default tasks, in both languages."""

from django.contrib import admin

from .models import PlanTemplate, TemplateSection, TemplateTask


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 1
    fields = ("position", "key", "title_zh", "title_en", "required")


class TemplateTaskInline(admin.TabularInline):
    model = TemplateTask
    extra = 1
    fields = ("position", "title_zh", "title_en", "owner_role", "duration", "duration_unit")


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "category", "active")
    list_filter = ("active",)
    list_select_related = ("category",)
    inlines = [TemplateSectionInline, TemplateTaskInline]
