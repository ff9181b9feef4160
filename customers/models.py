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
    PURCHASE_RECORDED = "customer.purchase_recorded", _("Purchase recorded")


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


class Purchase(models.Model):
    """One order of a customer, as the shop or an integration reports it: the spend and
    frequency that tiers are reviewed by [S1 §5.1]. An order number is recorded once per
    customer (a retried report is refused, not counted twice)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="purchases",
        db_index=False,  # purchase_one_per_order and purchase_customer_time_idx lead with it
    )
    order_number = models.CharField(_("order number"), max_length=64)
    product = models.CharField(_("product"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    channel = models.CharField(_("sales channel"), max_length=50, blank=True)
    purchased_at = models.DateTimeField(_("purchased at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-purchased_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "order_number"], name="purchase_one_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="purchase_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "purchased_at"], name="purchase_customer_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.amount} {self.currency})"
