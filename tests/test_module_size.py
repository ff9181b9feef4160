"""No module of ours outside migrations and tests passes 500 lines: past that, a module
holds more than one concept and should be split by concept (the README's architecture)."""

from pathlib import Path

from django.conf import settings

from tests.project_packages import project_packages

MAX_LINES = 500


def test_no_module_passes_500_lines():
    base = Path(settings.BASE_DIR)
    too_long = {}
    for package in [*project_packages(), "bench", "scripts"]:
        for path in (base / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[str(path.relative_to(base))] = lines
    assert too_long == {}
