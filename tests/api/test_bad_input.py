"""Bad input is a 4xx in the one error shape, and writes nothing."""

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHAPE = {"detail", "code", "fields"}


def post_raw(api, body: bytes, content_type="application/json", path="/api/v1/tickets/"):
    return api.generic("POST", path, body, content_type=content_type)


def assert_refused(response, status, code):
    assert response.status_code == status, response.content
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == code
    assert Ticket.objects.count() == 0
    return response.json()


def test_a_missing_required_field_is_named(api):
    body = assert_refused(api.post("/api/v1/tickets/", {}, format="json"), 400, "invalid")
    assert list(body["fields"]) == ["subject"]


def test_extra_fields_are_refused_and_named(api):
    response = api.post(
        "/api/v1/tickets/", {"subject": "x", "colour": "red", "id": 5}, format="json"
    )
    body = assert_refused(response, 400, "invalid")
    assert sorted(body["fields"]) == ["colour", "id"]


def test_a_wrongly_typed_field_is_named(api):
    response = api.post(
        "/api/v1/tickets/", {"subject": ["not", "a", "string"], "customer": "abc"}, format="json"
    )
    body = assert_refused(response, 400, "invalid")
    assert sorted(body["fields"]) == ["customer", "subject"]


def test_an_unknown_choice_is_named(api):
    body = assert_refused(
        api.post("/api/v1/tickets/", {"subject": "x", "priority": "whenever"}, format="json"),
        400,
        "invalid",
    )
    assert list(body["fields"]) == ["priority"]


def test_a_body_that_is_not_an_object_is_400(api):
    assert_refused(post_raw(api, b"[1, 2, 3]"), 400, "invalid")


def test_malformed_json_is_400_parse_error(api):
    assert_refused(post_raw(api, b'{"subject": '), 400, "parse_error")


def test_a_non_utf8_body_is_400(api):
    assert_refused(post_raw(api, '{"subject": "caf\u00e9"}'.encode("latin-1")), 400, "parse_error")


def test_a_10_mb_json_body_is_413(api):
    body = b'{"subject": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    assert_refused(post_raw(api, body), 413, "request_too_large")


def test_a_10_mb_json_body_with_an_idempotency_key_is_413(api):
    body = b'{"subject": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = api.generic(
        "POST", "/api/v1/tickets/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a"
    )
    assert_refused(response, 413, "request_too_large")


def test_a_wrong_content_type_is_415(api):
    assert_refused(
        post_raw(api, b"subject=x", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )


def test_json_to_the_attachment_endpoint_is_415(api, integration, team):
    from tickets import services

    ticket = services.ticket_create(actor=integration, subject="x", channel="api", team=team)
    response = api.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": "x"}, format="json")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/999999/",
        "/api/v1/tickets/999999/events/",
        "/api/v1/customers/424242/",
        "/api/v1/nothing-here/",
        "/api/v1/tickets/not-a-number/",
        "/api/v1/tickets",
    ],
)
def test_unknown_ids_and_paths_are_404_in_the_shape(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_id_beyond_the_integer_range_is_404(api):
    assert api.get(f"/api/v1/tickets/{2**70}/").status_code == 404


def test_a_reference_to_an_unknown_customer_is_400(api):
    body = assert_refused(
        api.post("/api/v1/tickets/", {"subject": "x", "customer": 10**12}, format="json"),
        400,
        "invalid",
    )
    assert list(body["fields"]) == ["customer"]


def test_a_huge_page_size_is_capped(api, integration, team, monkeypatch):
    from servicedesk.api.pagination import MAX_PAGE_SIZE, StableCursorPagination
    from tickets import services

    assert StableCursorPagination.max_page_size == MAX_PAGE_SIZE == 200
    # A cap of 2 under 3 tickets: the cap, not the row count, ends the page.
    monkeypatch.setattr(StableCursorPagination, "max_page_size", 2)
    for index in range(3):
        services.ticket_create(actor=integration, subject=f"t{index}", channel="api", team=team)
    response = api.get("/api/v1/tickets/", {"page_size": 10**9})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "cD1hYmM=", "bz0tMQ==", "\u00e9"])
