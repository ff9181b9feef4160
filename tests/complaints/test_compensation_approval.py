"""Compensation above the actor's approval limit waits for someone whose limit covers it;
approving one's own is refused; the stage cannot complete while approval is pending."""

from decimal import Decimal

import pytest

from complaints import services
from complaints.authority import approval_limit_of
from complaints.models import Compensation, CompensationStatus, Stage, StageEntry
from servicedesk.exceptions import AuthorityError, ConflictError, StageError, ValidationError
from tests.complaints.conftest import advance_to
from tickets.models import TicketEvent

PAID = {"recovery_actions": ["apology", "symbolic_atonement"], "none_agreed": False}


@pytest.fixture
def negotiated(complaint, agent):
    return advance_to(complaint, agent, Stage.NEGOTIATE)


def request(complaint, actor, amount, currency="CNY", kind="money"):
    return services.complaint_request_compensation(
        complaint=complaint, actor=actor, kind=kind, amount=amount, currency=currency
    )


def test_the_limit_is_the_one_on_the_persons_profile(agent, supervisor, manager):
    # The factory's profiles carry the documented examples; the profile alone decides.
    assert approval_limit_of(agent, "CNY") == Decimal("200")
    assert approval_limit_of(supervisor, "CNY") == Decimal("2000")
    assert approval_limit_of(manager, "USD") == Decimal("3000")
    assert approval_limit_of(agent, "EUR") == Decimal("0")  # none set: everything waits
    agent.staff_profile.approval_limits.filter(currency="CNY").update(amount=Decimal("900"))
    assert approval_limit_of(agent, "CNY") == Decimal("900")


def test_within_the_actors_own_limit_it_is_approved_at_once(negotiated, agent):
    compensation = request(negotiated, agent, "200.00")
    assert compensation.status == CompensationStatus.APPROVED
    assert compensation.approved_within_own_limit
    services.complaint_advance(complaint=negotiated, actor=agent, to=Stage.COMPENSATE, content=PAID)
    entry = negotiated.entries.get(stage=Stage.COMPENSATE)
    assert entry.compensation == compensation
    assert entry.content["compensation"]["amount"] == "200.00"


def test_above_the_limit_it_waits_and_the_stage_cannot_complete(negotiated, agent):
    compensation = request(negotiated, agent, "200.01")
    assert compensation.status == CompensationStatus.PENDING_APPROVAL
    with pytest.raises(StageError, match="waiting for approval"):
        services.complaint_advance(
            complaint=negotiated, actor=agent, to=Stage.COMPENSATE, content=PAID
        )
    assert not negotiated.entries.filter(stage=Stage.COMPENSATE).exists()


def test_a_supervisor_approves_within_their_limit_and_the_stage_then_completes(
    negotiated, agent, supervisor
):
    compensation = request(negotiated, agent, "1500")
    services.complaint_approve_compensation(compensation=compensation, actor=supervisor)
    compensation.refresh_from_db()
    assert (compensation.status, compensation.decided_by) == ("approved", supervisor)
    assert TicketEvent.objects.filter(
        ticket=negotiated.ticket, action="complaint.compensation_approved", actor=supervisor
    ).exists()
    services.complaint_advance(complaint=negotiated, actor=agent, to=Stage.COMPENSATE, content=PAID)
    negotiated.refresh_from_db()
    assert negotiated.stage == Stage.COMPENSATE


def test_a_supervisor_cannot_approve_above_their_limit_but_a_manager_can(
    negotiated, agent, supervisor, manager
):
    compensation = request(negotiated, agent, "2000.01")
    with pytest.raises(AuthorityError, match="above your approval limit of 2000"):
        services.complaint_approve_compensation(compensation=compensation, actor=supervisor)
    compensation.refresh_from_db()
    assert compensation.status == CompensationStatus.PENDING_APPROVAL
    services.complaint_approve_compensation(compensation=compensation, actor=manager)
    compensation.refresh_from_db()
    assert compensation.status == CompensationStatus.APPROVED


