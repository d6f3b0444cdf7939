"""Three independent parsers read the hub's feed and agree with the hub's own occurrences.

A fixture set of published events (recurring across both daylight-saving changes, all-day,
cancelled, with excluded, cancelled and moved dates, an accented title) is fetched as a real
feed, then expanded by (a) Python `icalendar` with dateutil's RRULE expansion, (b)
`recurring-ical-events`, (c) Mozilla's ical.js under Node. Each must give exactly the
EventOccurrence rows of the window: same local start and end in Europe/Rome, same UTC
instants, same cancelled flag.
"""

import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from dateutil import rrule
from django.core.cache import cache

from events import feeds
from events.models import EventOccurrence, EventPage
from events.recurrence import ROME
from tests.associations.factories import make_association
from tests.events.factories import make_event, publish, rome
from tests.hub.factories import MunicipalityFactory
from tests.services import require_executable, skip_or_fail

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 1)
ROOT = Path(__file__).resolve().parents[2]
ICAL_JS = ROOT / "frontend" / "node_modules" / "ical.js" / "package.json"
ACCENTED = "Festa d'autunno à la Bruinese — perché sì"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(feeds, "today_in_rome", lambda now=None: TODAY)
    cache.clear()


@pytest.fixture
def feed(client):
    """The municipality's feed with the fixture events, and its window."""
    bruino = MunicipalityFactory(name="Bruino", slug="bruino")
    association = make_association(name="Pro Loco Bruino", municipalities=[bruino])
    make_event(
        association=association,
        title="Corso serale",
        start=rome(2026, 10, 7, 18),
        end=rome(2026, 10, 7, 19, 30),
        repeat="weekly",
        repeat_until=date(2026, 11, 25),
        exclusions=[date(2026, 10, 28)],
    )
    make_event(
        association=association,
        title="Mercatino di Natale",
        start=rome(2026, 12, 5),
        end=rome(2026, 12, 7),
        all_day=True,
    )
    cancelled = make_event(
        association=association,
        title="Gita annullata",
        start=rome(2026, 11, 10, 10),
        end=rome(2026, 11, 10, 12),
    )
    cancelled.status = EventPage.Status.CANCELLED
    publish(cancelled)
    make_event(
        association=association,
        title="Ludoteca del sabato",
        start=rome(2026, 10, 3, 10),
        end=rome(2026, 10, 3, 11),
        repeat="weekly",
        repeat_count=6,
        changes=[
            {
                "original_date": date(2026, 10, 17),
                "new_start": rome(2026, 10, 18, 16),
                "new_end": rome(2026, 10, 18, 17, 30),
            },
            {"original_date": date(2026, 10, 31), "cancelled": True},
        ],
    )
    make_event(
        association=association,
        title="Settimana della lettura",
        start=rome(2027, 3, 25, 20, 30),
        end=rome(2027, 3, 25, 21, 30),
        repeat="daily",
        repeat_count=6,
    )
    make_event(
        municipality=bruino,
        title=ACCENTED,
        start=rome(2026, 10, 25, 15),
        end=rome(2026, 10, 25, 18),
    )
    make_event(
        association=association,
        title="Consiglio dei ragazzi",
        start=rome(2026, 9, 15, 17),
        end=rome(2026, 9, 15, 18, 30),
        repeat="monthly",
        repeat_count=8,
    )
    response = client.get("/eventi/comune/bruino.ics")
    assert response.status_code == 200
    return response.content, feeds.feed_window(None, today=TODAY)


def _text(moment) -> tuple[str, str | None]:
    """(local time in Rome, or the date for all-day values; UTC instant or None)."""
    if not isinstance(moment, datetime):
        return moment.isoformat(), None
    return (
        moment.astimezone(ROME).strftime("%Y-%m-%dT%H:%M"),
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
    )


def _row(uid, start, end, cancelled) -> tuple:
    (start_local, start_utc), (end_local, end_utc) = _text(start), _text(end)
    return (uid, start_local, end_local, start_utc, end_utc, cancelled)


def _overlaps(start, end, window) -> bool:
    def instant(moment):
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, datetime.min.time(), tzinfo=ROME)
        return moment.astimezone(UTC)

    window_start, window_end = window
    return instant(start) < window_end and instant(end) > window_start


def expected(window) -> list[tuple]:
    """The hub's own occurrences: EventOccurrence rows overlapping the window. A date
    cancelled on its own is an EXDATE in the feed (absent); a cancelled event stays, marked."""
    rows = []
    occurrences = EventOccurrence.objects.filter(event__live=True).select_related("event")
    for occurrence in occurrences:
        event = occurrence.event
        whole_cancelled = event.status == EventPage.Status.CANCELLED
        if occurrence.cancelled and not whole_cancelled:
            continue
        start, end = occurrence.start, occurrence.end
        if event.all_day:
            start, end = start.astimezone(ROME).date(), end.astimezone(ROME).date()
        if _overlaps(start, end, window):
            uid = f"{event.uid}@comuni-amici-della-famiglia"
            rows.append(_row(uid, start, end, whole_cancelled))
    assert len(rows) > 25, "the fixture set is in the window"
    return sorted(rows)


