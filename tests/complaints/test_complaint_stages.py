"""The five steps in strict order: accept → investigate → negotiate → compensate → follow up
→ closed [S0 §03]; every other move is refused and writes nothing."""

import itertools

import pytest

from complaints import services
from complaints.models import STAGE_ORDER, Complaint, Stage, StageEntry
from servicedesk.exceptions import AuthorityError, StageError, ValidationError
from tests.complaints.conftest import VALID_CONTENT, advance_to
from tickets.models import Status, TicketEvent

ILLEGAL_MOVES = [
    (before, after)
    for before, after in itertools.product(STAGE_ORDER, STAGE_ORDER)
    if STAGE_ORDER.index(after) != STAGE_ORDER.index(before) + 1
]


def test_the_stage_order_is_exactly_the_five_steps_then_closed():
    assert list(STAGE_ORDER) == [
        "received",
        "accept",
        "investigate",
        "negotiate",
        "compensate",
        "follow_up",
        "closed",
    ]


@pytest.mark.parametrize(("before", "after"), ILLEGAL_MOVES)
def test_every_move_other_than_to_the_next_stage_is_refused_and_writes_nothing(
    complaint, manager, before, after
):
    # Put the complaint at `before` directly: the walk itself is tested below.
    Complaint.objects.filter(pk=complaint.pk).update(stage=before)
    complaint.refresh_from_db()
    entries, events = StageEntry.objects.count(), TicketEvent.objects.count()
    with pytest.raises(StageError) as error:
        services.complaint_advance(
            complaint=complaint,
            actor=manager,
            to=after,
            content=VALID_CONTENT.get(after, {}),
        )
    assert error.value.code == "stage_order"
    complaint.refresh_from_db()
    assert complaint.stage == before
    assert (StageEntry.objects.count(), TicketEvent.objects.count()) == (entries, events)


def test_a_routine_complaint_cannot_skip_investigation(complaint, agent):
    advance_to(complaint, agent, Stage.ACCEPT)
    with pytest.raises(StageError, match="can only move to “Investigate”"):
        services.complaint_advance(
            complaint=complaint,
            actor=agent,
            to=Stage.NEGOTIATE,
            content=VALID_CONTENT[Stage.NEGOTIATE],
        )


def test_walking_every_stage_records_who_when_and_what(complaint, agent):
    advance_to(complaint, agent, Stage.FOLLOW_UP)
    entries = list(complaint.entries.order_by("created_at", "pk"))
    assert [entry.stage for entry in entries] == [
        "accept",
        "investigate",
        "negotiate",
        "compensate",
        "follow_up",
    ]
    assert {entry.actor for entry in entries} == {agent}
    assert entries[1].root_cause == "product_defect"
    assert entries[1].content["findings"] == "Seal fitted the wrong way"
    assert entries[4].customer_satisfied is True
    assert entries[0].content["contact_channel"] == "phone"
    events = TicketEvent.objects.filter(ticket=complaint.ticket, action="complaint.stage_changed")
    assert [(e.before, e.after) for e in events.order_by("pk")] == [
        ("received", "accept"),
        ("accept", "investigate"),
        ("investigate", "negotiate"),
        ("negotiate", "compensate"),
        ("compensate", "follow_up"),
    ]
    complaint.refresh_from_db()
    assert complaint.version == 6


def test_accepting_opens_the_ticket(complaint, agent):
    advance_to(complaint, agent, Stage.ACCEPT)
    complaint.ticket.refresh_from_db()
    assert complaint.ticket.status == Status.OPEN


def test_none_agreed_compensation_still_records_the_stage(complaint, agent):
    advance_to(complaint, agent, Stage.COMPENSATE)
    entry = complaint.entries.get(stage=Stage.COMPENSATE)
    assert entry.compensation.status == "not_required"
    assert entry.content["recovery_actions"] == ["apology", "urgent_restoration"]


