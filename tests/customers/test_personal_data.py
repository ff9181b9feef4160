"""Customers' personal data: encrypted at rest, found by keyed lookup, rotated, masked,
revealed only with the permission and audited."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from customers import crypto
from customers.models import Customer, CustomerAction, CustomerEvent
from customers.selectors import (
    customer_duplicates,
    customers_by_email,
    customers_by_id_number,
    customers_by_phone,
    customers_matching,
)
from customers.services import customer_create, customer_update_contact
from servicedesk.exceptions import ConflictError, ValidationError
from servicedesk.log_filters import PersonalDataRedaction
from tests.factories import CustomerFactory
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010119900307451X"


def raw_row(customer) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM customers_customer WHERE id = %s", [customer.pk])
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_columns_hold_no_plaintext(supervisor):
    customer = customer_create(
        actor=supervisor,
        name="Zhang Wei",
        email="Zhang.Wei@Example.com",
        phone="138 1234 5678",
        id_number=ID_NUMBER,
    )
    row = raw_row(customer)
    assert "email" not in row and "phone" not in row  # the plaintext columns are gone
    text = " ".join(str(value) for value in row.values()).lower()
    for clear in ("zhang.wei", "example.com", "12345678", "5678", "451x", "19900307"):
        assert clear not in text
    for column in ("email_ciphertext", "phone_ciphertext", "id_number_ciphertext"):
        assert row[column].startswith("gAAAAA")  # a Fernet token
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.email, fresh.phone, fresh.id_number) == (
        "Zhang.Wei@Example.com",
        "138 1234 5678",
        ID_NUMBER,
    )


def test_the_same_value_gives_a_new_token_each_time_but_one_lookup(supervisor):
    # One customer saved twice (a second customer with the address is refused).
    customer = CustomerFactory(email="same@example.com")
    first = raw_row(customer)
    customer.email = "SAME@example.com "
    customer.save(update_fields=["email"])
    second = raw_row(customer)
    assert first["email_ciphertext"] != second["email_ciphertext"]
    assert first["email_lookup"] == second["email_lookup"]
    assert len(first["email_lookup"]) == 64


def test_lookup_finds_by_email_in_any_case_and_by_phone_whatever_its_separators():
    customer = CustomerFactory(email="Li.Na@Example.com", phone="13812345678", id_number="")
    CustomerFactory(email="other@example.com", phone="13900000000")
    assert list(customers_by_email("  li.na@EXAMPLE.com")) == [customer]
    for typed in ("138-1234-5678", "138 1234 5678", "(138) 1234 5678"):
        assert list(customers_by_phone(typed)) == [customer]
    assert not customers_by_phone("---").exists()  # no digits: nobody, not everyone
    assert not customers_by_email("").exists()
    assert list(customers_matching("LI.NA@example.com")) == [customer]
    assert list(customers_matching("138 1234 5678")) == [customer]


def test_lookup_by_id_number_ignores_case_and_spaces():
    customer = CustomerFactory(id_number=ID_NUMBER)
    assert list(customers_by_id_number("110101 19900307 451x")) == [customer]


def test_a_lookup_key_change_changes_the_hash(settings):
    before = crypto.email_lookup("a@example.com")
    settings.CUSTOMER_LOOKUP_KEY = "another-lookup-key-of-enough-length-000000"
    assert crypto.email_lookup("a@example.com") != before


def test_comparing_an_encrypted_field_fails_loudly():
    with pytest.raises(FieldError, match="encrypted"):
        Customer.objects.filter(email__iexact="a@example.com").exists()
    with pytest.raises(FieldError, match="encrypted"):
        Customer.objects.filter(phone="13812345678").exists()


def test_a_change_of_email_renews_its_lookup(customer, supervisor):
    customer_update_contact(
        customer=customer, actor=supervisor, changes={"email": "new@example.com"}
    )
    assert list(customers_by_email("NEW@example.com")) == [customer]
    assert not customers_by_email("zhang.wei@example.com").exists()


def test_create_refuses_a_second_customer_with_the_same_email_or_phone(customer, supervisor):
    with nothing_written(), pytest.raises(ConflictError) as refused:
        customer_create(actor=supervisor, name="Someone", email="ZHANG.WEI@example.com")
    assert "email" in refused.value.fields
    with nothing_written(), pytest.raises(ConflictError) as refused:
        customer_create(actor=supervisor, name="Someone", phone="138-1234-5678")
    assert "phone" in refused.value.fields
    assert customer_duplicates(phone="13812345678") == {"phone": customer}
    assert customer_duplicates(phone="13812345678", exclude_pk=customer.pk) == {}


def test_an_edit_to_another_customers_phone_is_refused(customer, supervisor):
    other = CustomerFactory(phone="13900000000")
    with nothing_written(), pytest.raises(ConflictError):
        customer_update_contact(customer=other, actor=supervisor, changes={"phone": "13812345678"})


def test_a_bad_id_number_is_refused(supervisor):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        customer_create(actor=supervisor, name="Someone", id_number="12")
    assert "id_number" in refused.value.fields


def test_contact_changes_are_recorded_masked(customer, supervisor):
    customer_update_contact(
        customer=customer,
        actor=supervisor,
        changes={"email": "new.address@example.com", "id_number": ID_NUMBER},
    )
    event = CustomerEvent.objects.get(action=CustomerAction.CONTACT_UPDATED)
    assert event.changes == {
        "email": ["z***@example.com", "n***@example.com"],
        "id_number": ["", "**************451X"],
    }


# Rotation ---------------------------------------------------------------------------------

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_rotation_re_encrypts_every_row_with_the_newest_key(settings):
    settings.CUSTOMER_DATA_KEYS = [OLD_KEY]
    customers = [
        CustomerFactory(email=f"c{n}@example.com", phone=f"1380000{n:04d}") for n in range(7)
    ]
    blank = CustomerFactory(email="", phone="")
    settings.CUSTOMER_DATA_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_customer_keys", batch_size=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_only = Fernet(NEW_KEY)
    for customer in customers:
        row = raw_row(customer)
        assert new_only.decrypt(row["email_ciphertext"].encode()) == customer.email.encode()
        assert new_only.decrypt(row["phone_ciphertext"].encode()) == customer.phone.encode()
    assert raw_row(blank)["email_ciphertext"] == ""
    # The old key can go: everything still reads and is still found.
    settings.CUSTOMER_DATA_KEYS = [NEW_KEY]
    assert Customer.objects.get(pk=customers[3].pk).email == "c3@example.com"
    assert list(customers_by_phone("1380000 0005")) == [customers[5]]


def test_rotation_takes_up_a_new_lookup_key(settings, customer):
    settings.CUSTOMER_LOOKUP_KEY = "a-new-lookup-key-for-the-test-0123456789"
    assert not customers_by_email("zhang.wei@example.com").exists()
    call_command("rotate_customer_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(customers_by_email("zhang.wei@example.com")) == [customer]


def test_during_a_lookup_key_rotation_rows_not_yet_rotated_are_found_and_not_registered_again(
    settings, customer, supervisor
):
    old_key = settings.CUSTOMER_LOOKUP_KEY
    settings.CUSTOMER_LOOKUP_KEY = "a-new-lookup-key-for-the-test-0123456789"
    settings.CUSTOMER_LOOKUP_PREVIOUS_KEYS = [old_key]
    assert list(customers_by_email("Zhang.Wei@example.com")) == [customer]
    assert list(customers_by_phone("138-1234-5678")) == [customer]
    with nothing_written(), pytest.raises(ConflictError):
        customer_create(actor=supervisor, name="Zhang Wei", email="zhang.wei@example.com")
    call_command("rotate_customer_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Rotated: found under the new key alone, and the previous key can go.
    settings.CUSTOMER_LOOKUP_PREVIOUS_KEYS = []
    assert list(customers_by_email("zhang.wei@example.com")) == [customer]
    assert raw_row(customer)["email_lookup"] == crypto.email_lookup("zhang.wei@example.com")


def test_rotation_leaves_a_row_changed_meanwhile_alone(settings, customer):
    """The UPDATE compares the ciphertext it read: a concurrent change is not overwritten."""
    from customers.management.commands import rotate_customer_keys as command

    settings.CUSTOMER_DATA_KEYS = [NEW_KEY, settings.DEVELOPMENT_CUSTOMER_DATA_KEY]
    encrypted = [f for f in Customer._meta.concrete_fields if f.name in ("email", "phone")]
    real_decrypt = crypto.decrypt

    def decrypt_then_someone_edits(token):
        value = real_decrypt(token)
        Customer.objects.filter(pk=customer.pk).update(email="edited@example.com")
        return value

    command.crypto.decrypt = decrypt_then_someone_edits
    try:
        command.rotate_model(Customer, encrypted, [], batch_size=10)
    finally:
        command.crypto.decrypt = real_decrypt
    assert Customer.objects.get(pk=customer.pk).email == "edited@example.com"


# Pages, reveal and logs --------------------------------------------------------------------


def test_the_reveal_button_shows_the_value_and_records_who_and_which_field(
    client, supervisor, customer
):
    client.force_login(supervisor)
    url = reverse("customers:reveal", args=[customer.pk, "phone"])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    event = CustomerEvent.objects.get(action=CustomerAction.CONTACT_REVEALED)
    assert (event.customer, event.actor, event.changes) == (
        customer,
        supervisor,
        {"revealed": "phone"},
    )


def test_a_reveal_without_the_permission_is_403_and_records_nothing(client, agent, customer):
    client.force_login(agent)
    url = reverse("customers:reveal", args=[customer.pk, "email"])
    with nothing_written():
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "zhang.wei@example.com" not in response.content.decode()


def test_a_reveal_of_another_field_is_404(client, supervisor, customer):
    client.force_login(supervisor)
    with nothing_written():
        response = client.post(reverse("customers:reveal", args=[customer.pk, "name"]))
    assert response.status_code == 404


def test_log_records_carry_no_contact_details(customer):
    record = logging.LogRecord(
        "tickets.inbound", logging.WARNING, __file__, 1, "mail from %s (%s), ID %s", None, None
    )
    record.args = (customer.email, customer.phone, ID_NUMBER)
    PersonalDataRedaction().filter(record)
    message = record.getMessage()
    assert "zhang.wei@example.com" not in message and "13812345678" not in message
    assert ID_NUMBER not in message
    assert "z***@example.com" in message and "****5678" in message


@pytest.mark.parametrize("role", ["agent", "supervisor", "manager"])
def test_the_csv_export_masks_personal_data_for_every_role(request, client, customer, role):
    customer.id_number = ID_NUMBER
    customer.save()
    client.force_login(request.getfixturevalue(role))
    assert reverse("customers:export_csv") in client.get(reverse("customers:list")).content.decode()
    response = client.get(reverse("customers:export_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith(f"{customer.pk},"))
    assert "z***@example.com" in line and "138****5678" in line and "**************451X" in line
    for clear in ("zhang.wei@example.com", "13812345678", ID_NUMBER):
        assert clear not in text
