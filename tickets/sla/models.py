"""SLA engine data: working calendars, policies with their targets, and the clocks they run.

A clock is planned at write time (due_at, warn_at stored), so the sweep, the queues and
the dashboards read indexed columns and never compute SLA state in Python per ticket.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.models import Tier
from tickets.models import Channel, Complexity, Kind, Priority

# Defined in their own module (a concept of its own); imported here so Django finds them.
from .calendar_models import (  # noqa: F401
    Calendar,
    CalendarException,
    ExceptionKind,
    Weekday,
    WorkingHours,
)

# The engine's choices in their own module, re-exported for every caller.
from .choices import (
    ClockState,
    DurationUnit,
    EscalationLevel,
    Metric,
    PlanReason,
    ResumeReason,  # noqa: F401 (re-exported: PauseInterval moved to pause_models)
    Severity,
)


class Policy(models.Model):
    """A set of targets for the tickets it matches; blank match fields match anything.

    Targets are chosen per metric: for each metric, the active matching policy with the
    most match fields set wins, ties broken by `order` (lower first). So a chat policy
    that only sets first response does not hide the general resolution target.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(
        _("order"), default=100, help_text=_("Among equally specific policies, lower wins.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    severity = models.CharField(
        _("complaint severity"), max_length=10, choices=Severity.choices, blank=True
    )
    complexity = models.CharField(
        _("complexity"),
        max_length=10,
        choices=Complexity.choices,
        blank=True,
        help_text=_("For complaints: the complaint's complexity (general counts as simple)."),
    )
    tier = models.CharField(_("customer tier"), max_length=20, choices=Tier.choices, blank=True)
    # The fast lane of the membership ladder: a policy for one level (e.g. gold) matches
    # the tickets of customers on that level, and is more specific than one without it.
    membership_level = models.ForeignKey(
        "customers.MembershipLevel",
        verbose_name=_("membership level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
    )

    MATCH_FIELDS = (
        "kind",
        "priority",
        "severity",
        "complexity",
        "tier",
        "membership_level_id",
        "channel",
        "team_id",
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(1 for field in self.MATCH_FIELDS if getattr(self, field))


class PolicyTableRevision(models.Model):
    """One row whose random revision is renewed by every change of a policy, target,
    calendar, working hours or calendar exception, in the same transaction (signals in
    policies.py).

    Each process keeps the active policies in memory and reads only this row to know
    whether they are still current: the database's own transactions make that right across
    processes, and random values mean a rolled-back edit can never be mistaken for a later
    one. On PostgreSQL a statement trigger on each of those tables (migration 0006) also
    renews it for changes that send no signal (QuerySet.update(), raw SQL); elsewhere such
    a change must call `policy_table_changed()` itself.
    """

    revision = models.UUIDField(_("revision"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("SLA policy table revision")
        verbose_name_plural = _("SLA policy table revisions")

    def __str__(self) -> str:
        return str(self.revision)


class Target(models.Model):
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    duration = models.PositiveIntegerField(_("duration"))
    unit = models.CharField(
        _("unit"), max_length=20, choices=DurationUnit.choices, default=DurationUnit.MINUTES
    )
    # PROTECT: deleting a calendar that a target uses is refused, never silently re-planned.
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="targets"
    )
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at percent elapsed"), default=80, help_text=_("Used unless “warn after” is set.")
    )
    warn_after = models.PositiveIntegerField(
        _("warn after"),
        null=True,
        blank=True,
        help_text=_("In the target's unit, e.g. warn at 3 and breach at 5 business days."),
    )
    manager_escalation_percent = models.PositiveSmallIntegerField(
        _("escalate to managers at percent elapsed"),
        null=True,
        blank=True,
        default=150,
        help_text=_("Still unmet at this point after a breach: managers are told. Blank: never."),
    )
    # Whether waiting on the customer stops this clock is the target's own rule: a
    # complaint's first contact and response run on (requirements §7), a plan waits.
    pauses_while_waiting_on_customer = models.BooleanField(
        _("pauses while waiting on the customer"),
        default=True,
        help_text=_(
            "Stands still while the ticket waits on the customer (statuses such as "
            "“pending customer”). Untick for clocks that must run whatever the status."
        ),
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_one_per_metric"),
            models.CheckConstraint(
                condition=Q(duration__gte=0), name="sla_target_duration_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(warn_at_percent__gte=1, warn_at_percent__lte=100),
                name="sla_target_warn_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(warn_after__isnull=True) | Q(warn_after__lte=F("duration")),
                name="sla_target_warn_within_duration",
            ),
            models.CheckConstraint(
                condition=Q(manager_escalation_percent__isnull=True)
                | Q(manager_escalation_percent__gte=100),
                name="sla_target_escalation_after_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.duration} {self.get_unit_display()}"

    def as_timedelta(self, amount: int, business_day: timedelta) -> timedelta:
        if self.unit == DurationUnit.BUSINESS_DAYS:
            return amount * business_day
        if self.unit == DurationUnit.HOURS:
            return timedelta(hours=amount)
        if self.unit == DurationUnit.SECONDS:
            return timedelta(seconds=amount)
        return timedelta(minutes=amount)


OPEN_CLOCK_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class Clock(models.Model):
    """One target's clock on a ticket, per cycle (a reopen starts a new resolution cycle).

    Durations are working time on `calendar`. `paused_total` is the working time on that
    calendar that fell inside the ticket's closed pauses since the clock started: the time
    the pauses removed, which pushed due_at and warn_at later.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,  # sla_clock_one_per_metric_cycle leads with it
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    # Copies of the ticket's team, priority and channel and of its customer's tier, kept by
    # the database (triggers of migration 0016, whatever writes the ticket or the
    # customer): the dashboard's period figures group and filter the clocks by them
    # without joining every ticket and customer of the period.
    ticket_team = models.ForeignKey(
        "staff.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    ticket_priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=Priority.choices,
        blank=True,
        editable=False,
        default="",
        db_default="",
    )
    ticket_channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=Channel.choices,
        blank=True,
        editable=False,
        default="",
        db_default="",
    )
    customer_tier = models.CharField(
        _("customer tier"),
        max_length=20,
        choices=Tier.choices,
        blank=True,
        editable=False,
        default="",
        db_default="",
    )
    # The plan in force (also kept in ClockPlan history): which target, on which calendar.
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clocks",
    )
    policy_name = models.CharField(_("policy"), max_length=100, blank=True)
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="clocks"
    )
    target_duration = models.DurationField(_("target (working time)"))
    warn_duration = models.DurationField(_("warning point (working time)"))
    escalation_duration = models.DurationField(
        _("manager escalation point (working time)"), null=True, blank=True
    )
    # Urgent tickets and complaints are notified at once, even outside working hours.
    is_urgent = models.BooleanField(_("urgent"), default=False)

    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    escalate_at = models.DateTimeField(_("escalate to managers at"), null=True, blank=True)
    # When the sweep next has work on this clock (warning, breach or manager escalation);
    # NULL when there is none. The sweep's partial index holds only the non-NULL rows.
    next_alert_at = models.DateTimeField(_("next alert at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_total = models.DurationField(_("paused working time"), default=timedelta(0))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # Who fulfilled the metric (the actor the service passed); NULL: the customer or the
    # system. Never queried by, so not indexed (staff are deactivated, not deleted).
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("met by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to managers at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    ended_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "due_at", "pk"]
        permissions = [("view_sla_dashboard", _("Can see the SLA dashboard"))]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "cycle"], name="sla_clock_one_per_metric_cycle"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("started_at")), name="sla_clock_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(warn_at__lte=F("due_at")), name="sla_clock_warn_before_due"
            ),
            models.CheckConstraint(
                condition=~Q(state=ClockState.MET) | Q(met_at__isnull=False),
                name="sla_clock_met_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=ClockState.BREACHED) | Q(breached_at__isnull=False),
                name="sla_clock_breached_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=ClockState.PAUSED) | Q(paused_at__isnull=False),
                name="sla_clock_paused_has_time",
            ),
            # Only running clocks (warning, breach) and breached ones (manager escalation)
            # can have sweep work; anything else must stay out of the sweep's index.
            models.CheckConstraint(
                condition=Q(next_alert_at__isnull=True)
                | Q(state__in=[ClockState.RUNNING, ClockState.BREACHED]),
                name="sla_clock_alert_only_when_live",
            ),
        ]
        indexes = [
            # The sweep: "clocks whose next alert has passed", cost follows the due rows only.
            models.Index(
                fields=["next_alert_at"],
                condition=Q(next_alert_at__isnull=False),
                name="sla_clock_alert_due_idx",
            ),
            # Tickets at risk now (warned, not breached) ordered by due.
            models.Index(
                fields=["due_at"],
                condition=Q(state=ClockState.RUNNING, warned_at__isnull=False),
                name="sla_clock_at_risk_idx",
            ),
            # The dashboard's outcomes over a period: the clocks started in it, grouped by
            # their copies of the ticket's values, from the index alone (index-only scan).
            models.Index(
                fields=["started_at"],
                include=[
                    "state",
                    "ticket_team",
                    "ticket_priority",
                    "customer_tier",
                    "ticket_channel",
                ],
                name="sla_clock_started_cover_idx",
            ),
            # "Breached now" and "at risk" on the dashboard and in the queue: running
            # clocks by due time, and breaches not yet fulfilled — a few thousand of
            # 1,600,000 clocks at the scale seed, read without touching the rest.
            models.Index(
                fields=["due_at"],
                condition=Q(state=ClockState.RUNNING),
                name="sla_clock_running_due_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(state=ClockState.BREACHED, met_at__isnull=True),
                name="sla_clock_owed_breach_idx",
            ),
            # The dashboard's breaches per day or week over a period.
            models.Index(
                fields=["breached_at"],
                condition=Q(breached_at__isnull=False),
                name="sla_clock_breached_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} #{self.cycle} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CLOCK_STATES


class ClockPlan(models.Model):
    """A clock's plan at one moment: kept for every start, resume and re-plan."""

    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="plans"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=PlanReason.choices)
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    policy_name = models.CharField(_("policy"), max_length=100, blank=True)
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    target_duration = models.DurationField(_("target (working time)"))
    paused_total = models.DurationField(_("paused working time"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    planned_at = models.DateTimeField(_("planned at"))
    # Whose change made this plan (start, resume, re-plan); NULL: the customer or the system.
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("clock plan")
        verbose_name_plural = _("clock plans")
        ordering = ["clock", "planned_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.due_at:%Y-%m-%d %H:%M}"


# Defined in their own modules (concepts of their own); imported here so Django finds them.
from .official_models import OfficialDate, OfficialYear  # noqa: E402, F401
from .pause_models import PauseInterval  # noqa: E402, F401
