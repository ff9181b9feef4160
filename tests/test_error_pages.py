"""In development (DEBUG on) a missing page and a server error show the project's own 404
and 500 pages, not Django's technical pages, unless DJANGO_DEBUG_TECHNICAL_ERRORS asks for
them; 403 and the API's JSON errors are as before."""

import logging

import pytest
from django.test import Client
from django.urls import include, path, reverse

TECHNICAL_404 = "Using the URLconf"  # Django's technical 404 page
TECHNICAL_500 = "Traceback"  # Django's technical 500 page


def boom(request):
    raise RuntimeError("a bug in a view")


# This module is the URLconf of the tests that need a view that fails.
urlpatterns = [path("boom/", boom), path("", include("servicedesk.urls"))]


@pytest.fixture
def development(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERROR_PAGES = False
    settings.ROOT_URLCONF = __name__


def test_an_address_that_matches_nothing_shows_our_404_in_development(development, client, agent):
    client.force_login(agent)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing here" in html
    assert TECHNICAL_404 not in html


def test_a_view_raising_not_found_shows_our_404_in_development(development, client, agent):
    client.force_login(agent)
    response = client.get(reverse("tickets:detail", args=["SD-999999"]))
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()
    assert TECHNICAL_404 not in response.content.decode()


def test_a_server_error_shows_our_500_in_development_and_logs_its_traceback(development, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert TECHNICAL_500 not in html and "a bug in a view" not in html
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_a_setting_brings_back_the_technical_pages(development, settings):
    settings.DEBUG_TECHNICAL_ERROR_PAGES = True
    client = Client(raise_request_exception=False)
    assert TECHNICAL_404 in client.get("/no-such-page/").content.decode()
    assert TECHNICAL_500 in client.get("/boom/").content.decode()


def test_a_refusal_and_the_api_answer_as_before_in_development(development, client, agent):
    client.force_login(agent)
    assert client.get(reverse("complaints:monthly_pdf", args=["2026-03"])).status_code == 403
    response = client.get("/api/v1/tickets/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
