"""One error shape for the whole API: `{"detail": str, "code": str, "fields": {name: [str]}}`.

`code` values are stable: integrations branch on them, people read `detail`. The table
below is published in the OpenAPI description (see schema.document_error_codes).
"""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from servicedesk.exceptions import ServiceDeskError

logger = logging.getLogger(__name__)

# code → (HTTP status, meaning). Domain codes from servicedesk/exceptions.py join at runtime.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "invalid": (400, "Some fields are not valid; `fields` names them."),
    "parse_error": (400, "The body is not valid JSON or not UTF-8."),
    "invalid_cursor": (400, "The `cursor` parameter was not issued by this API."),
    "not_authenticated": (401, "No credentials were given."),
    "authentication_failed": (401, "The token is unknown, revoked or malformed."),
    "permission_denied": (403, "The user may not do this."),
    "insufficient_scope": (403, "The token lacks the scope this endpoint needs."),
    "not_found": (404, "No such resource, or not visible to this user."),
    "method_not_allowed": (405, "The method is not allowed on this endpoint."),
    "not_acceptable": (406, "The Accept header asks for a format the API does not serve."),
    "conflict": (409, "Someone else changed the record at the same time."),
    "idempotency_key_in_use": (409, "A request with this Idempotency-Key is still running."),
    "precondition_failed": (412, "If-Match does not match the current ETag."),
    "request_too_large": (413, "The body is larger than the API accepts."),
    "unsupported_media_type": (415, "The Content-Type is not accepted here."),
    "idempotency_key_reused": (422, "This Idempotency-Key was used with another request."),
    "precondition_required": (428, "Token clients must send If-Match with an ETag (not *)."),
    "throttled": (429, "Too many requests; wait for Retry-After seconds."),
    "server_error": (500, "An unexpected error; nothing was changed."),
    "database_unavailable": (
        503,
        "The database could not be reached or dropped the connection; nothing was changed. "
        "Retry after Retry-After seconds.",
    ),
}

MSG_INVALID = _("Some fields are not valid.")
MSG_TOO_LARGE = _("The request body is too large.")
MSG_SERVER_ERROR = _("An unexpected error occurred; nothing was changed.")
MSG_DATABASE_UNAVAILABLE = _(
    "The service is briefly unavailable; nothing was changed. Please try again shortly."
)
# A dropped connection is replaced on the next request; a restarting server takes longer.
DATABASE_RETRY_AFTER_SECONDS = 5


class ApiError(exceptions.APIException):
    """An API-level error with one of the codes above (domain errors use ServiceDeskError)."""

    def __init__(self, detail, *, code: str, status_code: int, fields: dict | None = None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields or {}


def error_body(detail, code: str, fields: dict | None = None) -> dict:
    return {"detail": str(detail), "code": code, "fields": fields or {}}


def error_json_response(detail, code: str, status_code: int, **headers) -> JsonResponse:
    """The error shape outside DRF views (middleware, URL fall-through)."""
    response = JsonResponse(error_body(detail, code), status=status_code)
    for name, value in headers.items():
        response[name] = value
    return response


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → `{"field": [...], "items.0.name": [...]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        flat[prefix or "non_field_errors"] = [str(message) for message in messages]
    return flat


def _drf_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, ApiError):
        return exc.error_code
    if isinstance(exc, exceptions.Throttled):
        return "throttled"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type"
    if isinstance(exc, exceptions.ParseError):
        return "parse_error"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed"
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable"
    if isinstance(exc, exceptions.NotFound):
        return "not_found"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error leaves in the one shape."""
    headers: dict[str, str] = {}
    if is_database_unavailable(exc):
        return database_unavailable_response(exc)
    if isinstance(exc, ServiceDeskError):
        body = error_body(
            exc.message, exc.code, {k: [str(m) for m in v] for k, v in exc.fields.items()}
        )
        set_rollback()
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        exc = ApiError(MSG_TOO_LARGE, code="request_too_large", status_code=413)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(MSG_INVALID, "invalid", _flatten(exc.detail))
    else:
        detail = exc.detail if not isinstance(exc.detail, list | dict) else _flatten(exc.detail)
        body = error_body(detail, _drf_code(exc), getattr(exc, "fields", None))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def server_error_response() -> JsonResponse:
    return error_json_response(
        MSG_SERVER_ERROR, "server_error", status.HTTP_500_INTERNAL_SERVER_ERROR
    )


def is_database_unavailable(exc: BaseException) -> bool:
    """The connection failed or was dropped: the transaction is gone, nothing was written."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable_response(exc: BaseException) -> JsonResponse:
    # Django closes the broken connection when the request ends (errors_occurred), so the
    # next request of this thread connects afresh: no restart needed.
    logger.warning("database unavailable: %s: %s", type(exc).__name__, str(exc).strip())
    return error_json_response(
        MSG_DATABASE_UNAVAILABLE,
        "database_unavailable",
        status.HTTP_503_SERVICE_UNAVAILABLE,
        **{"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
