"""How events read on the public pages: the Italian description of a recurrence and the
"add to Google Calendar" link, both pure functions of plain values (tested without HTTP).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote, urlencode

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.ical import FeedEvent
from events.recurrence import ROME, Recurrence
from hub import dates

register = template.Library()

GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weekday_names() -> tuple[str, ...]:
    return (
        _("lunedì"),
        _("martedì"),
        _("mercoledì"),
        _("giovedì"),
        _("venerdì"),
        _("sabato"),
        _("domenica"),
    )


def _join(items: list[str]) -> str:
    """ "a", "a e b", "a, b e c" (the conjunction is translated)."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s e %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def format_date(value: date | datetime, fmt: str) -> str:
    """A date (or an aware datetime, in Rome) in words, as the language writes it
    (hub.dates: Italian days and months in lower case, "mercoledì 14 ottobre")."""
    return dates.format_date(value, fmt)


def _long_date(day: date) -> str:
    return format_date(day, "j F Y")


def recurrence_text(recurrence: Recurrence, *, first_day: date) -> str:
    """The rule in words: "ogni martedì fino al 15 dicembre 2026", "ogni mese, il giorno 3, 10
    volte". `first_day` is the series' first day (it gives the weekday or day of the month
    when the rule names none)."""
    interval = recurrence.interval
    if recurrence.frequency == "daily":
        if interval == 1:
            rule = _("ogni giorno")
        else:
            rule = _("ogni %(interval)s giorni") % {"interval": interval}
    elif recurrence.frequency == "weekly":
        names = _weekday_names()
        days = _join([names[day] for day in (recurrence.weekdays or (first_day.weekday(),))])
        if interval == 1:
            rule = _("ogni %(days)s") % {"days": days}
        else:
            rule = _("ogni %(interval)s settimane: %(days)s") % {
                "interval": interval,
                "days": days,
            }
    else:
        if interval == 1:
            rule = _("ogni mese, il giorno %(day)s") % {"day": first_day.day}
        else:
            rule = _("ogni %(interval)s mesi, il giorno %(day)s") % {
                "interval": interval,
                "day": first_day.day,
            }
    if recurrence.until is not None:
        values = {"rule": rule, "date": _long_date(recurrence.until)}
        if recurrence.until.day in (8, 11):
            # Italian elides the article before "otto" and "undici": "fino all'8 maggio".
            return _("%(rule)s fino all'%(date)s") % values
        return _("%(rule)s fino al %(date)s") % values
    if recurrence.count is not None:
        return ngettext(
            "%(rule)s, %(count)s volta", "%(rule)s, %(count)s volte", recurrence.count
        ) % {"rule": rule, "count": recurrence.count}
    return rule


def rrule_text(recurrence: Recurrence, *, all_day: bool) -> str:
    """The RRULE value as in the hub's feeds (UNTIL in UTC at the end of the last day for
    timed events, a date for all-day ones)."""
    parts = [f"FREQ={recurrence.frequency.upper()}"]
    if recurrence.until is not None:
        if all_day:
            parts.append(f"UNTIL={recurrence.until:%Y%m%d}")
        else:
            last_moment = datetime.combine(recurrence.until, time(23, 59, 59), tzinfo=ROME)
            parts.append(f"UNTIL={last_moment.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    if recurrence.count is not None:
        parts.append(f"COUNT={recurrence.count}")
    if recurrence.interval != 1:
        parts.append(f"INTERVAL={recurrence.interval}")
    if recurrence.weekdays:
        parts.append(
            "BYDAY=" + ",".join(_WEEKDAY_CODES[day] for day in sorted(recurrence.weekdays))
        )
    if recurrence.frequency == "weekly":
        parts.append("WKST=MO")
    return ";".join(parts)


def google_calendar_url(event: FeedEvent) -> str:
    """Google Calendar's "add event" link for the event (its first date, and its rule).

    Timed events are given in UTC with ctz=Europe/Rome, so Google shows them at the Italian
    time and repeats them at the same wall-clock time across daylight-saving changes.
    All-day events use dates with an exclusive end, as in iCalendar.
    """
    if event.all_day:
        dates = f"{event.start:%Y%m%d}/{event.end + timedelta(days=1):%Y%m%d}"
    else:
        start, end = (moment.astimezone(UTC) for moment in (event.start, event.end))
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    details = "\n\n".join(part for part in (event.description, event.url) if part)
    params = {"action": "TEMPLATE", "text": event.title, "dates": dates}
    if details:
        params["details"] = details
    if event.location:
        params["location"] = event.location
    params["ctz"] = ROME.key
    if event.recurrence is not None:
        params["recur"] = "RRULE:" + rrule_text(event.recurrence, all_day=event.all_day)
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(params, quote_via=quote)}"


@register.filter
def datefmt(value, fmt: str) -> str:
    """`{{ day|datefmt:"l j F Y" }}`: format_date in a template."""
    if value in (None, ""):
        return ""
    return format_date(value, fmt)


@register.simple_tag(takes_context=True)
def include_with(context, template_name: str, values: dict | None) -> str:
    """Render `template_name` with `values` (a dict from another part, e.g. the registration
    panel's context) added to the current context; nothing when `values` is empty."""
    if not values:
        return ""
    with context.push(**values):
        return context.template.engine.get_template(template_name).render(context)
