"""POST a signed body to a subscriber's URL, guarded against SSRF (stdlib only).

The host name is resolved once; every address it resolves to must be public (globally
routable: not private, loopback, link-local, shared, multicast, reserved or unspecified) unless
settings.WEBHOOKS_ALLOW_PRIVATE; the connection then goes to the checked address, so a
DNS answer that changes between the check and the connect cannot reach inside.
TLS still verifies the certificate against the host name (SNI). Redirects are not
followed.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 10  # seconds, connect and read
BODY_KEPT = 1024


class BlockedAddress(Exception):
    """The URL leads to an address webhooks may not call."""


@dataclass
class Answer:
    status: int
    body: str
    headers: dict
    latency_ms: int


def allow_private():
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def is_public(address):
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve_checked(host, port):
    """The address to connect to: host's addresses, all of them public (or allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedAddress(f"{host} does not resolve: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise BlockedAddress(f"{host} does not resolve")
    if not allow_private():
        for address in addresses:
            if not is_public(address):
                raise BlockedAddress(
                    f"{host} resolves to {address}, a private, loopback or link-local address"
                )
    return addresses[0]


def check_url(url):
    """Raise BlockedAddress unless url may be called now (used on save and on send)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    resolve_checked(parts.hostname or "", port)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body: bytes, headers: dict):
    """POST body to url; an Answer, or an OSError/BlockedAddress/HTTPException."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    if not https and not allow_private():
        raise BlockedAddress("only https:// URLs may be called")
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    address = resolve_checked(host, port)
    cls = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = cls(host, port, address, timeout=TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(BODY_KEPT)
        answer_headers = {key.lower(): value for key, value in response.getheaders()}
        status = response.status
    finally:
        connection.close()
    return Answer(
        status=status,
        body=raw.decode("utf-8", "replace")[:BODY_KEPT],
        headers=answer_headers,
        latency_ms=int((time.monotonic() - started) * 1000),
    )
