"""Read queries for complaints, shared by the pages, the API, the report and the analysis."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext

from tickets.sla.models import Clock, ClockState

from .authority import approval_limit_of, is_within_authority
from .models import (
    RECORDED_STAGES,
    Compensation,
    CompensationKind,
    CompensationStatus,
    Complaint,
    ComplaintContact,
    ContactMethod,
    RecoveryAction,
    ReplyScript,
    RootCause,
    Severity,
    Stage,
    StageEntry,
)
from .stages import STAGE_CONTENT_FORMS

# How a stored content value is shown: choices by their label, times in the local zone.
_CHOICE_LABELS = {
    "contact_channel": ContactMethod,
    "method": ContactMethod,
    "root_cause": RootCause,
    "recovery_actions": RecoveryAction,
}
# Stored alongside the facts but shown elsewhere (the compensation has its own section).
_HIDDEN_CONTENT = frozenset({"compensation", "none_agreed", "contact_made"})


def complaints_visible_to(user) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user).select_related(
        "ticket", "ticket__customer", "ticket__assignee", "category"
    )


def complaint_for_ticket(ticket) -> Complaint | None:
    try:
        return Complaint.objects.select_related("category").get(ticket=ticket)
    except Complaint.DoesNotExist:
        return None


def _display_value(name: str, value, language: str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = _CHOICE_LABELS.get(name)
    if choices is not None:
        values = value if isinstance(value, list) else [value]
        labels = dict(choices.choices)
        return ", ".join(str(labels.get(item, item)) for item in values)
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        # The same numeric form as every other time on the pages and in the report.
        if moment is not None:
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return date_format(day, "Y-m-d")
    return str(value)


def contact_event_text(value) -> str:
    """A recorded contact as the timeline shows it, in the reader's language and zone."""
    if not isinstance(value, dict):
        return str(value)
    labels = dict(ContactMethod.choices)
    parts = [str(labels.get(value.get("channel"), value.get("channel", "")))]
    contacted_at = parse_datetime(value.get("contacted_at") or "")
    if contacted_at is not None:
        parts.append(timezone.localtime(contacted_at).strftime("%Y-%m-%d %H:%M"))
    if value.get("note"):
        parts.append(value["note"])
    return " · ".join(part for part in parts if part)


def compensation_event_text(value) -> str:
    """A compensation as the timeline shows it, in the reader's language (the audit keeps a
    snapshot of the facts; its "label" was written in the actor's language)."""
    if isinstance(value, str):
        labels = dict(CompensationStatus.choices)
        return str(labels.get(value, value))
    if not isinstance(value, dict):
        return str(value)
    parts = []
    if value.get("kind") == CompensationKind.MONEY:
        parts.append(f"{value.get('amount', '')} {value.get('currency', '')}".strip())
    elif value.get("goods_or_service"):
        parts.append(value["goods_or_service"])
    elif value.get("kind") in CompensationKind.values:
        parts.append(str(CompensationKind(value["kind"]).label))
    if value.get("status") in CompensationStatus.values:
        parts.append(str(CompensationStatus(value["status"]).label))
    if value.get("reason"):
        parts.append(value["reason"])
    return " · ".join(parts) or str(value.get("label", "—"))


@dataclass
class StageFacts:
    entry: StageEntry
    facts: list[tuple[str, str]] = field(default_factory=list)


def stage_facts(entry: StageEntry, *, language: str | None = None) -> StageFacts:
    """The entry's content as (label, value) pairs in the order of the stage's form."""
    form_fields = STAGE_CONTENT_FORMS[entry.stage].base_fields
    facts = []
    for name, form_field in form_fields.items():
        if name in _HIDDEN_CONTENT or name not in entry.content:
            continue
        facts.append((str(form_field.label), _display_value(name, entry.content[name], language)))
    return StageFacts(entry=entry, facts=facts)


def complaint_entries(complaint: Complaint) -> list[StageEntry]:
    return list(
        StageEntry.objects.filter(complaint=complaint)
        .select_related("actor", "actor__staff_profile", "compensation")
        .order_by("created_at", "pk")
    )


