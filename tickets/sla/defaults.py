"""The default calendars, policies and targets of requirements.md §7, as data.

Loaded once by migration 0002 and reconciled by 0010 (requirements §7, "How the rows fit
together"); afterwards every row is the administrator's to edit. `install_defaults` takes
a model registry so a migration can pass its historical models; it only adds what is
missing, so running it again changes nothing.
"""

from datetime import time

CN_CALENDAR = "CN working calendar"
ALWAYS_OPEN_CALENDAR = "24×7"

# Monday–Friday 09:00–12:00 and 13:00–18:00 Asia/Shanghai (requirements §7).
CN_TIME_ZONE = "Asia/Shanghai"
CN_WORKING_HOURS = ((time(9), time(12)), (time(13), time(18)))
CN_WORKING_WEEKDAYS = range(5)

DEFAULT_WARN_AT_PERCENT = 80
DEFAULT_MANAGER_ESCALATION_PERCENT = 150

# Complaint first contact and response run on while the ticket waits on the customer:
# "pending customer" cannot stop them (requirements §7); every other target pauses.
# A low-satisfaction investigation follows a finished ticket: the customer's status cannot
# stop it either.
NEVER_PAUSING_METRICS = frozenset(
    {"complaint_first_contact", "complaint_response", "satisfaction_investigation"}
)

