"""Recurrence of events: validation and expansion, on plain values only.

Times are wall-clock times in Europe/Rome. The rule runs with `dateutil.rrule` on naive
local datetimes and each occurrence is localized afterwards, so a weekly event at 18:00
stays at 18:00 before and after a daylight-saving change (its UTC offset changes instead).

Times that do not exist or exist twice on the night of a change follow zoneinfo's `fold=0`
and are then normalized to a real instant: a 02:30 that does not exist (last Sunday of
March) becomes 03:30 CEST, the same instant as 02:30 CET; a 02:30 that exists twice (last
Sunday of October) is the first one, 02:30 CEST.

All-day events use `date` values, and their `end` is the last day, inclusive (an event
"dal 3 al 5 ottobre" has end = 5 October); the iCalendar feed turns it into an exclusive
DTEND.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ROME = ZoneInfo("Europe/Rome")

MAX_OCCURRENCES = 500
MAX_SPAN_DAYS = 731
MAX_INTERVAL = 99
# Excluded dates and single-date changes name dates of the series: never more than it has.
MAX_EXCLUSIONS = MAX_OCCURRENCES
MAX_CHANGES = MAX_OCCURRENCES

Frequency = Literal["daily", "weekly", "monthly"]

_RRULE_FREQUENCIES = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY}
_WEEKDAY_NAMES = (
    gettext_lazy("lunedì"),
    gettext_lazy("martedì"),
    gettext_lazy("mercoledì"),
    gettext_lazy("giovedì"),
    gettext_lazy("venerdì"),
    gettext_lazy("sabato"),
    gettext_lazy("domenica"),
)


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # 0 = Monday, as in `date.weekday()`
    until: date | None = None  # last day on which an occurrence may start, inclusive
    count: int | None = None


@dataclass(frozen=True)
class OccurrenceOverride:
    original_start: datetime  # aware; for all-day events only its local date counts
    new_start: datetime | None
    new_end: datetime | None
    cancelled: bool


@dataclass(frozen=True)
class Occurrence:
    original_start: datetime | date
    start: datetime | date
    end: datetime | date
    cancelled: bool
    moved: bool


class RecurrenceError(ValueError):
    """A rule the hub refuses; `message` is in the active language (Italian by default)
    and meant for the person who wrote it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def validate(recurrence: Recurrence, *, start: datetime | date) -> None:
    """Raise RecurrenceError unless the rule gives a bounded series the hub accepts."""
    first_day = _local_date(start)
    interval = recurrence.interval
    if recurrence.frequency not in _RRULE_FREQUENCIES:
        raise RecurrenceError(
            "frequency",
            _(
                "La ripetizione può essere giornaliera, settimanale o mensile: "
                "ripetizioni più frequenti di una al giorno non sono ammesse."
            ),
        )
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int)
        or not 1 <= interval <= MAX_INTERVAL
    ):
        raise RecurrenceError(
            "interval",
            _("L'intervallo deve essere un numero intero tra 1 e %(max)s.") % {"max": MAX_INTERVAL},
        )
    if recurrence.weekdays and recurrence.frequency != "weekly":
        raise RecurrenceError(
            "weekdays_not_weekly",
            _("I giorni della settimana si possono scegliere solo per le ripetizioni settimanali."),
        )
    weekdays = recurrence.weekdays
    if len(set(weekdays)) != len(weekdays) or any(day not in range(7) for day in weekdays):
        raise RecurrenceError(
            "weekdays",
            _("I giorni della settimana vanno da 0 (lunedì) a 6 (domenica), senza ripetizioni."),
        )
    if weekdays and first_day.weekday() not in weekdays:
        # RFC 5545 leaves a series whose first day breaks its own rule undefined, and
        # calendar apps disagree on it: refuse it rather than publish something ambiguous.
        raise RecurrenceError(
            "start_not_in_weekdays",
            _("L'evento inizia di %(weekday)s, che non è tra i giorni scelti per la ripetizione.")
            % {"weekday": _WEEKDAY_NAMES[first_day.weekday()]},
        )
    if recurrence.until is not None and recurrence.count is not None:
        raise RecurrenceError(
            "until_and_count",
            _("Indica una data di fine oppure un numero di ripetizioni, non entrambi."),
        )
    if recurrence.until is None and recurrence.count is None:
        raise RecurrenceError(
            "unbounded",
            _(
                "Una serie senza fine non è ammessa: indica una data di fine "
                "o un numero di ripetizioni."
            ),
        )
    if recurrence.until is not None and recurrence.until < first_day:
        raise RecurrenceError(
            "until_before_start",
            _(
                "La data di fine della ripetizione (%(until)s) "
                "è precedente all'inizio dell'evento (%(start)s)."
            )
            % {"until": f"{recurrence.until:%d/%m/%Y}", "start": f"{first_day:%d/%m/%Y}"},
        )
    if recurrence.count is not None and not 1 <= recurrence.count <= MAX_OCCURRENCES:
        raise RecurrenceError(
            "count",
            _("Il numero di ripetizioni deve essere tra 1 e %(max)s.") % {"max": MAX_OCCURRENCES},
        )
    span_error = RecurrenceError(
        "too_long",
        _("Una serie non può durare più di 2 anni (731 giorni) dall'inizio dell'evento."),
    )
    if recurrence.until is not None and (recurrence.until - first_day).days > MAX_SPAN_DAYS:
        raise span_error
    starts = list(_rule(recurrence, datetime.combine(first_day, time())))
    if (starts[-1].date() - first_day).days > MAX_SPAN_DAYS:
        raise span_error
    if len(starts) > MAX_OCCURRENCES:
        raise RecurrenceError(
            "too_many",
            _(
                "Una serie non può avere più di %(max)s appuntamenti: "
                "questa regola ne produce %(count)s."
            )
            % {"max": MAX_OCCURRENCES, "count": len(starts)},
        )


