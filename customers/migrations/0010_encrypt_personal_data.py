"""Encrypt the plaintext e-mail and phone of existing customers (step 2 of 3).

In chunks by primary key (never every customer in memory): the new columns get the
Fernet tokens (customers.crypto, the field's own encryption) and the lookup hashes. The audit
trail's contact changes recorded e-mail and phone in clear in CustomerEvent.changes; they
are masked here as the services now record them.

Reversible for the customers (backwards decrypts into the plaintext columns 0011's
reverse has brought back); the masked audit values stay masked — the clear ones are what
this migration exists to remove.
"""

from django.db import migrations

from customers import crypto, masking

CHUNK = 2000
MASKS = {"email": masking.mask_email, "phone": masking.mask_phone}


def _chunks(queryset):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _write(connection, rows):
    """rows: (pk, email token, phone token, email lookup, phone lookup), written as raw
    column values. One UPDATE … FROM (VALUES …) per chunk on PostgreSQL (bulk_update's CASE
    per row costs O(chunk²) comparisons: minutes at 50,000 rows); one UPDATE per row on the
    embedded SQLite (`make run`, a few dozen demo customers)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE customers_customer SET email_ciphertext = %s, phone_ciphertext = %s, "
                "email_lookup = %s, phone_lookup = %s WHERE id = %s",
                [(*row[1:], row[0]) for row in rows],
            )
        return
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer AS t SET email_ciphertext = v.email, "
            "phone_ciphertext = v.phone, email_lookup = v.email_lookup, "
            "phone_lookup = v.phone_lookup "
            f"FROM (VALUES {placeholders}) AS v(id, email, phone, email_lookup, phone_lookup) "
            "WHERE t.id = v.id",
            [value for row in rows for value in row],
        )


def encrypt(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerEvent = apps.get_model("customers", "CustomerEvent")
    connection = schema_editor.connection
    plain = Customer.objects.values_list("pk", "email", "phone")
    last = 0
    while True:
        chunk = list(plain.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            break
        last = chunk[-1][0]
        rows = [
            (
                pk,
                crypto.encrypt(email),
                crypto.encrypt(phone),
                crypto.email_lookup(email),
                crypto.phone_lookup(phone),
            )
            for pk, email, phone in chunk
        ]
        _write(connection, rows)
    events = CustomerEvent.objects.filter(action="customer.contact_updated").only("pk", "changes")
    for rows in _chunks(events):
        changed = []
        for event in rows:
            if not set(MASKS) & set(event.changes):
                continue
            event.changes = {
                name: [MASKS[name](value or "") for value in pair] if name in MASKS else pair
                for name, pair in event.changes.items()
            }
            changed.append(event)
        CustomerEvent.objects.bulk_update(changed, ["changes"])


def decrypt(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    for rows in _chunks(Customer.objects.only("pk", "email_ciphertext", "phone_ciphertext")):
        for row in rows:
            row.email = row.email_ciphertext
            row.phone = row.phone_ciphertext
        Customer.objects.bulk_update(rows, ["email", "phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_personal_data_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
