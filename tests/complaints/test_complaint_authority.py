"""Urgent complaints are handled by a manager, important by a supervisor or above, routine
by any agent [S0 §03]; severity is raised by anyone and lowered by supervisors and above."""

import pytest

from complaints import services
from complaints.authority import is_within_authority
from complaints.models import ComplaintAuthority, Severity, Stage, StageEntry
from servicedesk.exceptions import AuthorityError
from staff.models import StaffLevel
from tests.complaints.conftest import accept_content


@pytest.mark.parametrize(
    ("severity", "allowed"),
    [
        (Severity.URGENT, {"manager"}),
        (Severity.IMPORTANT, {"supervisor", "manager"}),
        (Severity.ROUTINE, {"agent", "senior", "supervisor", "manager"}),
    ],
)
def test_who_may_handle_a_complaint_follows_its_severity(
    open_complaint, agent, senior, supervisor, manager, severity, allowed
):
    people = {"agent": agent, "senior": senior, "supervisor": supervisor, "manager": manager}
    for name, person in people.items():
        complaint = open_complaint(severity=severity)
        if name in allowed:
            services.complaint_advance(
                complaint=complaint, actor=person, to=Stage.ACCEPT, content=accept_content()
            )
            assert complaint.entries.count() == 1
        else:
            with pytest.raises(AuthorityError):
                services.complaint_advance(
                    complaint=complaint, actor=person, to=Stage.ACCEPT, content=accept_content()
                )
            assert complaint.entries.count() == 0


def test_an_agent_moving_an_urgent_complaint_is_told_who_handles_it(open_complaint, agent):
    complaint = open_complaint(severity=Severity.URGENT)
    with pytest.raises(AuthorityError) as error:
        services.complaint_advance(
            complaint=complaint, actor=agent, to=Stage.ACCEPT, content=accept_content()
        )
    assert "Urgent complaints are handled by a Service manager or above" in str(error.value)
    assert error.value.status_code == 403
    assert not StageEntry.objects.exists()


def test_the_authority_table_is_configurable(open_complaint, agent):
    ComplaintAuthority.objects.filter(severity=Severity.ROUTINE).update(
        minimum_level=StaffLevel.SENIOR
    )
    complaint = open_complaint(severity=Severity.ROUTINE)
    assert not is_within_authority(agent, Severity.ROUTINE)
    with pytest.raises(AuthorityError):
        services.complaint_advance(
            complaint=complaint, actor=agent, to=Stage.ACCEPT, content=accept_content()
        )


def test_anyone_may_raise_the_severity_which_raises_the_ticket_priority(complaint, agent):
    services.complaint_change_terms(
        complaint=complaint,
        actor=agent,
        severity=Severity.URGENT,
        complexity=complaint.complexity,
    )
    complaint.refresh_from_db()
    complaint.ticket.refresh_from_db()
    assert complaint.severity == Severity.URGENT
    assert complaint.ticket.priority == "urgent"
    assert complaint.ticket.events.filter(action="complaint.severity_changed").exists()


def test_only_a_supervisor_or_above_may_lower_the_severity(open_complaint, agent, supervisor):
    complaint = open_complaint(severity=Severity.IMPORTANT)
    with pytest.raises(AuthorityError):
        services.complaint_change_terms(
            complaint=complaint,
            actor=agent,
            severity=Severity.ROUTINE,
            complexity=complaint.complexity,
        )
    complaint.refresh_from_db()
    assert complaint.severity == Severity.IMPORTANT
    services.complaint_change_terms(
        complaint=complaint,
        actor=supervisor,
        severity=Severity.ROUTINE,
        complexity=complaint.complexity,
    )
    complaint.refresh_from_db()
    assert complaint.severity == Severity.ROUTINE
