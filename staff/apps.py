from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self) -> None:
        from servicedesk.templatetags.desk import register_nav_item

        from .roles import ensure_role_groups

        register_nav_item(
            "staff:list", _("Staff"), permission="staff.change_staffprofile", secondary=True
        )

        # Runs after every app's permissions exist, so the groups get all of theirs.
        post_migrate.connect(ensure_role_groups, dispatch_uid="staff.ensure_role_groups")
