"""Absolute links to the GAF pages, for e-mails and calendar feeds."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from hub.urls_absolute import absolute_url


def round_url(round_id: int) -> str:
    """The round's page for families (gaf:round_detail), or the site when not routed."""
    try:
        return absolute_url(reverse("gaf:round_detail", kwargs={"pk": round_id}))
    except NoReverseMatch:
        return absolute_url("/")
