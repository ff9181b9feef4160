"""`nothing_written()`: a refused request left every table of the project as it was.

Rows are counted in every model of the project's apps, and the latest `updated_at` and
highest `version` compared where a model has them, so an insert, a delete or an update of
a versioned or timestamped row shows up.
"""

from contextlib import contextmanager

from django.apps import apps
from django.db.models import Count, Max

PROJECT_APPS = (
    "servicedesk",
    "outbox",
    "api",
    "customers",
    "staff",
    "tickets",
    "sla",
    "complaints",
    "plans",
    "quality",
    "care",
)
# Written on every authenticated API request, refused or not (informational, see
# servicedesk/api/authentication.py): not part of the change the request asked for.
NOT_COMPARED = {"api.ApiToken": ("last_used_at",)}


def table_state() -> dict[str, dict]:
    state = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or meta.proxy:
            continue
        names = {field.name for field in meta.concrete_fields}
        skipped = NOT_COMPARED.get(meta.label, ())
        figures = {"rows": Count("pk")}
        for name in ("updated_at", "version"):
            if name in names and name not in skipped:
                figures[name] = Max(name)
        state[meta.label] = model._base_manager.aggregate(**figures)
    return state


@contextmanager
def nothing_written():
    before = table_state()
    yield
    after = table_state()
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert not changed, f"a refused request wrote: {changed}"
