"""Migrations 0009–0011 encrypt existing plaintext customers and drop the clear columns;
backwards they bring the clear values back."""

from django.db import connection

from customers.models import Customer
from customers.selectors import customers_by_email, customers_by_phone
from tests.migrating import migrate, migrate_to_latest

BEFORE = [("customers", "0008_membership_ladder")]
AFTER = [("customers", "0011_drop_plaintext_contact")]


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "customers_customer"
            )
        }


def test_plaintext_rows_are_encrypted_and_the_clear_columns_dropped(committed_db):
    old = migrate(BEFORE)
    assert {"email", "phone"} <= columns()
    OldCustomer = old.get_model("customers", "Customer")
    OldEvent = old.get_model("customers", "CustomerEvent")
    row = OldCustomer.objects.create(name="Li Na", email="Li.Na@Example.com", phone="138 1234 5678")
    OldCustomer.objects.create(name="No contact", email="", phone="")
    OldEvent.objects.create(
        customer_id=row.pk,
        action="customer.contact_updated",
        changes={"phone": ["13800000000", "138 1234 5678"], "language": ["en", "zh-hans"]},
    )
    try:
        migrate(AFTER)
        assert not {"email", "phone"} & columns()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT email_ciphertext, phone_ciphertext FROM customers_customer WHERE id = %s",
                [row.pk],
            )
            email_token, phone_token = cursor.fetchone()
            cursor.execute("SELECT changes::text FROM customers_customerevent")
            [(changes,)] = cursor.fetchall()
        assert email_token.startswith("gAAAAA") and "li.na" not in email_token.lower()
        assert phone_token.startswith("gAAAAA") and "5678" not in phone_token
        assert "12345678" not in changes and "13800000000" not in changes
        customer = Customer.objects.get(pk=row.pk)
        assert (customer.email, customer.phone) == ("Li.Na@Example.com", "138 1234 5678")
        assert list(customers_by_email("li.na@example.com")) == [customer]
        assert list(customers_by_phone("13812345678")) == [customer]
        assert Customer.objects.get(name="No contact").email == ""

        back = migrate(BEFORE)
        restored = back.get_model("customers", "Customer").objects.get(pk=row.pk)
        assert (restored.email, restored.phone) == ("Li.Na@Example.com", "138 1234 5678")
    finally:
        migrate_to_latest()
