"""PostgreSQL out of reach: the API answers 503 in its error shape, never a 500."""

from django.db import connection

from tests.redis_door import unused_port


def test_an_unreachable_database_is_a_503_in_the_error_shape(
    client, django_db_blocker, monkeypatch
):
    monkeypatch.setitem(connection.settings_dict, "PORT", str(unused_port()))
    connection.close()
    try:
        with django_db_blocker.unblock():
            response = client.post(
                "/api/v1/tickets/",
                {"subject": "Printer jams"},
                content_type="application/json",
                HTTP_AUTHORIZATION="Bearer sd_abcd1234_secret",
            )
    finally:
        monkeypatch.undo()
        connection.close()
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is briefly unavailable; nothing was changed. "
        "Please try again shortly.",
        "code": "database_unavailable",
        "fields": {},
    }
    assert response["Retry-After"] == "5"
