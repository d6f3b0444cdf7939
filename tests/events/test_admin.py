"""An association's editor publishes events in the Wagtail admin, as a volunteer would."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from associations.models import AssociationMembership
from events.models import EventOccurrence, EventPage
from events.recurrence import ROME
from tests.associations.factories import make_association
from tests.associations.test_admin_isolation import editor_of

pytestmark = pytest.mark.django_db


def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-id"] = ""
    return data


def _weekly_course(municipality, **overrides) -> dict:
    data = {
        "title": "Corso di minibasket",
        "slug": "corso-di-minibasket",
        "summary": "Per bambine e bambini dai 6 ai 10 anni.",
        "start": "2026-10-14 18:00",
        "end": "2026-10-14 19:00",
        "status": "scheduled",
        "repeat": "weekly",
        "repeat_interval": "1",
        "repeat_weekdays": ["2"],
        "repeat_count": "6",
        "municipality": str(municipality.pk),
        "venue": "Palestra comunale",
        "is_free": "on",
        "body-count": "0",
        **_formset("comments", []),
        **_formset("exclusions", []),
        **_formset("occurrence_changes", [{"original_date": "2026-10-28", "cancelled": "on"}]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return data


@pytest.fixture
def trusted():
    association = make_association(name="Polisportiva Bruinese", trusted=True)
    editor = editor_of(association, role=AssociationMembership.Role.EDITOR)
    return association, editor


def test_editor_publishes_a_weekly_course_with_a_cancelled_date(client, trusted):
    association, editor = trusted
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])
    assert client.get(add_url).status_code == 200

    response = client.post(add_url, _weekly_course(association.municipalities.first()))

    assert response.status_code == 302, response.content.decode()[:2000]
    page = EventPage.objects.get(slug="corso-di-minibasket")
    assert page.live and page.association == association
    occurrences = list(EventOccurrence.objects.filter(event=page))
    assert len(occurrences) == 6
    local = [o.start.astimezone(ROME) for o in occurrences]
    assert {moment.hour for moment in local} == {18}  # before and after 25 October
    cancelled = [o for o in occurrences if o.cancelled]
    assert [o.start.astimezone(ROME).date() for o in cancelled] == [date(2026, 10, 28)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"repeat_count": "", "repeat_until": "2029-01-01"}, "2 anni"),
        ({"end": "2026-10-14 17:00"}, "prima dell'inizio"),
        ({"repeat_weekdays": ["3"]}, "non è tra i giorni scelti"),
        ({"repeat_count": "", "repeat_until": ""}, "senza fine"),
        ({"start": "14/10/2026 ore 18"}, ""),
    ],
)
def test_bad_rules_are_refused_with_a_message_and_nothing_is_saved(
    client, trusted, overrides, message
):
    association, editor = trusted
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", association.page.pk])

    response = client.post(add_url, _weekly_course(association.municipalities.first(), **overrides))

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not EventPage.objects.exists()
