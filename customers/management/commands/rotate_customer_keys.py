"""Re-encrypt customers' personal data with the newest key and renew the lookup hashes.

Rotation: put the new Fernet key first in CUSTOMER_DATA_KEYS (keep the old ones after it),
deploy, run this command, then drop the old keys. A new CUSTOMER_LOOKUP_KEY is taken up
the same way: the old one moves to CUSTOMER_LOOKUP_PREVIOUS_KEYS, so that lookups by
e-mail, phone or ID number still find the rows the command has not reached yet (and
nobody is registered twice meanwhile); the lookups are recomputed from the decrypted
values; once the command has finished, the previous key can go.

Batches of `--batch-size` rows in primary-key order, each read with one query and written
with one UPDATE … FROM (VALUES …) in its own transaction: never all customers in memory,
and an interrupted run resumes from the start harmlessly (re-encrypting is idempotent). A
row changed by the application while its batch was in flight is left alone (the UPDATE
compares the ciphertext it read; the application writes with the newest key anyway).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from customers import crypto
from customers.fields import EncryptedTextField, LookupHashField


def _encrypted_models():
    """(model, its encrypted fields, its lookup fields) for every model that has any."""
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if encrypted:
            lookups = [f for f in model._meta.concrete_fields if isinstance(f, LookupHashField)]
            yield model, encrypted, lookups


def rotate_model(model, encrypted, lookups, *, batch_size: int) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    read_columns = ", ".join(quote(f.column) for f in encrypted)
    by_name = {f.name: f for f in encrypted}
    lookups = [f for f in lookups if f.source in by_name]
    written = 0
    last = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            after = "" if last is None else f"WHERE {pk} > %s"
            cursor.execute(
                # Quoted column and table names from the model; values are placeholders.
                f"SELECT {pk}, {read_columns} FROM {table} {after} ORDER BY {pk} LIMIT %s",  # noqa: S608  # nosec B608
                ([] if last is None else [last]) + [batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return written
            last = rows[-1][0]
            values = []
            for row_pk, *tokens in rows:
                plain = {
                    f.name: crypto.decrypt(token)
                    for f, token in zip(encrypted, tokens, strict=True)
                }
                fresh = [crypto.encrypt(plain[f.name]) for f in encrypted]
                hashes = [crypto.lookup_hash(f.kind, plain[f.source]) for f in lookups]
                values.append([row_pk, *tokens, *fresh, *hashes])
            old = [f"old_{i}" for i in range(len(encrypted))]
            new = [f"new_{i}" for i in range(len(encrypted))]
            hashed = [f"hash_{i}" for i in range(len(lookups))]
            names = ", ".join(["id", *old, *new, *hashed])
            sets = [f"{quote(f.column)} = v.{n}" for f, n in zip(encrypted, new, strict=True)]
            sets += [f"{quote(f.column)} = v.{n}" for f, n in zip(lookups, hashed, strict=True)]
            same = " AND ".join(
                f"t.{quote(f.column)} = v.{o}" for f, o in zip(encrypted, old, strict=True)
            )
            placeholders = ", ".join(
                "(" + ", ".join(["%s"] * (1 + 2 * len(encrypted) + len(lookups))) + ")"
                for _ in values
            )
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(sets)} "  # noqa: S608  # nosec B608
                f"FROM (VALUES {placeholders}) AS v({names}) "
                f"WHERE t.{pk} = v.id AND {same}",
                [item for row in values for item in row],
            )
            written += cursor.rowcount


class Command(BaseCommand):
    help = (
        "Re-encrypt customers' personal data with the newest CUSTOMER_DATA_KEYS key and "
        "recompute the lookup hashes with CUSTOMER_LOOKUP_KEY, in batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        for model, encrypted, lookups in _encrypted_models():
            written = rotate_model(model, encrypted, lookups, batch_size=batch_size)
            self.stdout.write(f"{model._meta.label}: {written} rows re-encrypted")
