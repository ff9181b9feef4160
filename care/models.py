"""The care programme [S1 §5.2, S0 §03]: return visits after a closed complaint or a
purchase, birthday and holiday greetings — each a care task for an agent or a message
through the outbox — under a frequency cap and the customer's opt-out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CareKind(models.TextChoices):
    # Listed in the order the daily plan gives them a customer's capped contacts: a visit
    # after a complaint matters most, a holiday greeting least.
    COMPLAINT_RETURN = "complaint_return", _("Return visit after a complaint")
    PURCHASE_RETURN = "purchase_return", _("Return visit after a purchase")
    BIRTHDAY = "birthday", _("Birthday greeting")
    HOLIDAY = "holiday", _("Holiday greeting")


class CareDelivery(models.TextChoices):
    TASK = "task", _("Care task for an agent")
    MESSAGE = "message", _("Message to the customer")
    OFF = "off", _("Not planned")


class CareStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")  # a task waiting for its agent
    DONE = "done", _("Done")  # a task the agent carried out
    SENT = "sent", _("Sent")  # a message handed to the outbox
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    OPTED_OUT = "opted_out", _("The customer opted out of care contacts")
    CAPPED = "capped", _("Frequency cap reached")
    NO_ADDRESS = "no_address", _("No e-mail address for a message")
    BY_AGENT = "by_agent", _("Skipped by the agent")


# The daily plan's undecided rows, only ever inside its transaction (care/planning.py).
PLANNING_STATUS = "planning"

# Statuses that count as a contact for the frequency cap: made, or about to be made.
CONTACTING_STATUSES = (CareStatus.SCHEDULED, CareStatus.DONE, CareStatus.SENT)


class CareSettings(models.Model):
    """What the care programme plans: a single row an administrator edits in the admin
    (created with these defaults on first use), like the segmentation rule, so managers
    tune the programme without a deploy."""

    complaint_return_days = models.PositiveIntegerField(
        _("return visit, days after a complaint closes"), default=7
    )
    complaint_return_delivery = models.CharField(
        _("return visit after a complaint is"),
        max_length=10,
        choices=CareDelivery.choices,
        default=CareDelivery.TASK,
    )
    purchase_return_days = models.PositiveIntegerField(
        _("return visit, days after a purchase"), default=30
    )
    purchase_return_delivery = models.CharField(
        _("return visit after a purchase is"),
        max_length=10,
        choices=CareDelivery.choices,
        default=CareDelivery.MESSAGE,
    )
    birthday_delivery = models.CharField(
        _("birthday greeting is"),
        max_length=10,
        choices=CareDelivery.choices,
        default=CareDelivery.MESSAGE,
    )
    holiday_delivery = models.CharField(
        _("holiday greeting is"),
        max_length=10,
        choices=CareDelivery.choices,
        default=CareDelivery.MESSAGE,
    )
    holiday_calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("holidays of the working calendar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Greetings follow this SLA calendar's holidays (its country, imported official "
            "years and exceptions); none: no holiday greetings."
        ),
    )
    greeted_holidays = models.JSONField(
        _("holidays greeted"),
        default=list,
        blank=True,
        help_text=_(
            "Words of the holiday names to greet (e.g. “Spring Festival”, “National Day”); "
            "empty: every holiday."
        ),
    )
    cap_contacts = models.PositiveIntegerField(_("at most this many contacts"), default=2)
    cap_days = models.PositiveIntegerField(_("in this many days"), default=30)
    task_due_days = models.PositiveIntegerField(_("a care task is due after (days)"), default=3)
    care_team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("care team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Gets the care tasks of customers with no team of their own."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("care programme settings")
        verbose_name_plural = _("care programme settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(cap_contacts__gt=0) & Q(cap_days__gt=0), name="care_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Care programme settings"))

    def delivery_of(self, kind: str) -> str:
        return getattr(self, f"{kind}_delivery")


class CareContact(models.Model):
    """One planned care contact of a customer: a task or a message, or a skip with its
    reason. Unique per customer, kind and occasion, so the daily plan run twice makes
    nothing twice."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="care_contacts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CareKind.choices)
    # What it is for: "complaint:12", "purchase:40", "birthday:2027", "holiday:2027-02-05".
    occasion = models.CharField(_("occasion"), max_length=60)
    # The occasion's name in both languages (a holiday's name), for the page and message.
    occasion_names = models.JSONField(_("occasion name"), default=dict, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=CareDelivery.choices)
    status = models.CharField(_("status"), max_length=10, choices=CareStatus.choices)
    skip_reason = models.CharField(
        _("reason skipped"), max_length=20, choices=SkipReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    planned_on = models.DateField(_("planned on"))
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_tasks",
    )
    team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_tasks",
    )
    finished_at = models.DateTimeField(_("done or skipped at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done or skipped by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care contact")
        verbose_name_plural = _("care contacts")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "occasion"], name="care_contact_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(status="skipped", skip_reason__gt="")
                | (~Q(status="skipped") & Q(skip_reason="")),
                name="care_contact_skip_has_reason",
            ),
        ]
        indexes = [
            # The frequency cap reads a customer's recent contacts.
            models.Index(fields=["customer", "planned_on"], name="care_contact_recent_idx"),
            models.Index(
                fields=["assignee", "due_on"],
                condition=Q(status="scheduled"),
                name="care_task_open_idx",
            ),
            # The daily plan walks its undecided rows by id, a chunk at a time; no committed
            # row is left "planning", so the index is empty between runs.
            models.Index(
                fields=["id"], condition=Q(status=PLANNING_STATUS), name="care_planning_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occasion}"
