"""The events demo: realistic, upcoming whatever the day, and idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations import demo as associations_demo
from events import demo
from events.models import EventOccurrence, EventPage, MunicipalEventsIndexPage
from events.recurrence import ROME
from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
from hub.models import User

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        "events": EventPage.objects.count(),
        "live events": EventPage.objects.live().count(),
        "occurrences": EventOccurrence.objects.count(),
        "indexes": MunicipalEventsIndexPage.objects.count(),
    }


@pytest.fixture
def admin():
    load_demo_data()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    associations_demo.load(admin=admin)
    return admin


def test_loading_twice_creates_nothing_the_second_time(admin, client):
    first = demo.load(admin=admin)
    assert first == {"municipal event pages": 2, "events": len(demo.EVENTS)}
    counts = snapshot()
    assert demo.load(admin=admin) == {"municipal event pages": 0, "events": 0}
    assert snapshot() == counts
    # One test: loading the whole demo takes a while.
    shows_every_case_with_upcoming_dates(client)


def shows_every_case_with_upcoming_dates(client):
    today = timezone.localdate(timezone=ROME)
    course = EventPage.objects.get(title="Minibasket del martedì")
    occurrences = list(EventOccurrence.objects.filter(event=course).order_by("start"))
    # Across the next October change: 17:00 local before (CEST) and after (CET).
    offsets = {timezone.localtime(o.start, ROME).utcoffset() for o in occurrences}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    assert {timezone.localtime(o.start, ROME).hour for o in occurrences} == {17}
    assert sum(o.cancelled for o in occurrences) == 1
    festa = EventPage.objects.get(title="Festa delle famiglie in piazza")
    assert festa.all_day and festa.association is None
    assert festa.get_parent().specific.municipality.slug == "bruino"
    assert EventPage.objects.get(title="Puliamo il parco del Sangone").status == "cancelled"
    assert EventPage.objects.get(title="Torneo giovanile di calcio").status == "postponed"
    workshop = EventPage.objects.get(title="Laboratorio 0–3 anni: giochi e letture")
    assert workshop.registration_required and workshop.capacity == 8
    assert workshop.association.slug == "genitori-in-cammino-orbassano"

    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 10
    assert min(group.day for group in response.context["days"]) >= today
    index = MunicipalEventsIndexPage.objects.get(municipality__slug="bruino")
    assert client.get(index.url).status_code == 200
    assert client.get(festa.url).status_code == 200
