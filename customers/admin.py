from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from servicedesk.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Customer, CustomerEvent, Purchase, SegmentationRule, SegmentationRun
from .services import CONTACT_FIELDS, customer_update

ADMIN_TIER_REASON = _("Changed in the admin")


class PurchaseInline(ReadOnlyTabularInline):
    """Purchases come from the shop or integrations (the API); shown here, not edited."""

    model = Purchase
    fields = ("purchased_at", "order_number", "product", "amount", "currency", "channel")
    ordering = ("-purchased_at",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "language", "created_at")
    list_filter = ("tier", "language")
    search_fields = ("name", "email")
    readonly_fields = ("version",)
    inlines = [PurchaseInline]

    def save_model(self, request, obj, form, change):
        # Changes go through the services: audited, versioned, and a tier change re-plans
        # the customer's SLA clocks.
        if not change:
            return super().save_model(request, obj, form, change)
        stored = Customer.objects.get(pk=obj.pk)
        stored = customer_update(
            customer=stored,
            actor=request.user,
            contact={
                name: getattr(obj, name) for name in CONTACT_FIELDS if name in form.changed_data
            },
            tier=obj.tier if "tier" in form.changed_data else None,
            reason=str(ADMIN_TIER_REASON),
        )
        obj.version = stored.version


@admin.register(CustomerEvent)
class CustomerEventAdmin(ReadOnlyAdmin):
    """The customers' audit trail: read-only."""

    list_display = ("customer", "action", "actor", "created_at")
    list_filter = ("action",)
    search_fields = ("customer__name",)


@admin.register(SegmentationRule)
class SegmentationRuleAdmin(admin.ModelAdmin):
    """The one segmentation rule: weights, full marks and thresholds an administrator
    tunes; the nightly run (or the next one) classifies by them."""

    list_display = ("window_days", "important_min_score", "general_min_score", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SegmentationRule.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SegmentationRun)
class SegmentationRunAdmin(ReadOnlyAdmin):
    list_display = ("computed_at", "actor", "customers_classified", "customers_moved")
