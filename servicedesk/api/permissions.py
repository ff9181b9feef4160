"""Scopes for tokens, Django permissions for everyone; objects are filtered by selectors.

A view declares `required_scopes = {"read": Scope..., "write": Scope...}` (optionally
per action in `action_scopes`) and `action_permissions = {"create": ["tickets.add_ticket"]}`.
Object access is not checked here: querysets come from the selectors that the pages use,
so another team's ticket is simply not found (404).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from .authentication import request_token
from .permission_cache import permissions_preload

MSG_SCOPE = _("This token lacks the “%(scope)s” scope.")


def required_scope(view, request) -> str | None:
    action = getattr(view, "action", None)
    per_action = getattr(view, "action_scopes", {})
    if action in per_action:
        return per_action[action]
    scopes = getattr(view, "required_scopes", {})
    kind = "read" if request.method in permissions.SAFE_METHODS else "write"
    return scopes.get(kind)


class ScopedPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        token = request_token(request)
        scope = required_scope(view, request)
        if token is not None and scope is not None and not token.has_scope(scope):
            raise exceptions.PermissionDenied(
                MSG_SCOPE % {"scope": scope}, code="insufficient_scope"
            )
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None), ())
        if needed:
            permissions_preload(user)
        return user.has_perms(needed)
