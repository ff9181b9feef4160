"""Helpers for the statements the ORM cannot say: INSERT … SELECT (the outbox's one row per
recipient) and a data-modifying CTE (a new ticket's clocks with their plan rows).

Everything the ORM can say goes through it (Model.save, objects.create, bulk_create, DRF's
fields), so save(), signals and field checks apply. Columns come from the models' fields,
so a model change needs nothing here; values are always parameters, prepared as
Model.save() prepares them.
"""

from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def default_connection():
    """This thread's connection to the default database."""
    return connections[DEFAULT_DB_ALIAS]


def insert_values(instance: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Column → value of a new row of `instance`, prepared as Model.save() prepares them
    (auto_now and auto_now_add filled in on the instance too). The primary key and the
    fields named in `skip` are left out."""
    connection = default_connection()
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
    quote_name = default_connection().ops.quote_name
    return ", ".join(quote_name(name) for name in names)
