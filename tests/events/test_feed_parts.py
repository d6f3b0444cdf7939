"""Stored feed parts: each event's VEVENTs kept in the database, written on every change
that shows in them, and a feed that is the join of its events' parts (events.feed_parts)."""

from datetime import date, datetime

import icalendar
import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Page, PageViewRestriction, Site

from events import feed_parts, feeds, filters, ical
from events.models import EventFeedPart, EventPage
from hub.models import AgeBand, Area
from hub.page_urls import PageUrls
from tests.associations.factories import approver, make_association
from tests.events.factories import make_event, publish, rome
from tests.hub.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 1)
FEED = "/eventi/feed.ics"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(feeds, "today_in_rome", lambda now=None: TODAY)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bruino():
    return MunicipalityFactory(name="Bruino", slug="bruino")


@pytest.fixture
def association(bruino):
    return make_association(name="Polisportiva Bruinese", municipalities=[bruino])


@pytest.fixture
def course(association):
    """A weekly course across the October daylight-saving change, with a moved date."""
    return make_event(
        association=association,
        title="Minibasket",
        start=rome(2026, 10, 14, 18),
        end=rome(2026, 10, 14, 19, 30),
        repeat="weekly",
        repeat_count=4,
        changes=[
            {
                "original_date": date(2026, 10, 21),
                "new_start": rome(2026, 10, 22, 17),
                "new_end": rome(2026, 10, 22, 18, 30),
            }
        ],
        areas=["ambiente-e-sport"],
        age_bands=["6-10"],
        venue="Palestra comunale",
    )


def built_from_pages(name: str) -> bytes:
    """The public feed serialized from the events themselves, as before parts were stored."""
    pages = feeds.public_feed_pages(filters.EventFilter(), today=TODAY)
    return ical.build_calendar(name=name, events=feed_parts.feed_events(pages, PageUrls()))


def vevent(response, uid) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(response.content)
    (master,) = [
        e
        for e in calendar.walk("VEVENT")
        if str(e["UID"]).startswith(str(uid)) and "RECURRENCE-ID" not in e
    ]
    return master


def test_publishing_writes_the_part_and_the_feed_is_the_join_of_parts(client, course, association):
    part = EventFeedPart.objects.get(event=course)
    assert part.uid == f"{course.uid}@comuni-amici-della-famiglia"
    assert part.modified == course.changed_at
    # Two VEVENTs: the series and its moved date, in their order.
    assert bytes(part.body).count(b"BEGIN:VEVENT") == 2
    make_event(
        association=association,
        title="Festa",
        start=rome(2026, 10, 3),
        end=rome(2026, 10, 3),
        all_day=True,
    )
    response = client.get(FEED)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert response.content == built_from_pages(str(calendar["NAME"]))
    # Local times on both sides of 25 October, when Italy goes back to CET.
    master = vevent(response, course.uid)
    assert master["DTSTART"].dt == rome(2026, 10, 14, 18)
    assert master["DTSTART"].params["TZID"] == "Europe/Rome"
    assert b"DTSTART;TZID=Europe/Rome:20261014T180000" in response.content
    assert b"RECURRENCE-ID;TZID=Europe/Rome:20261021T180000" in response.content


