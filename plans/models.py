"""Service plans for requests [S1 §2.2–2.4]: templates per category, versioned plans,
department reviews, execution tasks, the case owner's daily check, acceptance (验收) and
the improvement measures that feedback replies decide."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") and en else zh


class DurationUnit(models.TextChoices):
    # Hours are calendar time; business days are working time on the plans calendar.
    HOURS = "hours", _("hours (calendar time)")
    BUSINESS_DAYS = "business_days", _("business days (working time)")


class OwnerRole(models.TextChoices):
    """Who a template task falls to when a plan is drafted."""

    CASE_OWNER = "case_owner", _("Case owner")
    ASSIGNEE = "assignee", _("Ticket assignee")


class PlanTemplate(models.Model):
    """The standard plan of a request category: sections and default tasks [S1 §2.2]."""

    category = models.OneToOneField(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="plan_template",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["category"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _in_language(self.name_zh, self.name_en)


class TemplateSection(models.Model):
    template = models.ForeignKey(
        PlanTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=50)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["template", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="plans_section_unique_key")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)


class TemplateTask(models.Model):
    template = models.ForeignKey(
        PlanTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="tasks"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    owner_role = models.CharField(
        _("owner"), max_length=20, choices=OwnerRole.choices, default=OwnerRole.CASE_OWNER
    )
    duration = models.PositiveIntegerField(_("duration"))
    duration_unit = models.CharField(
        _("unit"), max_length=20, choices=DurationUnit.choices, default=DurationUnit.BUSINESS_DAYS
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("default task")
        verbose_name_plural = _("default tasks")
        ordering = ["template", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration__gt=0), name="plans_template_task_duration")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In departmental review")
    APPROVED = "approved", _("Approved, in execution")
    ACCEPTED = "accepted", _("Accepted by the customer")


class ServicePlan(models.Model):
    """A request's plan; its text lives in numbered versions (PlanVersion)."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="service_plan",
    )
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    review_round = models.PositiveIntegerField(_("review round"), default=0)
    # Fixed at submission: a complex plan goes to the departments [S1 §2.2].
    is_complex = models.BooleanField(_("complex"), default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "accepted"]) | Q(approved_at__isnull=False),
                name="plans_plan_approved_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} v{self.version}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    # Section key → text, as the template's sections ask.
    sections = models.JSONField(_("sections"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting opinion")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class DepartmentReview(models.Model):
    """One department's opinion on one version, with its own 2-business-day clock."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    round = models.PositiveIntegerField(_("round"))
    version = models.PositiveIntegerField(_("version"))
    team = models.ForeignKey(
        "staff.Team", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    opinion = models.TextField(_("opinion"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(_("requested at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The department-review clock's cycle on the ticket (one cycle per department asked).
    clock_cycle = models.PositiveIntegerField(_("clock cycle"), null=True, blank=True)

    class Meta:
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")
        ordering = ["plan", "round", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round", "team"], name="plans_review_one_per_team_round"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(answered_at__isnull=False),
                name="plans_review_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} r{self.round}"


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class PlanTask(models.Model):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="plan_tasks",
    )
    # From the template: due this long after the plan is made (set at approval) …
    duration = models.PositiveIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(
        _("unit"), max_length=20, choices=DurationUnit.choices, blank=True
    )
    # … or a due time given outright.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__isnull=False) | Q(duration__isnull=False),
                name="plans_task_has_due_or_duration",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="plans_task_done_has_time",
            ),
        ]
        indexes = [
            # The sweep: unfinished tasks past due, not yet escalated.
            models.Index(
                fields=["due_at"],
                condition=Q(escalated_at__isnull=True) & ~Q(status="done"),
                name="plans_task_overdue_idx",
            ),
            models.Index(fields=["owner", "status"], name="plans_task_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskUpdate(models.Model):
    task = models.ForeignKey(
        PlanTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    note = models.TextField(_("note"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
        ordering = ["task", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.status}"


class DailyCheck(models.Model):
    """The case owner checked the plan's progress on a day [S1 §2.3]."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="checks"
    )
    day = models.DateField(_("day"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily check")
        verbose_name_plural = _("daily checks")
        ordering = ["plan", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day"], name="plans_check_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.day}"


class AcceptanceOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class AcceptanceSource(models.TextChoices):
    CUSTOMER_LINK = "customer_link", _("The customer, through the signed link")
    CASE_OWNER = "case_owner", _("The case owner, with the customer's confirmation")


class Acceptance(models.Model):
    """The result checked against the plan (验收) [S1 §2.3]."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="acceptances"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=AcceptanceOutcome.choices)
    source = models.CharField(_("recorded by"), max_length=20, choices=AcceptanceSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    customer_confirmation = models.TextField(_("customer's confirmation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["plan", "created_at", "pk"]
        constraints = [
            # Accepting twice is refused by the service; the database holds the line too.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(outcome="accepted"), name="plans_accepted_once"
            ),
            models.CheckConstraint(
                condition=Q(outcome="accepted") | ~Q(reason=""),
                name="plans_not_accepted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.outcome}"


class AcceptanceLink(models.Model):
    """A signed link sent to the customer; its nonce is spent on first use (no replay)."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="links"
    )
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance link")
        verbose_name_plural = _("acceptance links")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.created_at:%Y-%m-%d}"


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ImprovementMeasure(models.Model):
    """What a feedback or suggestion reply decided to improve, tracked to done [S1 §2.4]."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="improvement_measures",
    )
    measure = models.TextField(_("measure decided"), blank=True)
    none_reason = models.TextField(_("no measure, because"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("improvement measure")
        verbose_name_plural = _("improvement measures")
        ordering = ["status", "-created_at", "pk"]
        constraints = [
            # A measure, or the reason there is none: never both, never neither.
            models.CheckConstraint(
                condition=(~Q(measure="") & Q(none_reason=""))
                | (Q(measure="") & ~Q(none_reason="")),
                name="plans_measure_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="plans_measure_done_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="plans_measure_status_idx")]

    def __str__(self) -> str:
        return self.measure or self.none_reason
