from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from servicedesk.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from servicedesk.exceptions import ValidationError

from .masking import mask_value
from .membership import (
    advisor_check,
    customer_assign_advisor,
    customer_change_level,
    customer_level,
    customer_unpin_tier,
)
from .models import (
    PERSONAL_DATA_FIELDS,
    Customer,
    CustomerEvent,
    LtvReview,
    MembershipLevel,
    Purchase,
    SegmentationRule,
    SegmentationRun,
)
from .selectors import customers_matching
from .services import CONTACT_FIELDS, customer_update

ADMIN_TIER_REASON = _("Changed in the admin")
ADMIN_UNPIN_REASON = _("Unpinned in the admin")
# Written by the tier change (a hand-set tier is pinned) and customer_unpin_tier.
PIN_READ_ONLY = ("tier_pinned_at", "tier_pinned_by", "tier_pin_reason")
# Changed through their services on an existing customer only (the change form).
LADDER_FIELDS = ("membership_level", "advisor", "advisor_team")
ADVISOR_FIELDS = ("advisor", "advisor_team")


class PurchaseInline(ReadOnlyTabularInline):
    """Purchases come from the shop or integrations (the API); shown here, not edited."""

    model = Purchase
    fields = ("purchased_at", "order_number", "product", "amount", "currency", "channel")
    ordering = ("-purchased_at",)


class CustomerChangeForm(forms.ModelForm):
    """The change form never shows personal data in clear (that would be a reveal nobody
    asked for and nobody recorded): the stored values are shown masked, and a field left
    empty keeps its value. New customers are entered with the ordinary fields."""

    class Meta:
        model = Customer
        fields = ("name", "language", "tier", "email", "phone", "id_number", *LADDER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in PERSONAL_DATA_FIELDS:
            masked = mask_value(field, getattr(self.instance, field))
            self.initial[field] = ""
            self.fields[field].required = False
            self.fields[field].help_text = _("Now: %(masked)s. Leave empty to keep it.") % {
                "masked": masked or "—"
            }

    def clean(self):
        cleaned = super().clean()
        for field in PERSONAL_DATA_FIELDS:
            if not cleaned.get(field):
                # Empty keeps the stored value (there is no way to see it to retype it).
                cleaned[field] = getattr(Customer.objects.get(pk=self.instance.pk), field)
                setattr(self.instance, field, cleaned[field])
        self._check_advisor(cleaned)
        return cleaned

    def _check_advisor(self, cleaned) -> None:
        """A new dedicated advisor by the service's own rule, so a refusal is shown on the
        form (save_model then makes the change through customer_assign_advisor)."""
        advisor = cleaned.get("advisor")
        if advisor is None or not set(ADVISOR_FIELDS) & set(self.changed_data):
            return
        level = cleaned.get("membership_level") or customer_level(self.instance)
        try:
            advisor_check(level=level, advisor=advisor, team=cleaned.get("advisor_team"))
        except ValidationError as refused:
            for field, problems in refused.fields.items():
                self.add_error("advisor_team" if field == "team" else field, problems)

    @property
    def changed_data(self):
        return [
            name
            for name in super().changed_data
            if name not in PERSONAL_DATA_FIELDS or self.data.get(name)
        ]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "language", "created_at")
    list_filter = ("tier", "language")
    # Name, or exactly an e-mail, phone or ID number (lookup hashes; get_search_results).
    search_fields = ("name",)
    readonly_fields = ("version", *PIN_READ_ONLY)
    inlines = [PurchaseInline]
    actions = ["unpin_tier"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return (*self.readonly_fields, *LADDER_FIELDS)
        return self.readonly_fields

    @admin.action(description=_("Hand the tier back to the nightly classification"))
    def unpin_tier(self, request, queryset):
        pinned = list(queryset.filter(tier_pinned_at__isnull=False).order_by("pk"))
        for customer in pinned:
            customer_unpin_tier(
                customer=customer, actor=request.user, reason=str(ADMIN_UNPIN_REASON)
            )
        messages.success(
            request,
            _("%(count)d tiers handed back to the nightly classification.")
            % {"count": len(pinned)},
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = CustomerChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        found = customers_matching(search_term, limit=None)
        return queryset.filter(pk__in=found.values("pk")), False

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
        if "membership_level" in form.changed_data and obj.membership_level is not None:
            stored = customer_change_level(
                customer=stored,
                level=obj.membership_level,
                actor=request.user,
                reason=str(ADMIN_TIER_REASON),
            )
        if set(ADVISOR_FIELDS) & set(form.changed_data):
            stored = customer_assign_advisor(
                customer=stored,
                advisor=obj.advisor,
                team=obj.advisor_team,
                actor=request.user,
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


@admin.register(MembershipLevel)
class MembershipLevelAdmin(admin.ModelAdmin):
    """The ladder's rungs: names in both languages, rank and privileges."""

    list_display = ("rank", "code", "name", "name_en", "dedicated_advisor", "min_lifetime_value")


@admin.register(LtvReview)
class LtvReviewAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "computed_at", "customers_count", "proposals_count")
