"""Low satisfaction triggers an investigation [S1 §2.4]: one per survey, for the agent's
supervisor, on its own SLA clock (the engine's satisfaction_investigation metric), closed
with a finding and the outcome."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError, require_choice
from tickets.audit import record_event
from tickets.sla.models import Metric
from tickets.sla.services import sla_follow_up_meet, sla_follow_up_start

from .models import Investigation, InvestigationFinding, InvestigationStatus, Survey

MSG_NOT_YOURS = _("Only the investigating supervisor or a manager can close this investigation.")
MSG_ALREADY_DONE = _("This investigation is already closed.")
MSG_OUTCOME_REQUIRED = _("Write down what was found and done.")
MANAGE_ALL_PERMISSION = "quality.manage_all_investigations"


class InvestigationAction:
    OPENED = "investigation.opened"
    CLOSED = "investigation.closed"


def is_low_score(survey: Survey) -> bool:
    """Any dimension at or below SURVEY_LOW_DIMENSION_MAX, or the recommend score at or
    below SURVEY_LOW_RECOMMEND_MAX (a detractor, by default)."""
    dimension_max = settings.SURVEY_LOW_DIMENSION_MAX
    if any(
        getattr(survey, name) <= dimension_max
        for name in ("attitude", "effectiveness", "timeliness")
    ):
        return True
    return survey.recommend <= settings.SURVEY_LOW_RECOMMEND_MAX


def _supervisor_for(survey: Survey):
    if survey.team_id is not None and survey.team.supervisor_id is not None:
        return survey.team.supervisor
    if survey.agent_id is not None:
        team = survey.agent.teams.filter(supervisor__isnull=False).order_by("pk").first()
        if team is not None:
            return team.supervisor
    return None


def investigation_owners(ticket_ids: set[int]) -> dict[int, int | None]:
    """The SLA engine's owner rule for the investigation clock (registered in apps.py): its
    warning and breach notices go to the investigating supervisor, not to the agent whose
    ticket it is. One query per sweep batch."""
    return dict(
        Investigation.objects.filter(
            ticket_id__in=ticket_ids, status=InvestigationStatus.OPEN
        ).values_list("ticket_id", "supervisor_id")
    )


def investigation_open_if_low(*, survey: Survey, at: datetime) -> Investigation | None:
    """Open the survey's investigation if its score is low (once; inside the answer's
    transaction) and start its clock."""
    if not is_low_score(survey) or Investigation.objects.filter(survey=survey).exists():
        return None
    investigation = Investigation.objects.create(
        survey=survey,
        ticket_id=survey.ticket_id,
        supervisor=_supervisor_for(survey),
        opened_at=at,
    )
    # The customer's answer opens it: no user.
    sla_follow_up_start(
        ticket=survey.ticket, metric=Metric.SATISFACTION_INVESTIGATION, at=at, actor=None
    )
    record_event(
        survey.ticket,
        None,
        InvestigationAction.OPENED,
        field="investigation",
        after=investigation.supervisor.get_username() if investigation.supervisor else None,
    )
    return investigation


@transaction.atomic
def investigation_close(
    *, investigation: Investigation, actor, finding: str, outcome: str
) -> Investigation:
    """Record the finding and outcome; meets (or, late, breaches) the investigation clock."""
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.status != InvestigationStatus.OPEN:
        raise ConflictError(MSG_ALREADY_DONE)
    if actor != investigation.supervisor and not actor.has_perm(MANAGE_ALL_PERMISSION):
        raise AuthorityError(MSG_NOT_YOURS)
    require_choice("finding", finding, InvestigationFinding)
    outcome = (outcome or "").replace("\x00", "").strip()
    if not outcome:
        raise ValidationError(MSG_OUTCOME_REQUIRED, field="outcome")
    now = timezone.now()
    investigation.status = InvestigationStatus.DONE
    investigation.finding = finding
    investigation.outcome = outcome
    investigation.closed_by = actor
    investigation.closed_at = now
    investigation.save()
    sla_follow_up_meet(
        ticket=investigation.ticket, metric=Metric.SATISFACTION_INVESTIGATION, at=now, actor=actor
    )
    record_event(
        investigation.ticket,
        actor,
        InvestigationAction.CLOSED,
        field="investigation",
        after=finding,
    )
    return investigation
