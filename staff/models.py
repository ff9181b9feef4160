"""Staff profiles and teams: who works tickets, and at which level of the career ladder."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import AppendOnlyModel


class StaffLevel(models.TextChoices):
    # Career ladder: junior → senior specialist → supervisor → manager [S1 §3.3].
    JUNIOR = "junior", _("Junior service specialist")
    SENIOR = "senior", _("Senior service specialist")
    SUPERVISOR = "supervisor", _("Service supervisor")
    MANAGER = "manager", _("Service manager")


class Role(models.TextChoices):
    """The permission groups; each is a django.contrib.auth Group of the same name."""

    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        help_text=_("Channels this team is responsible for (phone, email, …)."),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )
    # A department reviews complex service plans, each within its own clock [S1 §2.2].
    is_department = models.BooleanField(
        _("department"),
        default=False,
        help_text=_("Reviews the complex service plans it is asked to (2 business days)."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    level = models.CharField(
        _("level"), max_length=20, choices=StaffLevel.choices, default=StaffLevel.JUNIOR
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    # Channels the person is qualified to serve (values of tickets' channels) and skills.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentees",
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        permissions = [("manage_all_staff", _("Can edit the profile of anyone on the staff"))]

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class StaffApprovalLimit(models.Model):
    """The most compensation this person may grant on their own, in one currency. The
    profile is the one home of the limit (complaints read it); none means 0 — everything
    they agree waits for someone whose limit covers it."""

    profile = models.ForeignKey(
        StaffProfile,
        verbose_name=_("staff profile"),
        on_delete=models.CASCADE,
        related_name="approval_limits",
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("approval limit"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "currency"], name="staff_approval_limit_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="staff_approval_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class StaffAction(models.TextChoices):
    PROFILE_CHANGED = "staff.profile_changed", _("Staff profile changed")
    TRAINING_RECORDED = "staff.training_recorded", _("Training recorded")


class StaffEvent(AppendOnlyModel):
    """One recorded change of a staff member's record: who, when, what (field → [before,
    after]). Append-only like the other audit trails."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="staff_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50, choices=StaffAction.choices)
    changes = models.JSONField(_("changes"), default=dict)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff event")
        verbose_name_plural = _("staff events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="staff_event_user_time_idx")]

    def __str__(self) -> str:
        return self.get_action_display()


class TrainingKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    TRAINING = "training", _("Training")


class TrainingRecord(models.Model):
    """Training a staff member took: onboarding of one week, and at least two trainings of
    three days or more a year [S1 §3.1]."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="training_records",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    started_on = models.DateField(_("started on"))
    days = models.PositiveSmallIntegerField(_("days"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=366), name="staff_training_days_range"
            )
        ]
        indexes = [models.Index(fields=["user", "started_on"], name="staff_training_user_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.days})"
