"""Where webhooks may be delivered: not to addresses in settings.WEBHOOK_DENIED_NETWORKS.

A registered URL could name (or later resolve to) the cloud metadata service or a port
that only listens locally; the delivery would then be a request from inside. So the
address is checked twice: a literal address when the endpoint is registered, and the
address actually connected to on every delivery (after DNS, so a name that resolves
differently later is caught too). Environment proxies are not used for webhooks: the
address checked must be the receiver's own.
"""

import functools
import http.client
import ipaddress
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings


class ReceiverAddressDenied(OSError):
    """The receiver's address is in a denied network (raised while connecting)."""

    def __init__(self, address: str):
        super().__init__(f"receiver address {address} is not allowed")
        self.address = address


@functools.cache
def _networks(configured: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(network, strict=False) for network in configured)


def address_is_denied(address: str) -> bool:
    """Whether an IP address (text) falls in a denied network; IPv4-mapped IPv6 counts as
    the IPv4 address it carries."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(settings.WEBHOOK_DENIED_NETWORKS)))


def url_names_denied_address(url: str) -> bool:
    """Whether a URL's host is a literal address in a denied network, or "localhost" while
    loopback is denied (names are checked when delivering, after DNS)."""
    host = (urlsplit(url).hostname or "").strip("[]")
    if host.rstrip(".").lower() == "localhost":
        return address_is_denied("127.0.0.1")
    try:
        return address_is_denied(host)
    except ValueError:
        return False  # a name


def _refuse_denied_peer(sock) -> None:
    address = sock.getpeername()[0]
    if address_is_denied(address):
        sock.close()
        raise ReceiverAddressDenied(address)


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _refuse_denied_peer(self.sock)


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedHTTPConnection):
    """HTTPSConnection.connect opens TCP through _CheckedHTTPConnection.connect (the MRO),
    so the address is refused before the TLS handshake."""


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, request):
        return self.do_open(_CheckedHTTPConnection, request)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, request):
        return self.do_open(_CheckedHTTPSConnection, request, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook goes where it was registered; a redirect could point anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def receiver_opener() -> urllib.request.OpenerDirector:
    """An opener that follows no redirects, uses no proxy and connects to allowed
    addresses only (ReceiverAddressDenied, wrapped in URLError, otherwise)."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _CheckedHTTPHandler,
        _CheckedHTTPSHandler,
        _NoRedirects,
    )
