"""`Idempotency-Key` on POST: the same key and body replay the first response for 24 h.

Stored in PostgreSQL (not process memory), so every web process agrees. The record is
inserted *before* the request runs, in the same transaction as the request's writes:

- a retry after success finds the committed record and gets the stored status and body;
- a concurrent request with the same key blocks on the unique index until the first
  commits, then replays it; if the first rolled back, the second simply runs;
- the same key with another body (or another endpoint) gets 422;
- a response that should not be remembered (5xx, 401/403/428/429) rolls the record back
  together with anything the request wrote, so the client may retry with the same key.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from .authentication import request_token_from_header
from .errors import error_json_response
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
# Statuses that say nothing about the request itself: retrying may succeed, so forget them.
_NOT_REMEMBERED = frozenset({401, 403, 409, 428, 429})
_REPLAYED_HEADERS = ("Content-Type", "ETag", "Location")

MSG_KEY_REUSED = _("This Idempotency-Key was already used with a different request.")
MSG_KEY_TOO_LONG = _("The Idempotency-Key may be at most %(max)d characters.")


def idempotency_ttl() -> timedelta:
    return timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)


def request_owner(request) -> str | None:
    """Whose key space this request uses: the token, else the session user."""
    if request.META.get("HTTP_AUTHORIZATION", ""):
        try:
            token = request_token_from_header(request)
        except exceptions.AuthenticationFailed:
            return None
        if token is not None:
            return f"token:{token.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(
        f"{request.method} {request.path}?{request.META.get('QUERY_STRING', '')}".encode()
    )
    content_type = request.META.get("CONTENT_TYPE", "")
    digest.update(content_type.split(";")[0].strip().lower().encode())
    if content_type.startswith("multipart/"):
        # Reading request.body would count the files against the in-memory limit; DRF reuses
        # request.POST/FILES once Django has parsed them.
        for name, values in sorted(request.POST.lists()):
            digest.update(f"\0{name}={values!r}".encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"\0{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(b"\0" + request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(owner: str, key: str, request, fingerprint: str):
    """Insert the key row (waiting for a concurrent holder), or return the stored one."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=fingerprint,
                ), None
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if existing is None:
                continue  # the holder rolled back between our insert and our read
            if existing.created_at < timezone.now() - idempotency_ttl():
                existing.delete()
                continue
            return None, existing
    return None, IdempotencyRecord.objects.get(owner=owner, key=key)


def handle_idempotent(request, get_response):
    """Run a POST that carries an Idempotency-Key (the middleware's entry point)."""
    key = request.headers.get(HEADER, "").strip()
    if len(key) > MAX_KEY_LENGTH:
        return error_json_response(MSG_KEY_TOO_LONG % {"max": MAX_KEY_LENGTH}, "invalid", 400)
    owner = request_owner(request)
    if owner is None:
        return get_response(request)  # the view answers 401/403
    fingerprint = request_fingerprint(request)
    with transaction.atomic():
        record, existing = _claim(owner, key, request, fingerprint)
        if existing is not None:
            if existing.request_hash != fingerprint:
                return error_json_response(MSG_KEY_REUSED, "idempotency_key_reused", 422)
            return _replay(existing)
        response = get_response(request)
        if (
            response.status_code >= 500
            or response.status_code in _NOT_REMEMBERED
            or getattr(response, "streaming", False)
        ):
            transaction.set_rollback(True)
            return response
        record.response_status = response.status_code
        record.response_body = response.content
        record.response_headers = {
            name: response[name] for name in _REPLAYED_HEADERS if response.has_header(name)
        }
        record.save(update_fields=["response_status", "response_body", "response_headers"])
    return response


def idempotency_records_purge(*, now=None) -> int:
    """Forget keys older than the retention period (beat runs this hourly)."""
    cutoff = (now or timezone.now()) - idempotency_ttl()
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
