"""Feedback replies come with improvement measures, tracked to done by managers [S1 §2.4]."""

import pytest
from django.urls import reverse

from plans import measures
from plans.models import ImprovementMeasure, MeasureStatus
from servicedesk.exceptions import ConflictError, ValidationError
from tickets.models import Kind


def test_a_measure_or_the_reason_for_none_and_never_neither(new_ticket, agent, wednesday):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    for measure, reason in (("", ""), ("Train staff", "Not needed")):
        with pytest.raises(ValidationError):
            measures.improvement_measure_record(
                ticket=ticket, actor=agent, measure=measure, none_reason=reason
            )
    assert not ImprovementMeasure.objects.exists()
    kept = measures.improvement_measure_record(ticket=ticket, actor=agent, measure="Train staff")
    none = measures.improvement_measure_record(
        ticket=ticket, actor=agent, none_reason="Already fixed last month"
    )
    assert (kept.status, none.status) == (MeasureStatus.OPEN, MeasureStatus.DONE)


def test_only_feedback_gets_measures(new_ticket, agent, wednesday):
    with pytest.raises(ValidationError):
        measures.improvement_measure_record(ticket=new_ticket(), actor=agent, measure="x")
    assert not ImprovementMeasure.objects.exists()


def test_managers_track_measures_to_done(new_ticket, agent, manager, client, wednesday):
    ticket = new_ticket(kind=Kind.FEEDBACK)
    measure = measures.improvement_measure_record(ticket=ticket, actor=agent, measure="New FAQ")
    client.force_login(agent)
    assert client.get(reverse("plans:measures")).status_code == 403
    client.force_login(manager)
    assert "New FAQ" in client.get(reverse("plans:measures")).content.decode()
    client.post(reverse("plans:measure_done", args=[measure.pk]))
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE and measure.done_by == manager
    with pytest.raises(ConflictError):
        measures.improvement_measure_complete(measure=measure, actor=manager)
