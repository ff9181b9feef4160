"""Receivers on 127.0.0.1 that record what the outbox delivers: webhooks over HTTP, e-mail
over SMTP (aiosmtpd). Either can hold its n-th message — received in full, not yet
answered — so a test can kill the sending worker in the middle of a send."""

import asyncio
import email
import logging
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from servicedesk.api.webhooks import DELIVERY_HEADER

HOLD_SECONDS = 60

# aiosmtpd logs every SMTP command at INFO: thousands of lines per test.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class _Hold:
    """Holds the n-th message until released (or HOLD_SECONDS pass)."""

    def __init__(self):
        self.at: int | None = None
        self.reached = threading.Event()
        self.released = threading.Event()
        self.held: str | None = None

    def arm(self, at: int) -> None:
        self.at = at

    def wait_if_due(self, count: int, key: str) -> None:
        if count == self.at:
            self.held = key
            self.reached.set()
            self.released.wait(HOLD_SECONDS)

    def release(self) -> None:
        self.released.set()


class WebhookReceiver:
    """Answers 200 to every POST and records its delivery id (X-Servicedesk-Delivery)."""

    def __init__(self):
        self.deliveries: list[str] = []
        self.hold = _Hold()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.deliveries.append(self.headers[DELIVERY_HEADER])
                    count = len(receiver.deliveries)
                receiver.hold.wait_if_due(count, self.headers[DELIVERY_HEADER])
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender died while we held its request

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.deliveries)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.hold.release()
        self._server.shutdown()
        self._server.server_close()


class MailReceiver:
    """An SMTP server that records the Message-ID of every message it is given."""

    def __init__(self):
        self.message_ids: list[str] = []
        self.hold = _Hold()
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        # Unfolded: a long Message-ID arrives split over two header lines.
        message_id = "".join(str(email.message_from_bytes(envelope.content)["Message-ID"]).split())
        with self._lock:
            self.message_ids.append(message_id)
            count = len(self.message_ids)
        # Off the event loop: the other connections are served meanwhile.
        await asyncio.get_running_loop().run_in_executor(
            None, self.hold.wait_if_due, count, message_id
        )
        return "250 Message accepted"

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.message_ids)

    def environment(self) -> dict[str, str]:
        """What a worker needs to send through this server."""
        return {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self.hold.release()
        self._controller.stop()
