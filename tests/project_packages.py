"""The top-level packages of this project's installed apps, for the tests that walk the
project's own code (a new app is covered without being named in each of them)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def project_packages() -> list[str]:
    base = Path(settings.BASE_DIR).resolve()
    packages = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The virtualenv (.venv) may live inside the checkout; its apps are not ours.
        if path.is_relative_to(base) and not path.relative_to(base).parts[0].startswith("."):
            packages.add(path.relative_to(base).parts[0])
    return sorted(packages)
