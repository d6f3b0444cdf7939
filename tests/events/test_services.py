from datetime import date

import pytest
from django.core.exceptions import ValidationError

from events.models import EventOccurrence, EventPage
from tests.associations.factories import make_association
from tests.events.factories import make_event, publish, rome

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    return make_association(name="Polisportiva Bruinese")


def test_weekly_event_across_october_dst_keeps_its_local_time(association):
    page = make_event(
        association=association,
        start=rome(2026, 10, 14, 18),
        end=rome(2026, 10, 14, 19, 30),
        repeat="weekly",
        repeat_count=4,
        exclusions=[date(2026, 10, 21)],
    )
    starts = [
        o.start.astimezone(rome(2026, 1, 1).tzinfo)
        for o in EventOccurrence.objects.filter(event=page)
    ]
    assert [(s.date(), s.hour, s.utcoffset().seconds // 3600) for s in starts] == [
        (date(2026, 10, 14), 18, 2),
        (date(2026, 10, 28), 18, 1),
        (date(2026, 11, 4), 18, 1),
    ]
    assert page.association == association
    assert page.sequence == 0 and page.changed_at is not None


def test_sequence_moves_on_schedule_changes_only(association):
    page = make_event(
        association=association, start=rome(2026, 12, 5, 16), end=rome(2026, 12, 5, 18)
    )
    first_change = page.changed_at
    page = publish(page)
    assert (page.sequence, page.changed_at) == (0, first_change)
    page.summary = "Porta un libro"
    page = publish(page)
    assert page.sequence == 0 and page.changed_at > first_change
    page.status = EventPage.Status.CANCELLED
    page = publish(page)
    assert page.sequence == 1 and page.cancelled_at is not None
    assert EventOccurrence.objects.get(event=page).cancelled


def test_a_rule_beyond_two_years_is_refused_with_a_message(association):
    with pytest.raises(ValidationError) as error:
        make_event(
            association=association,
            start=rome(2026, 1, 5, 18),
            end=rome(2026, 1, 5, 19),
            repeat="daily",
            repeat_until=date(2028, 6, 1),
        )
    assert "2 anni" in str(error.value.message_dict["repeat_until"])


def test_end_before_start_is_refused(association):
    with pytest.raises(ValidationError) as error:
        make_event(association=association, start=rome(2026, 1, 5, 18), end=rome(2026, 1, 5, 17))
    assert "end" in error.value.message_dict


def test_filters_refuse_unknown_values_and_parameters():
    from django.http import QueryDict

    from events import filters

    with pytest.raises(filters.FilterError) as error:
        filters.parse(QueryDict("comune=atlantide"))
    assert "atlantide" in str(error.value.errors["comune"])
    with pytest.raises(filters.FilterError) as error:
        filters.parse(QueryDict("colore=blu"))
    assert "colore" in error.value.errors
    with pytest.raises(filters.FilterError):
        filters.parse(QueryDict("dal=2026-13-01"))
    with pytest.raises(filters.FilterError):
        filters.parse(QueryDict("dal=2026-05-01&al=2026-04-01"))
    assert filters.parse(QueryDict("gratis=1")).free_only
