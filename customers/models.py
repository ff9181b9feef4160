"""Customers who raise tickets; tiers, segments and care grow here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
