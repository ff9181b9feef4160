"""Cursor pagination: stable while rows are inserted, no COUNT(*) over big tables."""

from base64 import b64decode
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from .errors import ApiError

MSG_INVALID_CURSOR = _("The cursor is not valid; start again from the first page.")
MAX_PAGE_SIZE = 200


def invalid_cursor() -> ApiError:
    return ApiError(MSG_INVALID_CURSOR, code="invalid_cursor", status_code=400)


class StableCursorPagination(CursorPagination):
    """Ordered by a unique, insert-monotonic key by default (newest first).

    `page_size` is capped at MAX_PAGE_SIZE rather than refused, so a client asking for a
    million rows gets the largest page we serve.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        # DRF decodes leniently ("!!!" reads as the first page); a cursor we did not
        # issue is refused instead, so a client bug shows up at once.
        try:
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
        except (ValueError, UnicodeError):
            raise invalid_cursor() from None
        if not set(parse.parse_qs(querystring, keep_blank_values=True)) & {"o", "r", "p"}:
            raise invalid_cursor()
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise invalid_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            # A well-formed cursor whose position does not fit the ordering field.
            raise invalid_cursor() from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                return self.page_size
            return max(1, min(size, self.max_page_size))
        return self.page_size


class OldestFirstPagination(StableCursorPagination):
    """A record's history (messages, events): oldest first, by the insert-monotonic id."""

    ordering = "id"
