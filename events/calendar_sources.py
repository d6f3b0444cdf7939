"""Calendar sources: what other apps add to a person's private calendar feed.

events owns calendars but imports no other feature app. An app that has dated things a
person should see in their calendar (a table's meetings, a purchase group's pickup days)
registers a source in its `AppConfig.ready()`:

    from events import calendar_sources

    calendar_sources.register("gaf.pickups", pickup_days_for)

A source is `source(user, window_start, window_end) -> Iterable[FeedEvent]`: the items
this user may see whose dates touch the window (aware datetimes, Europe/Rome). It must
only return what the user is allowed to see, keep each item's `uid` permanent (never
derived from a slug or URL), and set `last_modified`/`sequence` from real changes so the
feed stays byte-identical while nothing changes. It should run a constant number of
queries whatever the number of items.

An app may also offer a public calendar of what anyone may see (a public table's
meetings), served as its own feed at `/eventi/calendari/<name>.ics`:

    calendar_sources.register_public("tavoli", public_meetings, label=_("Riunioni dei tavoli"))

A public source is `source(window_start, window_end) -> Iterable[FeedEvent]`, under the
same rules, and must never return anything that is not public.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from events.ical import FeedEvent

Source = Callable[[object, datetime, datetime], Iterable[FeedEvent]]
PublicSource = Callable[[datetime, datetime], Iterable[FeedEvent]]

_sources: dict[str, Source] = {}
_public: dict[str, tuple[PublicSource, object]] = {}


def register(name: str, source: Source) -> None:
    """Add (or replace, when an app is reloaded) the source called `name`."""
    _sources[name] = source


def registered() -> dict[str, Source]:
    return dict(_sources)


def items_for(user, window_start: datetime, window_end: datetime) -> list[FeedEvent]:
    """Every registered source's items for `user`, in registration order."""
    items: list[FeedEvent] = []
    for source in _sources.values():
        items.extend(source(user, window_start, window_end))
    return items


def register_public(name: str, source: PublicSource, *, label) -> None:
    """Add (or replace) the public calendar called `name` (a slug: it is in the feed's URL);
    `label` is the calendar's name in calendar apps."""
    _public[name] = (source, label)


def public_source(name: str) -> tuple[PublicSource, object] | None:
    """The public source called `name` and its label, or None."""
    return _public.get(name)
