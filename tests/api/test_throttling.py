"""Rate limits per token on the shared Redis cache: 429 with Retry-After."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_token_over_its_rate_gets_429_with_retry_after(make_client, integration):
    client = make_client(integration, rate_per_minute=3)
    statuses = [client.get("/api/v1/staff/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/staff/")
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_limit_is_per_token(make_client, integration):
    busy = make_client(integration, rate_per_minute=1)
    calm = make_client(integration, rate_per_minute=1)
    busy.get("/api/v1/staff/")
    assert busy.get("/api/v1/staff/").status_code == 429
    assert calm.get("/api/v1/staff/").status_code == 200


def test_the_throttle_cache_is_redis_when_redis_is_configured(settings):
    from django.core.cache import caches

    if "redis" in str(settings.CACHES["throttle"].get("LOCATION", "")):
        assert caches["throttle"].__class__.__name__ == "RedisCache"
    else:
        assert settings.CACHES["throttle"]["BACKEND"].endswith("LocMemCache")
