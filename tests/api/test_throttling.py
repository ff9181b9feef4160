"""Rate limits per token on the shared Redis cache: 429 with Retry-After."""

import time
import uuid

import pytest

from servicedesk.api.throttling import MemoryRateLimiter, RedisRateLimiter, rate_limiter
from tests.concurrency import in_parallel

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


def test_the_limiter_is_on_redis_when_redis_is_configured(settings):
    limiter = rate_limiter(settings.API_THROTTLE_REDIS_URL)
    if settings.API_THROTTLE_REDIS_URL:
        assert isinstance(limiter, RedisRateLimiter)
    else:
        assert isinstance(limiter, MemoryRateLimiter)


@pytest.fixture(params=["redis", "memory"])
def limiter(request, settings):
    if request.param == "memory":
        return MemoryRateLimiter()
    if not settings.API_THROTTLE_REDIS_URL:
        pytest.fail("the suite runs with Redis: API_THROTTLE_REDIS_URL must be set")
    return RedisRateLimiter(settings.API_THROTTLE_REDIS_URL)


def test_a_burst_of_the_limit_passes_then_one_per_interval(limiter):
    key = f"test:{uuid.uuid4().hex}"
    results = [limiter.hit(key, 4, 60) for _ in range(5)]
    assert [allowed for allowed, _wait in results] == [True] * 4 + [False]
    # The next request is due one interval (60 s / 4) after the burst, not a minute later.
    assert 14 < results[-1][1] <= 15
    assert limiter.hit(key, 4, 60)[0] is False


def test_the_rate_refills_with_time(limiter):
    key = f"test:{uuid.uuid4().hex}"
    # One request per 0.5 s sustained: the interval is long enough that the three hits
    # after the pause fit in its 0.4 s margin even on a loaded machine.
    assert limiter.hit(key, 4, 2) == (True, 0.0)
    for _ in range(3):
        limiter.hit(key, 4, 2)
    assert limiter.hit(key, 4, 2)[0] is False
    time.sleep(1.1)  # two intervals later, two more pass
    assert [limiter.hit(key, 4, 2)[0] for _ in range(3)] == [True, True, False]


def test_concurrent_requests_never_pass_more_than_the_limit(limiter):
    key = f"test:{uuid.uuid4().hex}"
    per_client = in_parallel(lambda: [limiter.hit(key, 25, 60)[0] for _ in range(10)], workers=8)
    allowed = [passed for hits in per_client for passed in hits]
    assert len(allowed) == 80
    assert allowed.count(True) == 25
