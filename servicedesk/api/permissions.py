"""Scopes for tokens, Django permissions for everyone; objects are filtered by selectors.

A view declares `required_scopes = {"read": Scope..., "write": Scope...}` (optionally
per action in `action_scopes`) and `action_permissions = {"create": ["tickets.add_ticket"]}`.
Object access is not checked here: querysets come from the selectors that the pages use,
so another team's ticket is simply not found (404).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from .authentication import request_token

MSG_SCOPE = _("This token lacks the “%(scope)s” scope.")


def permissions_preload(user) -> None:
    """Fill the permission cache that ModelBackend keeps on the user, in one query.

    ModelBackend reads a user's own and group permissions in two queries and keeps their
    union in `user._perm_cache`; an API request with a fresh user object checks them on
    every call, so the same union is read here in one. Superusers and inactive users are
    left to ModelBackend.
    """
    if not user.is_active or user.is_superuser or hasattr(user, "_perm_cache"):
        return
    user_model = get_user_model()
    own = user_model.user_permissions.through.objects.filter(user_id=user.pk)
    groups = user_model.groups.through.objects.filter(user_id=user.pk).values("group_id")
    by_group = Group.permissions.through.objects.filter(group_id__in=groups)
    names = (
        Permission.objects.filter(
            Q(pk__in=own.values("permission_id")) | Q(pk__in=by_group.values("permission_id"))
        )
        .values_list("content_type__app_label", "codename")
        .order_by()
    )
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}


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
