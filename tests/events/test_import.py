"""ICS import: parsing (pure), fetching from a real local HTTP server (never mocked), syncing
into EventPages, the hourly task and the admin screens.

The server is http.server on 127.0.0.1 in a thread, serving the files in fixtures/ with the
behaviours real calendar servers have: ETags and 304, redirects, no Content-Length, slow
trickles, errors.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Revision

from associations import services as association_services
from associations.models import AssociationMembership
from events import importer, tasks
from events.models import EventOccurrence, EventPage, IcsImportSource
from events.recurrence import ROME
from tests.associations.factories import approver, make_association
from tests.events.factories import rome
from tests.hub.factories import UserFactory

FIXTURES = Path(__file__).parent / "fixtures"
NOW = rome(2026, 9, 1, 12)

FESTA = "festa-autunno-2026@polisportiva.example.org"
CORSO = "corso-nuoto-2026@polisportiva.example.org"
CAMPO = "campo-invernale-2026@polisportiva.example.org"
ASSEMBLEA = "assemblea-soci-2026@polisportiva.example.org"
TORNEO = "torneo-primavera-2026@polisportiva.example.org"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upcoming_calendar() -> bytes:
    """A calendar whose one event is a month from now, for syncs that run at the real time."""
    start = (timezone.now() + timedelta(days=30)).astimezone(ROME)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//IT\r\nBEGIN:VEVENT\r\n"
        "UID:merenda-del-mese@example.org\r\n"
        f"DTSTART;TZID=Europe/Rome:{start:%Y%m%d}T160000\r\n"
        f"DTEND;TZID=Europe/Rome:{start:%Y%m%d}T180000\r\n"
        "SUMMARY:Merenda in compagnia\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


# --- A real calendar server ---------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str = ""
    send_length: bool = True
    redirect_to: str = ""
    trickle_seconds: float = 0.0  # pause between single bytes of the body
    delay_seconds: float = 0.0  # pause before answering at all
    stream_bytes: int = 0  # a generated body of this size, streamed without a length


class CalendarServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                # The client may give up mid-answer, as it should with slow or huge bodies.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.answer(self, route)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address
        return f"http://{host}:{port}{path}"

    def answer(self, handler, route: Route | None):
        if route is None:
            handler.send_error(404)
            return
        if route.delay_seconds:
            time.sleep(route.delay_seconds)
        if route.redirect_to:
            handler.send_response(302)
            handler.send_header("Location", route.redirect_to)
            handler.end_headers()
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            handler.send_response(304)
            handler.send_header("ETag", route.etag)
            handler.end_headers()
            return
        handler.send_response(route.status)
        handler.send_header("Content-Type", "text/calendar; charset=utf-8")
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.send_length and not route.stream_bytes:
            handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        if route.stream_bytes:
            line = b"X-FILLER:" + b"x" * 1014 + b"\r\n"
            sent = 0
            handler.wfile.write(b"BEGIN:VCALENDAR\r\n")
            while sent < route.stream_bytes:
                handler.wfile.write(line)
                sent += len(line)
            return
        if route.trickle_seconds:
            for index in range(len(route.body)):
                handler.wfile.write(route.body[index : index + 1])
                handler.wfile.flush()
                time.sleep(route.trickle_seconds)
            return
        handler.wfile.write(route.body)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def calendar_server():
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture
def server(calendar_server):
    calendar_server.routes.clear()
    calendar_server.requests.clear()
    return calendar_server


@pytest.fixture
def local_calendars(settings):
    """The test server is on 127.0.0.1, which the importer refuses by default."""
    settings.EVENTS_ICS_IMPORT_ALLOW_PRIVATE_ADDRESSES = True


def unsaved_source(url: str, **fields) -> IcsImportSource:
    return IcsImportSource(url=url, **fields)


# --- Parsing (pure) -----------------------------------------------------------------------------


def test_parse_reads_an_italian_calendar_with_series_and_all_day_events():
    parsed = importer.parse(fixture("import_valid.ics"))
    assert parsed.error is None and parsed.errors == ()
    events = {event.uid: event for event in parsed.events}
    festa = events[FESTA]
    assert festa.title == "Festa d'autunno: caldarroste, giochi e più allegria per tutti"
    assert festa.venue == "Cortile della scuola “Gianni Rodari”, via Roma 12"
    assert "il tè caldo è offerto" in festa.summary
    assert (festa.start, festa.end) == (rome(2026, 10, 10, 15, 30), rome(2026, 10, 10, 19))
    assert (str(festa.latitude), str(festa.longitude)) == ("45.075300", "7.493800")

    corso = events[CORSO]
    assert corso.recurrence.frequency == "weekly" and corso.recurrence.weekdays == (2,)
    # UNTIL=20261118T160000Z is 17:00 in Rome on the 18th: that Wednesday is included.
    assert corso.recurrence.until == date(2026, 11, 18)
    assert corso.exclusions == (date(2026, 10, 21),)
    moved, cancelled = corso.changes
    assert moved.original_date == date(2026, 10, 28) and not moved.cancelled
    assert (moved.new_start, moved.new_end) == (rome(2026, 10, 29, 18), rome(2026, 10, 29, 19))
    assert cancelled.original_date == date(2026, 11, 11) and cancelled.cancelled

    campo = events[CAMPO]
    # DTEND;VALUE=DATE:20261231 is exclusive: the camp's last day is the 30th.
    assert campo.all_day and (campo.start, campo.end) == (rome(2026, 12, 28), rome(2026, 12, 30))
    assemblea = events[ASSEMBLEA]
    assert (assemblea.start, assemblea.end) == (rome(2026, 11, 15, 10), rome(2026, 11, 15, 12))


def test_parse_refuses_recurrence_bombs_and_rules_the_hub_cannot_express_one_by_one():
    parsed = importer.parse(fixture("import_bombs.ics"))
    assert parsed.error is None
    assert [event.uid for event in parsed.events] == ["lettura-in-biblioteca@example.org"]
    messages = {error.uid: error.message for error in parsed.errors}
    assert "più frequenti di una al giorno" in messages["ogni-secondo@example.org"]
    assert "tra 1 e 500" in messages["centomila-giorni@example.org"]
    assert "senza fine" in messages["per-sempre@example.org"]
    assert "2 anni" in messages["dieci-anni@example.org"]
    assert "secondo martedì" in messages["secondo-martedi@example.org"]
    assert "BYSETPOS" in messages["bysetpos@example.org"]
    # 16:00 UTC is 18:00 before the October change and 17:00 after it.
    assert "ora italiana" in messages["utc-settimanale@example.org"]
    assert parsed.uids >= set(messages)


def test_parse_refuses_an_unknown_time_zone_and_understands_windows_names():
    parsed = importer.parse(fixture("import_unknown_tz.ics"))
    (error,) = parsed.errors
    assert error.uid == "su-marte@example.org"
    assert "Mars/Olympus_Mons" in error.message
    (outlook,) = parsed.events
    assert outlook.start == rome(2026, 10, 21, 10)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"<html><body>Accedi per vedere il calendario</body></html>",
        fixture("import_malformed.ics"),
        b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        bytes(range(256)) * 4,
    ],
    ids=["empty", "garbage", "html", "truncated", "no-calendar", "nested", "binary"],
)
def test_parse_reports_a_malformed_file_as_one_error(content):
    parsed = importer.parse(content)
    assert parsed.error == "Il file non è un calendario ICS valido."
    assert parsed.events == () and parsed.uids == frozenset()


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_parse_never_raises(content):
    parsed = importer.parse(b"BEGIN:VCALENDAR\r\n" + content)
    assert parsed.error is not None or isinstance(parsed.events, tuple)


def test_parse_keeps_errors_per_event():
    content = b"""BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
