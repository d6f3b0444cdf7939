"""The private calendar feed: its token, what it holds, its headers, and its secrecy in logs."""

import hashlib
import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, datetime

import icalendar
import pytest
from daphne.access import AccessLogGenerator
from django.core.cache import cache
from django.test import Client

from associations.models import Follow
from events import calendar_sources, feeds
from events.ical import FeedEvent
from events.models import CalendarFeedToken, Registration
from hub import profile
from hub.logging import RedactTokensFilter
from hub.management.commands.serve import RedactingStream, redact_access_log
from tests.associations.factories import make_association
from tests.events.factories import make_event, rome
from tests.hub.factories import MunicipalityFactory, UserFactory

TODAY = date(2026, 10, 1)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(feeds, "today_in_rome", lambda now=None: TODAY)
    cache.clear()


@pytest.fixture
def person(db):
    return UserFactory(email="famiglia.rossi@example.org")


def feed_url(token):
    return f"/eventi/personale/{token}.ics"


def summaries(response):
    assert response.status_code == 200, response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


@pytest.fixture
def events(db, person):
    """Events of a followed association, of another one, and registrations in every state."""
    bruino = MunicipalityFactory(name="Bruino", slug="bruino")
    followed = make_association(name="Polisportiva Bruinese", municipalities=[bruino])
    other = make_association(name="Coro di Piossasco", municipalities=[bruino])
    Follow.objects.create(user=person, association=followed)

    def event(association, title, **fields):
        return make_event(
            association=association,
            title=title,
            start=rome(2026, 10, 10, 16),
            end=rome(2026, 10, 10, 18),
            **fields,
        )

    event(followed, "Minibasket")
    event(followed, "Bozza della polisportiva", live=False)
    event(other, "Concerto non seguito")
    for title, status in [
        ("Concerto confermato", Registration.Status.CONFIRMED),
        ("Concerto in attesa", Registration.Status.WAITLISTED),
        ("Concerto disdetto", Registration.Status.CANCELLED),
    ]:
        Registration.objects.create(event=event(other, title), user=person, status=status)
    return followed, other


def test_the_feed_holds_followed_and_registered_public_events_and_calendar_sources(
    client, person, events, monkeypatch
):
    someone_else = UserFactory(email="altra@example.org")
    pickup = FeedEvent(
        uid="ritiro-1@gaf.example.org",
        title="Ritiro GAF",
        start=datetime(2026, 10, 14, 18, tzinfo=feeds.ROME),
        end=datetime(2026, 10, 14, 19, tzinfo=feeds.ROME),
        all_day=False,
        recurrence=None,
        exdates=(),
        overrides=(),
        status="scheduled",
        sequence=0,
        last_modified=datetime(2026, 9, 1, tzinfo=feeds.ROME),
        url="https://comuni.example.org/gaf/",
    )
    calls = []

    def pickups(user, window_start, window_end):
        calls.append((window_start, window_end))
        return [pickup] if user == person else []

    monkeypatch.setattr(calendar_sources, "_sources", {})
    calendar_sources.register("tests.pickups", pickups)

    token = feeds.calendar_feed_token_rotate(user=person)
    assert summaries(client.get(feed_url(token))) == [
        "Concerto confermato",
        "Concerto in attesa",
        "Minibasket",
        "Ritiro GAF",
    ]
    assert calls == [feeds.feed_window(None, today=TODAY)]
    other_token = feeds.calendar_feed_token_rotate(user=someone_else)
    assert summaries(client.get(feed_url(other_token))) == []


def test_the_feed_never_holds_a_non_public_page(client, person, events):
    followed, _other = events
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=followed.page, restriction_type=PageViewRestriction.LOGIN
    )
    token = feeds.calendar_feed_token_rotate(user=person)
    assert "Minibasket" not in summaries(client.get(feed_url(token)))


def test_headers_and_conditional_get(client, person, events):
    token = feeds.calendar_feed_token_rotate(user=person)
    response = client.get(feed_url(token))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).startswith("Il mio calendario")
    again = client.get(feed_url(token), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again["Referrer-Policy"] == "no-referrer"


def test_the_token_is_random_stored_hashed_and_rotation_kills_the_old_url(client, person):
    first = feeds.calendar_feed_token_rotate(user=person)
    assert len(first) >= 43  # 32 random bytes, URL-safe base64
    stored = CalendarFeedToken.objects.get(user=person)
    assert stored.token_hash == hashlib.sha256(first.encode()).hexdigest()
    assert first not in stored.token_hash
    assert client.get(feed_url(first)).status_code == 200

    second = feeds.calendar_feed_token_rotate(user=person)
    assert second != first
    assert CalendarFeedToken.objects.filter(user=person).count() == 1
    gone = client.get(feed_url(first))
    assert gone.status_code == 404
    assert gone["Referrer-Policy"] == "no-referrer"
    assert client.get(feed_url(second)).status_code == 200
    assert client.get(feed_url("x" * 43)).status_code == 404


def test_an_inactive_persons_feed_is_gone(client, person):
    token = feeds.calendar_feed_token_rotate(user=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(feed_url(token)).status_code == 404


@pytest.fixture
def calendar_section(monkeypatch):
    """The profile section, as events/apps.py registers it."""
    section = profile.ProfileSection("events/profile_calendar.html", feeds.profile_calendar_context)
    sections = [s for s in profile._sections if s.template != section.template]
    monkeypatch.setattr(profile, "_sections", [*sections, section])


def test_profile_creates_and_shows_the_url_once(client, person, calendar_section):
    client.force_login(person)
    page = client.get("/account/profilo/").content.decode()
    assert "Il tuo calendario personale" in page
    assert "Crea il mio calendario personale" in page

    response = client.post("/eventi/personale/rinnova/")
    assert response.status_code == 302
    assert response["Location"] == "/account/profilo/#calendario-personale"
    token = client.session[feeds.NEW_TOKEN_SESSION_KEY]
    shown = client.get("/account/profilo/").content.decode()
    assert f"http://testserver/eventi/personale/{token}.ics" in shown
    assert f"webcal://testserver/eventi/personale/{token}.ics" in shown
    assert "calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftestserver" in shown
    later = client.get("/account/profilo/").content.decode()
    assert token not in later
    assert "Crea un nuovo indirizzo" in later


def test_rotation_needs_a_signed_in_person_and_csrf(person):
    anonymous = Client()
    response = anonymous.post("/eventi/personale/rinnova/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CalendarFeedToken.objects.exists()

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post("/eventi/personale/rinnova/").status_code == 403
    assert strict.get("/eventi/personale/rinnova/").status_code == 405
    assert not CalendarFeedToken.objects.exists()


def _redacting_handlers():
    return [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters)
    ]


def test_the_token_never_reaches_the_log(client, person):
    handlers = _redacting_handlers()
    assert handlers, "the hub's console handler (settings.LOGGING) is installed"
    captured = io.StringIO()
    previous = [handler.setStream(captured) for handler in handlers]
    try:
        token = feeds.calendar_feed_token_rotate(user=person)
        assert client.get(feed_url(token)).status_code == 200
        old, token = token, feeds.calendar_feed_token_rotate(user=person)
        assert client.get(feed_url(old)).status_code == 404  # logged as "Not Found: <path>"
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)
    log = captured.getvalue()
    assert "/eventi/personale/[redacted].ics" in log
    assert old not in log and token not in log


SECRET = "Zq3xY8vB1nM4kL7pR2sT9wA6-abcdefghijklmnopq"


def test_the_redacting_stream_redacts_daphnes_access_log():
    target = io.StringIO()
    stream = RedactingStream(target)
    stream.write(f'"GET /eventi/personale/{SECRET}.ics" 200\n')
    stream.flush()
    assert target.getvalue() == '"GET /eventi/personale/[redacted].ics" 200\n'

    access_log = io.StringIO()
    logger = redact_access_log(AccessLogGenerator(access_log))
    logger(
        "http",
        "complete",
        {
            "client": "127.0.0.1:5000",
            "method": "GET",
            "path": f"/eventi/personale/{SECRET}.ics",
            "status": 200,
            "size": 1234,
        },
    )
    assert SECRET not in access_log.getvalue()
    assert "GET /eventi/personale/[redacted].ics" in access_log.getvalue()
    assert redact_access_log(None) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Tables straight from the models (no migrations, as pytest --nomigrations): seconds, not
# the minute a full migrate takes.
_CREATE_TABLES = """
import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

django.setup()
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
"""


def test_the_served_hub_prints_no_token(tmp_path):
    """`manage.py serve` runs Daphne as `python -m hub.management.commands.serve`: start that
    web process for real (on its own SQLite database with no rows, whatever the suite runs on)
    and look at everything it prints for a personal feed request with an unknown token."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "-c", _CREATE_TABLES], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hub.management.commands.serve",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "hub.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Daphne did not start: {process.communicate()}")
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{feed_url(SECRET)}", timeout=30)
        assert answer.value.code == 404  # no such token
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert f"GET {feed_url('[redacted]')}" in out
    assert SECRET not in out and SECRET not in err
