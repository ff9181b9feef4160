"""A TCP port in front of the test Redis that a test can open, shut or jam.

Open: connections are forwarded to the real Redis. Shut: each connection is closed as soon
as it is accepted (what a client sees of a Redis that went away). Jammed: connections are
accepted and never answered (a Redis that hangs, or a network that drops packets). The
shared Redis itself is never touched.
"""

import contextlib
import socket
import threading
from urllib.parse import urlsplit

OPEN, SHUT, JAMMED = "open", "shut", "jammed"


def unused_port() -> int:
    """A local TCP port where nothing listens (bound and released at once)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


class RedisDoor:
    def __init__(self, target_url: str):
        target = urlsplit(target_url)
        self.target = (target.hostname or "127.0.0.1", target.port or 6379)
        self.database = target.path or "/0"
        self.mode = OPEN
        self.accepted = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}{self.database}"

    def set_mode(self, mode: str) -> None:
        """Change how new connections are treated; open ones are cut when leaving OPEN."""
        with self._lock:
            self.mode = mode
            if mode != OPEN:
                self._close_all()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()
        with self._lock:
            self._close_all()

    def _close_all(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                if self.mode == SHUT:
                    client.close()
                    continue
                self._sockets.append(client)
                if self.mode == JAMMED:
                    continue
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
