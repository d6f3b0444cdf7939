import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from events.ical import FeedEvent, build_calendar, single_event_ics
from events.recurrence import ROME, OccurrenceOverride, Recurrence, expand

TITLE = "Festa di Sant'Antonio — giochi e merenda per le famiglie, più caffè"
CHANGED = datetime(2026, 9, 1, 12, 30, tzinfo=ROME)
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 12, 31, tzinfo=UTC))


def feed_event(uid, start, end, **fields):
    defaults = {
        "title": f"Evento {uid}",
        "all_day": False,
        "recurrence": None,
        "exdates": (),
        "overrides": (),
        "status": "scheduled",
        "sequence": 0,
        "last_modified": CHANGED,
        "url": f"https://comuni.example.org/eventi/{uid}/",
    }
    return FeedEvent(uid=uid, start=start, end=end, **{**defaults, **fields})


WEEKLY = feed_event(
    "laboratorio@comuni.example.org",
    datetime(2026, 10, 6, 18, 0, tzinfo=ROME),
    datetime(2026, 10, 6, 20, 0, tzinfo=ROME),
    title=TITLE,
    recurrence=Recurrence("weekly", weekdays=(1,), until=date(2026, 11, 17)),
    exdates=(date(2026, 10, 13),),
    overrides=(
        OccurrenceOverride(
            datetime(2026, 10, 20, 18, 0, tzinfo=ROME),
            datetime(2026, 10, 28, 17, 0, tzinfo=ROME),
            None,
            cancelled=False,
        ),
        OccurrenceOverride(datetime(2026, 11, 3, 18, 0, tzinfo=ROME), None, None, cancelled=True),
    ),
    sequence=3,
    description="Porta una merenda da condividere.\nIngresso libero.",
    location="Piazza Garibaldi; Cortile della biblioteca",
    geo=(46.0664, 11.1211),
    categories=("famiglie", "giochi, all'aperto"),
)
ALL_DAY = feed_event(
    "mercatino@comuni.example.org",
    date(2026, 12, 5),
    date(2026, 12, 7),
    all_day=True,
)
ALL_DAY_WEEKLY = feed_event(
    "ludoteca@comuni.example.org",
    date(2027, 1, 9),
    date(2027, 1, 9),
    all_day=True,
    recurrence=Recurrence("weekly", interval=2, weekdays=(5, 6), until=date(2027, 3, 7)),
    exdates=(date(2027, 1, 24),),
    overrides=(
        OccurrenceOverride(
            datetime(2027, 2, 6, tzinfo=ROME),
            datetime(2027, 2, 13, tzinfo=ROME),
            datetime(2027, 2, 14, tzinfo=ROME),
            cancelled=False,
        ),
    ),
)
MONTHLY = feed_event(
    "consiglio@comuni.example.org",
    datetime(2026, 11, 15, 10, 30, tzinfo=ROME),
    datetime(2026, 11, 15, 12, 0, tzinfo=ROME),
    recurrence=Recurrence("monthly", count=7),
)
CANCELLED = feed_event(
    "concerto@comuni.example.org",
    datetime(2026, 11, 20, 21, 0, tzinfo=ROME),
    datetime(2026, 11, 20, 23, 0, tzinfo=ROME),
    status="cancelled",
    sequence=1,
)
EVENTS = [WEEKLY, ALL_DAY, ALL_DAY_WEEKLY, MONTHLY, CANCELLED]


@pytest.fixture(scope="module")
def feed():
    return build_calendar(name="Comune di Trento — eventi per le famiglie", events=EVENTS)


@pytest.fixture(scope="module")
def calendar(feed):
    return icalendar.Calendar.from_ical(feed)


def as_instant_or_day(moment):
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return moment


def expected_occurrences(event):
    """Expanded by events.recurrence, as (uid, start, exclusive end) for comparison."""
    found = []
    for occurrence in expand(
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        recurrence=event.recurrence,
        exdates=event.exdates,
        overrides=event.overrides,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    ):
        if occurrence.cancelled:
            continue
        end = occurrence.end + timedelta(days=1) if event.all_day else occurrence.end
        found.append((event.uid, as_instant_or_day(occurrence.start), as_instant_or_day(end)))
    return found


def test_calendar_apps_expand_the_feed_as_the_hub_does(calendar):
    expanded = recurring_ical_events.of(calendar).between(*WINDOW)

    found = sorted(
        (str(vevent["UID"]), as_instant_or_day(vevent.start), as_instant_or_day(vevent.end))
        for vevent in expanded
    )
    expected = sorted(occurrence for event in EVENTS for occurrence in expected_occurrences(event))
    assert found == expected
    assert len(found) == 5 + 1 + 9 + 7 + 1


