"""Raw SQL built from model metadata, for the few hot paths the ORM cannot express.

Django's ORM has no INSERT … SELECT and no multi-table INSERT in one statement; where a
path runs on every new ticket, these helpers let it write such statements without
listing columns by hand, so a model change needs nothing here.

They work on the default database's connection object itself (`connections[...]`), not
through `django.db.connection`: that proxy looks the connection up again on every
attribute, which cost more than the statements' own Python here.
"""

from collections.abc import Iterable
from functools import cache
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


@cache
def _insert_sql(table: str, columns: tuple[str, ...], pk_column: str) -> str:
    # Identifiers from model metadata; every value is a parameter.
    return (
        f"INSERT INTO {quoted([table])} ({quoted(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quoted([pk_column])}"
    )


def insert_row(instance: models.Model) -> None:
    """Insert `instance` as a new row, as `save(force_insert=True)` would, in one statement
    built from its fields (the primary key comes back with RETURNING unless it is set).

    For the rows written on every new ticket (the ticket, its audit event): Django's
    insert compiler costs ~0.25 ms of Python per row here, several times the statement.
    pre_save/post_save are sent as save() sends them. Backends without RETURNING use save().
    """
    model = type(instance)
    meta = model._meta
    connection = default_connection()
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True)
        return
    alias = connection.alias
    models.signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=None
    )
    row = insert_values(instance)
    if instance.pk is not None:
        row = {meta.pk.column: meta.pk.get_db_prep_save(instance.pk, connection), **row}
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(meta.db_table, tuple(row), meta.pk.column), list(row.values()))
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, alias
    models.signals.post_save.send(
        sender=model, instance=instance, created=True, raw=False, using=alias, update_fields=None
    )
