"""Base classes and small views every app's api/ package uses."""

from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import viewsets
from rest_framework.decorators import action

from .concurrency import ETagMixin
from .errors import error_json_response

MSG_NO_ENDPOINT = _("There is no API endpoint at this address.")


class ApiViewSet(ETagMixin, viewsets.GenericViewSet):
    """GenericViewSet with the API's conventions.

    - `required_scopes = {"read": Scope..., "write": Scope...}`, `action_scopes`,
      `action_permissions` (see permissions.py);
    - `if_match_actions`: actions that take If-Match (documented, 428/412);
    - `etag_actions`: actions whose response carries an ETag.
    """

    if_match_actions: frozenset[str] = frozenset()
    etag_actions: frozenset[str] = frozenset()
    # OPTIONS answers 405: the OpenAPI schema is the description of every endpoint.
    metadata_class = None


@csrf_exempt  # nothing happens here; a CSRF page would break the JSON-only contract
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the error shape, not with an HTML page."""
    return error_json_response(MSG_NO_ENDPOINT, "not_found", 404)


def detail_list_action(pagination_class, **options):
    """A GET action listing rows that belong to one object (a ticket's messages, a
    customer's purchases): its own pagination, and none of the main list's filters."""
    return action(
        detail=True,
        methods=["get"],
        pagination_class=pagination_class,
        filterset_class=None,
        filter_backends=[],
        **options,
    )
