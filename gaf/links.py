"""Absolute links to the GAF pages, for e-mails and calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def round_url(round_id: int) -> str:
    """The round's page for families (gaf:round_detail), or the site when not routed."""
    try:
        return absolute(reverse("gaf:round_detail", kwargs={"pk": round_id}))
    except NoReverseMatch:
        return absolute("/")
