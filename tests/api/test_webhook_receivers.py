"""Webhooks are not delivered to denied addresses (cloud metadata, loopback in production)."""

import secrets

import pytest

from servicedesk.api.models import WebhookEndpoint
from servicedesk.api.receivers import address_is_denied, url_names_denied_address
from servicedesk.api.services import webhook_endpoint_create, webhook_endpoint_update
from servicedesk.exceptions import ValidationError
from servicedesk.outbox.delivery import outbox_deliver_due
from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from tests.api.test_webhooks import Receiver, open_ticket
from tests.nothing_written import nothing_written
from tests.test_production_settings import run_in_production

LOOPBACK_DENIED = ["169.254.0.0/16", "127.0.0.0/8", "::1/128"]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.mark.parametrize(
    ("address", "denied"),
    [
        ("169.254.169.254", True),  # cloud metadata
        ("::ffff:169.254.169.254", True),  # the same, IPv4-mapped
        ("fe80::1%eth0", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("10.1.2.3", False),  # an on-premises receiver
        ("192.168.1.20", False),
        ("203.0.113.7", False),
        ("127.0.0.1", False),  # loopback: allowed outside production (tests, make run)
    ],
)
def test_denied_networks_by_default(address, denied):
    assert address_is_denied(address) is denied


def test_loopback_when_it_is_denied(settings):
    settings.WEBHOOK_DENIED_NETWORKS = LOOPBACK_DENIED
    assert address_is_denied("127.0.0.1") and address_is_denied("::1")
    assert address_is_denied("::ffff:127.0.0.2")
    assert url_names_denied_address("http://localhost:8080/hook")
    assert url_names_denied_address("https://[::1]/hook")
    assert not url_names_denied_address("https://crm.example.com/hook")


@pytest.mark.django_db
def test_registering_a_metadata_address_is_refused_naming_the_url():
    with pytest.raises(ValidationError) as refused:
        webhook_endpoint_create(
            name="x", url="http://169.254.169.254/latest/meta-data/", events=["ticket.created"]
        )
    assert "url" in refused.value.fields
    assert not WebhookEndpoint.objects.exists()
    endpoint = webhook_endpoint_create(
        name="crm", url="https://crm.example.com/hook", events=["ticket.created"]
    )
    with pytest.raises(ValidationError):
        webhook_endpoint_update(endpoint=endpoint, changes={"url": "http://[fe80::1]/x"})
    endpoint.refresh_from_db()
    assert endpoint.url == "https://crm.example.com/hook"


@pytest.mark.django_db
def test_the_api_answers_400_for_a_denied_receiver(make_client, manager):
    client = make_client(manager)
    with nothing_written():
        response = client.post(
            "/api/v1/webhooks/",
            {"name": "x", "url": "http://169.254.169.254/", "events": ["ticket.created"]},
            format="json",
        )
    assert response.status_code == 400
    assert "url" in response.json()["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_delivery_to_a_denied_address_is_not_sent_and_not_retried(
    receiver, settings, team, agent, host
):
    # Registered while allowed (or by name); the rule is checked again on delivery, on
    # the address actually connected to.
    WebhookEndpoint.objects.create(
        name="local",
        url=receiver.url.replace("127.0.0.1", host),
        secret="s" * 32,
        events=["ticket.created"],
    )
    settings.WEBHOOK_DENIED_NETWORKS = LOOPBACK_DENIED
    open_ticket(team, agent)
    report = outbox_deliver_due()
    assert report.sent == 0
    assert receiver.requests == []
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.status == OutboxStatus.DEAD
    assert "not allowed" in message.last_error


@pytest.mark.django_db
def test_the_same_receiver_is_reached_when_loopback_is_allowed(receiver, team, agent):
    webhook_endpoint_create(name="local", url=receiver.url, events=["ticket.created"])
    open_ticket(team, agent)
    assert outbox_deliver_due().sent == 1
    assert len(receiver.requests) == 1


def test_production_denies_loopback_by_default():
    script = (
        "import django; django.setup()\n"
        "from servicedesk.api.receivers import address_is_denied as denied\n"
        "print(denied('127.0.0.1'), denied('::1'), denied('169.254.169.254'), denied('10.0.0.5'))"
    )
    result = run_in_production(
        ["-c", script],
        timeout=60,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        WEBHOOK_DENIED_NETWORKS=None,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True", "True", "False"]
