"""Raw SQL built from model metadata, for the few hot paths the ORM cannot express.

Django's ORM has no INSERT … SELECT and no multi-table INSERT in one statement; where a
path runs on every new ticket, these helpers let it write such statements without
listing columns by hand, so a model change needs nothing here.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection, models


def insert_values(instance: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Column → value of a new row of `instance`, prepared as Model.save() prepares them
    (auto_now and auto_now_add filled in on the instance too). The primary key and the
    fields named in `skip` are left out."""
    skipped = set(skip)
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in skipped:
            continue
        values[field.column] = field.get_db_prep_save(
            field.pre_save(instance, add=True), connection
        )
    return values


def quoted(names: Iterable[str]) -> str:
    """Identifiers (table or column names from model metadata) quoted and comma-joined."""
    return ", ".join(connection.ops.quote_name(name) for name in names)
