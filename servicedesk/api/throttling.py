"""Rate limits per token (or per user for browser sessions) on the shared "throttle" cache."""

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .authentication import request_token


class ClientRateThrottle(SimpleRateThrottle):
    """The site-wide rate, or the token's own `rate_per_minute` when it has one."""

    scope = "client"
    cache = caches["throttle"]

    def get_cache_key(self, request, view):
        token = request_token(request)
        if token is not None:
            # The random prefix, not the row id: ids repeat across databases sharing Redis.
            ident = f"token:{token.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        token = request_token(request)
        if token is not None and token.rate_per_minute:
            self.num_requests, self.duration = token.rate_per_minute, 60
        return super().allow_request(request, view)
