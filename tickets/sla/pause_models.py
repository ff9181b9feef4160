"""The ticket's pauses: when it waited on the customer and its clocks stood still."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import ResumeReason


class PauseInterval(models.Model):
    """A stretch during which the ticket waited on the customer and its clocks stood still.

    One row per ticket pause (not per clock), so pause time per agent counts each pause once.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_pauses",
    )
    status = models.CharField(_("paused by status"), max_length=20)
    paused_at = models.DateTimeField(_("paused at"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resume_reason = models.CharField(
        _("resumed because"), max_length=20, choices=ResumeReason.choices, blank=True
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["ticket", "paused_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(resumed_at__isnull=True),
                name="sla_pause_one_open_per_ticket",
            ),
            models.CheckConstraint(
                condition=Q(resumed_at__isnull=True) | Q(resumed_at__gte=F("paused_at")),
                name="sla_pause_resumes_after_start",
            ),
        ]
        indexes = [models.Index(fields=["paused_at"], name="sla_pause_time_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.paused_at:%Y-%m-%d %H:%M}"
