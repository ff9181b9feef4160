"""Improvement measures: a feedback or suggestion reply records the measure decided, or
why there is none, and managers track the measures to done [S1 §2.4]."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ConflictError, ValidationError
from tickets.audit import record_event
from tickets.models import Kind, Ticket

from .events import PlanAction
from .models import ImprovementMeasure, MeasureStatus

MSG_NOT_FEEDBACK = _("Improvement measures are recorded on feedback and suggestions.")
MSG_MEASURE_OR_REASON = _("Record the measure decided, or why there is none — one of the two.")
MSG_MEASURE_DONE = _("This measure is already done.")


@transaction.atomic
def improvement_measure_record(
    *, ticket: Ticket, actor, measure: str = "", none_reason: str = ""
) -> ImprovementMeasure:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.kind != Kind.FEEDBACK:
        raise ValidationError(MSG_NOT_FEEDBACK, field="ticket")
    measure, none_reason = (measure or "").strip(), (none_reason or "").strip()
    if bool(measure) == bool(none_reason):
        raise ValidationError(MSG_MEASURE_OR_REASON, field="measure")
    record = ImprovementMeasure.objects.create(
        ticket=ticket,
        measure=measure,
        none_reason=none_reason,
        decided_by=actor,
        status=MeasureStatus.OPEN if measure else MeasureStatus.DONE,
        done_at=None if measure else timezone.now(),
    )
    record_event(
        ticket, actor, PlanAction.MEASURE_RECORDED, field="measure", after=measure or none_reason
    )
    return record


@transaction.atomic
def improvement_measure_complete(*, measure: ImprovementMeasure, actor) -> ImprovementMeasure:
    measure = (
        ImprovementMeasure.objects.select_for_update().select_related("ticket").get(pk=measure.pk)
    )
    if measure.status == MeasureStatus.DONE:
        raise ConflictError(MSG_MEASURE_DONE)
    measure.status, measure.done_at, measure.done_by = MeasureStatus.DONE, timezone.now(), actor
    measure.save(update_fields=["status", "done_at", "done_by"])
    record_event(
        measure.ticket, actor, PlanAction.MEASURE_DONE, field="measure", after=measure.measure
    )
    return measure
