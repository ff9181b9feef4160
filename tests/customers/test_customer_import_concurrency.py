"""One customer per e-mail, phone and ID number, held by the database (partial unique
indexes on the lookup hashes, migration 0012) for writers that check at the same moment:
two imports of the same people, an import and an agent registering a caller, two agents.
The loser's rows are matched to the winner's customers; nobody gets a duplicate or a 500.
Real PostgreSQL transactions in threads (tests/concurrency.py)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models.query import QuerySet
from rest_framework.test import APIClient

from customers import importing
from customers.importing import customers_import
from customers.models import Customer, CustomerAction, CustomerEvent, Purchase
from customers.services import customer_create, customer_update_contact
from servicedesk.exceptions import ConflictError
from tests.concurrency import backend_pid, each_in_parallel, in_parallel, wait_until_blocked
from tests.factories import CustomerFactory
from tests.migrating import migrate, migrate_to_latest
from tests.nothing_written import nothing_written

GOOD = (
    "name,email,phone,spend\n"
    "张伟,zhang.wei@example.com,13812345678,1200.50\n"
    "Acme Trading Ltd,buyer@acme.example,,\n"
)


def run(text: str, actor=None):
    return customers_import(actor=actor, content=text.encode(), file_name="customers.csv")


def counting_matches(monkeypatch) -> list:
    """Each call of the import's matching of rows against registered customers."""
    calls, original = [], importing._registered_and_new

    def counted(rows):
        calls.append(len(rows))
        return original(rows)

    monkeypatch.setattr(importing, "_registered_and_new", counted)
    return calls


def holding_until_the_other_waits(write, other: dict, started: threading.Event):
    """`write` in a transaction that commits only once the other thread's backend waits
    for it: the other has read before this commit and must meet it at the index."""

    def work():
        other["ready"].wait(timeout=10)
        with transaction.atomic():
            result = write()
            started.set()
            wait_until_blocked(other["pid"])
        return result

    return work


def after(started: threading.Event, write, other: dict):
    def work():
        other["pid"] = backend_pid()
        other["ready"].set()
        started.wait(timeout=10)
        return write()

    return work


def race(first, second):
    """first commits only after second has read and waits at the unique index."""
    started, other = threading.Event(), {"ready": threading.Event()}
    return each_in_parallel(
        holding_until_the_other_waits(first, other, started), after(started, second, other)
    )


# The constraint itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [
        ("email", "li.na@example.com", " Li.Na@Example.COM"),
        ("phone", "13812345678", "138-1234 5678"),
        ("id_number", "11010519491231002x", "110105 19491231 002X"),
    ],
)
def test_the_database_refuses_a_second_customer_with_the_same_contact(db, field, first, second):
    Customer.objects.create(name="First", **{field: first})
    with pytest.raises(IntegrityError, match=f"customer_one_per_{field}"), transaction.atomic():
        Customer.objects.create(name="Second", **{field: second})


def test_customers_without_a_contact_value_are_not_duplicates_of_each_other(db):
    Customer.objects.create(name="Walk-in one")
    Customer.objects.create(name="Walk-in two", email="", phone="", id_number="")
    assert Customer.objects.filter(email_lookup="", phone_lookup="").count() == 2


# Racing writers ----------------------------------------------------------------------------


def test_an_import_racing_an_agent_registering_the_same_caller_matches_the_row(
    committed_db, manager, agent, monkeypatch
):
    matches = counting_matches(monkeypatch)
    registered, report = race(
        lambda: customer_create(actor=agent, name="张伟", email="Zhang.Wei@example.com"),
        lambda: run(GOOD, actor=manager),
    )
    # The import read before the agent's commit, met it at the index, matched again.
    assert matches == [2, 2]
    assert Customer.objects.filter(email_lookup=registered.email_lookup).count() == 1
    assert [(line, customer.pk) for line, customer in report.already_registered] == [
        (2, registered.pk)
    ]
    assert [customer.name for customer in report.imported] == ["Acme Trading Ltd"]
    assert Customer.objects.count() == 2
    # Nothing of the undone attempt is left: one import event, no spend for the matched row.
    assert CustomerEvent.objects.filter(action=CustomerAction.IMPORTED).count() == 1
    assert not Purchase.objects.exists()


def test_two_imports_of_the_same_file_one_imports_the_other_matches(
    committed_db, manager, monkeypatch
):
    matches = counting_matches(monkeypatch)
    first, second = race(lambda: run(GOOD, actor=manager), lambda: run(GOOD, actor=manager))
    assert matches == [2, 2, 2]  # the first once, the second before and after meeting it
    assert Customer.objects.count() == 2
    assert {customer.pk for customer in first.imported} == {
        customer.pk for _line, customer in second.already_registered
    }
    assert [line for line, _customer in second.already_registered] == [2, 3]
    assert second.imported == []
    assert CustomerEvent.objects.filter(action=CustomerAction.IMPORTED).count() == 2
    assert Purchase.objects.count() == 1


