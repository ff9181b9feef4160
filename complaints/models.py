"""Complaints: the graded five-step workflow, compensation, reports and monthly analysis.

A complaint is a ticket of kind "complaint" with one Complaint record; every step is a
StageEntry row, so who did what and when can always be traced [S0 §03].
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from staff.models import StaffLevel
from tickets.models import Channel

# One definition of the severities [S0 §03]: the SLA engine matches policies on them and
# cannot depend on this app, so they live with it and the complaint record reuses them.
from tickets.sla.models import Severity

__all__ = ["Severity"]


class ComplaintComplexity(models.TextChoices):
    # General complaints resolved within 24 h, complex ones within 5 business days [S1 §5.3].
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


class Stage(models.TextChoices):
    """Where a complaint stands: the last step recorded (received = none yet)."""

    RECEIVED = "received", _("Received")
    ACCEPT = "accept", _("Accept")
    INVESTIGATE = "investigate", _("Investigate")
    NEGOTIATE = "negotiate", _("Negotiate")
    COMPENSATE = "compensate", _("Compensate")
    FOLLOW_UP = "follow_up", _("Follow up")
    CLOSED = "closed", _("Closed")


# The one order of steps [S0 §03]: accept → investigate → negotiate → compensate →
# follow up → closed. Each move goes to the next stage only; nothing is skipped.
STAGE_ORDER: tuple[str, ...] = (
    Stage.RECEIVED,
    Stage.ACCEPT,
    Stage.INVESTIGATE,
    Stage.NEGOTIATE,
    Stage.COMPENSATE,
    Stage.FOLLOW_UP,
    Stage.CLOSED,
)
# Stages a person records (every stage except the starting point).
RECORDED_STAGES: tuple[str, ...] = STAGE_ORDER[1:]


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def is_stage_move_allowed(before: str, after: str) -> bool:
    return next_stage(before) == after


LEVEL_ORDER: tuple[str, ...] = tuple(StaffLevel.values)


class RootCause(models.TextChoices):
    """What investigation found behind a complaint; the monthly report groups by it."""

    PRODUCT_DEFECT = "product_defect", _("Product defect")
    SERVICE_ATTITUDE = "service_attitude", _("Staff attitude")
    PROCESS_GAP = "process_gap", _("Process gap")
    LOGISTICS = "logistics", _("Delivery or logistics")
    BILLING_ERROR = "billing_error", _("Billing error")
    COMMUNICATION = "communication", _("Miscommunication")
    THIRD_PARTY = "third_party", _("Third-party supplier")
    CUSTOMER_EXPECTATION = "customer_expectation", _("Expectation not met by design")
    OTHER = "other", _("Other")


class RecoveryAction(models.TextChoices):
    # Service recovery actions [S2 §4.5.3].
    APOLOGY = "apology", _("Apology")
    URGENT_RESTORATION = "urgent_restoration", _("Urgent restoration")
    EMPATHY = "empathy", _("Empathy")
    SYMBOLIC_ATONEMENT = "symbolic_atonement", _("Symbolic atonement")


class CompensationKind(models.TextChoices):
    MONEY = "money", _("Money")
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")


class CompensationStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOT_REQUIRED = "not_required", _("None agreed")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    CHAT = "chat", _("Online chat")
    SMS = "sms", _("Text message")


class ComplaintCategory(models.Model):
    """What a complaint is about; the monthly report ranks these (top 3) [S0 §03]."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class ComplaintAuthority(models.Model):
    """Who may handle a severity: the lowest staff level allowed [S0 §03]. Configurable."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    minimum_level = models.CharField(_("lowest level"), max_length=20, choices=StaffLevel.choices)

    class Meta:
        verbose_name = _("complaint authority")
        verbose_name_plural = _("complaint authority")
        ordering = ["severity"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} → {self.get_minimum_level_display()}"


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ComplaintQuerySet":
        from tickets.models import Ticket

        return self.filter(ticket__in=Ticket.objects.visible_to(user).values("pk"))


class Complaint(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    # The SLA engine reads severity and complexity by these names and values.
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    complexity = models.CharField(
        _("complexity"),
        max_length=10,
        choices=ComplaintComplexity.choices,
        default=ComplaintComplexity.GENERAL,
    )
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    source = models.CharField(_("source"), max_length=20, choices=Channel.choices)
    product = models.CharField(_("product or service concerned"), max_length=200, blank=True)
    customer_demand = models.TextField(_("customer's demand"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED
    )
    # Each reopen starts a new round of stage entries; earlier rounds stay as history.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    # Bumped by every change: the page's stale-form check and the API's ETag read it.
    version = models.PositiveIntegerField(_("version"), default=1)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-opened_at", "-pk"]
        permissions = [
            ("approve_compensation", _("Can approve or reject compensation")),
            ("reopen_complaint", _("Can reopen a complaint")),
            ("lower_complaint_severity", _("Can lower a complaint's severity")),
        ]
        indexes = [
            models.Index(fields=["stage", "severity"], name="complaint_stage_severity_idx"),
            models.Index(fields=["category", "opened_at"], name="complaint_category_opened_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} ({self.get_severity_display()})"

    @property
    def next_stage(self) -> str | None:
        return next_stage(self.stage)

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def is_accepted(self) -> bool:
        """Accepted (or further): the SLA engine reads it to know a reply is the answer."""
        return self.stage != Stage.RECEIVED


class ComplaintContact(models.Model):
    """A contact with the complaining customer that happened: how, when, by whom, what.

    The evidence that meets the complaint's first contact (1 h) and, once the complaint is
    accepted, its response: "contact made" is never a box to tick (requirements §7).
    Never edited; the service refuses a time in the future or before receipt.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="contacts"
    )
    channel = models.CharField(_("contact channel"), max_length=10, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("contacted at"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")
        ordering = ["contacted_at", "pk"]
        constraints = [
            # Whatever path writes it: a contact is recorded after it happened, never before.
            models.CheckConstraint(
                condition=Q(contacted_at__lte=F("recorded_at")),
                name="complaint_contact_not_in_future",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.contacted_at:%Y-%m-%d %H:%M}"


class Compensation(models.Model):
    """Symbolic atonement agreed with the customer; above the actor's limit it needs approval."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="compensations",
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=CompensationKind.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    goods_or_service = models.CharField(_("goods or service"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CompensationStatus.choices,
        default=CompensationStatus.PENDING_APPROVAL,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Within the requester's own limit the requester's authority approves it at once.
    approved_within_own_limit = models.BooleanField(_("within own limit"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="compensation_not_negative"),
            # Nobody approves their own request above their limit, whatever path writes it.
            models.CheckConstraint(
                condition=Q(approved_within_own_limit=True)
                | Q(decided_by__isnull=True)
                | ~Q(decided_by=F("requested_by")),
                name="compensation_not_self_decided",
            ),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status="pending_approval"),
                name="compensation_one_pending_per_complaint",
            ),
        ]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(status="pending_approval"),
                name="compensation_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == CompensationKind.MONEY:
            return f"{self.amount} {self.currency}"
        return self.goods_or_service or self.get_kind_display()


class StageEntry(models.Model):
    """One recorded step: who, when and what was found or agreed. Never edited."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="entries"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    # The stage's facts, validated by the stage's form before they are written.
    content = models.JSONField(_("content"), default=dict, blank=True)
    # Typed columns the reports query.
    root_cause = models.CharField(
        _("root cause"), max_length=30, choices=RootCause.choices, blank=True
    )
    customer_satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    compensation = models.ForeignKey(
        Compensation,
        verbose_name=_("compensation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stage entry")
        verbose_name_plural = _("stage entries")
        ordering = ["created_at", "pk"]
        constraints = [
            # A stage is recorded once per round: a second concurrent write cannot slip in.
            models.UniqueConstraint(
                fields=["complaint", "round", "stage"], name="stage_entry_once_per_round"
            ),
            models.CheckConstraint(condition=~Q(stage="received"), name="stage_entry_not_received"),
        ]
        indexes = [
            models.Index(fields=["root_cause"], name="stage_entry_root_cause_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} #{self.pk}"


class ReplyStep(models.TextChoices):
    # Reply scripts follow "empathise → soothe → reframe" (共情-安抚-重构) [S0 §03].
    EMPATHISE = "empathise", _("Empathise")
    SOOTHE = "soothe", _("Soothe")
    REFRAME = "reframe", _("Reframe")


class ScriptLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class ReplyScript(models.Model):
    """A canned reply an agent inserts into a reply; managers keep them."""

    step = models.CharField(_("step"), max_length=10, choices=ReplyStep.choices)
    language = models.CharField(_("language"), max_length=10, choices=ScriptLanguage.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reply script")
        verbose_name_plural = _("reply scripts")
        ordering = ["language", "position", "pk"]

    def __str__(self) -> str:
        return self.title


def report_pdf_path(instance: "ComplaintReport", filename: str) -> str:
    return f"complaint-reports/{instance.complaint_id}/v{instance.version}-{instance.language}.pdf"


class ComplaintReport(models.Model):
    """The written handling report given to the customer; a regeneration is a new version."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="reports"
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10, choices=ScriptLanguage.choices)
    html = models.TextField(_("HTML"))
    # Empty until the worker has rendered it (complaint_report_deliver).
    pdf = models.FileField(_("PDF"), upload_to=report_pdf_path, max_length=255, blank=True)
    attachment = models.ForeignKey(
        "tickets.Attachment",
        verbose_name=_("attachment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint report")
        verbose_name_plural = _("complaint reports")
        ordering = ["complaint", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "version"], name="complaint_report_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} v{self.version}"


class MonthlyComplaintAnalysis(models.Model):
    """The stored monthly root-cause analysis (top 3 categories, recurrence, timings)."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    data = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly complaint analysis")
        verbose_name_plural = _("monthly complaint analyses")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")