SUMMARY:Senza identificativo\r
DTSTART:20261010T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:doppio@example.org\r
SUMMARY:Primo\r
DTSTART:20261010T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:doppio@example.org\r
SUMMARY:Secondo\r
DTSTART:20261011T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:orfano@example.org\r
RECURRENCE-ID:20261012T100000Z\r
DTSTART:20261012T110000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:data-rotta@example.org\r
SUMMARY:Data impossibile\r
DTSTART:20261332T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:rovesciato@example.org\r
SUMMARY:Finisce prima di iniziare\r
DTSTART:20261010T100000Z\r
DTEND:20261010T090000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:buono@example.org\r
SUMMARY:Evento buono\r
DTSTART:20261010T100000\r
END:VEVENT\r
END:VCALENDAR\r
"""
    parsed = importer.parse(content)
    assert [event.uid for event in parsed.events] == ["buono@example.org"]
    messages = {error.uid: error.message for error in parsed.errors}
    assert "identificativo (UID)" in messages[""]
    assert "più eventi" in messages["doppio@example.org"]
    assert "senza la serie" in messages["orfano@example.org"]
    assert "DTSTART" in messages["data-rotta@example.org"]
    assert "prima dell'inizio" in messages["rovesciato@example.org"]
    # A floating time is a Rome wall-clock time.
    assert parsed.events[0].start == datetime(2026, 10, 10, 10, tzinfo=ROME)


# --- Fetching over a real socket ------------------------------------------------------------------


def test_fetch_uses_a_conditional_get_and_understands_304(server, local_calendars):
    server.routes["/cal.ics"] = Route(body=fixture("import_valid.ics"), etag='"v1"')
    first = importer.fetch(unsaved_source(server.url("/cal.ics")))
    assert first.content == fixture("import_valid.ics") and first.etag == '"v1"'
    again = importer.fetch(unsaved_source(server.url("/cal.ics"), http_etag='"v1"'))
    assert again.not_modified
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'


def test_fetch_follows_redirects_and_reads_bodies_without_length(server, local_calendars):
    server.routes["/vecchio.ics"] = Route(redirect_to="/nuovo.ics")
    server.routes["/nuovo.ics"] = Route(body=fixture("import_valid.ics"), send_length=False)
    fetched = importer.fetch(unsaved_source(server.url("/vecchio.ics")))
    assert fetched.content == fixture("import_valid.ics")
    assert importer.normalize_url("webcal://example.org/a.ics") == "https://example.org/a.ics"


@pytest.mark.parametrize(
    "route, limit, message",
    [
        (Route(body=b"x" * 5000), 1000, "troppo grande"),
        (Route(body=b"x" * 5000, send_length=False), 1000, "troppo grande"),
        (Route(stream_bytes=3 * 1024 * 1024), None, "limite è di 2 MB"),
        (Route(body=b"BEGIN:VCALENDAR", trickle_seconds=0.2), None, "entro 1 secondo"),
        (Route(body=b"", delay_seconds=3), None, "entro 1 secondo"),
        (Route(status=500, body=b"errore"), None, "errore HTTP 500"),
        (Route(status=404, body=b""), None, "errore HTTP 404"),
        (Route(redirect_to="file:///etc/passwd"), None, "http:// o https://"),
    ],
    ids=["oversize", "oversize-streamed", "over-2mb", "trickle", "no-answer", "500", "404", "file"],
)
def test_fetch_refuses_what_it_cannot_take(server, local_calendars, route, limit, message):
    server.routes["/cal.ics"] = route
    with pytest.raises(importer.FetchError) as error:
        importer.fetch(unsaved_source(server.url("/cal.ics")), timeout=1, max_bytes=limit)
    assert message in error.value.message


def test_fetch_refuses_private_addresses_unless_allowed(server):
    server.routes["/cal.ics"] = Route(body=fixture("import_valid.ics"))
    with pytest.raises(importer.FetchError) as error:
        importer.fetch(unsaved_source(server.url("/cal.ics")))
    assert "rete privata" in error.value.message
    assert server.requests == []  # refused before connecting
    for url in ("ftp://example.org/cal.ics", "file:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(importer.FetchError):
            importer.fetch(unsaved_source(url))


def test_fetch_reports_a_closed_port(local_calendars):
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    with pytest.raises(importer.FetchError) as error:
        importer.fetch(unsaved_source(f"http://127.0.0.1:{port}/cal.ics"), timeout=2)
    assert "non è raggiungibile" in error.value.message


# --- Syncing into events ------------------------------------------------------------------------


@pytest.fixture
def association(db):
    return make_association(name="Polisportiva Bruinese")


@pytest.fixture
def source(association, server, local_calendars):
    server.routes["/cal.ics"] = Route(body=fixture("import_valid.ics"), etag='"v1"')
    return IcsImportSource.objects.create(
        association=association,
        url=server.url("/cal.ics"),
        municipality=association.municipalities.first(),
    )


def imported(source) -> dict[str, EventPage]:
    return {page.import_uid: page for page in EventPage.objects.filter(import_source=source)}


def local_starts(page) -> list[tuple[date, int, int]]:
    return [
        (moment.date(), moment.hour, moment.utcoffset().seconds // 3600)
        for moment in (
            occurrence.start.astimezone(ROME)
            for occurrence in EventOccurrence.objects.filter(event=page, cancelled=False)
        )
    ]


def test_sync_creates_published_events_of_the_association(source, association):
    report = importer.sync(source, now=NOW)
    source.refresh_from_db()
    assert source.last_status == IcsImportSource.SyncStatus.OK
    assert source.last_error == "" and source.last_sync_at == NOW
    assert source.http_etag == '"v1"'
    assert source.last_counts == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "cancelled": 0,
        "skipped": 1,  # the spring tournament is over
        "errors": 0,
    }
    assert report.counts == source.last_counts
    pages = imported(source)
    assert set(pages) == {FESTA, CORSO, CAMPO, ASSEMBLEA}
    for page in pages.values():
        assert page.live and page.association == association
        assert page.get_parent().pk == association.page.pk
        assert page.municipality == source.municipality
    festa = pages[FESTA]
    assert festa.title.startswith("Festa d'autunno") and "più allegria" in festa.title
    assert festa.venue.startswith("Cortile della scuola “Gianni Rodari”")
    assert str(festa.latitude) == "45.075300"
    # Weekly at 17:00 across the October change: same local time, offset from +2 to +1;
    # 21 October excluded, 28 October moved to Thursday 29 at 18:00, 11 November cancelled.
    assert local_starts(pages[CORSO]) == [
        (date(2026, 10, 7), 17, 2),
        (date(2026, 10, 14), 17, 2),
        (date(2026, 10, 29), 18, 1),
        (date(2026, 11, 4), 17, 1),
        (date(2026, 11, 18), 17, 1),
    ]
    campo = pages[CAMPO]
    assert campo.all_day
    # A calendar says nothing about costs: the page must not claim the event is free.
    assert not campo.is_free and campo.cost is None and campo.cost_note
    occurrence = EventOccurrence.objects.get(event=campo)
    assert (occurrence.start, occurrence.end) == (rome(2026, 12, 28), rome(2026, 12, 31))


def test_a_second_sync_of_the_same_calendar_changes_nothing(source, server):
    importer.sync(source, now=NOW)
    revisions = Revision.objects.count()
    before = {uid: (page.sequence, page.changed_at) for uid, page in imported(source).items()}
    # Without the ETag the server sends the whole file again: nothing differs.
    IcsImportSource.objects.filter(pk=source.pk).update(http_etag="")
    source.refresh_from_db()
    report = importer.sync(source, now=NOW)
    assert report.counts["unchanged"] == 4 and report.counts["updated"] == 0
    assert Revision.objects.count() == revisions
    after = {uid: (page.sequence, page.changed_at) for uid, page in imported(source).items()}
    assert after == before


def test_a_304_is_a_successful_sync_with_nothing_to_do(source, server):
    importer.sync(source, now=NOW)
    source.refresh_from_db()
    revisions = Revision.objects.count()
    report = importer.sync(source, now=rome(2026, 9, 1, 13))
    source.refresh_from_db()
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert report.status == source.last_status == IcsImportSource.SyncStatus.OK
    assert source.last_sync_at == rome(2026, 9, 1, 13)
    assert source.last_counts["created"] == 4  # what the last real sync did
    assert Revision.objects.count() == revisions


def test_changes_are_applied_and_a_removed_event_is_cancelled_not_deleted(source, server):
    importer.sync(source, now=NOW)
    first = imported(source)
    server.routes["/cal.ics"] = Route(body=fixture("import_valid_changed.ics"), etag='"v2"')
    source.refresh_from_db()
    report = importer.sync(source, now=NOW)
    assert report.counts == {
        "created": 0,
        "updated": 2,
        "unchanged": 1,
        "cancelled": 1,
        "skipped": 0,
        "errors": 0,
    }
    pages = imported(source)
    assert set(pages) == set(first)  # nothing deleted
    festa = pages[FESTA]
    assert (festa.start, festa.end) == (rome(2026, 10, 10, 16), rome(2026, 10, 10, 19, 30))
    assert festa.sequence == first[FESTA].sequence + 1  # the time changed
    campo = pages[CAMPO]
    assert campo.title == "Campo invernale sulla neve"
    assert campo.sequence == first[CAMPO].sequence  # only the title changed
    assert campo.changed_at > first[CAMPO].changed_at
    assemblea = pages[ASSEMBLEA]
    assert assemblea.status == EventPage.Status.CANCELLED and assemblea.live
    assert assemblea.sequence == first[ASSEMBLEA].sequence + 1
    assert EventOccurrence.objects.get(event=assemblea).cancelled
    assert pages[CORSO].sequence == first[CORSO].sequence


def test_an_event_gone_from_the_feed_after_it_ended_is_left_as_it_was(source, server):
    importer.sync(source, now=NOW)
    server.routes["/cal.ics"] = Route(body=fixture("import_valid_changed.ics"), etag='"v2"')
    source.refresh_from_db()
    report = importer.sync(source, now=rome(2026, 11, 20))  # the assembly was on the 15th
    assert report.counts["cancelled"] == 0
    assert imported(source)[ASSEMBLEA].status == EventPage.Status.SCHEDULED


def snapshot(source) -> list[tuple]:
    return sorted(
        EventPage.objects.filter(import_source=source).values_list(
            "import_uid", "title", "start", "end", "status", "live", "sequence", "changed_at"
        )
    )


@pytest.mark.parametrize(
    "route, message",
    [
        (Route(body=fixture("import_malformed.ics"), etag='"rotto"'), "non è un calendario"),
        (Route(body=b"<html>Manutenzione</html>"), "non è un calendario"),
        (Route(body=fixture("import_valid.ics"), trickle_seconds=0.2), "entro 1 secondo"),
        (Route(status=503, body=b"Service Unavailable"), "errore HTTP 503"),
        (Route(body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" + b" " * 5000), "troppo grande"),
    ],
    ids=["malformed", "html", "slow", "503", "oversize"],
)
def test_a_file_level_error_changes_nothing(source, server, route, message):
    importer.sync(source, now=NOW)
    before = snapshot(source)
    source.refresh_from_db()
    server.routes["/cal.ics"] = route
    report = importer.sync(source, now=rome(2026, 9, 2), timeout=1, max_bytes=4000)
    source.refresh_from_db()
    assert report.status == source.last_status == IcsImportSource.SyncStatus.ERROR
    assert message in source.last_error
    assert source.last_sync_at == rome(2026, 9, 2)
    assert source.http_etag == '"v1"'  # the last good file's validator stays
    assert snapshot(source) == before


def test_an_unreachable_server_changes_nothing(source, server):
    importer.sync(source, now=NOW)
    before = snapshot(source)
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    IcsImportSource.objects.filter(pk=source.pk).update(url=f"http://127.0.0.1:{port}/cal.ics")
    source.refresh_from_db()
    importer.sync(source, now=NOW, timeout=2)
    source.refresh_from_db()
    assert source.last_status == IcsImportSource.SyncStatus.ERROR
    assert "non è raggiungibile" in source.last_error
    assert snapshot(source) == before


def test_valid_events_sync_while_bad_ones_are_reported(association, server, local_calendars):
    server.routes["/bombe.ics"] = Route(body=fixture("import_bombs.ics"), etag='"b1"')
    source = IcsImportSource.objects.create(
        association=association,
        url=server.url("/bombe.ics"),
        municipality=association.municipalities.first(),
    )
    report = importer.sync(source, now=NOW)
    source.refresh_from_db()
    assert source.last_status == IcsImportSource.SyncStatus.OK
    assert source.last_counts["created"] == 1 and source.last_counts["errors"] == 7
    assert source.last_error.startswith("7 eventi non importati:")
    assert "«Ogni secondo» (UID ogni-secondo@example.org)" in source.last_error
    assert len(report.errors) == 7
    assert set(imported(source)) == {"lettura-in-biblioteca@example.org"}
    # The refused events are tried again next hour: no validator is kept to skip them.
    assert source.http_etag == ""


def test_an_existing_event_that_turns_invalid_stays_as_it_was(source, server):
    importer.sync(source, now=NOW)
    before = [row for row in snapshot(source) if row[0] == CORSO]
    broken = fixture("import_valid.ics").replace(
        b"RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20261118T160000Z", b"RRULE:FREQ=DAILY;COUNT=100000"
    )
    server.routes["/cal.ics"] = Route(body=broken, etag='"v3"')
    source.refresh_from_db()
    report = importer.sync(source, now=NOW)
    assert report.counts["errors"] == 1 and report.counts["cancelled"] == 0
    assert [row for row in snapshot(source) if row[0] == CORSO] == before


def test_unknown_time_zone_is_reported_and_the_rest_imported(association, server, local_calendars):
    server.routes["/fusi.ics"] = Route(body=fixture("import_unknown_tz.ics"))
    source = IcsImportSource.objects.create(
        association=association,
        url=server.url("/fusi.ics"),
        municipality=association.municipalities.first(),
    )
    importer.sync(source, now=NOW)
    source.refresh_from_db()
    assert "Fuso orario sconosciuto «Mars/Olympus_Mons»" in source.last_error
    assert set(imported(source)) == {"ora-windows@example.org"}


def test_an_imported_event_the_association_unpublished_is_left_alone(source, server):
    importer.sync(source, now=NOW)
    festa = imported(source)[FESTA]
    festa.unpublish()
    server.routes["/cal.ics"] = Route(body=fixture("import_valid_changed.ics"), etag='"v2"')
    source.refresh_from_db()
    report = importer.sync(source, now=NOW)
    festa.refresh_from_db()
    assert not festa.live and festa.start == rome(2026, 10, 10, 15, 30)
    assert report.counts["skipped"] == 1


# --- The task and its schedule --------------------------------------------------------------------


def test_the_hourly_task_syncs_every_active_source_even_when_one_fails(
    association, server, local_calendars, django_capture_on_commit_callbacks
):
    server.routes["/buono.ics"] = Route(body=upcoming_calendar())
    municipality = association.municipalities.first()
    good = IcsImportSource.objects.create(
        association=association, url=server.url("/buono.ics"), municipality=municipality
    )
    failing = IcsImportSource.objects.create(
        association=association, url=server.url("/sparito.ics"), municipality=municipality
    )
    inactive = IcsImportSource.objects.create(
        association=association,
        url=server.url("/buono.ics?spento"),
        municipality=municipality,
        active=False,
    )
    assert tasks.sync_ics_sources() == 2
    for item in (good, failing, inactive):
        item.refresh_from_db()
    assert good.last_status == IcsImportSource.SyncStatus.OK
    assert failing.last_status == IcsImportSource.SyncStatus.ERROR
    assert "errore HTTP 404" in failing.last_error
    assert inactive.last_status == IcsImportSource.SyncStatus.NEVER
    assert EventPage.objects.filter(import_source=good).count() == 1


@pytest.mark.django_db
def test_the_schedule_is_created_once():
    from django_q.models import Schedule

    tasks.ensure_schedules()
    tasks.ensure_schedules()
    (schedule,) = Schedule.objects.filter(name=tasks.SYNC_SCHEDULE_NAME)
    assert schedule.func == "events.tasks.sync_ics_sources"
    assert schedule.schedule_type == Schedule.HOURLY


# --- Managing sources: services and admin -----------------------------------------------------


def editor_of(association, role=AssociationMembership.Role.EDITOR):
    user = UserFactory()
    _invitation, token = association_services.invitation_create(
        association=association, email=user.email, role=role, by=approver()
    )
    association_services.invitation_accept(token=token, user=user)
    return user


def test_source_services_validate_what_editors_type(association):
    editor = editor_of(association)
    municipality = association.municipalities.first()
    source = importer.ics_source_create(
        association=association,
        url=" webcal://calendar.example.org/polisportiva.ics ",
        municipality=municipality,
        by=editor,
    )
    assert source.url == "https://calendar.example.org/polisportiva.ics"
    with pytest.raises(ValidationError) as error:
        importer.ics_source_create(
            association=association, url=source.url, municipality=municipality, by=editor
        )
    assert "già importato" in str(error.value)
    with pytest.raises(ValidationError) as error:
        importer.ics_source_create(
            association=association,
            url="ftp://example.org/a.ics",
            municipality=municipality,
            by=editor,
        )
    assert "url" in error.value.message_dict
    other = make_association(name="Coro dei Genitori")
    with pytest.raises(PermissionDenied):
        importer.ics_source_create(
            association=other,
            url="https://example.org/coro.ics",
            municipality=other.municipalities.first(),
            by=editor,
        )


def test_editors_see_and_manage_only_their_associations_sources(client, association, server):
    other = make_association(name="Coro dei Genitori")
    mine = IcsImportSource.objects.create(
        association=association,
        url="https://calendar.example.org/mio.ics",
        municipality=association.municipalities.first(),
        last_status=IcsImportSource.SyncStatus.ERROR,
        last_error="Il server del calendario ha risposto con l'errore HTTP 503.",
    )
    theirs = IcsImportSource.objects.create(
        association=other,
        url="https://calendar.example.org/segreto-del-coro.ics",
        municipality=other.municipalities.first(),
    )
    client.force_login(editor_of(association))
    index = client.get(reverse("events_ics_sources:index"))
    html = index.content.decode()
    assert index.status_code == 200
    assert mine.url in html and "errore HTTP 503" in html and "Sincronizza ora" in html
    assert theirs.url not in html
    for name in ("edit", "delete", "sync"):
        url = reverse(f"events_ics_sources:{name}", args=[theirs.pk])
        assert client.get(url).status_code in {404, 405}
        assert client.post(url, {"url": "https://evil.example.org/x.ics"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.url.endswith("segreto-del-coro.ics")

    # Creating for another association is not among the choices.
    response = client.post(
        reverse("events_ics_sources:add"),
        {
            "association": other.pk,
            "url": "https://example.org/coro.ics",
            "municipality": other.municipalities.first().pk,
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert not IcsImportSource.objects.filter(url="https://example.org/coro.ics").exists()


def test_an_editor_adds_a_calendar_and_syncs_it_now(client, association, server, local_calendars):
    server.routes["/nuovo.ics"] = Route(body=upcoming_calendar())
    client.force_login(editor_of(association))
    response = client.post(
        reverse("events_ics_sources:add"),
        {
            "association": association.pk,
            "url": server.url("/nuovo.ics"),
            "municipality": association.municipalities.first().pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    source = IcsImportSource.objects.get(association=association)
    response = client.post(reverse("events_ics_sources:sync", args=[source.pk]))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.last_status == IcsImportSource.SyncStatus.OK
    assert EventPage.objects.filter(import_source=source).exists()


def test_staff_see_every_source_and_people_without_associations_none(client, association):
    from hub.roles import staff_group

    source = IcsImportSource.objects.create(
        association=association,
        url="https://calendar.example.org/polisportiva.ics",
        municipality=association.municipalities.first(),
    )
    staff = UserFactory(is_staff=True)
    staff.groups.add(staff_group())
    client.force_login(staff)
    assert source.url in client.get(reverse("events_ics_sources:index")).content.decode()
    assert client.get(reverse("events_ics_sources:edit", args=[source.pk])).status_code == 200

    client.force_login(UserFactory())
    response = client.get(reverse("events_ics_sources:index"))
    assert response.status_code in {302, 403}