def test_an_invalid_cursor_is_400(api, cursor):
    response = api.get("/api/v1/tickets/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "yesterday"},
        {"status": "sleeping"},
        {"team_id": "x"},
        {"breached": "maybe"},
    ],
)
def test_an_invalid_filter_is_400_naming_it(api, params):
    response = api.get("/api/v1/tickets/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == list(params)


def test_bad_customer_input_writes_nothing(make_client, supervisor):
    client = make_client(supervisor)
    response = client.post("/api/v1/customers/", {"name": "X", "email": "not-mail"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]
    assert Customer.objects.count() == 0


def test_a_session_post_without_csrf_is_403_in_the_shape(integration):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(integration)
    response = client.post("/api/v1/tickets/", {"subject": "x"}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == SHAPE


def test_a_filter_moment_with_an_offset_postgresql_refuses_is_read_in_utc(api, integration, team):
    from tickets import services

    services.ticket_create(actor=integration, subject="now", channel="api", team=team)
    # +20:41 is a valid offset for Python, beyond PostgreSQL's ±16 h.
    response = api.get("/api/v1/tickets/", {"created_after": "0167-07-09T12:28:39+20:41"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_filter_moment_that_does_not_fit_in_utc_is_400(api):
    response = api.get("/api/v1/tickets/", {"created_before": "0001-01-01T00:00:00+20:00"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["created_before"]


@pytest.mark.parametrize("key", [b"1e400", b"-1e400", b"1.5", b"1.0", b"true", b'"1.5"', b'" 1"'])
@pytest.mark.parametrize("field", ["customer", "team", "category", "assignee"])
def test_a_reference_that_is_not_a_whole_number_is_400_naming_it(api, integration, field, key):
    # 1e400 was an OverflowError (a 500); 1.5 and true silently became record 1.
    body = b'{"subject": "x", "%s": %s}' % (field.encode(), key)
    body = assert_refused(post_raw(api, body), 400, "invalid")
    assert list(body["fields"]) == [field]


@pytest.mark.parametrize("key", [2**63, -(2**63) - 1, 10**99, -1])
@pytest.mark.parametrize("field", ["customer", "team", "category", "assignee"])
def test_a_reference_beyond_the_key_range_names_no_record(api, field, key):
    body = b'{"subject": "x", "%s": %d}' % (field.encode(), key)
    body = assert_refused(post_raw(api, body), 400, "invalid")
    assert list(body["fields"]) == [field]


def test_a_digit_string_names_a_record(api, integration, team):
    response = post_raw(api, b'{"subject": "x", "team": "%d"}' % team.pk)
    assert response.status_code == 201, response.content
    assert response.json()["team"]["id"] == team.pk


@pytest.mark.parametrize("depth", [33, 10_000, 100_000])
def test_deeply_nested_json_is_400_parse_error(api, depth):
    # 10,000 levels was a RecursionError in the decoder (a 500).
    nested = b"[" * depth + b"]" * depth
    assert_refused(post_raw(api, b'{"subject": "x", "tags": ' + nested + b"}"), 400, "parse_error")
    assert_refused(post_raw(api, nested), 400, "parse_error")


def test_json_nested_as_deep_as_allowed_reaches_the_serializer(api):
    nested = b"[" * 31 + b"]" * 31
    body = assert_refused(
        post_raw(api, b'{"subject": "x", "tags": ' + nested + b"}"), 400, "invalid"
    )
    assert list(body["fields"]) == ["tags.0"]


@pytest.mark.parametrize("value", ["1.5", "1e3", "-1", "true", "1 2", "9" * 5000])
@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/tickets/", "team_id"),
        ("/api/v1/tickets/", "customer_id"),
        ("/api/v1/tickets/", "assignee_id"),
        ("/api/v1/staff/", "team_id"),
    ],
)
def test_an_id_filter_takes_only_a_whole_number(make_client, manager, path, name, value):
    # team_id=1.5 used to filter by team 1.
    response = make_client(manager).get(path, {name: value})
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [name]


@pytest.mark.parametrize("value", [str(2**63), str(10**99)])
def test_an_id_filter_beyond_the_key_range_matches_nothing(api, integration, team, value):
    from tickets import services

    services.ticket_create(actor=integration, subject="x", channel="api", team=team)
    response = api.get("/api/v1/tickets/", {"team_id": value})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_fractional_customer_is_400_not_the_customer_it_rounds_to(api):
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    body = b'{"subject": "x", "customer": %d.5}' % customer.pk
    body = assert_refused(post_raw(api, body), 400, "invalid")
    assert list(body["fields"]) == ["customer"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"subject": "\\ud800"}',
        b'{"subject": "x", "priority": "\\udfff"}',
        b'{"subject": "x", "\\ud800": 1}',
        b'{"subject": "x", "tags": ["a", "\\ud83d"]}',
    ],
)
def test_an_unpaired_surrogate_escape_is_400_parse_error(api, body):
    # An error echoing it ('"\ud800" is not a valid choice') could not be encoded: a 500.
    assert_refused(post_raw(api, body), 400, "parse_error")


def test_a_paired_surrogate_escape_is_text(api):
    response = post_raw(api, b'{"subject": "\\ud83d\\ude00 broken"}')
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "\U0001f600 broken"


@pytest.mark.parametrize("key", [b"1e400", b"1.5", b"true"])
def test_a_token_for_a_user_that_is_not_a_whole_number_is_400(make_client, key):
    from servicedesk.api.models import ApiToken
    from staff.models import Role
    from tests.factories import UserFactory

    admin = make_client(UserFactory(role=Role.ADMINISTRATOR, is_staff=True))
    before = ApiToken.objects.count()
    body = b'{"name": "crm", "user": %s, "scopes": ["tickets:read"]}' % key
    response = admin.generic("POST", "/api/v1/tokens/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["user"]
    assert ApiToken.objects.count() == before