def complaint_report_context(complaint: Complaint, *, language: str) -> dict:
    """Everything the written report shows; call inside translation.override(language)."""
    entries = complaint_entries(complaint)
    current = [entry for entry in entries if entry.round == complaint.round]
    earlier = [entry for entry in entries if entry.round != complaint.round]
    timings = []
    previous_at = complaint.opened_at
    for entry in current:
        timings.append((entry, entry.created_at - previous_at))
        previous_at = entry.created_at
    compensation = next(
        (entry.compensation for entry in current if entry.compensation_id is not None), None
    )
    follow_up = next((entry for entry in current if entry.stage == Stage.FOLLOW_UP), None)
    clocks = list(Clock.objects.filter(ticket_id=complaint.ticket_id).order_by("started_at", "pk"))
    return {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "customer": complaint.ticket.customer,
        "category_name": complaint.category.display_name(language),
        "stages": [stage_facts(entry, language=language) for entry in current],
        "earlier_entries": earlier,
        "timings": timings,
        "total_time": (complaint.closed_at or timezone.now()) - complaint.opened_at,
        "compensation": compensation,
        "follow_up": stage_facts(follow_up, language=language) if follow_up else None,
        "clocks": clocks,
        "stage_names": [Stage(stage).label for stage in RECORDED_STAGES],
    }


@dataclass
class ComplaintPanel:
    complaint: Complaint
    stages: list[StageFacts]
    next_stage: str | None
    compensations: list[Compensation]
    pending_compensation: Compensation | None
    approved_compensation: Compensation | None
    can_handle: bool
    can_reopen: bool
    can_lower_severity: bool
    reports: list
    contacts: list[ComplaintContact]
    # Waiting compensations this user may approve or reject: not their own, within limit.
    decidable: frozenset[int]