def test_an_agent_registering_a_caller_an_import_just_added_is_told_who_has_it(
    committed_db, manager, agent
):
    imported, refused = race(
        lambda: run(GOOD, actor=manager),
        lambda: _refusal(lambda: customer_create(actor=agent, name="Zhang", phone="138 1234 5678")),
    )
    assert Customer.objects.filter(phone_lookup=imported.imported[0].phone_lookup).count() == 1
    assert refused.status_code == 409
    assert str(refused.message) == "Customer “张伟” already has this phone number."


def test_two_agents_giving_customers_the_same_address_one_is_refused(committed_db, agent):
    one, two = CustomerFactory(name="One"), CustomerFactory(name="Two")
    _changed, refused = race(
        lambda: customer_update_contact(
            customer=one, actor=agent, changes={"email": "shared@example.com"}
        ),
        lambda: _refusal(
            lambda: customer_update_contact(
                customer=two, actor=agent, changes={"email": "SHARED@example.com"}
            )
        ),
    )
    assert refused.status_code == 409
    assert str(refused.message) == "Customer “One” already has this e-mail address."
    two.refresh_from_db()
    assert two.email != "SHARED@example.com" and two.version == 1


def _refusal(write) -> ConflictError:
    with pytest.raises(ConflictError) as refused:
        write()
    return refused.value


@pytest.mark.parametrize("round_", range(3))
def test_imports_released_together_with_the_rows_in_opposite_orders_add_each_person_once(
    committed_db, manager, round_
):
    rows = [f"Person {n},p{n}-{round_}@example.com,139{round_:02d}{n:06d}" for n in range(40)]
    files = ["name,email,phone\n" + "\n".join(rows), "name,email,phone\n" + "\n".join(rows[::-1])]
    reports = each_in_parallel(*(lambda text=text: run(text, actor=manager) for text in files))
    assert Customer.objects.count() == 40
    for report in reports:
        assert len(report.imported) + len(report.already_registered) == 40
    assert sum(len(report.imported) for report in reports) == 40


def test_many_agents_registering_the_same_first_time_caller_get_one_customer(committed_db, agent):
    def register():
        try:
            return customer_create(actor=agent, name="Caller", phone="13900001111").pk
        except ConflictError as error:
            return error.status_code

    outcomes = in_parallel(register, workers=4)
    [customer] = Customer.objects.all()
    assert sorted(outcomes, key=lambda outcome: outcome != customer.pk) == [customer.pk] + [409] * 3


# The migration ------------------------------------------------------------------------------

BEFORE = [("customers", "0011_drop_plaintext_contact")]
AFTER = [("customers", "0012_customer_one_per_contact")]


def test_the_migration_lists_customers_already_sharing_a_contact_and_adds_nothing(committed_db):
    old = migrate(BEFORE)
    OldCustomer = old.get_model("customers", "Customer")
    kept = OldCustomer.objects.create(name="Li Na", email="li.na@example.com", phone="1")
    twin = OldCustomer.objects.create(name="Li Na (2)", email="LI.NA@example.com")
    OldCustomer.objects.create(name="No contact")
    OldCustomer.objects.create(name="No contact either")
    try:
        with pytest.raises(RuntimeError) as refused:
            migrate(AFTER)
        assert f"same e-mail address: customers {kept.pk}, {twin.pk}" in str(refused.value)
        assert "1 group(s)" in str(refused.value)
        OldCustomer.objects.filter(pk=twin.pk).delete()
        migrate(AFTER)
        with pytest.raises(IntegrityError), transaction.atomic():
            Customer.objects.create(name="Li Na again", email="li.na@example.com")
    finally:
        Customer.objects.filter(pk=twin.pk).delete()
        migrate_to_latest()


def test_an_import_that_keeps_meeting_other_writers_gives_up_whole_with_409(
    db, manager, monkeypatch
):
    attempts = []

    def always_beaten(self, objs, *args, **kwargs):
        if self.model is Customer:
            attempts.append(len(objs))
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(self, objs, *args, **kwargs)

    original = QuerySet.bulk_create
    monkeypatch.setattr(QuerySet, "bulk_create", always_beaten)
    monkeypatch.setattr(importing, "met_another_writer", lambda error: True)
    client = APIClient()
    client.force_login(manager)
    upload = SimpleUploadedFile("c.csv", GOOD.encode(), content_type="text/csv")
    with nothing_written():
        response = client.post("/api/v1/customers/import/", {"file": upload}, format="multipart")
    assert attempts == [2] * importing.IMPORT_ATTEMPTS
    assert (response.status_code, response.json()["code"]) == (409, "import_conflict")
    assert "Import the file again." in str(response.json())