def test_local_times_survive_the_daylight_saving_change(calendar):
    expanded = recurring_ical_events.of(calendar).between(
        datetime(2026, 10, 1, tzinfo=ROME), datetime(2026, 11, 30, tzinfo=ROME)
    )
    weekly = sorted(
        (vevent.start for vevent in expanded if vevent["UID"] == WEEKLY.uid),
        key=as_instant_or_day,
    )

    assert [(moment.date(), moment.hour, moment.utcoffset()) for moment in weekly] == [
        (date(2026, 10, 6), 18, timedelta(hours=2)),
        (date(2026, 10, 27), 18, timedelta(hours=1)),
        (date(2026, 10, 28), 17, timedelta(hours=1)),
        (date(2026, 11, 10), 18, timedelta(hours=1)),
        (date(2026, 11, 17), 18, timedelta(hours=1)),
    ]


def test_same_events_give_the_same_bytes_in_any_order(feed):
    again = build_calendar(name="Comune di Trento — eventi per le famiglie", events=EVENTS)
    reordered = build_calendar(
        name="Comune di Trento — eventi per le famiglie", events=reversed(EVENTS)
    )

    assert feed == again == reordered


def test_events_are_sorted_by_start_then_uid(calendar):
    uids = [str(vevent["UID"]) for vevent in calendar.walk("VEVENT")]

    assert uids == [
        WEEKLY.uid,
        WEEKLY.uid,
        MONTHLY.uid,
        CANCELLED.uid,
        ALL_DAY.uid,
        ALL_DAY_WEEKLY.uid,
        ALL_DAY_WEEKLY.uid,
    ]


def test_calendar_properties(feed, calendar):
    assert calendar["PRODID"] == "-//Comuni amici della famiglia//Hub//IT"
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["NAME"] == "Comune di Trento — eventi per le famiglie"
    assert calendar["X-WR-CALNAME"] == "Comune di Trento — eventi per le famiglie"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in feed
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in feed
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert b"ORGANIZER" not in feed


def test_refresh_interval_follows_the_argument():
    feed = build_calendar(name="Eventi", events=[ALL_DAY], refresh_hours=24)

    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in feed


def test_weekly_master_event(feed, calendar):
    master = next(
        vevent
        for vevent in calendar.walk("VEVENT")
        if vevent["UID"] == WEEKLY.uid and "RECURRENCE-ID" not in vevent
    )

    assert master["SUMMARY"] == TITLE
    assert master["SEQUENCE"] == 3
    assert master["STATUS"] == "CONFIRMED"
    assert master["URL"] == WEEKLY.url
    assert master["DTSTAMP"].dt == datetime(2026, 9, 1, 10, 30, tzinfo=UTC)
    assert master["LAST-MODIFIED"].dt == datetime(2026, 9, 1, 10, 30, tzinfo=UTC)
    assert master["DESCRIPTION"] == WEEKLY.description
    assert master["LOCATION"] == WEEKLY.location
    assert (master["GEO"].latitude, master["GEO"].longitude) == (46.0664, 11.1211)
    assert list(master["CATEGORIES"].cats) == ["famiglie", "giochi, all'aperto"]
    assert b"DTSTART;TZID=Europe/Rome:20261006T180000\r\n" in feed
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20261117T225959Z;BYDAY=TU;WKST=MO\r\n" in feed
    assert b"EXDATE;TZID=Europe/Rome:20261013T180000,20261103T180000\r\n" in feed


def test_moved_occurrence_has_its_own_vevent(feed):
    assert (
        b"DTSTART;TZID=Europe/Rome:20261028T170000\r\nDTEND;TZID=Europe/Rome:20261028T190000\r\n"
    ) in feed
    assert b"RECURRENCE-ID;TZID=Europe/Rome:20261020T180000\r\n" in feed


def test_all_day_events_use_dates_with_an_exclusive_end(feed):
    assert b"DTSTART;VALUE=DATE:20261205\r\nDTEND;VALUE=DATE:20261208\r\n" in feed
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270307;INTERVAL=2;BYDAY=SA,SU;WKST=MO\r\n" in feed
    assert b"EXDATE;VALUE=DATE:20270124\r\n" in feed
    assert b"RECURRENCE-ID;VALUE=DATE:20270206\r\n" in feed


def test_cancelled_event_is_published_as_cancelled(calendar):
    cancelled = next(v for v in calendar.walk("VEVENT") if v["UID"] == CANCELLED.uid)

    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1


def test_lines_are_folded_at_75_octets_with_crlf(feed):
    assert feed.endswith(b"END:VCALENDAR\r\n")
    assert re.search(rb"[^\r]\n", feed) is None
    lines = feed.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    assert "più caffè".encode() in feed.replace(b"\r\n ", b"")
    for line in lines:
        line.decode("utf-8")


def test_single_event_file_has_the_event_and_no_calendar_name():
    ics = single_event_ics(WEEKLY)
    calendar = icalendar.Calendar.from_ical(ics)

    assert {str(v["UID"]) for v in calendar.walk("VEVENT")} == {WEEKLY.uid}
    assert len(calendar.walk("VEVENT")) == 2
    assert "X-WR-CALNAME" not in calendar
    assert ics == single_event_ics(WEEKLY)
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_empty_feed_is_valid():
    calendar = icalendar.Calendar.from_ical(build_calendar(name="Eventi", events=[]))

    assert calendar.walk("VEVENT") == []
