"""Liveness and readiness: PostgreSQL down is not ready; a Redis down is only degraded."""

import pytest
from django.db import connection

from tests.redis_door import SHUT, RedisDoor, unused_port


@pytest.fixture
def shut_throttle_redis(settings):
    door = RedisDoor(settings.API_THROTTLE_REDIS_URL)
    door.set_mode(SHUT)
    settings.API_THROTTLE_REDIS_URL = door.url
    yield door
    door.close()


def test_liveness_answers_without_login_or_dependencies(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_readiness_reports_every_dependency_with_its_latency(client, db, settings, path):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "throttle"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["latency_ms"] >= 0
    assert body["checks"]["throttle"]["unthrottled_requests"] == 0


def test_readiness_is_503_when_postgresql_is_down(client, django_db_blocker, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PORT", str(unused_port()))
    connection.close()
    try:
        with django_db_blocker.unblock():
            response = client.get("/readyz")
    finally:
        monkeypatch.undo()
        connection.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
        "latency_ms": body["checks"]["database"]["latency_ms"],
    }


def test_a_broker_down_leaves_the_process_ready_but_degraded(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"


def test_a_throttle_redis_down_is_degraded_and_counts_unthrottled_requests(
    client, db, shut_throttle_redis, agent
):
    client.force_login(agent)
    assert client.get("/api/v1/staff/").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    throttle = body["checks"]["throttle"]
    assert throttle["status"] == "down"
    assert throttle["unthrottled_requests"] == 1
    assert throttle["outages"] == 1