def test_approving_ones_own_compensation_is_refused_and_nothing_is_written(
    negotiated, agent, supervisor
):
    negotiated.refresh_from_db()
    compensation = request(negotiated, supervisor, "2500")
    assert compensation.status == CompensationStatus.PENDING_APPROVAL
    events = TicketEvent.objects.count()
    with pytest.raises(AuthorityError, match="your own compensation"):
        services.complaint_approve_compensation(compensation=compensation, actor=supervisor)
    compensation.refresh_from_db()
    assert (compensation.status, compensation.decided_by) == ("pending_approval", None)
    assert TicketEvent.objects.count() == events


def test_an_agent_cannot_approve_someone_elses_compensation(negotiated, senior, agent):
    compensation = request(negotiated, senior, "600")
    with pytest.raises(AuthorityError, match="Only supervisors and managers"):
        services.complaint_approve_compensation(compensation=compensation, actor=agent)


def test_a_rejection_needs_a_reason_and_lets_negotiation_agree_another(
    negotiated, agent, supervisor
):
    compensation = request(negotiated, agent, "900")
    with pytest.raises(ValidationError):
        services.complaint_reject_compensation(
            compensation=compensation, actor=supervisor, reason=""
        )
    services.complaint_reject_compensation(
        compensation=compensation, actor=supervisor, reason="Disproportionate"
    )
    with pytest.raises(ConflictError):
        services.complaint_approve_compensation(compensation=compensation, actor=supervisor)
    second = request(negotiated, agent, "150")
    assert second.status == CompensationStatus.APPROVED


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-5", "CNY", "amount", "cannot be negative"),
        ("abc", "CNY", "amount", "as a number"),
        ("12.345", "CNY", "amount", "as a number"),
        ("NaN", "CNY", "amount", "as a number"),
        ("0", "CNY", "amount", "above zero"),
        ("100", "XYZ", "currency", "not a configured currency"),
        ("100", "", "currency", "not a configured currency"),
    ],
)
def test_bad_amounts_and_currencies_are_refused_with_clear_errors_and_nothing_written(
    negotiated, agent, amount, currency, field, message
):
    version = negotiated.version
    with pytest.raises(ValidationError, match=message) as error:
        request(negotiated, agent, amount, currency)
    assert field in error.value.fields
    assert not Compensation.objects.exists()
    negotiated.refresh_from_db()
    assert negotiated.version == version


def test_a_currency_can_be_configured(negotiated, agent, settings):
    settings.COMPENSATION_CURRENCIES = ["CNY", "JPY"]
    compensation = request(negotiated, agent, "100", "JPY")
    # No JPY limit is configured for juniors, so it waits for approval.
    assert compensation.status == CompensationStatus.PENDING_APPROVAL


def test_goods_need_a_description_and_are_recorded_without_money(negotiated, agent):
    with pytest.raises(ValidationError) as error:
        request(negotiated, agent, "", "", kind="goods")
    assert "goods_or_service" in error.value.fields
    compensation = services.complaint_request_compensation(
        complaint=negotiated, actor=agent, kind="goods", goods_or_service="Free descaling kit"
    )
    assert (compensation.status, compensation.amount, compensation.currency) == (
        "approved",
        Decimal("0"),
        "",
    )


def test_compensation_is_requested_only_after_negotiation(complaint, agent):
    with pytest.raises(StageError):
        request(complaint, agent, "50")
    assert not StageEntry.objects.exists()


def test_the_database_refuses_a_negative_amount(negotiated, agent):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Compensation.objects.create(
            complaint=negotiated,
            kind="money",
            amount=Decimal("-1"),
            currency="CNY",
            requested_by=agent,
        )


def test_the_database_refuses_a_self_decision_outside_the_own_limit(negotiated, agent):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Compensation.objects.create(
            complaint=negotiated,
            kind="money",
            amount=Decimal("900"),
            currency="CNY",
            requested_by=agent,
            decided_by=agent,
            status="approved",
        )