def validate_date_lists(*, exclusions: int, changes: int) -> None:
    """Raise RecurrenceError when a series has more excluded or changed dates than it can
    have dates (checked on the counts, before any date is compared with the series)."""
    if exclusions > MAX_EXCLUSIONS:
        raise RecurrenceError(
            "too_many_exclusions",
            _(
                "Una serie può avere al massimo %(max)s date escluse "
                "(ne sono state indicate %(count)s)."
            )
            % {"max": MAX_EXCLUSIONS, "count": exclusions},
        )
    if changes > MAX_CHANGES:
        raise RecurrenceError(
            "too_many_changes",
            _(
                "Una serie può avere al massimo %(max)s date modificate "
                "(ne sono state indicate %(count)s)."
            )
            % {"max": MAX_CHANGES, "count": changes},
        )


def series_starts(
    *, start: datetime | date, all_day: bool, recurrence: Recurrence | None
) -> list[datetime | date]:
    """Original starts of the series, before exclusions and overrides, in order."""
    if all_day:
        first_day = _local_date(start)
        if recurrence is None:
            return [first_day]
        validate(recurrence, start=first_day)
        return [moment.date() for moment in _rule(recurrence, datetime.combine(first_day, time()))]
    start = _aware(start, "start")
    if recurrence is None:
        return [start]
    validate(recurrence, start=start)
    wall_clock = start.astimezone(ROME).replace(tzinfo=None)
    return [_localize(moment) for moment in _rule(recurrence, wall_clock)]


def occurrences(
    *,
    start: datetime | date,
    end: datetime | date,
    all_day: bool,
    recurrence: Recurrence | None,
    exdates: Iterable[date | datetime] = (),
    overrides: Iterable[OccurrenceOverride] = (),
) -> list[Occurrence]:
    """Every occurrence of the series, sorted by start; excluded dates are left out,
    cancelled occurrences are kept with `cancelled=True`."""
    if all_day:
        first_day, last_day = _local_date(start), _local_date(end)
        if last_day < first_day:
            raise ValueError("end is before start")
        length: timedelta = last_day - first_day
    else:
        start, end = _aware(start, "start"), _aware(end, "end")
        if end < start:
            raise ValueError("end is before start")
        length = _wall_clock(end) - _wall_clock(start)

    if recurrence is None:
        # A single event is changed or cancelled as a whole, never through an override;
        # the feed publishes it that way too.
        exdates, overrides = (), ()
    excluded = {_match_key(moment, all_day) for moment in exdates}
    changes = {_match_key(override.original_start, all_day): override for override in overrides}
    found = []
    for original in series_starts(start=start, all_day=all_day, recurrence=recurrence):
        key = _match_key(original, all_day)
        if key in excluded or _local_date(original) in excluded:
            continue
        override = changes.get(key, changes.get(_local_date(original)))
        found.append(_apply(original, length, all_day, override))
    return sorted(found, key=lambda occurrence: _instant(occurrence.start))


