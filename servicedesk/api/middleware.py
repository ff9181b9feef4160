"""Edge rules for /api/: body size limits, idempotent POSTs, JSON for unexpected errors."""

import logging
from functools import cache

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse

from .errors import (
    MSG_TOO_LARGE,
    database_unavailable_response,
    error_json_response,
    is_database_unavailable,
    server_error_response,
)
from .idempotency import HEADER, handle_idempotent

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Room for the envelope (multipart, or an e-mail) around an attachment of the largest size.
_MULTIPART_OVERHEAD = 1024 * 1024


@cache
def _inbound_email_path() -> str:
    return reverse("api:inbound-email-list")


def _inbound_email_json_limit() -> int:
    """JSON carrying an inbound mail in base64: 4/3 of the mail, and the envelope."""
    return settings.INBOUND_MAIL_KEEP_MAX_BYTES * 4 // 3 + 1024


def _body_limit(request) -> int:
    content_type = request.META.get("CONTENT_TYPE", "")
    # An inbound mail over INBOUND_MAIL_MAX_BYTES is read to be kept, refused, by the
    # authenticated endpoint (tickets/inbound.py); only beyond this it goes unread.
    if content_type.startswith("message/rfc822"):
        return settings.INBOUND_MAIL_KEEP_MAX_BYTES
    if request.path == _inbound_email_path():
        return _inbound_email_json_limit()
    if content_type.startswith("multipart/"):
        return settings.ATTACHMENT_MAX_BYTES + _MULTIPART_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def largest_body_limit() -> int:
    """The largest body any request may carry (for readers that must stop somewhere)."""
    return max(
        _inbound_email_json_limit(),
        settings.ATTACHMENT_MAX_BYTES + _MULTIPART_OVERHEAD,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )


class ApiRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _body_limit(request):
            # Refused before anything reads the body: a 10 MB JSON never reaches a parser.
            return error_json_response(MSG_TOO_LARGE, "request_too_large", 413)
        if request.method == "POST" and HEADER in request.headers:
            try:
                return handle_idempotent(request, self.get_response)
            except RequestDataTooBig:
                return error_json_response(MSG_TOO_LARGE, "request_too_large", 413)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_json_response(MSG_TOO_LARGE, "request_too_large", 413)
        if is_database_unavailable(exception):
            return database_unavailable_response(exception)
        logger.exception("api error on %s %s", request.method, request.path)
        return server_error_response()
