"""Request bodies sent with Transfer-Encoding: chunked, through a real gunicorn (the
production server, with the product's gunicorn.conf.py) on 127.0.0.1."""

import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings

from servicedesk.api.middleware import largest_body_limit
from servicedesk.chunked_body import ChunkedBodyMiddleware
from tests.real_processes import database_url
from tickets.models import Ticket

pytestmark = pytest.mark.xdist_group("gunicorn")

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(committed_db, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [
            *(str(Path(sys.executable).parent / "gunicorn"), "servicedesk.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"),
        ],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _attempt in range(150):  # at most 30 s
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def post_chunked(port: int, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    pieces = [body[i : i + 100] for i in range(0, len(body), 100)]
    # An iterable body without a Content-Length goes out chunked.
    connection.request("POST", path, body=iter(pieces), headers=headers, encode_chunked=True)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload or b"{}")


@pytest.fixture
def token(make_client, integration):
    return make_client(integration).plain


def test_a_chunked_inbound_mail_is_read_whole(gunicorn, token):
    message = EmailMessage()
    message["From"] = "Li Na <li.na@example.com>"
    message["To"] = "support@shop.example"
    message["Subject"] = "My order is late"
    message["Message-ID"] = "<chunked@example.com>"
    message.set_content("Where is order 1234? " * 40)

    status, body = post_chunked(
        gunicorn,
        "/api/v1/inbound-email/",
        message.as_bytes(),
        {"Content-Type": "message/rfc822", "Authorization": f"Bearer {token}"},
    )

    assert status == 201, body
    ticket = Ticket.objects.get(pk=body["ticket"])
    assert ticket.subject == "My order is late"
    assert ticket.messages.get().body == ("Where is order 1234? " * 40).strip()


def test_a_chunked_ticket_create_is_read_whole(gunicorn, token):
    status, body = post_chunked(
        gunicorn,
        "/api/v1/tickets/",
        json.dumps({"subject": "Chunked", "channel": "web"}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert status == 201, body
    assert Ticket.objects.get(pk=body["id"]).subject == "Chunked"


def test_a_server_that_cannot_end_a_chunked_body_gets_411_and_nothing_runs():
    called = []

    def application(environ, start_response):
        called.append(environ)
        return []

    responses = []
    result = ChunkedBodyMiddleware(application)(
        {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": None},
        lambda status, headers: responses.append(status),
    )
    assert responses == ["411 Length Required"] and not called
    assert json.loads(b"".join(result))["code"] == "length_required"


def test_a_chunked_body_is_passed_on_with_its_length_or_refused_over_the_limit(settings):
    settings.INBOUND_MAIL_KEEP_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    settings.ATTACHMENT_MAX_BYTES = 0
    seen = []

    def application(environ, start_response):
        seen.append((environ["CONTENT_LENGTH"], environ["wsgi.input"].read()))
        start_response("200 OK", [])
        return []

    middleware = ChunkedBodyMiddleware(application)
    statuses = []

    def environ(body: bytes) -> dict:
        return {
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input_terminated": True,
            "wsgi.input": io.BytesIO(body),
        }

    limit = largest_body_limit()  # here the multipart envelope, 1 MB
    middleware(environ(b"x" * limit), lambda status, headers: statuses.append(status))
    middleware(environ(b"x" * (limit + 1)), lambda status, headers: statuses.append(status))
    assert statuses == ["200 OK", "413 Request Entity Too Large"]
    assert seen == [(str(limit), b"x" * limit)]
