"""The staff-facing quality records: QA inspections and their rubric, monthly KPI
scorecards and their weights, coaching plans and innovation suggestions (imported into
quality.models, where Django finds them)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ConflictError

MSG_PUBLISHED_IS_FINAL = _(
    "A published scorecard is final; correct it with a new version and a reason."
)


# --- QA inspections [S1 §4.2] -------------------------------------------------------------

CRITERION_SCORE_MAX = 5  # each rubric line is scored 0–5; the inspection 0–100


class RubricCriterion(models.Model):
    """One line of the QA rubric with its weight; administrators edit the list."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=20)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("QA rubric criterion")
        verbose_name_plural = _("QA rubric criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="quality_criterion_weight_range"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class InspectionReason(models.TextChoices):
    RANDOM = "random", _("Random sample")
    LOW_SATISFACTION = "low_satisfaction", _("Low satisfaction")
    BREACHED = "breached", _("SLA breached")


class InspectionStatus(models.TextChoices):
    PENDING = "pending", _("To inspect")
    DONE = "done", _("Inspected")


class Inspection(models.Model):
    """A ticket sampled for the month's quality evaluation, and its rubric score."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    month = models.DateField(_("month"))
    reason = models.CharField(_("reason"), max_length=20, choices=InspectionReason.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PENDING,
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections_made",
    )
    score = models.DecimalField(
        _("score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    coaching_notes = models.TextField(_("coaching notes"), blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("QA inspection")
        verbose_name_plural = _("QA inspections")
        ordering = ["-month", "status", "pk"]
        permissions = [("inspect_any_team", _("Can inspect tickets of every team"))]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "month"], name="quality_inspection_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="quality_inspection_score_range",
            ),
            models.CheckConstraint(
                condition=Q(status=InspectionStatus.PENDING, score__isnull=True)
                | Q(status=InspectionStatus.DONE, score__isnull=False, inspected_at__isnull=False),
                name="quality_inspection_done_has_score",
            ),
        ]
        indexes = [models.Index(fields=["month", "agent"], name="quality_inspection_month_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.month:%Y-%m}"


class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(_("weight"))  # as it was when scored
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("QA criterion score")
        verbose_name_plural = _("QA criterion scores")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "criterion"], name="quality_inspection_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=CRITERION_SCORE_MAX), name="quality_criterion_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


# --- monthly KPI scorecards [S1 §3.2] -------------------------------------------------------


class KpiWeights(models.Model):
    """The scorecard's weights (one row): 40 % quality, 30 % efficiency, 30 % satisfaction
    by default [S1 §3.2]; they must sum to 100."""

    quality_percent = models.PositiveSmallIntegerField(_("service quality (%)"), default=40)
    efficiency_percent = models.PositiveSmallIntegerField(_("efficiency (%)"), default=30)
    satisfaction_percent = models.PositiveSmallIntegerField(
        _("customer satisfaction (%)"), default=30
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI weights")
        verbose_name_plural = _("KPI weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    quality_percent__lte=100,
                    efficiency_percent__lte=100,
                    satisfaction_percent__lte=100,
                )
                & Q(quality_percent=100 - F("efficiency_percent") - F("satisfaction_percent")),
                name="quality_kpi_weights_sum_to_100",
            ),
            models.CheckConstraint(condition=Q(pk=1), name="quality_kpi_weights_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.quality_percent}/{self.efficiency_percent}/{self.satisfaction_percent}"


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Scorecard(models.Model):
    """One month's KPI of an agent or a team, stored; a published version is final (a
    correction is a new version with its reason)."""

    month = models.DateField(_("month"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scorecards",
    )
    team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scorecards",
    )
    # An agent's team for the volume comparison (their first team).
    home_team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("home team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    quality_score = models.DecimalField(
        _("service quality"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    efficiency_score = models.DecimalField(
        _("efficiency"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_score = models.DecimalField(
        _("customer satisfaction"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("KPI score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    quality_percent = models.PositiveSmallIntegerField(_("service quality (%)"))
    efficiency_percent = models.PositiveSmallIntegerField(_("efficiency (%)"))
    satisfaction_percent = models.PositiveSmallIntegerField(_("customer satisfaction (%)"))
    handled_count = models.PositiveIntegerField(_("tickets handled"), default=0)
    team_median_handled = models.DecimalField(
        _("team median handled"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    sla_met_count = models.PositiveIntegerField(_("SLA clocks met"), default=0)
    sla_clock_count = models.PositiveIntegerField(_("SLA clocks ended"), default=0)
    survey_count = models.PositiveIntegerField(_("surveys answered"), default=0)
    inspection_count = models.PositiveIntegerField(_("inspections"), default=0)
    computed_at = models.DateTimeField(_("computed at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("KPI scorecard")
        verbose_name_plural = _("KPI scorecards")
        ordering = ["-month", "-total_score", "pk"]
        permissions = [
            ("view_team_scorecards", _("Can see the scorecards of teams and their agents")),
            ("publish_scorecard", _("Can compute, publish and correct scorecards")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=False, team__isnull=True)
                | Q(agent__isnull=True, team__isnull=False),
                name="quality_scorecard_one_subject",
            ),
            models.UniqueConstraint(
                fields=["month", "agent", "version"],
                condition=Q(agent__isnull=False),
                name="quality_scorecard_agent_version",
            ),
            models.UniqueConstraint(
                fields=["month", "team", "version"],
                condition=Q(team__isnull=False),
                name="quality_scorecard_team_version",
            ),
            models.CheckConstraint(
                condition=Q(status=ScorecardStatus.DRAFT, published_at__isnull=True)
                | Q(status=ScorecardStatus.PUBLISHED, published_at__isnull=False),
                name="quality_scorecard_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""),
                name="quality_scorecard_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} v{self.version}"

    def save(self, *args, **kwargs):
        # Final once published, whatever path tries (admin, shell, a future service): a
        # correction is a new version with its reason (quality.scorecards).
        if (
            self.pk
            and Scorecard.objects.filter(pk=self.pk, status=ScorecardStatus.PUBLISHED).exists()
        ):
            raise ConflictError(MSG_PUBLISHED_IS_FINAL)
        super().save(*args, **kwargs)


class CoachingPlan(models.Model):
    """Low scorers get coaching [S1 §3.2]: the plan for an agent flagged in a month."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="coaching_plans",
    )
    month = models.DateField(_("month"))
    plan = models.TextField(_("coaching plan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching plan")
        verbose_name_plural = _("coaching plans")
        constraints = [
            models.UniqueConstraint(fields=["agent", "month"], name="quality_coaching_once"),
            models.CheckConstraint(condition=~Q(plan=""), name="quality_coaching_has_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.month:%Y-%m}"


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    DECLINED = "declined", _("Declined")


class Suggestion(models.Model):
    """A staff member's innovation suggestion [S3 ch.1, S1 §7.1]; the adoption rate is a
    culture metric beside NPS and channel consistency."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("innovation suggestion")
        verbose_name_plural = _("innovation suggestions")
        ordering = ["-submitted_at", "-pk"]
        permissions = [("review_suggestion", _("Can adopt or decline suggestions"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SuggestionStatus.SUBMITTED, reviewed_at__isnull=True)
                | Q(
                    status__in=[SuggestionStatus.ADOPTED, SuggestionStatus.DECLINED],
                    reviewed_at__isnull=False,
                )
                & ~Q(decision_reason=""),
                name="quality_suggestion_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title
