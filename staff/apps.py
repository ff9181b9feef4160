from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from .roles import ensure_role_groups

        # Runs after every app's permissions exist, so the groups get all of theirs.
        post_migrate.connect(ensure_role_groups, dispatch_uid="staff.ensure_role_groups")
