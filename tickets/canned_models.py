"""Canned replies: ready answers agents insert into the ticket composer."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.choices import Kind


class CannedReply(models.Model):
    """A ready answer agents insert into the composer; administrators keep them. It is
    offered on tickets of its kind (blank: every kind) and category (blank: every
    category; a category covers its sub-categories), in the customer's language."""

    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str | None) -> str:
        if language and language.startswith("en") and self.title_en:
            return self.title_en
        return self.title

    def display_body(self, language: str | None) -> str:
        if language and language.startswith("en") and self.body_en:
            return self.body_en
        return self.body
