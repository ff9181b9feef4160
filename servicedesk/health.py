"""Health endpoints: liveness (the process answers) and readiness (what it depends on).

`/livez` checks nothing but the process, so a restart is never caused by a dependency.
`/readyz` (and `/healthz`, its older name, which the container health check calls)
reports PostgreSQL, the Celery broker and the rate-limit Redis, each with its latency.
It answers 503 only when PostgreSQL is down: without it no page or API call can be
served. A Redis outage leaves the process ready but "degraded": the API's rate limit
fails open and ticket creation never touches the broker (the outbox holds deliveries
until the worker can take them again).
"""

import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from redis.backoff import NoBackoff
from redis.retry import Retry

from servicedesk.api.throttling import RedisRateLimiter, current_rate_limiter

OK, DOWN, NOT_USED = "ok", "down", "not used"


def livez(request):
    return JsonResponse({"status": OK})


def readyz(request):
    checks = {
        "database": _timed(_ping_database),
        "broker": _broker_check(),
        "throttle": _throttle_check(),
    }
    if checks["database"]["status"] != OK:
        status, http_status = "unavailable", 503
    elif any(check["status"] == DOWN for check in checks.values()):
        status, http_status = "degraded", 200
    else:
        status, http_status = OK, 200
    return JsonResponse({"status": status, "checks": checks}, status=http_status)


def _timed(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure of the dependency means "down", whatever its type
        result = {"status": DOWN, "error": type(error).__name__}
    else:
        result = {"status": OK}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _ping_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker_check() -> dict:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {"status": NOT_USED}
    return _timed(_redis_client(url, settings.HEALTH_CHECK_TIMEOUT_SECONDS).ping)


def _throttle_check() -> dict:
    limiter = current_rate_limiter()
    if not isinstance(limiter, RedisRateLimiter):
        return {"status": NOT_USED}
    result = _timed(limiter.client.ping)
    # This process's view of the outage, as the API's requests saw it.
    result["unthrottled_requests"] = limiter.unthrottled_requests
    result["outages"] = limiter.outages
    return result


@cache
def _redis_client(url: str, timeout_seconds: float) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
    )
