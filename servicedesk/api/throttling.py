"""Rate limits per token (or per user for browser sessions), shared by every web process.

The rate is a generic cell rate (GCRA, "leaky bucket as a meter"): a client may send up
to `limit` requests at once and then one every `period / limit`; the state per client is
one timestamp (the theoretical arrival time), checked and advanced atomically by one Lua
script on Redis. Hand-written instead of DRF's SimpleRateThrottle, which keeps every
request time of the window in the cache: it reads and writes a list of up to `limit`
entries on each request (two round trips, growing with the rate) and two processes that
read the same list both let their request through.

The limit fails open: when Redis is unreachable or slow, requests pass unthrottled rather
than fail, and Redis is left alone for a while (a small circuit breaker), so that a dead
Redis costs one short timeout, not one per request.
"""

import logging
import threading
import time
from functools import cache

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .authentication import request_token

KEY_PREFIX = "sd-throttle:"

# KEYS[1]: the client's key. ARGV: seconds per request at the sustained rate, the period.
# Redis's own clock, so every web process measures time alike. Floats go back as text
# (Redis turns a Lua number reply into an integer).
_GCRA_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - now - period
if wait > 0 then
  return {0, tostring(wait)}
end
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.ceil((next_tat - now) * 1000))
return {1, '0'}
"""


logger = logging.getLogger(__name__)


class RedisRateLimiter:
    """The rate on Redis; while Redis fails, every request is let through and counted.

    redis-py's defaults (5 s timeouts, ten retries with backoff) held each request ~8.5 s
    before failing: here one attempt with short timeouts. After a failure Redis is not
    tried again for `retry_seconds`; then one request probes it while the others still
    pass. Counters are per process (each gunicorn worker keeps its own).
    """

    def __init__(self, url: str, *, timeout_seconds: float = 0.2, retry_seconds: float = 10.0):
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout_seconds,
            socket_timeout=timeout_seconds,
            retry=Retry(NoBackoff(), 0),
        )
        self._script = self.client.register_script(_GCRA_SCRIPT)
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        # Before this monotonic time Redis is not tried; None while it answers.
        self._skip_until: float | None = None
        self.unthrottled_requests = 0
        self.outages = 0

    @property
    def is_down(self) -> bool:
        return self._skip_until is not None

    def hit(self, key: str, limit: int, period: float) -> tuple[bool, float]:
        """Count one request of `key`; returns (allowed, seconds to wait if refused)."""
        if self._skip_redis():
            return True, 0.0
        try:
            allowed, wait = self._script(keys=[KEY_PREFIX + key], args=[period / limit, period])
        except redis.RedisError as error:
            self._note_failure(error)
            return True, 0.0
        if self._skip_until is not None:
            self._note_recovery()
        return bool(allowed), float(wait)

    def _skip_redis(self) -> bool:
        with self._lock:
            if self._skip_until is None:
                return False
            now = time.monotonic()
            if now < self._skip_until:
                self.unthrottled_requests += 1
                return True
            # This request probes Redis; the others keep passing until it has answered.
            self._skip_until = now + self._retry_seconds
            return False

    def _note_failure(self, error: redis.RedisError) -> None:
        with self._lock:
            self.unthrottled_requests += 1
            was_up = self._skip_until is None
            self._skip_until = time.monotonic() + self._retry_seconds
            if was_up:
                self.outages += 1
        if was_up:
            logger.warning(
                "rate-limit Redis unreachable (%s: %s): API requests pass unthrottled, "
                "retrying every %.0f s",
                type(error).__name__,
                error,
                self._retry_seconds,
            )

    def _note_recovery(self) -> None:
        with self._lock:
            if self._skip_until is None:
                return
            self._skip_until = None
            unthrottled = self.unthrottled_requests
        logger.warning(
            "rate-limit Redis reachable again: rate limits apply (%d requests passed "
            "unthrottled in this process so far)",
            unthrottled,
        )


class MemoryRateLimiter:
    """The same rule in this process's memory, for `make run` (no Redis, one web process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._arrival: dict[str, float] = {}

    def hit(self, key: str, limit: int, period: float) -> tuple[bool, float]:
        now = time.monotonic()
        with self._lock:
            next_arrival = max(self._arrival.get(key, now), now) + period / limit
            wait = next_arrival - now - period
            if wait > 0:
                return False, wait
            self._arrival[key] = next_arrival
            return True, 0.0


@cache
def rate_limiter(redis_url: str, timeout_seconds: float = 0.2, retry_seconds: float = 10.0):
    if not redis_url:
        return MemoryRateLimiter()
    return RedisRateLimiter(redis_url, timeout_seconds=timeout_seconds, retry_seconds=retry_seconds)


def current_rate_limiter():
    """The limiter the settings name (one per process, shared by its threads)."""
    return rate_limiter(
        settings.API_THROTTLE_REDIS_URL,
        settings.API_THROTTLE_REDIS_TIMEOUT_SECONDS,
        settings.API_THROTTLE_REDIS_RETRY_SECONDS,
    )


class ClientRateThrottle(BaseThrottle):
    """The site-wide rate, or the token's own `rate_per_minute` when it has one."""

    scope = "client"

    def __init__(self):
        self._wait = None

    def client_key(self, request) -> str:
        token = request_token(request)
        if token is not None:
            # The random prefix, not the row id: ids repeat across databases sharing Redis.
            return f"token:{token.prefix}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"

    def rate(self, request) -> tuple[int | None, int | None]:
        token = request_token(request)
        if token is not None and token.rate_per_minute:
            return token.rate_per_minute, 60
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        # DRF's parser of "600/min" (it reads no instance state).
        return SimpleRateThrottle.parse_rate(None, rate)

    def allow_request(self, request, view) -> bool:
        limit, period = self.rate(request)
        if limit is None:
            return True
        limiter = current_rate_limiter()
        allowed, self._wait = limiter.hit(self.client_key(request), limit, period)
        return allowed

    def wait(self) -> float | None:
        return self._wait
