"""Optimistic concurrency: ETags from a record's `version`, `If-Match` on updates.

`W/"<id>-<version>"` is weak because the body may vary by language or masking while the
record is the same. Token clients must send If-Match on PATCH and on state-changing
actions (428 otherwise); browser sessions may omit it. A stale tag fails with 412 — the
version is checked again under the row lock by the service (`expected_version`).

`If-Match: *` is refused with 428 from every client. RFC 9110 §13.1.1 gives it the
meaning "the record exists", which every update here already requires, so it names no
version: honouring it would let a client that never read the record overwrite a change
it has not seen, the lost update the header exists to prevent.
"""

import re

from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import PreconditionFailed

from .authentication import request_token
from .errors import ApiError

MSG_IF_MATCH_REQUIRED = _("Send If-Match with the ETag of the record you read.")
MSG_STALE = _("The record has changed since you read it; fetch it again.")
MSG_IF_MATCH_ANY = _("If-Match: * names no version; send the ETag of the record you read.")

_TAG = re.compile(r'^\s*(?:W/)?"(?P<id>\d+)-(?P<version>\d+)"\s*$')


def etag_for(record) -> str:
    return f'W/"{record.pk}-{record.version}"'


def expected_version(request, record) -> int | None:
    """The version the client based its change on, or None if it sent no If-Match."""
    header = request.headers.get("If-Match")
    if header is None:
        if request_token(request) is not None:
            raise ApiError(MSG_IF_MATCH_REQUIRED, code="precondition_required", status_code=428)
        return None
    if header.strip() == "*":
        raise ApiError(MSG_IF_MATCH_ANY, code="precondition_required", status_code=428)
    for candidate in header.split(","):
        match = _TAG.match(candidate)
        if match and int(match["id"]) == record.pk:
            return int(match["version"])
    raise PreconditionFailed(MSG_STALE)


class ETagMixin:
    """Adds the ETag header to responses that carry one record with a version."""

    def etag_response(self, response, record):
        response["ETag"] = etag_for(record)
        return response
