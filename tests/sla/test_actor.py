"""The SLA engine names the user whose change it follows, as the service passed it: never
guessed from the audit trail, and nobody for the system (the sweep) or the customer."""

from datetime import timedelta

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity, Stage
from tests.complaints.conftest import content_for
from tests.factories import UserFactory
from tickets import services as tickets
from tickets.audit import EventAction, record_event
from tickets.models import Channel, Complexity, Kind, Status, TicketEvent
from tickets.sla.actions import SlaAction
from tickets.sla.models import Clock, ClockPlan, ClockState, Metric, PauseInterval
from tickets.sla.sweep import sla_sweep

from .conftest import shanghai


def test_a_pause_names_who_changed_the_status_not_the_latest_audit_event(
    new_ticket, agent, team, wednesday
):
    # B's status event carries a later time (another server's clock): an engine reading
    # the trail's latest status event would name B for A's change.
    other = UserFactory(username="other", teams=[team])
    ticket = new_ticket(kind=Kind.FEEDBACK)
    wednesday.move_to(shanghai(2026, 3, 4, 12, 0))
    record_event(
        ticket, other, EventAction.STATUS_CHANGED, field="status", before="new", after="open"
    )
    wednesday.move_to(shanghai(2026, 3, 4, 11, 0))
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    pause = PauseInterval.objects.get(ticket=ticket)
    assert pause.paused_by == agent


def test_a_resume_names_the_agent_and_the_customers_message_nobody(
    new_ticket, agent, team, wednesday
):
    other = UserFactory(username="other", teams=[team])
    ticket = new_ticket(kind=Kind.FEEDBACK)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    tickets.ticket_change_status(ticket=ticket, actor=other, to=Status.OPEN)
    tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.PENDING_CUSTOMER)
    tickets.ticket_customer_message(ticket=ticket, body="Here is the photo")
    first, second = PauseInterval.objects.filter(ticket=ticket).order_by("pk")
    assert (first.paused_by, first.resumed_by) == (agent, other)
    assert (second.paused_by, second.resumed_by) == (agent, None)
    resumed = ClockPlan.objects.filter(clock__ticket=ticket, reason="resumed").order_by("pk")
    assert {plan.planned_by for plan in resumed} == {other, None}


def test_a_met_clock_and_a_replan_name_the_agent(new_ticket, agent, team, wednesday):
    other = UserFactory(username="other", teams=[team])
    ticket = new_ticket(channel=Channel.CHAT)
    assert {plan.planned_by for plan in ClockPlan.objects.filter(clock__ticket=ticket)} == {agent}
    tickets.ticket_reply(ticket=ticket, actor=other, body="We are on it")
    assert Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).met_by == other
    # A complex request's plan is due in 5 business days, not 24 hours: a re-plan.
    tickets.ticket_update_details(
        ticket=ticket, actor=other, changes={"complexity": Complexity.COMPLEX}
    )
    replanned = TicketEvent.objects.filter(ticket=ticket, action=SlaAction.REPLANNED)
    assert replanned and {event.actor for event in replanned} == {other}
    assert ClockPlan.objects.filter(clock__ticket=ticket, reason="terms_changed").exists()
    assert {
        plan.planned_by
        for plan in ClockPlan.objects.filter(clock__ticket=ticket, reason="terms_changed")
    } == {other}


def test_the_sweep_records_no_user(new_ticket, agent, wednesday):
    ticket = new_ticket(channel=Channel.CHAT)
    wednesday.shift(timedelta(days=3))
    report = sla_sweep()
    assert report.breached
    alerts = TicketEvent.objects.filter(ticket=ticket, action__startswith="sla.")
    assert alerts and {event.actor for event in alerts} == {None}
    assert Clock.objects.filter(ticket=ticket, state=ClockState.BREACHED).exists()
    assert set(Clock.objects.filter(ticket=ticket).values_list("met_by", flat=True)) == {None}


def test_a_complaint_stage_move_by_a_supervisor_names_the_supervisor(
    agent, supervisor, team, customer, wednesday
):
    complaint = complaints.complaint_open(
        actor=agent,
        subject="Washer leaks after repair",
        severity=Severity.IMPORTANT,
        category=ComplaintCategory.objects.get(name_en="Product quality"),
        customer=customer,
        team=team,
    )
    wednesday.shift(timedelta(minutes=10))
    complaints.complaint_advance(
        complaint=complaint, actor=supervisor, to=Stage.ACCEPT, content=content_for(Stage.ACCEPT)
    )
    met = Clock.objects.filter(
        ticket=complaint.ticket,
        metric__in=[Metric.COMPLAINT_FIRST_CONTACT, Metric.COMPLAINT_RESPONSE],
    )
    assert {(clock.state, clock.met_by) for clock in met} == {(ClockState.MET, supervisor)}
