"""How the hub writes dates and times, in every language: one set of helpers.

- The shapes are the named formats of hub/formats/<language>/formats.py (settings
  FORMAT_MODULE_PATH): Italian "venerdì 11 dicembre 2026, 18:00" and "11/12/2026",
  English "Friday 11 December 2026, 18:00" and "11 Dec 2026". So `|date:"DATE_FORMAT"`,
  Django's admin and Wagtail's read the same way as the hub's own pages.
- Italian names of days and months are lower case (hub/locale/it overrides Django's
  capitalised ones); a sentence that starts with a date uses `|capfirst`.
- Aware datetimes are shown in Europe/Rome, the hub's time zone, whatever time zone a
  request activated.

Python code (e-mails, CSV, messages) calls these functions; templates use the filters of
`{% load hub_dates %}` (hub/templatetags/hub_dates.py), which are these same functions.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone

# A weekday and a date without the year: "venerdì 11 dicembre", "Friday 11 December".
DAY_MONTH_FORMAT = "l j F"


def rome() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(value: datetime | date) -> datetime | date:
    """An aware datetime in the hub's time zone; dates (and naive values) unchanged."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value, rome())
    return value


def format_date(value: datetime | date | None, fmt: str) -> str:
    """`value` in `fmt` (a named format such as "DATE_FORMAT", or a pattern); "" for None."""
    if value is None or value == "":
        return ""
    return formats.date_format(local(value), fmt)


def day(value: datetime | date | None) -> str:
    """ "venerdì 11 dicembre 2026" """
    return format_date(value, "DATE_FORMAT")


def day_and_time(value: datetime | None) -> str:
    """ "venerdì 11 dicembre 2026, 18:00" """
    return format_date(value, "DATETIME_FORMAT")


def day_and_month(value: datetime | date | None) -> str:
    """ "venerdì 11 dicembre" (when the year goes without saying)"""
    return format_date(value, DAY_MONTH_FORMAT)


def time_of_day(value: datetime | time | None) -> str:
    """ "18:00" """
    if value is None or value == "":
        return ""
    if isinstance(value, time):
        return formats.time_format(value, "TIME_FORMAT")
    return format_date(value, "TIME_FORMAT")


def short_date(value: datetime | date | None) -> str:
    """ "11/12/2026" (English: "11 Dec 2026"), for tables and lists"""
    return format_date(value, "SHORT_DATE_FORMAT")


def short_date_and_time(value: datetime | None) -> str:
    """ "11/12/2026, 18:00" (English: "11 Dec 2026, 18:00")"""
    return format_date(value, "SHORT_DATETIME_FORMAT")
