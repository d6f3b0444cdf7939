"""Benchmark: the full public calendar feed with 5,000 events (500 recurring).

Measures, in one process and on one database:

- the feed built through the view (`GET /eventi/feed.ics`), cold: nothing cached in the
  process or in Django's cache, as after a restart or in another worker; the events'
  stored feed parts (events.feed_parts, written when they were published) are what every
  process finds in the database;
- the baseline: serialising the same events with bare `icalendar` objects prepared in memory
  (the feed's own components, parsed beforehand: only `Calendar.to_ical()` is timed);
- their ratio (goal: view ≤ 1.5 × bare), also after one event was edited;
- a 304 answer (If-None-Match with the feed's ETag), and a 200 served from the cache;
  `ratio_cold_to_304` is how many 304s cost one cold 200 (goal ≥ 10);
- for information, writing every event's part again from scratch (the `write_feed_parts`
  command after the parts were lost), which no request waits for in normal operation.

It builds its own SQLite database in a temporary directory (tests' settings, migrations),
so it needs nothing running. Run: `.venv/bin/python bench/ical_feed.py [--events 5000]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> bool:
    """Configure Django on `database`; True when it already holds the bench's events."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    # Wagtail and django-q2 log every page and task at INFO: thousands of lines here.
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from events.models import EventPage

    return EventPage.objects.exists()


def make_events(total: int, recurring: int) -> None:
    """Live events under one association's page, written in bulk (no revisions), then synced
    one by one by `events.services.event_sync`, as publishing them would."""
    from decimal import Decimal

    from django.utils import timezone

    from events import services
    from events.models import EventExclusion, EventOccurrenceChange, EventPage
    from events.recurrence import ROME
    from hub.models import AgeBand, Area
    from tests.associations.factories import _add_live_children, make_association
    from tests.hub.factories import MunicipalityFactory

    municipality = MunicipalityFactory(name="Bruino", slug="bruino")
    association = make_association(name="Polisportiva Bruinese", municipalities=[municipality])
    areas, bands = list(Area.objects.all()), list(AgeBand.objects.all())
    today = services.local_date(timezone.now())
    first_day = services.rome_midnight(today - timedelta(days=20))
    pages = []
    for i in range(total):
        start = (first_day + timedelta(days=i % 330, hours=9 + i % 10)).astimezone(ROME)
        fields = {}
        if i < recurring:
            fields = {"repeat": "weekly", "repeat_count": 10}
        if i % 4 == 0:
            fields |= {"latitude": Decimal("45.004"), "longitude": Decimal("7.519")}
        pages.append(
            EventPage(
                title=f"Laboratorio per famiglie n. {i} — perché sì",
                slug=f"evento-{i}",
                summary="Porta una merenda da condividere. Ingresso libero.",
                venue="Biblioteca civica",
                address="Via Roma 1",
                start=start,
                end=start + timedelta(hours=2),
                municipality=municipality,
                **fields,
            )
        )
    parent = association.page
    for batch in range(0, total, 500):
        _add_live_children(parent, pages[batch : batch + 500])
    series = pages[:recurring]
    EventExclusion.objects.bulk_create(
        EventExclusion(page=page, date=services.local_date(page.start) + timedelta(days=14))
        for page in series
    )
    EventOccurrenceChange.objects.bulk_create(
        EventOccurrenceChange(
            page=page,
            original_date=services.local_date(page.start) + timedelta(days=21),
            new_start=page.start + timedelta(days=22),
            new_end=page.start + timedelta(days=22, hours=2),
        )
        for page in series
    )
    EventPage.areas.through.objects.bulk_create(
        EventPage.areas.through(eventpage_id=page.pk, area=areas[i % len(areas)])
        for i, page in enumerate(pages)
    )
    EventPage.age_bands.through.objects.bulk_create(
        EventPage.age_bands.through(eventpage_id=page.pk, ageband=band)
        for i, page in enumerate(pages)
        for band in bands[i % 3 : i % 3 + 2]
    )
    for page in pages:
        services.event_sync(page=page)


