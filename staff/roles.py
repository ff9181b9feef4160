"""The four roles as auth Groups with their permissions, kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Role

_AGENT = [
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.add_ticketmessage",
    "tickets.add_attachment",
    "customers.view_customer",
    "customers.add_customer",
    "customers.view_purchase",
]
_SUPERVISOR = [
    *_AGENT,
    "customers.view_customer_contact",
    "customers.change_customer",
    "customers.add_purchase",
    # The members of the teams they supervise: profile, approval limit, training.
    "staff.view_staffprofile",
    "staff.change_staffprofile",
    "staff.add_trainingrecord",
]
_MANAGER = [
    *_SUPERVISOR,
    "tickets.view_all_tickets",
    "staff.manage_all_staff",
    # Webhook endpoints (the API app is foundation and knows no roles).
    "api.view_webhookendpoint",
    "api.add_webhookendpoint",
    "api.change_webhookendpoint",
]

# Other apps (complaints, SLA, KPIs) extend these lists from their AppConfig.ready().
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.MANAGER: _MANAGER,
}


def grant_to_roles(permission: str, roles) -> None:
    for role in roles:
        if permission not in ROLE_PERMISSIONS[role]:
            ROLE_PERMISSIONS[role].append(permission)


def _permissions(names: list[str]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query)) if names else []


def ensure_role_groups(**kwargs) -> None:
    """post_migrate: create the groups and give each exactly its permissions."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))
    administrators, _created = Group.objects.get_or_create(name=Role.ADMINISTRATOR)
    administrators.permissions.set(Permission.objects.all())


def role_of(user) -> str | None:
    """The highest role the user holds, for display and authority checks."""
    if not user.is_authenticated:
        return None
    names = set(user.groups.values_list("name", flat=True))
    for role in (Role.ADMINISTRATOR, Role.MANAGER, Role.SUPERVISOR, Role.AGENT):
        if role in names:
            return role
    return Role.ADMINISTRATOR if user.is_superuser else None
