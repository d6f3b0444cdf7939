"""What the gaf consumers share."""

from __future__ import annotations

from django.conf import settings


def socket_language(scope) -> str:
    """The page's language (`?lang=` in the socket's URL), when the hub offers it."""
    query = scope.get("query_string", b"").decode("latin-1")
    wanted = dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("lang")
    offered = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in offered else settings.LANGUAGE_CODE