def test_an_unchanged_republish_keeps_the_part_and_the_etag(client, course):
    first = client.get(FEED)
    part = EventFeedPart.objects.get(event=course)
    publish(EventPage.objects.get(pk=course.pk))
    again = EventFeedPart.objects.get(event=course)
    assert (again.tag, again.written_at) == (part.tag, part.written_at)
    assert client.get(FEED, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_a_change_rewrites_the_part_and_moves_the_etag(
    client, course, django_capture_on_commit_callbacks
):
    first = client.get(FEED)
    page = EventPage.objects.get(pk=course.pk)
    page.title = "Minibasket per tutti"
    with django_capture_on_commit_callbacks(execute=True):
        publish(page)
    second = client.get(FEED, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert str(vevent(second, course.uid)["SUMMARY"]) == "Minibasket per tutti"


def test_unpublishing_or_deleting_drops_the_part_and_changes_the_feed(
    client, course, association, django_capture_on_commit_callbacks
):
    other = make_event(
        association=association,
        title="Gita",
        start=rome(2026, 10, 10, 9),
        end=rome(2026, 10, 10, 18),
    )
    first = client.get(FEED)
    with django_capture_on_commit_callbacks(execute=True):
        EventPage.objects.get(pk=other.pk).unpublish()
    assert not EventFeedPart.objects.filter(event_id=other.pk).exists()
    second = client.get(FEED, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and b"Gita" not in second.content
    EventPage.objects.get(pk=course.pk).delete()
    assert not EventFeedPart.objects.exists()
    assert b"BEGIN:VEVENT" not in client.get(FEED).content


def test_a_cancellation_is_in_the_part(client, course):
    page = EventPage.objects.get(pk=course.pk)
    page.status = EventPage.Status.CANCELLED
    publish(page)
    master = vevent(client.get(FEED), course.uid)
    assert master["STATUS"] == "CANCELLED" and master["SEQUENCE"] == 1


def test_a_page_moved_above_the_event_rewrites_its_url(client, course, association, bruino):
    other = make_association(name="Oratorio", municipalities=[bruino])
    event = Page.objects.get(pk=course.pk)
    event.move(other.page, pos="last-child", user=approver())
    moved = EventPage.objects.get(pk=course.pk)
    assert f"/{other.page.slug}/" in moved.url_path
    url = str(vevent(client.get(FEED), course.uid)["URL"])
    assert url == PageUrls().absolute(moved.url_path) and f"/{other.page.slug}/" in url


def test_an_event_moved_to_another_association_belongs_to_it_at_once(
    client, course, association, bruino
):
    other = make_association(name="Oratorio San Luigi", municipalities=[bruino])
    Page.objects.get(pk=course.pk).move(other.page, pos="last-child", user=approver())
    assert EventPage.objects.get(pk=course.pk).association_id == other.pk
    # The association feeds follow: the new one lists it, the old one no longer does.
    assert str(course.uid) in client.get(f"{FEED}?associazione={other.slug}").content.decode()
    old = client.get(f"{FEED}?associazione={association.slug}").content.decode()
    assert str(course.uid) not in old


def test_a_changed_slug_above_the_event_rewrites_its_url(
    client, course, association, django_capture_on_commit_callbacks
):
    page = association.page
    page.slug = "polisportiva-nuova"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision(user=approver()).publish(user=approver())
    assert "/polisportiva-nuova/" in str(vevent(client.get(FEED), course.uid)["URL"])


def test_renamed_municipality_area_and_age_band_reach_the_part(
    client, course, bruino, django_capture_on_commit_callbacks
):
    first = client.get(FEED)
    area = Area.objects.get(slug="ambiente-e-sport")
    band = AgeBand.objects.get(slug="6-10")
    with django_capture_on_commit_callbacks(execute=True):
        bruino.name = "Bruino (TO)"
        bruino.save()
        area.name = "Sport e ambiente"
        area.save()
        band.name = "Bambini 6–10"
        band.save()
    second = client.get(FEED, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    master = vevent(second, course.uid)
    assert "Bruino (TO)" in str(master["LOCATION"])
    assert [str(c) for c in master["CATEGORIES"].cats] == ["Sport e ambiente", "Bambini 6–10"]
    with django_capture_on_commit_callbacks(execute=True):
        area.delete()
    assert [str(c) for c in vevent(client.get(FEED), course.uid)["CATEGORIES"].cats] == [
        "Bambini 6–10"
    ]


def test_missing_or_stale_parts_are_written_before_the_feed_answers(client, course, association):
    other = make_event(
        association=association,
        title="Gita",
        start=rome(2026, 10, 10, 9),
        end=rome(2026, 10, 10, 18),
    )
    first = client.get(FEED)
    # Written by older code (the format changed), the bytes the same: written again, the
    # tags kept, so the ETag holds.
    EventFeedPart.objects.update(format="written-by-an-older-release")
    again = client.get(FEED)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert set(EventFeedPart.objects.values_list("format", flat=True)) == {
        feed_parts.part_format(PageUrls())
    }
    # Lost, or changed behind the services' back: written again from the page.
    EventFeedPart.objects.filter(event_id=other.pk).delete()
    changed_at = datetime(2026, 9, 1, 12, tzinfo=feeds.ROME)
    EventPage.objects.filter(pk=course.pk).update(changed_at=changed_at)
    third = client.get(FEED)
    assert b"Gita" in third.content and third["ETag"] != first["ETag"]
    assert vevent(third, course.uid)["LAST-MODIFIED"].dt == changed_at
    assert EventFeedPart.objects.get(event=course).modified == changed_at


def test_the_command_writes_the_parts_of_every_live_event(course, association):
    draft = make_event(
        association=association,
        title="Bozza",
        start=rome(2026, 10, 10, 9),
        end=rome(2026, 10, 10, 18),
        live=False,
    )
    EventFeedPart.objects.all().delete()
    call_command("write_feed_parts", verbosity=0)
    assert list(EventFeedPart.objects.values_list("event_id", flat=True)) == [course.pk]
    assert draft.pk != course.pk
    call_command("write_feed_parts", verbosity=0)  # nothing to do the second time
    assert EventFeedPart.objects.count() == 1


def test_a_revalidation_builds_nothing(client, course, django_assert_num_queries, monkeypatch):
    etag = client.get(FEED)["ETag"]

    def no_build(*args, **kwargs):
        raise AssertionError("a 304 reads no part")

    monkeypatch.setattr(feed_parts, "stored_parts", no_build)
    monkeypatch.setattr(ical, "assemble", no_build)
    with django_assert_num_queries(1):
        response = client.get(FEED, headers={"if-none-match": etag})
    assert response.status_code == 304 and response["ETag"] == etag
    assert "Last-Modified" not in response


def test_another_process_decides_the_304_from_one_aggregate(
    client, course, django_assert_num_queries, monkeypatch
):
    etag = client.get(FEED)["ETag"]
    cache.clear()  # another worker, or a restart: nothing remembered, nothing built
    Site.get_site_root_paths()  # (Wagtail's own cache, which any worker has)

    def no_build(*args, **kwargs):
        raise AssertionError("a 304 reads no part")

    monkeypatch.setattr(feed_parts, "stored_parts", no_build)
    with django_assert_num_queries(2):  # the feeds' version, the validators' aggregate
        response = client.get(FEED, headers={"if-none-match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


def test_a_view_restriction_changes_the_public_feeds(
    client, course, association, django_capture_on_commit_callbacks
):
    first = client.get(FEED)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=association.page, restriction_type=PageViewRestriction.LOGIN
        )
    second = client.get(FEED, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200 and b"BEGIN:VEVENT" not in second.content
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    third = client.get(FEED, headers={"if-none-match": second["ETag"]})
    assert third.status_code == 200 and third["ETag"] == first["ETag"]
