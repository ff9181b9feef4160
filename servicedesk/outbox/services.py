"""Writing to the outbox. Call inside the transaction of the change that causes it."""

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from servicedesk.db import default_connection, insert_values, quoted

from .models import OutboxChannel, OutboxMessage
from .topics import EventTopic

# Subscribers fan a domain event out to outbox rows (e.g. one per webhook endpoint).
# Apps register in AppConfig.ready(); each gets (topic, payload, ticket) and writes rows.
EventSubscriber = Callable[[str, dict[str, Any], Any], None]
# A subscriber may also take many events at once (event_publish_many): the SLA sweep
# publishes hundreds per batch, and one statement for them all beats one per event.
Event = tuple[str, dict[str, Any], Any]  # (topic, payload, ticket)
EventBatchSubscriber = Callable[[Sequence[Event]], None]
_event_subscribers: list[EventSubscriber] = []
_batch_subscribers: dict[EventSubscriber, EventBatchSubscriber] = {}


def subscribe_to_events(
    subscriber: EventSubscriber, *, many: EventBatchSubscriber | None = None
) -> None:
    """`subscriber` gets each event; `many`, if given, gets the events of one
    event_publish_many call instead and must do what `subscriber` would do for each."""
    if subscriber not in _event_subscribers:
        _event_subscribers.append(subscriber)
    if many is not None:
        _batch_subscribers[subscriber] = many


def _check_topic(topic: str) -> None:
    if topic not in EventTopic.values:
        raise ValueError(f"{topic!r} is not an EventTopic: add it there to publish it")


def event_publish(topic: str, payload: dict[str, Any], *, ticket=None) -> None:
    """Announce a domain event (ticket.created, sla.breached, …) to whoever subscribed."""
    _check_topic(topic)
    for subscriber in _event_subscribers:
        subscriber(topic, payload, ticket)


def event_publish_many(events: Sequence[Event]) -> None:
    """Announce several events, in order: as event_publish for each, in fewer statements."""
    if not events:
        return
    for topic, _payload, _ticket in events:
        _check_topic(topic)
    for subscriber in _event_subscribers:
        many = _batch_subscribers.get(subscriber)
        if many is not None:
            many(events)
            continue
        for topic, payload, ticket in events:
            subscriber(topic, payload, ticket)


def outbox_enqueue(
    *,
    channel: str,
    topic: str,
    recipient: str,
    subject: str = "",
    body: str = "",
    payload: dict[str, Any] | None = None,
    ticket=None,
    dedupe_key: str | None = None,
    deliver_after: datetime | None = None,
) -> OutboxMessage | None:
    """Queue one message; returns None if a message with the same dedupe_key exists."""
    fields = dict(
        channel=channel,
        topic=topic,
        recipient=recipient,
        subject=subject[:300],
        body=body,
        payload=payload or {},
        ticket=ticket,
        dedupe_key=dedupe_key,
        deliver_after=deliver_after or timezone.now(),
    )
    if dedupe_key is None:
        return OutboxMessage.objects.create(**fields)
    try:
        # A savepoint keeps the caller's transaction usable when the key already exists.
        with transaction.atomic():
            return OutboxMessage.objects.create(**fields)
    except IntegrityError:
        return None


def outbox_enqueue_email(*, topic: str, to: str, subject: str, body: str, **kwargs):
    return outbox_enqueue(
        channel=OutboxChannel.EMAIL, topic=topic, recipient=to, subject=subject, body=body, **kwargs
    )


def outbox_enqueue_per_recipient(
    *,
    channel: str,
    topic: str,
    payload: dict[str, Any],
    ticket=None,
    recipients_sql: str,
    recipients_params: Sequence[Any] = (),
) -> int:
    """Queue the same message once per recipient that `recipients_sql` selects (one column,
    text): one INSERT … SELECT, with no round trip to read the recipients first.

    Written out because Django's ORM has no INSERT … SELECT. The columns and their values
    come from the model's fields (a template row prepared as Model.save would prepare it),
    so a new field with a default needs nothing here. Returns how many rows were queued.
    """
    template = OutboxMessage(
        channel=channel,
        topic=topic,
        recipient="",
        payload=payload,
        ticket=ticket,
        deliver_after=timezone.now(),
    )
    row = insert_values(template, skip=["recipient"])
    sql = _per_recipient_sql(tuple(row), recipients_sql)
    with default_connection().cursor() as cursor:
        cursor.execute(sql, [*row.values(), *recipients_params])
        return cursor.rowcount


@cache
def _per_recipient_sql(columns: tuple[str, ...], recipients_sql: str) -> str:
    meta = OutboxMessage._meta
    # Identifiers from model metadata; every value is a parameter.
    return (
        f"INSERT INTO {quoted([meta.db_table])} "  # noqa: S608  # nosec B608
        f"({quoted([*columns, meta.get_field('recipient').column])}) "
        f"SELECT {', '.join(['%s'] * len(columns))}, recipients.recipient "
        f"FROM ({recipients_sql}) AS recipients (recipient)"
    )
