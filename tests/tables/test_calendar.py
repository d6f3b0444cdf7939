"""Table meetings in calendars: members' personal feeds (private tables too), public
tables only in the public calendar; stable UIDs, SEQUENCE moving with changes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.feeds import calendar_feed_token_rotate
from tables import services
from tables.calendar import meeting_uid, meetings_for, public_meetings
from tables.models import Table
from tests.tables.factories import make_meeting, make_table

pytestmark = pytest.mark.django_db


def window():
    now = timezone.now()
    return now - dt.timedelta(days=30), now + dt.timedelta(days=365)


def test_private_meetings_reach_members_only_and_public_ones_the_public_calendar(client):
    private = make_table(visibility=Table.Visibility.PRIVATE)
    public = make_table()
    secret = make_meeting(private, days=3, title="Riunione riservata")
    open_meeting = make_meeting(public, days=4, title="Riunione aperta")

    assert [e.uid for e in meetings_for(private.observer, *window())] == [meeting_uid(secret.pk)]
    assert meetings_for(private.outsider, *window()) == []
    assert [e.uid for e in public_meetings(*window())] == [meeting_uid(open_meeting.pk)]

    feed = client.get(reverse("events:source_feed", kwargs={"name": "tavoli"}))
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "Riunione aperta" in body and "Riunione riservata" not in body
    assert client.get(reverse("events:source_feed", kwargs={"name": "nessuno"})).status_code == 404

    token = calendar_feed_token_rotate(user=private.member)
    personal = client.get(reverse("events:personal_feed", kwargs={"token": token}))
    assert "Riunione riservata" in personal.content.decode()


def test_a_change_moves_the_sequence_and_a_cancellation_stays_as_cancelled():
    setup = make_table()
    meeting = make_meeting(setup, days=3)
    (before,) = public_meetings(*window())
    services.meeting_update(
        by=setup.coordinator,
        meeting=meeting,
        title=meeting.title,
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        ends_at=meeting.ends_at + dt.timedelta(hours=1),
        place="Altra sala",
    )
    services.meeting_cancel(by=setup.coordinator, meeting=meeting)
    (after,) = public_meetings(*window())
    assert after.uid == before.uid
    assert after.sequence == before.sequence + 2
    assert after.status == "cancelled"


def test_the_feeds_run_one_query(django_assert_num_queries):
    setup = make_table()
    for days in range(1, 6):
        make_meeting(setup, days=days)
    with django_assert_num_queries(1):
        assert len(public_meetings(*window())) == 5
    with django_assert_num_queries(1):
        assert len(meetings_for(setup.member, *window())) == 5
