"""Customer import from CSV: every row checked first, all or nothing unless bad rows are
skipped, deduplicated on e-mail and phone, UTF-8 (with or without BOM) and GBK."""

import codecs
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from customers.importing import (
    IMPORT_MAX_ROWS,
    IMPORTED_SPEND_ORDER,
    CustomerImportError,
    customers_import,
)
from customers.models import Customer, CustomerAction, CustomerEvent, CustomerKind, Purchase
from tests.factories import CustomerFactory
from tests.nothing_written import nothing_written

GOOD = (
    "name,kind,email,phone,language,birthday,tags,spend,currency\n"
    "张伟,person,zhang.wei@example.com,13812345678,zh-hans,1990-05-01,晚上来电;环保包装,1200.50,CNY\n"
    "Acme Trading Ltd,organisation,buyer@acme.example,,en,,,0,\n"
)


def run(text: str | bytes, actor=None, **options):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return customers_import(actor=actor, content=content, file_name="customers.csv", **options)


def problems_of(text, **options) -> list[str]:
    with nothing_written(), pytest.raises(CustomerImportError) as refused:
        run(text, **options)
    return refused.value.fields["file"]


def test_a_good_file_imports_every_row_with_its_fields(db, manager):
    report = run(GOOD, actor=manager)
    assert len(report.imported) == 2
    zhang = Customer.objects.get(name="张伟")
    assert zhang.email == "zhang.wei@example.com" and zhang.phone == "13812345678"
    assert zhang.birthday.isoformat() == "1990-05-01"
    assert zhang.preference_tags == ["晚上来电", "环保包装"]
    assert Customer.objects.get(name="Acme Trading Ltd").kind == CustomerKind.ORGANISATION
    # The spend before the import is one purchase, so the segmentation counts it.
    spend = Purchase.objects.get(customer=zhang)
    assert (spend.order_number, spend.amount) == (IMPORTED_SPEND_ORDER, Decimal("1200.50"))
    # Each imported customer's history says by whom and from which line.
    event = CustomerEvent.objects.get(customer=zhang)
    assert (event.action, event.actor) == (CustomerAction.IMPORTED, manager)
    assert event.changes["import"][1] == {"file": "customers.csv", "line": 2}


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("gbk"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gbk"],
)
def test_utf8_with_or_without_bom_and_gbk_read_the_same(db, encode):
    run(encode("姓名,邮箱,电话,偏好标签\n王芳,wang@example.com,13900000001,喜欢短信\n"))
    customer = Customer.objects.get()
    assert (customer.name, customer.email, customer.preference_tags) == (
        "王芳",
        "wang@example.com",
        ["喜欢短信"],
    )


def test_a_file_in_another_encoding_is_refused_whole(db):
    utf16 = "name\n王芳\n".encode("utf-16")
    assert "neither UTF-8 nor GBK" in problems_of(utf16)[0]


def test_a_header_without_the_name_column_is_refused(db):
    assert problems_of("email,phone\na@example.com,13900000001\n") == [
        "The header lacks the column(s): name."
    ]


def test_an_unknown_column_is_refused_rather_than_ignored(db):
    assert "Unknown column(s): emial" in problems_of("name,emial\nLi,li@example.com\n")[0]


def test_each_bad_row_is_reported_by_line_and_nothing_is_imported(db):
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    text = (
        "name,email,birthday,spend\n"
        "Good One,good@example.com,1980-01-01,10\n"  # line 2 is fine
        "Bad Date,bd@example.com,1980-13-01,\n"  # line 3
        f"Unborn,unborn@example.com,{future},\n"  # line 4
        "Refund,refund@example.com,,-5\n"  # line 5
        "Twice,GOOD@example.com,,\n"  # line 6: line 2's address
        ",noname@example.com,,\n"  # line 7
        "Short,short@example.com\n"  # line 8: a value missing
    )
    assert problems_of(text) == [
        "Line 3, birthday: “1980-13-01” is not a date; write it as YYYY-MM-DD.",
        f"Line 4, birthday: the birthday {future} lies in the future.",
        "Line 5, spend: the spend -5 is negative.",
        "Line 6, email: the e-mail address GOOD@example.com is also on line 2.",
        "Line 7, name: a name is required.",
        "Line 8: the row has 2 values, the header 4.",
    ]


