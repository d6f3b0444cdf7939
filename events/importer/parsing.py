"""Parsing an ICS file into events the hub can represent exactly (pure: no database).

Whatever the file holds, `parse` returns: a file-level error, or events plus per-event
errors. See the package's docstring for how times and rules are read.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import icalendar
from dateutil import rrule as dateutil_rrule
from django.utils.translation import gettext as _

from events import recurrence as rec
from hub.validation import date_bounds_message, date_in_bounds, strip_control_characters

ROME = rec.ROME

MAX_EVENTS = 1000
TITLE_MAX = 255
SUMMARY_MAX = 400
VENUE_MAX = 200
UID_MAX = 255

_FREQUENCIES = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly"}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_RULE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"}


@dataclass(frozen=True)
class ImportedChange:
    original_date: date
    cancelled: bool
    new_start: datetime | None
    new_end: datetime | None


@dataclass(frozen=True)
class ImportedEvent:
    """An event as the hub stores it: Rome times; all-day events from the first day's
    midnight to the last day's midnight (inclusive), as EventPage keeps them."""

    uid: str
    title: str
    start: datetime
    end: datetime
    all_day: bool
    recurrence: rec.Recurrence | None = None
    exclusions: tuple[date, ...] = ()
    changes: tuple[ImportedChange, ...] = ()
    summary: str = ""
    venue: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    cancelled: bool = False

    def last_end(self) -> datetime:
        """When the last date of the event ends (an instant)."""
        series = rec.occurrences(
            start=self.start.date() if self.all_day else self.start,
            end=self.end.date() if self.all_day else self.end,
            all_day=self.all_day,
            recurrence=self.recurrence,
        )
        end = series[-1].end
        if self.all_day:
            return datetime.combine(end + timedelta(days=1), time(), tzinfo=ROME)
        return end


@dataclass(frozen=True)
class EventError:
    uid: str
    title: str
    message: str


@dataclass(frozen=True)
class ParsedCalendar:
    events: tuple[ImportedEvent, ...] = ()
    errors: tuple[EventError, ...] = ()
    # Every UID in the file, with or without errors: an event still listed is not cancelled.
    uids: frozenset[str] = field(default_factory=frozenset)
    error: str | None = None  # a file-level error: nothing may change


class _EventProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse(content: bytes) -> ParsedCalendar:
    """The calendar's events, or a file-level error. Never raises."""
    try:
        return _parse(content)
    except Exception:  # a parser bug on an odd file must not escape: the file is refused
        return ParsedCalendar(error=_not_a_calendar())


def _not_a_calendar() -> str:
    return _("Il file non è un calendario ICS valido.")


