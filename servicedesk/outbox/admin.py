from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("topic", "channel", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "topic")