def expand(
    *,
    start: datetime | date,
    end: datetime | date,
    all_day: bool,
    recurrence: Recurrence | None,
    exdates: Iterable[date | datetime] = (),
    overrides: Iterable[OccurrenceOverride] = (),
    window_start: datetime,
    window_end: datetime,
) -> list[Occurrence]:
    """Occurrences that overlap [window_start, window_end), sorted by start.

    A moved occurrence counts where it was moved to, not where the rule put it.
    """
    window_start, window_end = (
        _aware(window_start, "window_start"),
        _aware(window_end, "window_end"),
    )
    return [
        occurrence
        for occurrence in occurrences(
            start=start,
            end=end,
            all_day=all_day,
            recurrence=recurrence,
            exdates=exdates,
            overrides=overrides,
        )
        if _overlaps(occurrence, window_start, window_end)
    ]


def _rule(recurrence: Recurrence, wall_clock: datetime) -> rrule.rrule:
    until = None
    if recurrence.until is not None:
        until = datetime.combine(recurrence.until, time.max)
    return rrule.rrule(
        _RRULE_FREQUENCIES[recurrence.frequency],
        dtstart=wall_clock,
        interval=recurrence.interval,
        wkst=rrule.MO,
        byweekday=sorted(recurrence.weekdays) or None,
        until=until,
        count=recurrence.count,
    )


def _apply(
    original: datetime | date,
    length: timedelta,
    all_day: bool,
    override: OccurrenceOverride | None,
) -> Occurrence:
    natural_end = original + length if all_day else _localize(_wall_clock(original) + length)
    if override is None:
        return Occurrence(original, original, natural_end, cancelled=False, moved=False)
    if override.cancelled:
        return Occurrence(original, original, natural_end, cancelled=True, moved=False)
    new_start, new_end = override.new_start, override.new_end
    if all_day:
        moved_start = _local_date(new_start) if new_start is not None else original
        moved_end = _local_date(new_end) if new_end is not None else moved_start + length
    else:
        moved_start = _localize(_wall_clock(new_start)) if new_start is not None else original
        if new_end is not None:
            moved_end = _localize(_wall_clock(new_end))
        else:
            moved_end = _localize(_wall_clock(moved_start) + length)
    if _instant(moved_end) < _instant(moved_start):
        raise ValueError("an override ends before it starts")
    return Occurrence(original, moved_start, moved_end, cancelled=False, moved=True)


def _overlaps(occurrence: Occurrence, window_start: datetime, window_end: datetime) -> bool:
    begins = _instant(occurrence.start)
    if isinstance(occurrence.end, datetime):
        ends = _instant(occurrence.end)
    else:
        ends = _instant(occurrence.end + timedelta(days=1))
    if begins == ends:
        return window_start <= begins < window_end
    return begins < window_end and ends > window_start


def _match_key(moment: datetime | date, all_day: bool) -> date | datetime:
    """What identifies an occurrence: its local day for all-day events, its instant otherwise.

    A bare date also matches the occurrence of a timed series on that day (there is at most
    one a day, as no rule is more frequent than daily).
    """
    if all_day or not isinstance(moment, datetime):
        return _local_date(moment)
    return _instant(moment)


def _instant(moment: datetime | date) -> datetime:
    """A UTC instant, to compare and sort without the same-tzinfo wall-clock shortcut."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=ROME)
    return _aware(moment, "moment").astimezone(UTC)


def _local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return _aware(moment, "moment").astimezone(ROME).date()
    return moment


def _wall_clock(moment: datetime) -> datetime:
    return _aware(moment, "moment").astimezone(ROME).replace(tzinfo=None)


def _localize(wall_clock: datetime) -> datetime:
    """Europe/Rome time for a naive wall-clock time, with fold=0, normalized to a real time."""
    return wall_clock.replace(tzinfo=ROME, fold=0).astimezone(UTC).astimezone(ROME)


def _aware(moment: datetime | date, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime for a timed event")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment
