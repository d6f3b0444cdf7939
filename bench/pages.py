"""Benchmark: the public pages of events and associations against the home page.

Serves the demo data (`seed_demo` on a fresh SQLite database in a temporary directory,
tests' settings, migrations) and measures, in one process with Django's test Client, the
milliseconds per request of:

- the home page (the baseline, measured in the same run, interleaved with the others);
- the events list (`/eventi/`), the month view (`/eventi/mese/<this month>/`), an event
  page (the demo's weekly course, the one with the most dates) and the association
  directory (`/associazioni/`).

Each page is requested `--warmup` times first (imports, template loader), then measured in
`--rounds` short rounds of `--iterations` requests, the pages taking turns within each
round so that a slow spell of the machine falls on all of them alike. The time is this
process's CPU time (`time.process_time()`: SQLite runs in the process, so the queries are
in it), which other processes on a shared machine disturb far less than the wall clock. A
page's figure is the median of its rounds; the fastest round is printed too.

`ratio_to_home_<page>` is the page's request rate over the home page's (home ms / page ms;
goal: ≥ ~0.8, the home page's rate within noise). The number of queries of each page (a
first request by a new client) is printed too.

Run: `.venv/bin/python bench/pages.py [--iterations 10] [--rounds 25] [--database FILE]`.
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
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(database: Path) -> None:
    """Django on `database` (migrated, with the demo data loaded once)."""
    fresh = not database.exists()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    # Wagtail and django-q2 log every page and task at INFO.
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        call_command("seed_demo", allow_production=True, stdout=StringIO())


def pages() -> dict[str, str]:
    """The URLs measured, by name (home first: the baseline)."""
    from django.db.models import Count

    from events import selectors
    from events.models import EventPage

    today = selectors.today()
    event = (
        EventPage.objects.live()
        .annotate(dates=Count("occurrences"))
        .order_by("-dates", "pk")
        .first()
    )
    return {
        "home": "/",
        "events_list": "/eventi/",
        "month": f"/eventi/mese/{today.year}/{today.month}/",
        "event": event.url,
        "associations": "/associazioni/",
    }


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def measure(
    urls: dict[str, str], *, iterations: int, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """CPU seconds per request of each page, one figure per round."""
    from django.test import Client

    client = Client()
    for url in urls.values():
        for _ in range(warmup):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            began = time.process_time()
            for _ in range(iterations):
                client.get(url)
            samples[name].append((time.process_time() - began) / iterations)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--database",
        type=Path,
        help="SQLite file to use and keep (demo data loaded on first use); default: a new one",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as directory:
        began = time.perf_counter()
        setup_django(args.database or Path(directory) / "bench.sqlite3")
        print(f"demo data: {time.perf_counter() - began:.1f} s")
        from django.test import Client

        urls = pages()
        queries = {name: query_count(Client(), url) for name, url in urls.items()}
        samples = measure(urls, iterations=args.iterations, rounds=args.rounds, warmup=args.warmup)
    seconds = {name: statistics.median(values) for name, values in samples.items()}
    fastest = {name: min(values) for name, values in samples.items()}
    home = seconds["home"]
    result: dict[str, object] = {"home_ms": round(home * 1000, 2)}
    header = ("ms/request", "fastest ms", "requests/s", "queries", "× home rate")
    print(
        f"{'page':14s} {header[0]:>10s} {header[1]:>10s} {header[2]:>10s} {header[3]:>8s}"
        f" {header[4]:>11s}"
    )
    for name, value in seconds.items():
        ratio = home / value
        print(
            f"{name:14s} {value * 1000:10.2f} {fastest[name] * 1000:10.2f} {1 / value:10.1f}"
            f" {queries[name]:8d} {ratio:11.2f}"
        )
        if name != "home":
            result[f"{name}_ms"] = round(value * 1000, 2)
            result[f"ratio_to_home_{name}"] = round(ratio, 2)
            result[f"fastest_ratio_to_home_{name}"] = round(fastest["home"] / fastest[name], 2)
        result[f"queries_{name}"] = queries[name]
    result["urls"] = urls
    print("RESULT " + json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
