from django.contrib import admin

from servicedesk.admin import ReadOnlyAdmin

from .models import CannedReply, Category, IntakeTemplate, Tag, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(IntakeTemplate)
class IntakeTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "kind", "default_priority", "active")
    list_filter = ("kind", "active")


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "title_en", "kind", "category", "active", "position")
    list_filter = ("kind", "active")
    search_fields = ("title", "title_en", "body", "body_en")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """Read-only: tickets change through the agent pages and the API, which audit."""

    list_display = ("reference", "subject", "status", "priority", "channel", "team", "assignee")
    list_filter = ("status", "priority", "channel", "kind")
    search_fields = ("reference", "subject")
    list_select_related = ("team", "assignee")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "action", "field", "actor", "created_at")
    list_select_related = ("ticket", "actor")
