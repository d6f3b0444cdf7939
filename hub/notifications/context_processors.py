"""The bell in the site header: the signed-in person's unread count, for every page.

Lazy and read once: the template calls the function (one query, on a partial index) when
it shows the bell, so pages for visitors and responses that render no template pay nothing.
"""

from __future__ import annotations

from functools import cache

from hub.notifications import selectors
from hub.rules import is_person


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if not is_person(user):
        return {}
    return {"notifications_unread": cache(lambda: selectors.unread_count(user))}
