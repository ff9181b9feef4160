from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from servicedesk.outbox.models import OutboxChannel, OutboxMessage

from .models import (
    ApiToken,
    IdempotencyRecord,
    InboundMail,
    RejectedInboundMail,
    WebhookDelivery,
    WebhookEndpoint,
)
from .scopes import Scope
from .services import (
    api_token_issue,
    api_token_revoke,
    webhook_delivery_replay,
    webhook_endpoint_update,
)


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ("name", "user", "scopes", "rate_per_minute")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, plain = api_token_issue(
            user=obj.user,
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            rate_per_minute=obj.rate_per_minute,
            actor=request.user,
        )
        obj.pk = token.pk
        messages.warning(
            request, _("Copy the token now; it is not shown again: %(token)s") % {"token": plain}
        )

    def log_addition(self, request, obj, message):
        """api_token_issue writes the history entry itself (as it does for the API)."""
        return None

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "active", "consecutive_failures", "disabled_at")
    list_filter = ("active",)
    readonly_fields = ("consecutive_failures", "disabled_at", "created_at")
    actions = ("enable",)

    @admin.action(description=_("Enable the selected endpoints again"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_update(endpoint=endpoint, changes={"active": True})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "topic", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "topic")
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ("replay",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel=OutboxChannel.WEBHOOK)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Deliver the selected webhooks again"))
    def replay(self, request, queryset):
        count = 0
        for message in queryset:
            webhook_delivery_replay(message=message)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
        )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("owner", "key", "method", "path", "response_status", "created_at")
    readonly_fields = ("owner", "key", "method", "path", "request_hash", "response_status")

    def has_add_permission(self, request):
        return False


@admin.register(RejectedInboundMail)
class RejectedInboundMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "sender", "subject", "reason")
    readonly_fields = ("received_at", "source", "sender", "subject", "reason")
    exclude = ("raw",)

    def has_add_permission(self, request):
        return False


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """Read-only: the raw file is linked for download; rows go with the retention purge."""

    list_display = ("received_at", "source", "sender", "subject", "ticket", "duplicate")
    list_select_related = ("ticket",)
    search_fields = ("sender", "subject", "email_message_id")
    readonly_fields = [field.name for field in InboundMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
