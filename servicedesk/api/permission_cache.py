"""The user's permission names read in one query (ModelBackend's cache filled up front)."""

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.db.models import Q


def permissions_preload(user) -> None:
    """Fill the permission cache that ModelBackend keeps on the user, in one query.

    ModelBackend reads a user's own and group permissions in two queries and keeps their
    union in `user._perm_cache`; an API request with a fresh user object checks them on
    every call, so the same union is read here in one. Superusers and inactive users are
    left to ModelBackend. (Token requests arrive with the cache already filled: the token
    query reads the same union, see authentication.py.)
    """
    if not _cached_by_us(user) or hasattr(user, "_perm_cache"):
        return
    granted = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    fill_permission_cache(user, (f"{app_label}.{codename}" for app_label, codename in granted))


def fill_permission_cache(user, names: Iterable[str]) -> None:
    """Give `user` the permission names read for it (superusers and inactive users are
    left to ModelBackend)."""
    if _cached_by_us(user):
        user._perm_cache = set(names)


def _cached_by_us(user) -> bool:
    return user.is_active and not user.is_superuser


def permission_names_sql(user_id: str) -> str:
    """SELECT of "app_label.codename" for every permission the user has, own or through
    its groups; `user_id` is an SQL expression (a placeholder or a column).

    Written out for the token query's string aggregate (authentication.py), which the ORM
    cannot say on every backend; permissions_preload reads the same union through the ORM
    and tests/api/test_permissions.py holds both to Django's own answer. Django's auth
    tables (the project keeps the default User model).
    """
    return f"""
        SELECT content_type.app_label || '.' || permission.codename AS name
        FROM auth_permission permission
        JOIN django_content_type content_type ON content_type.id = permission.content_type_id
        WHERE permission.id IN (
            SELECT permission_id FROM auth_user_user_permissions WHERE user_id = {user_id}
        ) OR permission.id IN (
            SELECT granted.permission_id
            FROM auth_group_permissions granted
            JOIN auth_user_groups membership ON membership.group_id = granted.group_id
            WHERE membership.user_id = {user_id}
        )
    """  # noqa: S608 (user_id is a placeholder or a column name, never a value)  # nosec B608