# (policy name, order, match fields, targets); a target is
# (metric, duration, unit, calendar, warn_after in the same unit or None).
DEFAULT_POLICIES = (
    (
        # Requests and incidents closed within 24 calendar hours: the general aim [S0 §01].
        # Complex work follows its plan timeline, hence "simple"; feedback and complaints
        # have more specific rows below.
        "General aim: problem closed",
        100,
        {"complexity": "simple"},
        (("resolution", 24, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # Online chat: first response within 1 working minute [S1 §2.1] …
        "Online chat",
        100,
        {"channel": "chat"},
        (
            ("first_response", 1, "minutes", CN_CALENDAR, None),
            # … and the problem classified within 5 working minutes [S1 §2.1].
            ("chat_classification", 5, "minutes", CN_CALENDAR, None),
        ),
    ),
    (
        # Simple requests: a service plan within 24 calendar hours [S1 §2.2].
        "Simple request",
        100,
        {"kind": "request", "complexity": "simple"},
        (("service_plan", 24, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        "Complex request",
        100,
        {"kind": "request", "complexity": "complex"},
        (
            # Complex requests: the plan warns at 3 and breaches at 5 business days [S1 §2.2].
            ("service_plan", 5, "business_days", CN_CALENDAR, 3),
            # The departments involved review a complex plan within 2 business days [S1 §2.2].
            ("department_review", 2, "business_days", CN_CALENDAR, None),
        ),
    ),
    (
        # Feedback and suggestions: a reply within 3 business days [S1 §2.4], and no
        # calendar-time resolution clock that would breach over a weekend (§7).
        "Feedback and suggestions",
        100,
        {"kind": "feedback"},
        (("feedback_reply", 3, "business_days", CN_CALENDAR, None),),
    ),
    (
        # Feedback is closed on the same 3-business-day working clock as its reply, never
        # on the 24 h calendar aim that would breach over a weekend (requirements §7).
        "Feedback and suggestions: closed",
        100,
        {"kind": "feedback", "complexity": "simple"},
        (("resolution", 3, "business_days", CN_CALENDAR, None),),
    ),
    (
        # Contact the complaining customer within 1 calendar hour of receipt [S1 §5.3].
        "Complaint: first contact",
        100,
        {"kind": "complaint"},
        (("complaint_first_contact", 1, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # Urgent complaints answered within 30 minutes [S0 §03].
        "Complaint: urgent",
        100,
        {"kind": "complaint", "severity": "urgent"},
        (("complaint_response", 30, "minutes", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # Important complaints answered within 24 hours [S0 §03].
        "Complaint: important",
        100,
        {"kind": "complaint", "severity": "important"},
        (("complaint_response", 24, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # Routine complaints answered within 72 hours [S0 §03].
        "Complaint: routine",
        100,
        {"kind": "complaint", "severity": "routine"},
        (("complaint_response", 72, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # General complaints resolved within 24 hours [S1 §5.3]: as it stands for urgent
        # ones (30-minute response); important and routine ones get their own rows below.
        "Complaint: general",
        100,
        {"kind": "complaint", "complexity": "simple"},
        (("resolution", 24, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # An important general complaint: its 24 h response + the general 24 h = 48 h, so
        # resolution is never due before the response (§7).
        "Complaint: general, important",
        100,
        {"kind": "complaint", "severity": "important", "complexity": "simple"},
        (("resolution", 48, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # A routine general complaint: its 72 h response + the general 24 h = 96 h (§7).
        "Complaint: general, routine",
        100,
        {"kind": "complaint", "severity": "routine", "complexity": "simple"},
        (("resolution", 96, "hours", ALWAYS_OPEN_CALENDAR, None),),
    ),
    (
        # Complex complaints within 3–5 business days: warn at 3, breach at 5 [S1 §5.3];
        # 5 working days always span more than the 72 h of the slowest response.
        "Complaint: complex",
        100,
        {"kind": "complaint", "complexity": "complex"},
        (("resolution", 5, "business_days", CN_CALENDAR, 3),),
    ),
    (
        # Low satisfaction triggers an investigation [S1 §2.4]; the supervisor has 3
        # business days, like a feedback reply. Matches every ticket.
        "Low-satisfaction investigation",
        100,
        {},
        (("satisfaction_investigation", 3, "business_days", CN_CALENDAR, None),),
    ),
)


def install_defaults(apps, *, policy_names: frozenset[str] | None = None) -> None:
    """Create the default calendars, policies and targets that do not exist yet.

    `policy_names` limits the policies to those (a later migration adding new defaults
    must not bring back a default policy the administrator deleted).
    """
    Calendar = apps.get_model("sla", "Calendar")
    WorkingHours = apps.get_model("sla", "WorkingHours")
    Policy = apps.get_model("sla", "Policy")
    Target = apps.get_model("sla", "Target")

    calendars = {}
    cn, created = Calendar.objects.get_or_create(
        name=CN_CALENDAR, defaults={"time_zone": CN_TIME_ZONE, "country": "CN"}
    )
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=cn, weekday=weekday, starts_at=start, ends_at=end)
            for weekday in CN_WORKING_WEEKDAYS
            for start, end in CN_WORKING_HOURS
        )
    calendars[CN_CALENDAR] = cn
    calendars[ALWAYS_OPEN_CALENDAR], _created = Calendar.objects.get_or_create(
        name=ALWAYS_OPEN_CALENDAR, defaults={"time_zone": CN_TIME_ZONE, "is_24x7": True}
    )

    # Migration 0002 installs with the models of its time, before targets could stay
    # running while the ticket waits on the customer (0008).
    can_choose_pausing = any(
        field.name == "pauses_while_waiting_on_customer" for field in Target._meta.fields
    )
    for name, order, match, targets in DEFAULT_POLICIES:
        if policy_names is not None and name not in policy_names:
            continue
        policy, created = Policy.objects.get_or_create(
            name=name, defaults={"order": order, **match}
        )
        if not created:
            continue
        for metric, duration, unit, calendar, warn_after in targets:
            Target.objects.create(
                policy=policy,
                metric=metric,
                duration=duration,
                unit=unit,
                calendar=calendars[calendar],
                warn_after=warn_after,
                warn_at_percent=DEFAULT_WARN_AT_PERCENT,
                manager_escalation_percent=DEFAULT_MANAGER_ESCALATION_PERCENT,
                **(
                    {"pauses_while_waiting_on_customer": metric not in NEVER_PAUSING_METRICS}
                    if can_choose_pausing
                    else {}
                ),
            )


def replan_open_tickets(apps) -> int:
    """Re-plan every ticket with an open clock after a migration changed default targets.

    The ids come from the migration's historical models; the re-plan is the engine's own
    (replanning.sla_replan_tickets, as after an administrator's edit). A new database has no
    open clock, so it never reaches the engine's current code.
    """
    Clock = apps.get_model("sla", "Clock")
    ticket_ids = sorted(
        set(
            Clock.objects.filter(state__in=("running", "paused")).values_list(
                "ticket_id", flat=True
            )
        )
    )
    if not ticket_ids:
        return 0
    from django.utils import timezone

    from .models import PlanReason
    from .replanning import sla_replan_tickets

    # A migration's re-plan is the system's: no user made it.
    return sla_replan_tickets(
        ticket_ids=ticket_ids, at=timezone.now(), reason=PlanReason.POLICY_CHANGED, actor=None
    )
