"""Quality of service: customer surveys, investigations of low scores, QA inspections,
monthly KPI scorecards, honours and staff suggestions (requirements §4, §5, §8)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DIMENSION_MIN, DIMENSION_MAX = 1, 5  # attitude, effectiveness, timeliness [S1 §2.4]
RECOMMEND_MIN, RECOMMEND_MAX = 0, 10  # "would you recommend us" for NPS [S3 ch.1]


class SurveyKind(models.TextChoices):
    TICKET = "ticket", _("Ticket resolved")
    COMPLAINT = "complaint", _("Complaint closed")


def _in_range(field: str, low: int, high: int) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Survey(models.Model):
    """One satisfaction survey per ticket: sent when its service ended, answered once."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="survey"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    # Whose service is rated, and through which team and channel: kept as they were when
    # the survey was sent, so a later reassignment does not move the score.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rated_surveys",
    )
    team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    channel = models.CharField(_("channel"), max_length=30)
    language = models.CharField(_("language"), max_length=10)
    # Random, stored, and signed into the link: a link names its survey only with the
    # nonce, so ids cannot be walked, and the signature makes it unforgeable.
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("attitude"), null=True, blank=True)
    effectiveness = models.PositiveSmallIntegerField(_("effectiveness"), null=True, blank=True)
    timeliness = models.PositiveSmallIntegerField(_("timeliness"), null=True, blank=True)
    recommend = models.PositiveSmallIntegerField(_("would recommend (0–10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_in_range("attitude", DIMENSION_MIN, DIMENSION_MAX)
                & _in_range("effectiveness", DIMENSION_MIN, DIMENSION_MAX)
                & _in_range("timeliness", DIMENSION_MIN, DIMENSION_MAX)
                & _in_range("recommend", RECOMMEND_MIN, RECOMMEND_MAX),
                name="quality_survey_scores_in_range",
            ),
            # Answered means every score given; unanswered means none.
            models.CheckConstraint(
                condition=Q(
                    answered_at__isnull=True,
                    attitude__isnull=True,
                    effectiveness__isnull=True,
                    timeliness__isnull=True,
                    recommend__isnull=True,
                )
                | Q(
                    answered_at__isnull=False,
                    attitude__isnull=False,
                    effectiveness__isnull=False,
                    timeliness__isnull=False,
                    recommend__isnull=False,
                ),
                name="quality_survey_answer_whole",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("sent_at")), name="quality_survey_expires_after_sent"
            ),
        ]
        indexes = [
            # The monthly KPI job: answered surveys per agent / team in a month.
            models.Index(
                fields=["agent", "answered_at"],
                condition=Q(answered_at__isnull=False),
                name="quality_survey_agent_idx",
            ),
            models.Index(
                fields=["answered_at"],
                condition=Q(answered_at__isnull=False),
                name="quality_survey_answered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} ({self.get_kind_display()})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class InvestigationFinding(models.TextChoices):
    AGENT_COACHING = "agent_coaching", _("Agent needs coaching")
    PROCESS = "process", _("Process or policy problem")
    PRODUCT = "product", _("Product problem")
    NO_FAULT = "no_fault", _("No fault found")


class Investigation(models.Model):
    """A low score is investigated by the agent's supervisor [S1 §2.4], on its own SLA
    clock (metric satisfaction_investigation)."""

    survey = models.OneToOneField(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        related_name="investigation",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="satisfaction_investigations",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="satisfaction_investigations",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.OPEN,
    )
    opened_at = models.DateTimeField(_("opened at"))
    finding = models.CharField(
        _("finding"), max_length=20, choices=InvestigationFinding.choices, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction investigation")
        verbose_name_plural = _("satisfaction investigations")
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("manage_all_investigations", _("Can close any team's satisfaction investigation"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=InvestigationStatus.OPEN, closed_at__isnull=True)
                | Q(status=InvestigationStatus.DONE, closed_at__isnull=False)
                & ~Q(finding="")
                & ~Q(outcome=""),
                name="quality_investigation_done_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_status_display()}"


# The staff-facing records live in their own module (size); Django finds them here.
from .staff_models import (  # noqa: E402, F401
    CRITERION_SCORE_MAX,
    CoachingPlan,
    Inspection,
    InspectionReason,
    InspectionScore,
    InspectionStatus,
    KpiWeights,
    RubricCriterion,
    Scorecard,
    ScorecardStatus,
    Suggestion,
    SuggestionStatus,
)