def _parse(content: bytes) -> ParsedCalendar:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # RFC 5545 says UTF-8; a few old exporters write Windows-1252.
        text = content.decode("cp1252", errors="replace")
    if "BEGIN:VCALENDAR" not in text.upper():
        return ParsedCalendar(error=_not_a_calendar())
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError):
        return ParsedCalendar(error=_not_a_calendar())
    if calendar.name != "VCALENDAR":
        return ParsedCalendar(error=_not_a_calendar())
    components = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if len(components) > MAX_EVENTS:
        return ParsedCalendar(
            error=_("Il calendario contiene troppi eventi (%(count)s; al massimo %(max)s).")
            % {"count": len(components), "max": MAX_EVENTS}
        )
    masters: dict[str, list] = {}
    overrides: dict[str, list] = {}
    errors: list[EventError] = []
    for component in components:
        uid = _text(component.get("UID"))
        if not uid:
            errors.append(
                EventError("", _title(component), _("L'evento non ha un identificativo (UID)."))
            )
            continue
        uid = _stored_uid(uid)
        target = overrides if "RECURRENCE-ID" in component else masters
        target.setdefault(uid, []).append(component)
    events = []
    for uid, found in masters.items():
        title = _title(found[0])
        if len(found) > 1:
            errors.append(
                EventError(uid, title, _("L'identificativo (UID) compare in più eventi."))
            )
            continue
        try:
            events.append(_event(uid, found[0], overrides.get(uid, [])))
        except (_EventProblem, rec.RecurrenceError) as problem:
            errors.append(EventError(uid, title, problem.message))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            errors.append(EventError(uid, title, _("L'evento contiene valori non validi.")))
    for uid, found in overrides.items():
        if uid not in masters:
            errors.append(
                EventError(
                    uid,
                    _title(found[0]),
                    _("Il calendario contiene una singola data di una serie, senza la serie."),
                )
            )
    return ParsedCalendar(
        events=tuple(events),
        errors=tuple(errors),
        uids=frozenset(masters) | frozenset(overrides),
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    # Nobody can be asked to correct a subscribed file: control characters (a NUL, which
    # PostgreSQL refuses in text) are dropped, the rest of the text kept.
    return strip_control_characters(str(value)).strip()


def _stored_uid(uid: str) -> str:
    """UIDs longer than the column are kept as their digest: still stable, still unique."""
    if len(uid) <= UID_MAX:
        return uid
    return "sha256:" + hashlib.sha256(uid.encode()).hexdigest()


def _title(component) -> str:
    title = " ".join(_text(component.get("SUMMARY")).split())
    return _truncate(title, TITLE_MAX) or _("Evento senza titolo")


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


_CHECKED_PROPERTIES = {"DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID"}


def _check_broken(component) -> None:
    for name, _message in getattr(component, "errors", ()):
        if name.upper() in _CHECKED_PROPERTIES:
            raise _EventProblem(
                _("Il valore di %(property)s non è valido.") % {"property": name.upper()}
            )
    for name in ("RRULE", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
        if isinstance(component.get(name), list):
            raise _EventProblem(
                _("La proprietà %(property)s compare più volte.") % {"property": name}
            )


def _moment(prop, name: str) -> datetime | date:
    """A DATE or an aware DATE-TIME; floating times are Rome's; an unknown TZID is an error."""
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            tzid = prop.params.get("TZID")
            if tzid:
                raise _EventProblem(
                    _("Fuso orario sconosciuto «%(tzid)s» in %(property)s.")
                    % {"tzid": tzid, "property": name}
                )
            value = value.replace(tzinfo=ROME)
        return value
    if isinstance(value, date):
        return value
    raise _EventProblem(_("Il valore di %(property)s non è valido.") % {"property": name})


def _rome_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ROME)


def _check_in_bounds(moment: datetime | date) -> None:
    if not date_in_bounds(moment):
        raise _EventProblem(date_bounds_message())


def _bounds(component) -> tuple[datetime | date, datetime | date]:
    """(start, end) in the source's own zone; all-day: (first day, last day inclusive)."""
    if "DTSTART" not in component:
        raise _EventProblem(_("Manca la data di inizio (DTSTART)."))
    start = _moment(component["DTSTART"], "DTSTART")
    # Checked before any arithmetic: a day added to 9999-12-31 overflows.
    _check_in_bounds(start)
    all_day = not isinstance(start, datetime)
    if "DTEND" in component:
        end = _moment(component["DTEND"], "DTEND")
        if isinstance(end, datetime) == all_day:
            raise _EventProblem(_("DTSTART e DTEND devono essere entrambe date o entrambe orari."))
    elif "DURATION" in component:
        duration = component["DURATION"].dt
        if not isinstance(duration, timedelta):
            raise _EventProblem(_("Il valore di DURATION non è valido."))
        if all_day:
            end = start + timedelta(days=duration.days)
        else:
            # Whole days are wall-clock days (RFC 5545), the rest is exact time.
            moved = start.replace(tzinfo=None) + timedelta(days=duration.days)
            moved = moved.replace(tzinfo=start.tzinfo, fold=0)
            end = (moved.astimezone(UTC) + timedelta(seconds=duration.seconds)).astimezone(
                start.tzinfo
            )
    else:
        end = start + timedelta(days=1) if all_day else start
    _check_in_bounds(end)
    if all_day:
        # DTEND is exclusive; the hub keeps the last day.
        last_day = max(end - timedelta(days=1), start)
        if end < start:
            raise _EventProblem(_("La fine dell'evento è prima dell'inizio."))
        return start, last_day
    if end < start:
        raise _EventProblem(_("La fine dell'evento è prima dell'inizio."))
    return start, end


def _event(uid: str, component, override_components: list) -> ImportedEvent:
    _check_broken(component)
    if "RDATE" in component:
        raise _EventProblem(_("Le date aggiuntive (RDATE) non sono supportate."))
    source_start, source_end = _bounds(component)
    all_day = not isinstance(source_start, datetime)
    if all_day:
        start, end = _rome_midnight(source_start), _rome_midnight(source_end)
    else:
        start, end = source_start.astimezone(ROME), source_end.astimezone(ROME)
    recurrence = None
    exclusions: tuple[date, ...] = ()
    changes: tuple[ImportedChange, ...] = ()
    if "RRULE" in component:
        recurrence = _recurrence(component["RRULE"], source_start, all_day)
        series = rec.occurrences(
            start=source_start if all_day else start,
            end=source_end if all_day else end,
            all_day=all_day,
            recurrence=recurrence,
        )
        by_day = {_day(occurrence.original_start): occurrence for occurrence in series}
        exclusions = tuple(sorted(day for day in _exdates(component) if day in by_day))
        changes = tuple(_changes(override_components, by_day, all_day, set(exclusions)))
    latitude, longitude = _geo(component)
    return ImportedEvent(
        uid=uid,
        title=_title(component),
        start=start,
        end=end,
        all_day=all_day,
        recurrence=recurrence,
        exclusions=exclusions,
        changes=changes,
        summary=_truncate(_text(component.get("DESCRIPTION")), SUMMARY_MAX),
        venue=_truncate(" ".join(_text(component.get("LOCATION")).split()), VENUE_MAX),
        latitude=latitude,
        longitude=longitude,
        cancelled=_text(component.get("STATUS")).upper() == "CANCELLED",
    )


def _day(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return moment.astimezone(ROME).date()
    return moment


def _recurrence(rule, source_start: datetime | date, all_day: bool) -> rec.Recurrence:
    """The hub's rule for an RRULE, checked to give exactly the source's dates."""
    parts = {key.upper(): values for key, values in rule.items()}
    unsupported = sorted(set(parts) - _RULE_PARTS)
    if unsupported:
        raise _EventProblem(
            _("Regola di ripetizione non supportata (%(parts)s).")
            % {"parts": ", ".join(unsupported)}
        )
    raw_frequency = str(parts.get("FREQ", [""])[0]).upper()
    if raw_frequency in {"SECONDLY", "MINUTELY", "HOURLY"}:
        raise _EventProblem(
            _("Ripetizioni più frequenti di una al giorno non sono ammesse (FREQ=%(freq)s).")
            % {"freq": raw_frequency}
        )
    if raw_frequency not in _FREQUENCIES:
        raise _EventProblem(
            _("La ripetizione può essere giornaliera, settimanale o mensile (FREQ=%(freq)s).")
            % {"freq": raw_frequency or "?"}
        )
    frequency = _FREQUENCIES[raw_frequency]
    interval = int(parts.get("INTERVAL", [1])[0])
    weekdays = []
    for value in parts.get("BYDAY", []):
        match = _BYDAY.match(str(value).upper())
        if match is None or match.group(1):
            raise _EventProblem(
                _(
                    "Ripetizioni come «il secondo martedì del mese» (BYDAY=%(value)s) non sono "
                    "supportate."
                )
                % {"value": value}
            )
        weekdays.append(_WEEKDAYS.index(match.group(2)))
    start_day = _day(source_start)
    if weekdays and frequency == "daily" and interval == 1:
        # "Every day, only on these weekdays" is the weekly rule on those days.
        frequency = "weekly"
    elif weekdays and frequency != "weekly":
        raise _EventProblem(
            _("I giorni della settimana sono supportati solo nelle ripetizioni settimanali.")
        )
    month_days = [int(day) for day in parts.get("BYMONTHDAY", [])]
    if month_days and (frequency != "monthly" or month_days != [start_day.day]):
        raise _EventProblem(
            _("Ripetizioni in giorni del mese diversi da quello d'inizio non sono supportate.")
        )
    count = int(parts["COUNT"][0]) if "COUNT" in parts else None
    until_value = parts["UNTIL"][0] if "UNTIL" in parts else None
    until = _day(_until_moment(until_value)) if until_value is not None else None
    recurrence = rec.Recurrence(
        frequency=frequency,
        interval=interval,
        weekdays=tuple(sorted(set(weekdays))),
        until=until,
        count=count,
    )
    # The hub's limits (500 dates, 2 years, a bound) before anything is expanded.
    rec.validate(recurrence, start=start_day)
    source = _source_starts(parts, source_start, all_day, until_value)
    if not source:
        raise _EventProblem(_("La regola di ripetizione non produce nessuna data."))
    if until is not None:
        # UNTIL is an instant; the hub's "until" is the day of the last date.
        recurrence = rec.Recurrence(
            frequency=frequency,
            interval=interval,
            weekdays=recurrence.weekdays,
            until=_day(source[-1]),
            count=None,
        )
        rec.validate(recurrence, start=start_day)
    hub = rec.series_starts(
        start=start_day if all_day else source_start.astimezone(ROME),
        all_day=all_day,
        recurrence=recurrence,
    )
    if [_comparable(moment) for moment in hub] != [_comparable(moment) for moment in source]:
        raise _EventProblem(
            _(
                "La ripetizione non si può riprodurre esattamente con l'ora italiana (ad "
                "esempio un orario fisso in UTC o in un altro fuso, che con il cambio dell'ora "
                "si sposterebbe)."
            )
        )
    return recurrence


def _until_moment(value) -> datetime | date:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=ROME)
    return value


def _source_starts(parts, source_start, all_day, until_value) -> list[datetime | date]:
    """The source rule's starts as the source means them (bounded by the hub's limit)."""
    frequency = {
        "DAILY": dateutil_rrule.DAILY,
        "WEEKLY": dateutil_rrule.WEEKLY,
        "MONTHLY": dateutil_rrule.MONTHLY,
    }[str(parts["FREQ"][0]).upper()]
    weekday_objects = dateutil_rrule.weekdays
    wkst = str(parts.get("WKST", ["MO"])[0]).upper()
    byday = [weekday_objects[_WEEKDAYS.index(str(day).upper())] for day in parts.get("BYDAY", [])]
    dtstart = datetime.combine(source_start, time()) if all_day else source_start
    until = None
    if until_value is not None:
        until = _until_moment(until_value)
        if all_day:
            until = datetime.combine(_day(until), time.max)
        elif not isinstance(until, datetime):
            until = datetime.combine(until, time.max, tzinfo=ROME)
    rule = dateutil_rrule.rrule(
        frequency,
        dtstart=dtstart,
        interval=int(parts.get("INTERVAL", [1])[0]),
        wkst=weekday_objects[_WEEKDAYS.index(wkst)] if wkst in _WEEKDAYS else dateutil_rrule.MO,
        count=int(parts["COUNT"][0]) if "COUNT" in parts else None,
        until=until,
        byweekday=byday or None,
        bymonthday=[int(day) for day in parts.get("BYMONTHDAY", [])] or None,
    )
    starts = list(itertools.islice(rule, rec.MAX_OCCURRENCES + 1))
    if all_day:
        return [moment.date() for moment in starts]
    # RFC 5545: DTSTART is always the first instance, even when the rule would skip it.
    if not starts or starts[0] != dtstart:
        starts.insert(0, dtstart)
    return starts


def _comparable(moment: datetime | date):
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return moment


def _exdates(component) -> set[date]:
    values = component.get("EXDATE")
    if values is None:
        return set()
    if not isinstance(values, list):
        values = [values]
    days = set()
    for prop in values:
        for item in prop.dts:
            days.add(_day(_moment(item, "EXDATE")))
    return days


def _changes(override_components, by_day, all_day, excluded) -> list[ImportedChange]:
    changes = {}
    for component in override_components:
        _check_broken(component)
        recurrence_id = component["RECURRENCE-ID"]
        if str(recurrence_id.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            raise _EventProblem(
                _(
                    "Modifiche a «questa e le successive» date (RANGE=THISANDFUTURE) non sono "
                    "supportate."
                )
            )
        original_day = _day(_moment(recurrence_id, "RECURRENCE-ID"))
        natural = by_day.get(original_day)
        if natural is None or original_day in excluded:
            continue  # a date the series doesn't have: nothing to change
        if _text(component.get("STATUS")).upper() == "CANCELLED":
            changes[original_day] = ImportedChange(original_day, True, None, None)
            continue
        if "DTSTART" in component:
            start, end = _bounds(component)
        else:
            start, end = natural.start, natural.end
        if all_day != (not isinstance(start, datetime)):
            raise _EventProblem(
                _("Una data spostata deve essere, come la serie, di un giorno intero o con orario.")
            )
        if all_day:
            if (start, end) == (natural.start, natural.end):
                continue
            new_start, new_end = _rome_midnight(start), _rome_midnight(end)
        else:
            new_start, new_end = start.astimezone(ROME), end.astimezone(ROME)
            if (new_start, new_end) == (natural.start, natural.end):
                continue
        changes[original_day] = ImportedChange(original_day, False, new_start, new_end)
    return [changes[day] for day in sorted(changes)]


def _geo(component) -> tuple[Decimal | None, Decimal | None]:
    prop = component.get("GEO")
    if prop is None or isinstance(prop, list):
        return None, None
    try:
        latitude, longitude = (
            Decimal(str(value)).quantize(Decimal("0.000001"))
            for value in (
                prop.latitude,
                prop.longitude,
            )
        )
    except (AttributeError, ArithmeticError, ValueError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude
