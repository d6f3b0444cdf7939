"""Absolute URLs: every one the hub gives out starts with `settings.HUB_BASE_URL`.

API `url` fields, the URL lines of calendar feeds, links in e-mails (the hub's own and
allauth's), the subscribe links (`webcal://`, Google's add-by-URL) and the open-data
exports all go through `absolute_url`. Never `request.build_absolute_uri()` (it repeats
whatever Host the request came with, and a task has no request) nor a Wagtail Site's
hostname and port (a row in the database that says `localhost:80` until someone edits it).

`HUB_BASE_URL` is read from the environment in hub.settings; `make run` derives it from
HOST and PORT.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def base_url() -> str:
    """The hub's public address, without a trailing slash: "https://famiglie.example.org"."""
    return settings.HUB_BASE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (from `reverse()`, starting with "/") on the hub's public address."""
    if not path.startswith("/"):
        raise ValueError(f"not a path from the site's root: {path!r}")
    return base_url() + path


def page_url(page) -> str | None:
    """A Wagtail page's public address, or None for a page that is not routable."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)


def rebase(url: str) -> str:
    """An absolute URL of this hub built from a request, moved onto the public address
    (its path, query and fragment kept)."""
    parts = urlsplit(url)
    if not parts.scheme:
        return absolute_url(url)
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return absolute_url(path)


def webcal_url(url: str) -> str:
    """The `webcal://` form of an http(s) feed URL, which opens the system's calendar app."""
    return "webcal://" + url.split("://", 1)[1]
