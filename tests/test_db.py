"""The statements the ORM cannot say write what the ORM writes for the same rows.

servicedesk.db prepares their values as Model.save() does; each statement is compared here
with the ORM's own writing of the same data: the clocks-and-plans CTE of a new ticket
(tickets/sla/clocks.py) and the outbox's INSERT … SELECT per recipient. The token query's
permission names are held to Django's own in tests/api/test_permissions.py.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from servicedesk.db import insert_values
from servicedesk.outbox.models import OutboxChannel, OutboxMessage
from servicedesk.outbox.services import outbox_enqueue_per_recipient
from tests.factories import TeamFactory, UserFactory
from tickets import services
from tickets.models import Channel, TicketEvent
from tickets.sla import clocks as sla_clocks
from tickets.sla.models import Clock, ClockPlan, PlanReason
from tickets.sla.policies import new_ticket_terms, targets_for

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday inside working hours


@pytest.fixture
def ticket():
    user = UserFactory()
    return services.ticket_create(
        actor=user, subject="Help", channel=Channel.API, team=TeamFactory(name="Support")
    )


def test_insert_values_leaves_out_the_primary_key_and_skipped_fields(ticket):
    values = insert_values(TicketEvent(ticket=ticket, action="x"), skip=["field"])
    assert "id" not in values and "field" not in values
    assert values["ticket_id"] == ticket.pk and values["created_at"] is not None


def _planned_creation_clocks(ticket) -> list[Clock]:
    terms = new_ticket_terms(ticket)
    targets = targets_for(terms)
    return [
        sla_clocks._planned_clock(
            ticket, metric, targets[metric], at=AT, terms=terms, cycle=1, pauses=(), open_pause=None
        )
        for metric in sla_clocks.CREATION_METRICS
        if metric in targets
    ]


def _columns(row, *, exclude: tuple[str, ...] = ("id",)) -> dict:
    """Every column of the row (model_to_dict would leave out the non-editable ones)."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.name not in exclude
    }


def _clocks_and_plans_written(ticket) -> tuple[list[dict], list[dict]]:
    clocks = Clock.objects.filter(ticket=ticket).order_by("metric", "cycle")
    plans = ClockPlan.objects.filter(clock__ticket=ticket).order_by("clock__metric")
    return (
        [_columns(clock) for clock in clocks],
        [_columns(plan, exclude=("id", "clock")) | {"metric": plan.clock.metric} for plan in plans],
    )


def test_the_one_statement_clock_insert_writes_what_bulk_create_writes(ticket):
    Clock.objects.filter(ticket=ticket).delete()
    with time_machine.travel(AT, tick=False):
        by_statement = _planned_creation_clocks(ticket)
        sla_clocks._insert_clocks_and_plans_in_one_statement(
            by_statement, reason=PlanReason.STARTED, at=AT, actor=ticket.created_by
        )
        written_by_statement = _clocks_and_plans_written(ticket)
        assert [clock.pk for clock in by_statement] == [
            Clock.objects.get(ticket=ticket, metric=clock.metric).pk for clock in by_statement
        ]
        Clock.objects.filter(ticket=ticket).delete()
        sla_clocks._insert_clocks_and_plans_by_the_orm(
            _planned_creation_clocks(ticket),
            reason=PlanReason.STARTED,
            at=AT,
            actor=ticket.created_by,
        )
        written_by_orm = _clocks_and_plans_written(ticket)
    assert len(written_by_orm[0]) >= 2 and len(written_by_orm[1]) == len(written_by_orm[0])
    assert {plan["planned_by_id"] for plan in written_by_orm[1]} == {ticket.created_by_id}
    assert written_by_statement == written_by_orm


def _outbox_written(ticket) -> list[dict]:
    rows = OutboxMessage.objects.filter(ticket=ticket, topic="test.topic").order_by("recipient")
    return [_columns(row) for row in rows]


def test_the_insert_select_per_recipient_writes_what_create_writes(ticket):
    payload = {"reference": ticket.reference, "nested": [1, "two", None]}
    with time_machine.travel(AT, tick=False):
        queued = outbox_enqueue_per_recipient(
            channel=OutboxChannel.WEBHOOK,
            topic="test.topic",
            payload=payload,
            ticket=ticket,
            recipients_sql="VALUES (%s), (%s)",
            recipients_params=["https://a.example/hook", "https://b.example/hook"],
        )
        by_statement = _outbox_written(ticket)
        OutboxMessage.objects.filter(topic="test.topic").delete()
        for recipient in ("https://a.example/hook", "https://b.example/hook"):
            OutboxMessage.objects.create(
                channel=OutboxChannel.WEBHOOK,
                topic="test.topic",
                recipient=recipient,
                payload=payload,
                ticket=ticket,
                deliver_after=timezone.now(),
            )
        by_orm = _outbox_written(ticket)
    assert queued == 2 and len(by_orm) == 2
    assert by_statement == by_orm