def timed(function, repeat: int, prepare=None) -> tuple[float, object]:
    """Median seconds of `repeat` runs of `function` (after `prepare`, not timed)."""
    times, result = [], None
    for _ in range(repeat):
        if prepare is not None:
            prepare()
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def measure(repeat: int) -> dict:
    import icalendar
    from django.core.cache import cache
    from django.test import Client

    from events import ical, services
    from events.models import EventPage

    client = Client()
    url = "/eventi/feed.ics"

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def forget_everything():
        cache.clear()
        ical._serialized.cache_clear()

    edited = iter(EventPage.objects.order_by("pk")[:repeat])

    def edit_one_event():
        page = next(edited)
        EventPage.objects.filter(pk=page.pk).update(summary=f"{page.summary} (aggiornato)")
        services.event_sync(page=page)

    get()  # warm imports and Django's URL resolver
    cold_seconds, response = timed(get, repeat, prepare=forget_everything)
    body = response.content
    calendar = icalendar.Calendar.from_ical(body)
    events = len(calendar.walk("VEVENT"))
    bare_seconds, bare = timed(calendar.to_ical, repeat)
    assert bare == body, "the bare serialisation is the same feed"
    edit_seconds, _response = timed(get, repeat, prepare=edit_one_event)
    cached_seconds, _response = timed(get, repeat)
    etag = client.get(url)["ETag"]
    not_modified_seconds, not_modified = timed(
        lambda: client.get(url, headers={"if-none-match": etag}), repeat * 4
    )
    assert not_modified.status_code == 304

    from django.core.management import call_command

    from events.models import EventFeedPart

    before = get().content

    def lose_parts():
        EventFeedPart.objects.all().delete()

    rewrite_seconds, _none = timed(
        lambda: call_command("write_feed_parts", verbosity=0), 1, prepare=lose_parts
    )
    forget_everything()
    assert get().content == before, "parts written again give the same feed"
    return {
        "vevents": events,
        "feed_bytes": len(body),
        "view_cold_seconds": round(cold_seconds, 4),
        "view_after_edit_seconds": round(edit_seconds, 4),
        "bare_seconds": round(bare_seconds, 4),
        "ratio_cold": round(cold_seconds / bare_seconds, 3),
        "ratio_after_edit": round(edit_seconds / bare_seconds, 3),
        "cached_200_seconds": round(cached_seconds, 4),
        "not_modified_seconds": round(not_modified_seconds, 4),
        "ratio_cold_to_304": round(cold_seconds / not_modified_seconds, 1),
        "write_all_parts_seconds": round(rewrite_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--recurring", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database",
        type=Path,
        help="SQLite file to use and keep (built on first use); default: a temporary one",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ical-") as directory:
        began = time.perf_counter()
        if not setup_django(args.database or Path(directory) / "bench.sqlite3"):
            make_events(args.events, args.recurring)
        from events.models import EventPage

        total = EventPage.objects.count()
        recurring = EventPage.objects.exclude(repeat="").count()
        print(f"data: {total} events ({recurring} recurring), {time.perf_counter() - began:.1f} s")
        result = {"events": total, "recurring": recurring, **measure(args.repeat)}
    lines = [
        ("feed through the view, nothing cached", result["view_cold_seconds"], "ms"),
        ("feed through the view after one edit", result["view_after_edit_seconds"], "ms"),
        ("bare icalendar Calendar.to_ical()", result["bare_seconds"], "ms"),
        ("ratio view / bare, nothing cached", result["ratio_cold"], "(goal ≤ 1.5)"),
        ("ratio view / bare, after one edit", result["ratio_after_edit"], "(goal ≤ 1.5)"),
        ("200 from the feed cache", result["cached_200_seconds"], "ms"),
        ("304 Not Modified", result["not_modified_seconds"], "ms"),
        ("cold 200 / 304", result["ratio_cold_to_304"], "(goal ≥ 10)"),
        ("writing every part again (information)", result["write_all_parts_seconds"], "ms"),
    ]
    print(f"feed: {result['vevents']} VEVENTs, {result['feed_bytes']:,} bytes")
    for label, value, unit in lines:
        shown = f"{value * 1000:9.1f} ms" if unit == "ms" else f"{value:9.2f} {unit}"
        print(f"{label:40s}: {shown}")
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
