"""Dates read one way: Italian days and months in lower case, one English shape, Europe/Rome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from hub import dates

# 17:05 UTC on Friday 11 December 2026 is 18:05 in Rome.
INSTANT = dt.datetime(2026, 12, 11, 17, 5, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 9, 14, 18, 0, tzinfo=dt.UTC)  # 20:00 in Rome


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "it",
            {
                "day": "venerdì 11 dicembre 2026",
                "day_and_time": "venerdì 11 dicembre 2026, 18:05",
                "day_and_month": "venerdì 11 dicembre",
                "time_of_day": "18:05",
                "short_date": "11/12/2026",
                "short_date_and_time": "11/12/2026, 18:05",
            },
        ),
        (
            "en",
            {
                "day": "Friday 11 December 2026",
                "day_and_time": "Friday 11 December 2026, 18:05",
                "day_and_month": "Friday 11 December",
                "time_of_day": "18:05",
                "short_date": "11 Dec 2026",
                "short_date_and_time": "11 Dec 2026, 18:05",
            },
        ),
    ],
)
def test_helpers_write_one_shape_per_language_in_rome(language, expected):
    # Whatever time zone a request activated, the hub writes Rome's time.
    with translation.override(language), timezone.override("UTC"):
        for name, text in expected.items():
            assert getattr(dates, name)(INSTANT) == text, name


def test_every_month_and_weekday_is_lower_case_in_italian():
    with translation.override("it"):
        for month in range(1, 13):
            text = dates.day(dt.date(2027, month, 1))
            assert text == text.lower(), text
        assert dates.day(dt.date(2027, 3, 1)) == "lunedì 1 marzo 2027"
        assert formats.date_format(dt.date(2027, 8, 15), "D j F") == "dom 15 agosto"
        assert formats.date_format(dt.date(2027, 8, 15), "N j") == "ago. 15"


def test_django_named_formats_no_longer_read_the_american_way():
    """Django's English would give "Sept. 14, 2026, 8 p.m." and "09/14/2026"."""
    with translation.override("en"), timezone.override("Europe/Rome"):
        rendered = Template(
            '{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|date:"SHORT_DATE_FORMAT" }}|'
            '{{ moment|time:"TIME_FORMAT" }}|{{ moment }}'
        ).render(Context({"moment": SUMMER}))
    assert rendered == (
        "Monday 14 September 2026, 20:00|14 Sep 2026|20:00|Monday 14 September 2026, 20:00"
    )
    assert "p.m." not in rendered and "09/14/2026" not in rendered
    with translation.override("it"), timezone.override("Europe/Rome"):
        rendered = Template('{{ moment|date:"DATETIME_FORMAT" }}').render(
            Context({"moment": SUMMER})
        )
    assert rendered == "lunedì 14 settembre 2026, 20:00"


def test_template_filters_are_the_same_helpers():
    template = Template(
        "{% load hub_dates %}{{ t|giorno }}|{{ t|giorno_ora }}|{{ t|giorno_mese }}|{{ t|ora }}|"
        "{{ t|data }}|{{ t|data_ora }}|{{ nothing|giorno }}."
    )
    with translation.override("it"):
        assert template.render(Context({"t": INSTANT, "nothing": None})) == (
            "venerdì 11 dicembre 2026|venerdì 11 dicembre 2026, 18:05|venerdì 11 dicembre|"
            "18:05|11/12/2026|11/12/2026, 18:05|."
        )
    with translation.override("en"):
        assert template.render(Context({"t": INSTANT, "nothing": None})).startswith(
            "Friday 11 December 2026|"
        )
    assert dates.time_of_day(dt.time(9, 30)) == "09:30"


def test_events_use_the_hub_helpers():
    from events.templatetags.events_tags import format_date

    with translation.override("it"):
        assert format_date(INSTANT, "l j F Y, H:i") == "venerdì 11 dicembre 2026, 18:05"