def with_icalendar(content: bytes, window) -> list[tuple]:
    """Python icalendar's parse, with the RRULE expanded by dateutil on the parsed values."""
    calendar = icalendar.Calendar.from_ical(content)
    overrides = {}
    masters = []
    for event in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            original = event["RECURRENCE-ID"].dt
            overrides[(str(event["UID"]), _text(original))] = event
        else:
            masters.append(event)
    rows = []
    for event in masters:
        uid = str(event["UID"])
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        length = end - start  # same tzinfo: a wall-clock length, as the hub means it
        if "RRULE" in event:
            rule = event["RRULE"].to_ical().decode()
            first = (
                start
                if isinstance(start, datetime)
                else datetime.combine(start, datetime.min.time())
            )
            starts = list(rrule.rrulestr(rule, dtstart=first))
            if not isinstance(start, datetime):
                starts = [moment.date() for moment in starts]
            excluded = _exdates(event)
        else:
            starts, excluded = [start], set()
        for original in starts:
            if _text(original) in excluded:
                continue
            override = overrides.get((uid, _text(original)))
            item = override or event
            begin = override["DTSTART"].dt if override else original
            finish = override["DTEND"].dt if override else original + length
            if _overlaps(begin, finish, window):
                rows.append(_row(uid, begin, finish, str(item["STATUS"]) == "CANCELLED"))
    return sorted(rows)


def _exdates(event) -> set:
    values = event.get("EXDATE")
    if values is None:
        return set()
    if not isinstance(values, list):
        values = [values]
    return {_text(value.dt) for exdate in values for value in exdate.dts}


def with_recurring_ical_events(content: bytes, window) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(content)
    return sorted(
        _row(
            str(event["UID"]),
            event["DTSTART"].dt,
            event["DTEND"].dt,
            str(event["STATUS"]) == "CANCELLED",
        )
        for event in recurring_ical_events.of(calendar).between(*window)
    )


def with_ical_js(content: bytes, window) -> list[tuple]:
    node = require_executable("node")
    if not ICAL_JS.exists():
        skip_or_fail("ical.js is not installed: run `npm ci` in frontend/")
    result = subprocess.run(
        [node, str(Path(__file__).with_name("ical_check.mjs"))],
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    rows = []
    for item in json.loads(result.stdout):
        start, end = item["start"], item["end"]
        if item["start_utc"] is None:
            start, end = date.fromisoformat(start), date.fromisoformat(end)
        else:
            start = datetime.fromisoformat(item["start_utc"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(item["end_utc"].replace("Z", "+00:00"))
        row = _row(item["uid"], start, end, item["status"] == "CANCELLED")
        # ical.js's own local times, not only the instants converted here.
        assert row[1:3] == (item["start"], item["end"]), item
        if _overlaps(start, end, window):
            rows.append(row)
    return sorted(rows)


def test_icalendar_agrees_with_the_hub(feed):
    content, window = feed
    assert with_icalendar(content, window) == expected(window)


def test_recurring_ical_events_agrees_with_the_hub(feed):
    content, window = feed
    assert with_recurring_ical_events(content, window) == expected(window)


@pytest.mark.node
def test_ical_js_agrees_with_the_hub(feed):
    content, window = feed
    assert with_ical_js(content, window) == expected(window)


def test_the_fixture_covers_what_it_claims(feed):
    """Guard the fixture itself: both DST changes, and the accented title intact."""
    content, window = feed
    rows = expected(window)
    offsets = {
        datetime.fromisoformat(utc.replace("Z", "+00:00")).astimezone(ROME).utcoffset()
        for _uid, _s, _e, utc, _eu, _c in rows
        if utc
    }
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    calendar = icalendar.Calendar.from_ical(content)
    assert ACCENTED in {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert ACCENTED.encode() in content.replace(b"\r\n ", b"")
    assert any(row[-1] for row in rows)
    assert any(len(row[1]) == 10 for row in rows)


def test_the_vtimezone_is_read_alike_by_every_parser(feed):
    """One block per offset change, its onset in the offset before the change, and no RDATE
    (ical.js ignores a block's DTSTART when it has RDATEs)."""
    content, _window = feed
    (vtimezone,) = icalendar.Calendar.from_ical(content).walk("VTIMEZONE")
    onsets = [
        (block.name, block["DTSTART"].dt, block["TZOFFSETFROM"].td, block["TZOFFSETTO"].td)
        for block in vtimezone.subcomponents
    ]
    hour = timedelta(hours=1)
    assert onsets == [
        ("STANDARD", datetime(2026, 1, 1), hour, hour),
        ("DAYLIGHT", datetime(2026, 3, 29, 2), hour, 2 * hour),
        ("STANDARD", datetime(2026, 10, 25, 3), 2 * hour, hour),
        ("DAYLIGHT", datetime(2027, 3, 28, 2), hour, 2 * hour),
        ("STANDARD", datetime(2027, 10, 31, 3), 2 * hour, hour),
    ]
    assert all("RDATE" not in block for block in vtimezone.subcomponents)
