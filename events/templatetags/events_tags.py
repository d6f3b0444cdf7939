"""How events read on the public pages: when a date takes place, its status badge, the
Italian description of a recurrence and the "add to Google Calendar" link, all pure
functions of plain values (tested without HTTP).

`{% when item %}`, `{% status_badge item %}` and `{% when_with_status item %}` are written
in Python rather than as included templates: a listing shows them for every date, and
three includes per date cost more than the rest of the card.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import quote, urlencode

from django import template
from django.template import loader
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext as _

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


@lru_cache(maxsize=4096)
def _day_label(day: date, fmt: str, language: str | None) -> str:
    return dates.format_date(day, fmt)


def day_label(day: date, fmt: str) -> str:
    """`format_date` of a date (not a datetime), remembered per language: a listing writes
    the same few days over and over."""
    return _day_label(day, fmt, get_language())


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
    if type(value) is date:
        return day_label(value, fmt)
    return format_date(value, fmt)


def _time_tag(moment: datetime, label: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), label)


def _day_tag(day: date, fmt: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), day_label(day, fmt))


def when_html(item, *, show_date: bool) -> SafeString:
    """When a date takes place, in the active language, with `<time>` elements.

    `item` has `start` and `end` (aware, in Rome; the end exclusive), `all_day`,
    `first_day`, `last_day` (inclusive) and `several_days` (a listing's date, an event's
    span). `show_date` False (under a day's heading) leaves out the day of a one-day date.
    """
    if item.all_day:
        if item.several_days:
            # The msgid of the template this replaced ("da … a …"), translated as it was.
            text = gettext(
                'da <time datetime="%(first_iso)s">%(first)s</time> a '
                '<time datetime="%(last_iso)s">%(last)s</time>'
            )
            # The values are escaped here; the translated text is the hub's own.
            return mark_safe(
                text
                % {
                    "first": conditional_escape(day_label(item.first_day, "l j F")),
                    "last": conditional_escape(day_label(item.last_day, "l j F Y")),
                    "first_iso": item.first_day.isoformat(),
                    "last_iso": item.last_day.isoformat(),
                }
            )
        day = format_html("{}, ", _day_tag(item.first_day, "l j F Y")) if show_date else ""
        return format_html("{}{}", day, gettext("tutto il giorno"))
    if item.several_days:
        return format_html(
            "{} – {}",
            _time_tag(item.start, format_date(item.start, "l j F Y, H:i")),
            _time_tag(item.end, format_date(item.end, "l j F Y, H:i")),
        )
    day = format_html("{}, ", _day_tag(item.first_day, "l j F Y")) if show_date else ""
    start = _time_tag(item.start, f"{item.start:%H:%M}")
    if item.end == item.start:
        return format_html("{}{}", day, start)
    return format_html("{}{}–{}", day, start, _time_tag(item.end, f"{item.end:%H:%M}"))


@register.simple_tag(name="start_time")
def start_time(item) -> SafeString:
    """`<time datetime="2026-10-14T18:00:00+02:00">18:00</time>`: when a date starts."""
    return _time_tag(item.start, f"{item.start:%H:%M}")


@register.simple_tag(name="status_badge")
def status_badge(item) -> SafeString:
    """The badge of a date: cancelled, postponed or moved (nothing otherwise)."""
    if item.cancelled:
        return format_html(' <span class="badge bg-danger">{}</span>', gettext("annullato"))
    if item.postponed:
        return format_html(
            ' <span class="badge bg-warning text-dark">{}</span>', gettext("rinviato")
        )
    if item.moved:
        return format_html(' <span class="badge bg-secondary">{}</span>', gettext("data spostata"))
    return SafeString("")


@register.simple_tag(name="when")
def when_tag(item, show_date: bool = False) -> SafeString:
    """`{% when item show_date=True %}`: `when_html` in a template."""
    return when_html(item, show_date=show_date)


@register.simple_tag(name="when_with_status")
def when_with_status(item, show_date: bool = False) -> SafeString:
    """`when_html` struck through for a cancelled date, then the date's status badge."""
    text = when_html(item, show_date=show_date)
    if item.cancelled:
        text = format_html("<s>{}</s>", text)
    return text + status_badge(item)


CARD_TEMPLATE = "events/includes/occurrence_card.html"


@lru_cache(maxsize=2048)
def _card_html(item, show_date: bool, sprites: str, language: str | None) -> SafeString:
    context = {"item": item, "show_date": show_date, "sprites": sprites}
    return loader.render_to_string(CARD_TEMPLATE, context)


@register.simple_tag(takes_context=True)
def occurrence_card(context, item, show_date: bool = False) -> SafeString:
    """`{% occurrence_card item show_date=True %}`: a date's card in a listing.

    The card is a function of the item alone (an `events.listing.OccurrenceItem`, frozen
    plain values, its event's card included), the language and the icons' URL, so each
    process keeps the cards it rendered, keyed by those values: a listing requested again
    renders only the dates that changed, and a changed date is a new key, never a stale
    card.
    """
    return _card_html(item, bool(show_date), context.get("sprites", ""), get_language())


MONTH_GRID_TEMPLATE = "events/includes/month_grid.html"


@lru_cache(maxsize=64)
def _month_grid_html(grid, day_list_prefix: str, sprites: str, language: str | None) -> SafeString:
    context = {"grid": grid, "day_list_prefix": day_list_prefix, "sprites": sprites}
    return loader.render_to_string(MONTH_GRID_TEMPLATE, context)


@register.simple_tag(takes_context=True)
def month_grid(context, grid, day_list_prefix: str) -> SafeString:
    """`{% month_grid grid day_list_prefix %}`: the month's table and its phone list.

    Like `occurrence_card`, a function of plain frozen values (`selectors.MonthGrid`, its
    dates and their events' cards): each process keeps the grids it rendered, keyed by
    those values.
    """
    return _month_grid_html(grid, day_list_prefix, context.get("sprites", ""), get_language())


@register.simple_tag(takes_context=True)
def include_with(context, template_name: str, values: dict | None) -> str:
    """Render `template_name` with `values` (a dict from another part, e.g. the registration
    panel's context) added to the current context; nothing when `values` is empty."""
    if not values:
        return ""
    with context.push(**values):
        return context.template.engine.get_template(template_name).render(context)
