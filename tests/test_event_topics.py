"""One list of event topics (servicedesk.outbox.topics.EventTopic): every topic the product
publishes can be subscribed to by a webhook, and every topic offered is published."""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings

from servicedesk.api.models import WebhookEndpoint, WebhookEvent
from servicedesk.outbox.models import OutboxMessage
from servicedesk.outbox.services import event_publish, event_publish_many
from servicedesk.outbox.topics import EventTopic
from tests.project_packages import project_packages

BASE_DIR = Path(settings.BASE_DIR)


def test_webhooks_offer_exactly_the_published_topics():
    assert WebhookEvent is EventTopic


@pytest.mark.django_db
def test_a_topic_outside_the_list_is_refused_and_nothing_is_queued():
    WebhookEndpoint.objects.create(
        name="all", url="https://receiver.example/hook", events=["ticket.exploded"]
    )
    before = OutboxMessage.objects.count()
    with pytest.raises(ValueError, match=r"ticket\.exploded"):
        event_publish("ticket.exploded", {"id": 1})
    with pytest.raises(ValueError, match=r"ticket\.exploded"):
        event_publish_many([(EventTopic.TICKET_CREATED, {}, None), ("ticket.exploded", {}, None)])
    assert OutboxMessage.objects.count() == before


def _resolve(expression: ast.expr, namespace: dict, function: ast.FunctionDef) -> set[str]:
    """The topic(s) an expression names: a string, an enum member, a mapping's values (the
    sweep publishes STEP_ACTION[step]), either branch of `a if … else b`, or what a local
    variable of the function was assigned."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        return _resolve(expression.body, namespace, function) | _resolve(
            expression.orelse, namespace, function
        )
    if isinstance(expression, ast.Name) and expression.id not in namespace:
        return {
            topic
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(getattr(target, "id", None) == expression.id for target in node.targets)
            for topic in _resolve(node.value, namespace, function)
        }
    if isinstance(expression, ast.Subscript):
        expression = expression.value
    try:
        value = eval(compile(ast.Expression(expression), "<topic>", "eval"), namespace)
    except Exception:  # a local variable: not a topic this scan can name
        return set()
    if isinstance(value, dict):
        return {str(item) for item in value.values()}
    return {str(value)} if isinstance(value, str) else set()


def published_topics() -> dict[str, str]:
    """Topic -> where, for every event_publish(topic, …) call and every (topic, payload,
    ticket) tuple a function hands to event_publish_many, across the product's code."""
    found = {}
    for package in project_packages():
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            module_name = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
            namespace = None
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef):
                    continue
                calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
                names = {getattr(call.func, "id", getattr(call.func, "attr", "")) for call in calls}
                if not names & {"event_publish", "event_publish_many"}:
                    continue
                namespace = namespace or vars(importlib.import_module(module_name))
                expressions = [
                    call.args[0]
                    for call in calls
                    if getattr(call.func, "id", "") == "event_publish" and call.args
                ]
                if "event_publish_many" in names:
                    expressions += [
                        node.elts[0]
                        for node in ast.walk(function)
                        if isinstance(node, ast.Tuple) and len(node.elts) == 3
                    ]
                for expression in expressions:
                    for topic in _resolve(expression, namespace, function):
                        found.setdefault(topic, f"{module_name}.{function.name}")
    return found


def test_every_published_topic_can_be_subscribed_to():
    unlisted = {t: where for t, where in published_topics().items() if t not in EventTopic.values}
    assert unlisted == {}


def test_every_topic_a_webhook_can_subscribe_to_is_published():
    published = published_topics()
    assert set(EventTopic.values) - set(published) == set()
