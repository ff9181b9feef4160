"""The project's own 404 and 500 pages in development too (DEBUG), not Django's technical
pages, which show settings and code to whoever tries the demo; DJANGO_DEBUG_TECHNICAL_ERRORS
=true brings the technical pages back while debugging. Production (DEBUG off) needs none
of this: Django renders 404.html and 500.html itself.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    MiddlewareNotUsed,
    PermissionDenied,
    SuspiciousOperation,
)
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.views import defaults

# The logger Django reports unhandled exceptions to: the traceback stays in the log.
logger = logging.getLogger("django.request")

# Exceptions Django answers with 400 or 403 the same way with DEBUG on or off.
ANSWERED_BY_DJANGO = (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class DevelopmentErrorPagesMiddleware:
    def __init__(self, get_response):
        if not settings.DEBUG or settings.DEBUG_TECHNICAL_ERROR_PAGES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None:
            # No view matched the address: the 404 is Django's technical page.
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, ANSWERED_BY_DJANGO):
            return None
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        response = defaults.server_error(request)
        # Logged here with its traceback; Django's own line for a 500 would repeat it.
        response._has_been_logged = True
        return response