@pytest.mark.parametrize(
    ("stage", "content", "field"),
    [
        (Stage.ACCEPT, {}, "contacted_at"),
        (Stage.ACCEPT, {**VALID_CONTENT[Stage.ACCEPT], "contact_channel": ""}, "contact_channel"),
        (
            Stage.ACCEPT,
            {**VALID_CONTENT[Stage.ACCEPT], "contacted_at": "yesterday"},
            "contacted_at",
        ),
        (Stage.INVESTIGATE, {"findings": "Seal"}, "root_cause"),
        (Stage.INVESTIGATE, {"findings": "Seal", "root_cause": "gremlins"}, "root_cause"),
        (Stage.NEGOTIATE, {"options_offered": "Refund"}, "customer_agreed"),
        (Stage.COMPENSATE, {"none_agreed": True}, "recovery_actions"),
        (Stage.COMPENSATE, {"recovery_actions": ["apology"]}, "none_agreed"),
        (
            Stage.FOLLOW_UP,
            {**VALID_CONTENT[Stage.FOLLOW_UP], "customer_satisfied": ""},
            "customer_satisfied",
        ),
    ],
)
def test_a_stage_move_with_missing_or_bad_content_names_the_field_and_writes_nothing(
    complaint, agent, stage, content, field
):
    previous = STAGE_ORDER[STAGE_ORDER.index(stage) - 1]
    advance_to(complaint, agent, previous)
    entries, events, version = (
        StageEntry.objects.count(),
        TicketEvent.objects.count(),
        complaint.version,
    )
    with pytest.raises(ValidationError) as error:
        services.complaint_advance(complaint=complaint, actor=agent, to=stage, content=content)
    assert field in error.value.fields
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.version) == (previous, version)
    assert (StageEntry.objects.count(), TicketEvent.objects.count()) == (entries, events)


def test_a_closed_complaint_refuses_further_moves(complaint, agent):
    Complaint.objects.filter(pk=complaint.pk).update(stage=Stage.CLOSED)
    complaint.refresh_from_db()
    with pytest.raises(StageError, match="closed"):
        services.complaint_advance(
            complaint=complaint, actor=agent, to=Stage.ACCEPT, content=VALID_CONTENT[Stage.ACCEPT]
        )


def test_going_back_needs_a_reopen_by_a_supervisor_which_is_audited(complaint, agent, supervisor):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    with pytest.raises(AuthorityError):
        services.complaint_reopen(
            complaint=complaint, actor=agent, redo_from=Stage.INVESTIGATE, reason="New facts"
        )
    services.complaint_reopen(
        complaint=complaint, actor=supervisor, redo_from=Stage.INVESTIGATE, reason="New facts"
    )
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.round) == (Stage.ACCEPT, 2)
    event = TicketEvent.objects.get(ticket=complaint.ticket, action="complaint.reopened")
    assert event.actor == supervisor
    assert event.before == "negotiate"
    assert event.after["reason"] == "New facts"
    # The investigation is recorded again in the new round; the first stays as history.
    services.complaint_advance(
        complaint=complaint,
        actor=agent,
        to=Stage.INVESTIGATE,
        content={"findings": "Pump worn", "root_cause": "product_defect"},
    )
    assert complaint.entries.filter(stage=Stage.INVESTIGATE).count() == 2


def test_a_reopen_needs_a_reason_and_a_stage_already_reached(complaint, agent, supervisor):
    advance_to(complaint, agent, Stage.ACCEPT)
    with pytest.raises(ValidationError) as error:
        services.complaint_reopen(
            complaint=complaint, actor=supervisor, redo_from=Stage.ACCEPT, reason="  "
        )
    assert "reason" in error.value.fields
    with pytest.raises(StageError):
        services.complaint_reopen(
            complaint=complaint, actor=supervisor, redo_from=Stage.NEGOTIATE, reason="Why"
        )
