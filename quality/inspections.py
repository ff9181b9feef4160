"""QA inspections [S1 §4.2]: each month a sample of tickets per agent (random N, plus every
ticket with a low satisfaction score or a breached SLA clock) is scored on the rubric by
the agent's supervisor or a manager, with coaching notes. The mean inspection score is
the scorecard's service-quality component."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from staff.models import Team
from tickets.audit import record_event
from tickets.models import Ticket
from tickets.sla.models import ClockState

from .kpi import month_bounds
from .models import (
    CRITERION_SCORE_MAX,
    Inspection,
    InspectionReason,
    InspectionScore,
    InspectionStatus,
    RubricCriterion,
    Survey,
)

INSPECT_ANY_PERMISSION = "quality.inspect_any_team"
INSPECT_PERMISSION = "quality.change_inspection"
MSG_OUT_OF_SCOPE = _("You can inspect only the tickets of agents in the teams you supervise.")
MSG_ALREADY_INSPECTED = _("This ticket has already been inspected for this month.")
MSG_CRITERION_SCORE = _("Give a whole number from 0 to %(max)d.")
MSG_UNKNOWN_CRITERION = _("“%(code)s” is not a criterion of the rubric.")
MSG_NOTES_TOO_LONG = _("Keep the coaching notes under %(limit)d characters.")
NOTES_MAX_CHARS = 10000


class InspectionAction:
    RECORDED = "inspection.recorded"


def low_score_q(prefix: str = "") -> Q:
    """The SQL form of investigations.is_low_score."""
    dimension_max = settings.SURVEY_LOW_DIMENSION_MAX
    return (
        Q(**{f"{prefix}attitude__lte": dimension_max})
        | Q(**{f"{prefix}effectiveness__lte": dimension_max})
        | Q(**{f"{prefix}timeliness__lte": dimension_max})
        | Q(**{f"{prefix}recommend__lte": settings.SURVEY_LOW_RECOMMEND_MAX})
    )


@transaction.atomic
def inspections_sample_month(*, month: date, per_agent: int | None = None) -> int:
    """Pick the month's tickets to inspect (idempotent: a ticket is sampled once a month).
    Returns how many new inspections were created."""
    per_agent = settings.QA_SAMPLE_PER_AGENT if per_agent is None else per_agent
    start, end = month_bounds(month)
    resolved = Ticket.objects.filter(
        resolved_at__gte=start, resolved_at__lt=end, assignee__isnull=False
    )
    # Random N per agent in one statement: a window numbers each agent's tickets in random
    # order (PostgreSQL sorts within partitions; no row reaches Python but the sample).
    sampled = (
        resolved.annotate(
            pick=Window(RowNumber(), partition_by=[F("assignee_id")], order_by=Random().asc())
        )
        .filter(pick__lte=per_agent)
        .values_list("pk", "assignee_id")
    )
    # An agent's random draw is made once a month: a second run adds no second draw.
    drawn = set(
        Inspection.objects.filter(month=month, reason=InspectionReason.RANDOM).values_list(
            "agent_id", flat=True
        )
    )
    rows = {
        ticket: (agent, InspectionReason.RANDOM) for ticket, agent in sampled if agent not in drawn
    }
    low = Survey.objects.filter(
        low_score_q(), answered_at__gte=start, answered_at__lt=end, agent__isnull=False
    ).values_list("ticket_id", "agent_id")
    rows.update({ticket: (agent, InspectionReason.LOW_SATISFACTION) for ticket, agent in low})
    breached = (
        resolved.filter(sla_clocks__state=ClockState.BREACHED)
        .values_list("pk", "assignee_id")
        .distinct()
    )
    for ticket, agent in breached:
        rows.setdefault(ticket, (agent, InspectionReason.BREACHED))
    existing = set(
        Inspection.objects.filter(month=month, ticket_id__in=list(rows)).values_list(
            "ticket_id", flat=True
        )
    )
    new = [
        Inspection(ticket_id=ticket, agent_id=agent, month=month, reason=reason)
        for ticket, (agent, reason) in rows.items()
        if ticket not in existing
    ]
    Inspection.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def may_inspect(actor, agent) -> bool:
    """Managers inspect anyone; a supervisor the agents of the teams they supervise."""
    if actor.has_perm(INSPECT_ANY_PERMISSION):
        return True
    if not actor.has_perm(INSPECT_PERMISSION) or actor == agent:
        return False
    return Team.objects.filter(supervisor=actor, members=agent).exists()


def _clean_scores(raw_scores: dict, criteria: list[RubricCriterion]) -> dict:
    errors = {}
    known = {criterion.code for criterion in criteria}
    for code in raw_scores:
        if code not in known:
            errors[code] = [MSG_UNKNOWN_CRITERION % {"code": code}]
    cleaned = {}
    for criterion in criteria:
        raw = raw_scores.get(criterion.code)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= CRITERION_SCORE_MAX or str(raw).strip() != str(value):
            errors[criterion.code] = [MSG_CRITERION_SCORE % {"max": CRITERION_SCORE_MAX}]
        cleaned[criterion.code] = value
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def rubric_score(scores: dict[str, int], criteria: list[RubricCriterion]) -> Decimal:
    """0–100: Σ weight × score / (5 × Σ weight) × 100."""
    weight_sum = sum(criterion.weight for criterion in criteria)
    points = sum(criterion.weight * scores[criterion.code] for criterion in criteria)
    return (Decimal(100) * points / (CRITERION_SCORE_MAX * weight_sum)).quantize(Decimal("0.01"))


@transaction.atomic
def inspection_record(
    *, inspection: Inspection, actor, scores: dict, coaching_notes: str = ""
) -> Inspection:
    """Score a sampled ticket on the active rubric; raises AuthorityError outside the
    inspector's scope, ValidationError for a score out of range, ConflictError if done."""
    inspection = (
        Inspection.objects.select_for_update().select_related("agent").get(pk=inspection.pk)
    )
    if not may_inspect(actor, inspection.agent):
        raise AuthorityError(MSG_OUT_OF_SCOPE)
    if inspection.status == InspectionStatus.DONE:
        raise ConflictError(MSG_ALREADY_INSPECTED)
    criteria = list(RubricCriterion.objects.filter(active=True).order_by("order", "pk"))
    cleaned = _clean_scores(scores or {}, criteria)
    notes = (coaching_notes or "").replace("\x00", "").strip()
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationError(
            MSG_NOTES_TOO_LONG % {"limit": NOTES_MAX_CHARS}, field="coaching_notes"
        )
    InspectionScore.objects.bulk_create(
        InspectionScore(
            inspection=inspection,
            criterion=criterion,
            weight=criterion.weight,
            score=cleaned[criterion.code],
        )
        for criterion in criteria
    )
    inspection.score = rubric_score(cleaned, criteria)
    inspection.coaching_notes = notes
    inspection.inspector = actor
    inspection.inspected_at = timezone.now()
    inspection.status = InspectionStatus.DONE
    inspection.save()
    record_event(
        inspection.ticket,
        actor,
        InspectionAction.RECORDED,
        field="inspection",
        after=str(inspection.score),
    )
    return inspection
