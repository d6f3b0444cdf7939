"""The editor's preview of a recurring event lists its dates as they are in the editor.

A preview is not saved: the occurrence rows are written on publish, so the preview computes
the series from the page's own recurrence fields, exclusions and moved dates (in memory).
"""

from __future__ import annotations

from datetime import date

import pytest

from events.models import EventExclusion, EventOccurrence, EventOccurrenceChange
from tests.associations.factories import make_association
from tests.events.factories import make_event, rome

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    return make_association(name="Piscina Comunale Amici")


def preview(page) -> str:
    response = page.make_preview_request()
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_series_shows_its_dates_in_the_preview(association):
    draft = make_event(
        association=association,
        title="Corso di nuoto",
        start=rome(2030, 3, 5, 17),
        end=rome(2030, 3, 5, 18),
        repeat="weekly",
        repeat_count=4,
        live=False,
    )
    assert not EventOccurrence.objects.filter(event=draft).exists()
    html = preview(draft)
    assert "Prossime date" in html
    assert "Non ci sono altre date in programma" not in html
    # Across the change to summer time on 31 March the course stays at 17:00.
    for day in ("martedì 5 marzo 2030", "martedì 12 marzo 2030", "martedì 26 marzo 2030"):
        assert day in html
    assert "martedì 2 aprile 2030" not in html
    assert html.count("17:00</time>") >= 4


def test_the_preview_shows_unsaved_changes_to_the_series(association):
    live = make_event(
        association=association,
        title="Corso di nuoto",
        start=rome(2030, 3, 5, 17),
        end=rome(2030, 3, 5, 18),
        repeat="weekly",
        repeat_count=2,
    )
    assert EventOccurrence.objects.filter(event=live).count() == 2
    # In the editor: five dates, the third left out, the fourth moved to Wednesday.
    live.repeat_count = 5
    live.exclusions = [EventExclusion(date=date(2030, 3, 19))]
    live.occurrence_changes = [
        EventOccurrenceChange(
            original_date=date(2030, 3, 26),
            new_start=rome(2030, 3, 27, 18),
            new_end=rome(2030, 3, 27, 19),
        )
    ]
    html = preview(live)
    assert "martedì 19 marzo 2030" not in html
    assert "mercoledì 27 marzo 2030" in html
    assert "martedì 2 aprile 2030" in html
    # The published series is untouched until the page is published.
    assert EventOccurrence.objects.filter(event=live).count() == 2


def test_a_rule_publishing_would_refuse_previews_without_dates(association):
    draft = make_event(
        association=association,
        title="Corso di nuoto",
        start=rome(2030, 3, 5, 17),
        end=rome(2030, 3, 5, 18),
        live=False,
    )
    draft.repeat = "weekly"  # no end: publishing refuses it with a message
    html = preview(draft)
    assert "Corso di nuoto" in html
    assert "Prossime date" not in html
