"""An ordinary 403 is logged as one line, without a traceback; a 500 keeps its traceback."""

import logging
import sys

from django.urls import reverse

from servicedesk.log_filters import RefusalWithoutTraceback


def test_a_permission_denied_is_logged_without_a_traceback(client, agent, caplog):
    client.force_login(agent)
    path = reverse("complaints:monthly_pdf", args=["2026-03"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(path)
    assert response.status_code == 403
    refusals = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in refusals] == [
        f"Forbidden (Permission denied): {path}"
    ]
    assert refusals[0].exc_info is None


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
    record.status_code = 500
    assert RefusalWithoutTraceback().filter(record)
    assert record.exc_info is not None