def complaint_panel(complaint: Complaint, *, user) -> ComplaintPanel:
    """What the stage panel on the ticket page shows (a fixed number of queries)."""
    entries = [e for e in complaint_entries(complaint) if e.round == complaint.round]
    compensations = list(
        Compensation.objects.filter(complaint=complaint)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    in_round = [c for c in compensations if c.round == complaint.round]
    pending = next((c for c in in_round if c.status == CompensationStatus.PENDING_APPROVAL), None)
    approved = next((c for c in in_round if c.status == CompensationStatus.APPROVED), None)
    return ComplaintPanel(
        complaint=complaint,
        stages=[stage_facts(entry) for entry in entries],
        next_stage=complaint.next_stage,
        compensations=compensations,
        pending_compensation=pending,
        approved_compensation=approved,
        can_handle=is_within_authority(user, complaint.severity),
        can_reopen=user.has_perm("complaints.reopen_complaint"),
        can_lower_severity=user.has_perm("complaints.lower_complaint_severity"),
        reports=list(complaint.reports.order_by("-version")[:5]),
        contacts=list(
            ComplaintContact.objects.filter(complaint=complaint)
            .select_related("made_by__staff_profile")
            .order_by("contacted_at", "pk")
        ),
        decidable=frozenset(
            compensation.pk
            for compensation in in_round
            if compensation.status == CompensationStatus.PENDING_APPROVAL
            and may_decide(user, compensation)
        ),
    )


def may_decide(user, compensation: Compensation) -> bool:
    """Whether the Approve and Reject buttons are offered: the service's own rules."""
    return (
        compensation.requested_by_id != user.pk
        and user.has_perm("complaints.approve_compensation")
        and compensation.amount <= approval_limit_of(user, compensation.currency)
    )


@dataclass
class PendingApproval:
    compensation: Compensation
    can_decide: bool
    reason_not: str


def approvals_pending_for(user) -> list[PendingApproval]:
    """Compensations waiting for approval that this user may see, each with whether they
    may decide it (not their own, within their limit)."""
    pending = (
        Compensation.objects.filter(status=CompensationStatus.PENDING_APPROVAL)
        .filter(complaint__in=Complaint.objects.visible_to(user).values("pk"))
        .select_related(
            "complaint",
            "complaint__ticket",
            "complaint__ticket__customer",
            "complaint__category",
            "requested_by",
        )
        .order_by("requested_at", "pk")
    )
    limits: dict[str, object] = {}
    rows = []
    for compensation in pending:
        if compensation.currency not in limits:
            limits[compensation.currency] = approval_limit_of(user, compensation.currency)
        if compensation.requested_by_id == user.pk:
            rows.append(PendingApproval(compensation, False, gettext("Your own request")))
        elif compensation.amount > limits[compensation.currency]:
            rows.append(PendingApproval(compensation, False, gettext("Above your limit")))
        else:
            rows.append(PendingApproval(compensation, True, ""))
    return rows


def reply_scripts_for(language: str | None = None, *, active_only: bool = True):
    scripts = ReplyScript.objects.all()
    if active_only:
        scripts = scripts.filter(active=True)
    if language:
        scripts = scripts.filter(language=language)
    return scripts.order_by("language", "position", "pk")


def complaints_opened_between(start: datetime, end: datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(opened_at__gte=start, opened_at__lt=end)


def month_start(day: date) -> date:
    return day.replace(day=1)


def complaint_with_entries(complaint_id: int) -> Complaint:
    return (
        Complaint.objects.select_related("ticket", "ticket__customer", "category")
        .prefetch_related(Prefetch("entries", queryset=StageEntry.objects.order_by("created_at")))
        .get(pk=complaint_id)
    )


# --- the complaints list -------------------------------------------------------------------

LIST_STAGES = ("open", "all")  # besides each Stage value
MAX_SEARCH_LENGTH = 200


@dataclass(frozen=True)
class ComplaintListFilters:
    stage: str = "open"  # "open", "all" or a Stage value
    severity: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> "ComplaintListFilters":
        """Unknown values fall back to the default: the list never fails on a bad link."""
        stage = query.get("stage", "open")
        severity = query.get("severity", "")
        # A NUL reaches PostgreSQL as an error: drop it with the rest of the control noise.
        words = "".join(ch for ch in query.get("q", "") if ch.isprintable())
        return cls(
            stage=stage if stage in LIST_STAGES or stage in Stage.values else "open",
            severity=severity if severity in Severity.values else "",
            q=words.strip()[:MAX_SEARCH_LENGTH],
        )


def complaint_inbox(*, user, filters: ComplaintListFilters) -> QuerySet[Complaint]:
    """The complaints list, newest first: by stage and severity, every word of `q` found in
    the reference (with or without its prefix), subject, description or category; with the
    soonest due running SLA clock and whether a target is breached now."""
    complaints = complaints_visible_to(user).annotate(
        sla_due_at=Min(
            "ticket__sla_clocks__due_at",
            filter=Q(ticket__sla_clocks__state=ClockState.RUNNING),
        ),
        sla_breached=Count(
            "ticket__sla_clocks",
            filter=Q(
                ticket__sla_clocks__state=ClockState.BREACHED,
                ticket__sla_clocks__met_at__isnull=True,
            ),
        ),
    )
    if filters.stage == "open":
        complaints = complaints.exclude(stage=Stage.CLOSED)
    elif filters.stage in Stage.values:
        complaints = complaints.filter(stage=filters.stage)
    if filters.severity:
        complaints = complaints.filter(severity=filters.severity)
    for word in filters.q.split():
        complaints = complaints.filter(
            Q(ticket__reference__icontains=word)
            | Q(ticket__subject__icontains=word)
            | Q(ticket__description__icontains=word)
            | Q(category__name__icontains=word)
            | Q(category__name_en__icontains=word)
        )
    return complaints.order_by("-opened_at", "-pk")


def complaint_stage_sentence(reading) -> str:
    """A stage step in the timeline: "Wang Fang moved the complaint from Accept to
    Investigate" (a reopening stores a dict and reads through the default sentence)."""
    words = {
        "who": reading.who,
        "before": reading.value(reading.event.before),
        "after": reading.value(reading.event.after),
    }
    if reading.event.before is None:
        return gettext("%(who)s moved the complaint to %(after)s") % words
    return gettext("%(who)s moved the complaint from %(before)s to %(after)s") % words


def complaint_severity_sentence(reading) -> str:
    return gettext("%(who)s changed the complaint severity from %(before)s to %(after)s") % {
        "who": reading.who,
        "before": reading.value(reading.event.before),
        "after": reading.value(reading.event.after),
    }
