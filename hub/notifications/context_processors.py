"""The bell in the site header: the signed-in person's unread count, for every page.

Lazy: the count is read (one query, on a partial index) only by a page that shows the
bell, never by a page for visitors nor by a response that renders no template.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from hub.notifications import selectors
from hub.rules import is_person


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if not is_person(user):
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: selectors.unread_count(user))}
