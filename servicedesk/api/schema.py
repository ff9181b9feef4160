"""OpenAPI conventions: every operation documents its errors, headers and security."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from servicedesk.exceptions import ServiceDeskError

from .errors import ERROR_CODES
from .serializers import ErrorSerializer

_ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, `parse_error`, `invalid_cursor`).",
    "401": "No or bad credentials (`not_authenticated`, `authentication_failed`).",
    "403": "Not allowed (`permission_denied`, `insufficient_scope`, `not_authorised`).",
    "404": "Not found or not visible to this user (`not_found`).",
    "406": "Unacceptable Accept header (`not_acceptable`).",
    "409": "Conflict (`conflict`, `transition_not_allowed`, `idempotency_key_in_use`, …).",
    "412": "If-Match does not match the current ETag (`precondition_failed`).",
    "413": "Body too large (`request_too_large`).",
    "415": "Unsupported Content-Type (`unsupported_media_type`).",
    "422": "Idempotency-Key reused with a different request (`idempotency_key_reused`).",
    "428": "Token clients must send If-Match (`precondition_required`).",
    "429": "Rate limit reached; see Retry-After (`throttled`).",
}


class ServiceDeskAutoSchema(AutoSchema):
    """Views may set `if_match_actions` and `etag_actions` (sets of action names)."""

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def _uses_if_match(self) -> bool:
        return self._action() in getattr(self.view, "if_match_actions", ())

    def _has_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "Any unique string (≤ 255 characters). The same key and body within "
                        "24 h return the first response without repeating the change; the "
                        "same key with another body gets 422."
                    ),
                )
            )
        if self._uses_if_match():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "The ETag of the record as read. Required for token clients (428 "
                        "without it); a stale value gets 412."
                    ),
                )
            )
        if self._action() in getattr(self.view, "etag_actions", ()):
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    response=["200", "201"],
                    description="The record's version tag, for If-Match.",
                )
            )
        parameters.append(
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=["429"],
                description="Seconds to wait before the next request.",
            )
        )
        return parameters

    def _error_statuses(self) -> list[str]:
        statuses = ["400", "401", "403", "404", "406", "429"]
        if self._has_body():
            statuses += ["409", "413", "415"]
        if self.method == "POST":
            statuses += ["422"]
        if self._uses_if_match():
            statuses += ["409", "412", "428"]
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[status]),
                    status,
                    direction=direction,
                )
        return responses


def _domain_codes() -> dict[str, tuple[int, str]]:
    codes: dict[str, tuple[int, str]] = {}
    pending = list(ServiceDeskError.__subclasses__())
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        codes.setdefault(error.code, (error.status_code, str(error.default_message)))
    return codes


def document_error_codes(result, generator, request, public):
    """Post-processing hook: publish the table of stable error codes in the description."""
    codes = {**_domain_codes(), **ERROR_CODES}
    lines = [
        "",
        "## Errors",
        "",
        'Every error has the body `{"detail": str, "code": str, "fields": {field: [str]}}`.',
        "",
        "| code | status | meaning |",
        "|---|---|---|",
    ]
    for code, (status, meaning) in sorted(codes.items(), key=lambda item: (item[1][0], item[0])):
        lines.append(f"| `{code}` | {status} | {meaning} |")
    info = result.setdefault("info", {})
    info["description"] = (info.get("description", "") + "\n".join(lines)).strip()
    return result
