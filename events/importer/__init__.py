"""Import of an association's existing ICS calendar into its events: fetch, parse, sync.

`fetch(source)` downloads the calendar over http(s) with a size limit (2 MB), a limit on
the whole download's time (10 s), a conditional GET (ETag / Last-Modified), and refuses
private and loopback addresses (settings.EVENTS_ICS_IMPORT_ALLOW_PRIVATE_ADDRESSES allows
them, for tests and intranets). `parse(content)` is pure: it turns the file
into `ImportedEvent`s the hub can represent exactly, and per-event errors for the others.
`sync(source)` applies them to the association's EventPages by (import_source, import_uid).
`sources` holds who may manage import sources and the services the admin calls.

What the sync promises the association:

- A file-level problem (unreachable server, timeout, oversize, not a calendar) changes
  nothing: the source records `last_status=error` and an Italian `last_error`.
- An event the hub can't represent (sub-daily or unbounded rules, more than 500 dates or 2
  years, BYSETPOS and other rule parts, unknown time zones, broken dates) is left out with a
  per-event error, and an existing page for it stays as it is; the other events still sync.
- Imported events are the association's own: they are created published (no review), and
  updated (a new published revision, which bumps the feed's SEQUENCE through event_sync)
  only when an imported field changed. Fields the import does not set (image, areas, age
  bands, body, registration, and the cost: new events say "ask the organizer" rather than
  "free") stay as the association edits them in the admin.
- An event whose UID disappears from the calendar is cancelled, never deleted; only events
  still to come are: calendars often drop their past events. Events that ended before the
  sync are not created; pages the association unpublished are left alone.

Times: DTSTART/DTEND with a TZID (known to zoneinfo, or defined by a VTIMEZONE in the file)
or in UTC are converted to Europe/Rome; floating times (no TZID) are read as Europe/Rome
wall-clock times; a TZID that is neither known nor defined is an error for that event, as
guessing could shift it by hours. A recurring event is imported only when the hub's rule
(Rome wall-clock) gives exactly the same instants as the source's: a weekly event at 17:00
UTC is at 18:00 in winter and 19:00 in summer, which the hub can't express.
"""

from events.importer.fetching import (
    MAX_BYTES,
    TIMEOUT_SECONDS,
    Fetched,
    FetchError,
    fetch,
    normalize_url,
)
from events.importer.parsing import EventError, ImportedChange, ImportedEvent, ParsedCalendar, parse
from events.importer.sources import (
    associations_for,
    ics_source_create,
    ics_source_delete,
    ics_source_update,
    may_manage_sources,
    sources_for,
)
from events.importer.syncing import SyncReport, record_failure, sync

__all__ = [
    "MAX_BYTES",
    "TIMEOUT_SECONDS",
    "EventError",
    "FetchError",
    "Fetched",
    "ImportedChange",
    "ImportedEvent",
    "ParsedCalendar",
    "SyncReport",
    "associations_for",
    "fetch",
    "ics_source_create",
    "ics_source_delete",
    "ics_source_update",
    "may_manage_sources",
    "normalize_url",
    "parse",
    "record_failure",
    "sources_for",
    "sync",
]