def test_duplicate_phone_numbers_in_the_file_are_bad_rows(db):
    text = "name,phone\nA,138-0000-0001\nB,13800000001\n"
    assert problems_of(text) == ["Line 3, phone: the phone number 13800000001 is also on line 2."]


def test_skipping_bad_rows_imports_the_good_ones_and_reports_the_rest(db):
    report = run("name,email\nGood,good@example.com\nBad,not-an-address\n", skip_bad_rows=True)
    assert [customer.name for customer in report.imported] == ["Good"]
    assert [str(problem) for problem in report.skipped] == [
        "Line 3, email: “not-an-address” is not a valid e-mail address."
    ]
    assert list(Customer.objects.values_list("name", flat=True)) == ["Good"]


def test_customers_already_registered_by_email_or_phone_are_not_added_again(db, customer):
    text = (
        "name,email,phone\n"
        "Zhang W.,ZHANG.WEI@example.com,\n"  # the fixture's address, another case
        "Zhang again,,13812345678\n"  # the fixture's phone
        "New Person,new@example.com,\n"
    )
    report = run(text)
    assert [customer.name for customer in report.imported] == ["New Person"]
    assert [(line, found.pk) for line, found in report.already_registered] == [
        (2, customer.pk),
        (3, customer.pk),
    ]
    # Importing the same file again adds nobody.
    assert run(text).imported == []
    assert Customer.objects.count() == 2


def test_a_file_with_too_many_rows_is_refused(db):
    text = "name\n" + "x\n" * (IMPORT_MAX_ROWS + 1)
    assert problems_of(text) == [f"The file has more than {IMPORT_MAX_ROWS} rows."]


def test_the_api_imports_and_reports(db, manager):
    client = APIClient()
    client.force_login(manager)
    upload = SimpleUploadedFile("c.csv", GOOD.encode("gbk"), content_type="text/csv")
    response = client.post("/api/v1/customers/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201
    assert len(response.json()["imported"]) == 2


def test_the_api_refuses_a_bad_file_with_each_line_named_and_writes_nothing(db, manager):
    client = APIClient()
    client.force_login(manager)
    upload = SimpleUploadedFile("c.csv", b"name,spend\nA,-1\n", content_type="text/csv")
    with nothing_written():
        response = client.post("/api/v1/customers/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid"
    assert body["fields"]["file"] == ["Line 2, spend: the spend -1 is negative."]


def test_agents_may_not_import(db, agent):
    client = APIClient()
    client.force_login(agent)
    upload = SimpleUploadedFile("c.csv", GOOD.encode(), content_type="text/csv")
    with nothing_written():
        response = client.post("/api/v1/customers/import/", {"file": upload}, format="multipart")
    assert response.status_code == 403


def test_the_page_imports_for_managers(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("c.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(reverse("customers:import"), {"file": upload})
    assert response.status_code == 200
    assert "2 customers imported." in response.content.decode()


def test_the_page_shows_each_bad_line_and_writes_nothing(client, manager):
    client.force_login(manager)
    upload = SimpleUploadedFile("c.csv", b"name,birthday\nA,1990-02-30\n", content_type="text/csv")
    with nothing_written():
        response = client.post(reverse("customers:import"), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Line 2, birthday: “1990-02-30” is not a date" in page
    assert "Nothing was imported" in page


def test_the_page_is_for_managers_only(client, agent):
    client.force_login(agent)
    assert client.get(reverse("customers:import")).status_code == 403


def test_the_command_imports_and_refuses_like_the_page(db, manager, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(codecs.BOM_UTF8 + GOOD.encode())
    call_command("import_customers", str(good), "--user", manager.username)
    assert Customer.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nX,x@example.com\nY,x@example.com\n")
    with nothing_written(), pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_customers", str(bad))


def test_a_phone_number_is_matched_by_its_digits_as_the_lookup_matches_it(db):
    # One rule for both: the import's dedupe and the encrypted lookup keep digits only,
    # so "+86 139 0000 1111" is the customer registered as 8613900001111.
    registered = CustomerFactory(phone="8613900001111")
    report = run("name,phone\nAgain,+86 139 0000 1111\n")
    assert report.imported == []
    assert [(line, found.pk) for line, found in report.already_registered] == [(2, registered.pk)]
