"""The data of the fault tests: many tickets with a clock falling due, a webhook endpoint,
and the counts that must come out exactly — each breach once, each notice once."""

from collections import Counter
from dataclasses import dataclass

from servicedesk.api.models import WebhookEndpoint
from servicedesk.celery import app
from servicedesk.outbox.mail_threads import outgoing_message_id
from servicedesk.outbox.models import OutboxChannel, OutboxMessage, OutboxStatus
from tests.bulk_load import load_clocks, load_tickets
from tests.real_processes import process_env
from tickets.models import Ticket, TicketEvent
from tickets.sla.actions import SlaAction
from tickets.sla.models import Calendar, Clock, ClockState, Metric

# Every breach notifies the assignee and the team's supervisor.
NOTICES_PER_BREACH = 2


@dataclass
class Scene:
    ticket_ids: range

    @property
    def clocks(self) -> int:
        return len(self.ticket_ids)


def due_clocks(
    count: int, *, agent, team, customer, due_in: str = "-1 minute", first: int = 1
) -> Scene:
    """`count` tickets of the agent in the team, each with a first-response clock due
    `due_in` from now on the 24×7 calendar (its notices go out at once)."""
    template, _ = Ticket.objects.get_or_create(
        reference="F-template",
        defaults={
            "subject": "Fault test",
            "channel": "email",
            "team": team,
            "customer": customer,
            "assignee": agent,
        },
    )
    load_tickets(template.pk, first, first + count - 1)
    ids = Ticket.objects.filter(reference__in=[f"B-{first}", f"B-{first + count - 1}"]).values_list(
        "pk", flat=True
    )
    low, high = min(ids), max(ids)
    assert high - low + 1 == count
    load_clocks(
        first_ticket=low,
        last_ticket=high,
        metric=Metric.FIRST_RESPONSE,
        cycle=1,
        due_in=due_in,
        calendar_id=Calendar.objects.get(name="24×7").pk,
    )
    return Scene(range(low, high + 1))


def webhook_endpoint(url: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="Fault receiver", url=url, secret="fault-secret", events=[SlaAction.BREACHED]
    )


def environment(**overrides: str) -> dict:
    """Workers and beats on the test database and broker, quiet logs."""
    from django.conf import settings

    return process_env(
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL, LOG_LEVEL="WARNING", **overrides
    )


def purge_broker() -> None:
    """Tasks other tests left on the test broker would run in our workers first."""
    app.control.purge()


def breached() -> int:
    return Clock.objects.filter(state=ClockState.BREACHED).count()


def breach_events() -> Counter:
    """(ticket, metric) → how many breach events were recorded for it."""
    return Counter(
        TicketEvent.objects.filter(action=SlaAction.BREACHED).values_list("ticket_id", "field")
    )


def notices(channel: str):
    return OutboxMessage.objects.filter(channel=channel, topic=SlaAction.BREACHED)


def undelivered() -> int:
    return OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    ).count()


def mailed(rows) -> dict[str, int]:
    """Message-ID → 1 for each outbox e-mail row: what the mail server must have received."""
    return {outgoing_message_id(row): 1 for row in rows}


def assert_each_breach_recorded_once(scene: Scene) -> None:
    assert breached() == scene.clocks
    events = breach_events()
    assert set(events) == {(pk, Metric.FIRST_RESPONSE) for pk in scene.ticket_ids}
    assert set(events.values()) == {1}
    emails = notices(OutboxChannel.EMAIL)
    assert emails.count() == NOTICES_PER_BREACH * scene.clocks
    assert emails.values("dedupe_key").distinct().count() == emails.count()
    assert notices(OutboxChannel.WEBHOOK).count() == scene.clocks


def notices_queued(scene: Scene) -> int:
    return notices(OutboxChannel.EMAIL).count() + notices(OutboxChannel.WEBHOOK).count()


def all_breached_and_queued(scene: Scene) -> bool:
    return (
        breached() == scene.clocks
        and notices_queued(scene) == (NOTICES_PER_BREACH + 1) * scene.clocks
    )


def all_breached_and_delivered(scene: Scene) -> bool:
    return all_breached_and_queued(scene) and undelivered() == 0
