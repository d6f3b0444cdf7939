"""Downloading an import source's calendar: http(s) only, bounded in size and time, with a
conditional GET, and never towards the hub's own private network."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time as monotonic_clock
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import IcsImportSource

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
USER_AGENT = "ComuniAmiciDellaFamiglia-Hub/1.0 (importazione calendari ICS)"


class FetchError(Exception):
    """The calendar could not be downloaded; `message` is Italian, for the association."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None: not modified since the last sync (HTTP 304)
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.content is None


def _setting(name: str, default):
    return getattr(settings, name, default)


def _connect(address, timeout, source_address=None, *, allow_private: bool):
    """socket.create_connection that refuses private, loopback and link-local addresses.

    The check is on the address actually connected to (resolved once), so a DNS answer that
    changes between a check and the connection can't reach the internal network.
    """
    host, port = address
    refused = None
    last_error: OSError | None = None
    for family, kind, proto, _canonical, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        ip = ipaddress.ip_address(sockaddr[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not allow_private and not ip.is_global:
            refused = ip
            continue
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    if last_error is not None:
        raise last_error
    if refused is not None:
        raise FetchError(
            _("L'indirizzo %(host)s porta a una rete privata: non è raggiungibile dall'hub.")
            % {"host": host}
        )
    raise OSError(f"no address for {host}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, allow_private: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = partial(_connect, allow_private=allow_private)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, allow_private: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = partial(_connect, allow_private=allow_private)


def normalize_url(url: str) -> str:
    """webcal:// (what "subscribe" buttons link to) is https://."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        return "https://" + url[len("webcal://") :]
    return url


def fetch(
    source: IcsImportSource,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
    allow_private: bool | None = None,
) -> Fetched:
    """Download the source's calendar; raise FetchError with an Italian message.

    `timeout` bounds the whole download (connection, redirects, headers and body), not
    each read, so a server that trickles bytes can't hold the sync; the body is read in
    chunks and abandoned as soon as it passes `max_bytes`. Only http and https, no proxy.
    Private addresses are refused unless settings.EVENTS_ICS_IMPORT_ALLOW_PRIVATE_ADDRESSES.
    """
    timeout = timeout or _setting("EVENTS_ICS_IMPORT_TIMEOUT", TIMEOUT_SECONDS)
    max_bytes = max_bytes or _setting("EVENTS_ICS_IMPORT_MAX_BYTES", MAX_BYTES)
    if allow_private is None:
        allow_private = _setting("EVENTS_ICS_IMPORT_ALLOW_PRIVATE_ADDRESSES", False)
    deadline = monotonic_clock.monotonic() + timeout
    url = normalize_url(source.url)
    conditional = {}
    if source.http_etag:
        conditional["If-None-Match"] = source.http_etag
    if source.http_last_modified:
        conditional["If-Modified-Since"] = source.http_last_modified
    for _redirect in range(MAX_REDIRECTS + 1):
        response = _get(
            url,
            headers=conditional,
            deadline=deadline,
            timeout=timeout,
            max_bytes=max_bytes,
            allow_private=allow_private,
        )
        if isinstance(response, str):
            url = response
            continue
        if response.not_modified and not conditional:
            raise FetchError(_("Il server del calendario ha risposto in modo non valido."))
        return response
    raise FetchError(_("Il server del calendario rimanda ad altri indirizzi troppe volte."))


def _remaining(deadline: float) -> float:
    left = deadline - monotonic_clock.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _get(url, *, headers, deadline, timeout, max_bytes, allow_private) -> Fetched | str:
    """One GET: the result, or the URL a redirect points to."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(_("Sono ammessi solo indirizzi che iniziano con http:// o https://."))
    connection_class = (
        _GuardedHTTPSConnection if parts.scheme == "https" else _GuardedHTTPConnection
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = None
    try:
        connection = connection_class(
            parts.hostname, parts.port, timeout=_remaining(deadline), allow_private=allow_private
        )
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/calendar, */*;q=0.5",
                "Accept-Encoding": "identity",
                **headers,
            },
        )
        # Kept before getresponse(), which may hand the socket over to the response.
        sock = connection.sock
        sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
        if response.status in {301, 302, 303, 307, 308}:
            location = response.getheader("Location")
            if not location:
                raise FetchError(_("Il server del calendario rimanda a un indirizzo mancante."))
            return urljoin(url, location)
        if response.status == 304:
            return Fetched(None)
        if response.status != 200:
            raise FetchError(
                _("Il server del calendario ha risposto con l'errore HTTP %(status)s.")
                % {"status": response.status}
            )
        length = response.getheader("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _oversize(max_bytes)
        chunks, size = [], 0
        while True:
            sock.settimeout(_remaining(deadline))
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _oversize(max_bytes)
            chunks.append(chunk)
        return Fetched(
            b"".join(chunks),
            etag=(response.getheader("ETag") or "")[:200],
            last_modified=(response.getheader("Last-Modified") or "")[:100],
        )
    except TimeoutError:
        seconds = max(round(timeout), 1)
        raise FetchError(
            ngettext(
                "Il server del calendario non ha risposto entro %(seconds)s secondo.",
                "Il server del calendario non ha risposto entro %(seconds)s secondi.",
                seconds,
            )
            % {"seconds": seconds}
        ) from None
    except ssl.SSLError:
        raise FetchError(
            _("Connessione sicura non riuscita: il certificato del server non è valido.")
        ) from None
    except ValueError:
        raise FetchError(_("L'indirizzo del calendario non è valido.")) from None
    except (OSError, http.client.HTTPException):
        raise FetchError(
            _("Il server del calendario non è raggiungibile (%(host)s).") % {"host": parts.hostname}
        ) from None
    finally:
        if connection is not None:
            connection.close()


def _oversize(max_bytes: int) -> FetchError:
    return FetchError(
        _("Il calendario è troppo grande: il limite è di %(size)s MB.")
        % {"size": f"{max_bytes / (1024 * 1024):g}"}
    )
