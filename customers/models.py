"""Customers who raise tickets; tiers, segments and care grow here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import AppendOnlyModel


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class Tier(models.TextChoices):
    # Classified by spend, frequency and loyalty [S1 §5.1]; important customers get priority.
    IMPORTANT = "important", _("Important")
    GENERAL = "general", _("General")
    POTENTIAL = "potential", _("Potential")


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.GENERAL)
    # Optimistic concurrency (the API's ETag/If-Match): bumped by every service change.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        permissions = [
            ("view_customer_contact", _("Can see customers' phone numbers and e-mail addresses")),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerAction(models.TextChoices):
    TIER_CHANGED = "customer.tier_changed", _("Tier changed")
    CONTACT_UPDATED = "customer.contact_updated", _("Contact details changed")


class CustomerEvent(AppendOnlyModel):
    """One recorded change of a customer: who, when, what (field → [before, after]), why.

    Append-only like the ticket audit trail: the ORM refuses updates and deletes.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50, choices=CustomerAction.choices)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["customer", "created_at"], name="customer_event_time_idx")]

    def __str__(self) -> str:
        return self.get_action_display()
