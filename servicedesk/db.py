"""Raw SQL built from model metadata, for the few paths that run on every API request.

Django's ORM has no INSERT … SELECT and no multi-table INSERT in one statement, and on
these paths (a new ticket's rows, the lookups of its team and customer, the token) the
ORM's query building cost several times the statements themselves (figures in each
docstring; bench/api.py measures the whole). Columns come from the models' fields, so a
model change needs nothing here; values are always parameters.

The helpers work on the default database's connection object itself (`connections[...]`),
not through `django.db.connection`: that proxy looks the connection up again on every
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
        f"INSERT INTO {quoted([table])} ({quoted(columns)}) "  # noqa: S608  # nosec B608
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


class RowReader:
    """Model instances from raw column values, through the fields' and the backend's
    converters as the ORM applies them (JSON text → list, SQLite dates, …); the
    converters are looked up once, when the reader is made."""

    def __init__(self, model, fields: list | None = None):
        connection = default_connection()
        self.model = model
        fields = list(model._meta.concrete_fields) if fields is None else fields
        self.attnames = [field.attname for field in fields]
        self.converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            self.converters.append([(converter, column) for converter in found])

    def __call__(self, values) -> models.Model:
        connection = default_connection()
        converted = []
        for value, converters in zip(values, self.converters, strict=True):
            for converter, column in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)


@cache
def _by_pk(model) -> tuple[str, RowReader]:
    meta = model._meta
    fields = list(meta.concrete_fields)
    # Identifiers from model metadata; the key is a parameter.
    sql = (
        f"SELECT {quoted(field.column for field in fields)} "  # noqa: S608  # nosec B608
        f"FROM {quoted([meta.db_table])} WHERE {quoted([meta.pk.column])} = %s"
    )
    return sql, RowReader(model, fields)


def fetch_by_pk(model, pk):
    """The row of `model` with this primary key (already of the key's Python type), or None.

    What `Model.objects.filter(pk=pk).first()` returns, without building the query each
    time: for lookups made on every request (a new ticket's team and customer).
    """
    sql, read = _by_pk(model)
    with default_connection().cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else read(row)
