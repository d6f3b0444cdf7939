from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.recurrence import (
    ROME,
    OccurrenceOverride,
    Recurrence,
    RecurrenceError,
    expand,
    validate,
)

TUESDAY_18 = datetime(2026, 10, 6, 18, 0, tzinfo=ROME)
EVERYTHING = {
    "window_start": datetime(2000, 1, 1, tzinfo=UTC),
    "window_end": datetime(2100, 1, 1, tzinfo=UTC),
}


def weekly_tuesdays(**changes):
    return Recurrence(frequency="weekly", weekdays=(1,), **changes)


def expand_tuesdays(recurrence, **options):
    options = {**EVERYTHING, **options}
    return expand(
        start=TUESDAY_18,
        end=TUESDAY_18 + timedelta(hours=2),
        all_day=False,
        recurrence=recurrence,
        **options,
    )


@pytest.mark.parametrize(
    ("recurrence", "code", "words"),
    [
        (Recurrence("hourly", count=3), "frequency", "più frequenti di una al giorno"),
        (Recurrence("daily", interval=0, count=3), "interval", "tra 1 e 99"),
        (Recurrence("daily", interval=100, count=3), "interval", "tra 1 e 99"),
        (Recurrence("daily", weekdays=(1,), count=3), "weekdays_not_weekly", "settimanali"),
        (Recurrence("weekly", weekdays=(1, 1), count=3), "weekdays", "senza ripetizioni"),
        (Recurrence("weekly", weekdays=(1, 7), count=3), "weekdays", "da 0 (lunedì)"),
        (Recurrence("weekly", weekdays=(2,), count=3), "start_not_in_weekdays", "martedì"),
        (
            Recurrence("daily", until=date(2026, 10, 9), count=3),
            "until_and_count",
            "non entrambi",
        ),
        (Recurrence("weekly"), "unbounded", "senza fine non è ammessa"),
        (Recurrence("daily", until=date(2026, 10, 5)), "until_before_start", "05/10/2026"),
        (Recurrence("daily", count=0), "count", "tra 1 e 500"),
        (Recurrence("daily", count=501), "count", "tra 1 e 500"),
        (Recurrence("monthly", until=date(2028, 10, 7)), "too_long", "2 anni"),
        (Recurrence("monthly", interval=12, count=4), "too_long", "2 anni"),
        (Recurrence("daily", until=date(2028, 3, 1)), "too_many", "ne produce 513"),
    ],
)
def test_validate_refuses_with_an_italian_message(recurrence, code, words):
    with pytest.raises(RecurrenceError) as refusal:
        validate(recurrence, start=TUESDAY_18)
    assert refusal.value.code == code
    assert words in refusal.value.message
    assert str(refusal.value) == refusal.value.message


def test_validate_accepts_the_limits():
    validate(Recurrence("daily", count=500), start=TUESDAY_18)
    validate(Recurrence("monthly", until=TUESDAY_18.date() + timedelta(days=731)), start=TUESDAY_18)
    validate(Recurrence("weekly", until=date(2026, 10, 6)), start=date(2026, 10, 6))


def test_weekly_series_keeps_local_time_across_the_october_change():
    occurrences = expand_tuesdays(weekly_tuesdays(until=date(2026, 11, 3)))

    assert [o.start.date() for o in occurrences] == [
        date(2026, 10, 6),
        date(2026, 10, 13),
        date(2026, 10, 20),
        date(2026, 10, 27),
        date(2026, 11, 3),
    ]
    assert {o.start.astimezone(ROME).time() for o in occurrences} == {time(18)}
    assert {o.end.astimezone(ROME).time() for o in occurrences} == {time(20)}
    assert occurrences[2].start.utcoffset() == timedelta(hours=2)
    assert occurrences[3].start.utcoffset() == timedelta(hours=1)
    assert occurrences[3].start.astimezone(UTC).time() == time(17)


def test_weekly_series_keeps_local_time_across_the_march_change():
    start = datetime(2027, 3, 16, 18, 0, tzinfo=ROME)
    occurrences = expand(
        start=start,
        end=start + timedelta(hours=2),
        all_day=False,
        recurrence=weekly_tuesdays(count=4),
        **EVERYTHING,
    )

    assert [o.start.utcoffset() for o in occurrences] == [timedelta(hours=h) for h in (1, 1, 2, 2)]
    assert {o.start.time() for o in occurrences} == {time(18)}
    assert occurrences[2].start == datetime(2027, 3, 30, 16, 0, tzinfo=UTC)


def test_nonexistent_local_time_moves_to_the_real_instant():
    start = datetime(2027, 3, 27, 2, 30, tzinfo=ROME)
    occurrences = expand(
        start=start,
        end=start + timedelta(hours=1),
        all_day=False,
        recurrence=Recurrence("daily", count=3),
        **EVERYTHING,
    )

    assert [o.start.time() for o in occurrences] == [time(2, 30), time(3, 30), time(2, 30)]
    assert occurrences[1].start == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_ambiguous_local_time_is_the_first_one():
    start = datetime(2026, 10, 24, 2, 30, tzinfo=ROME)
    occurrences = expand(
        start=start,
        end=start + timedelta(minutes=15),
        all_day=False,
        recurrence=Recurrence("daily", count=2),
        **EVERYTHING,
    )

    # PEP 495: an ambiguous time never equals a time in another zone, so compare in UTC.
    assert occurrences[1].start.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert occurrences[1].start.utcoffset() == timedelta(hours=2)


def test_exdates_remove_occurrences_by_date_or_by_start():
    occurrences = expand_tuesdays(
        weekly_tuesdays(count=4),
        exdates=(date(2026, 10, 13), datetime(2026, 10, 20, 16, 0, tzinfo=UTC)),
    )

    assert [o.start.date() for o in occurrences] == [date(2026, 10, 6), date(2026, 10, 27)]


def test_overrides_move_and_cancel_single_occurrences():
    moved_to = datetime(2026, 10, 28, 17, 0, tzinfo=ROME)
    occurrences = expand_tuesdays(
        weekly_tuesdays(count=4),
        overrides=(
            OccurrenceOverride(datetime(2026, 10, 20, 18, 0, tzinfo=ROME), moved_to, None, False),
            OccurrenceOverride(datetime(2026, 10, 13, 18, 0, tzinfo=ROME), None, None, True),
        ),
    )

    assert [(o.start, o.cancelled, o.moved) for o in occurrences] == [
        (TUESDAY_18, False, False),
        (datetime(2026, 10, 13, 18, 0, tzinfo=ROME), True, False),
        (datetime(2026, 10, 27, 18, 0, tzinfo=ROME), False, False),
        (moved_to, False, True),
    ]
    moved = occurrences[3]
    assert moved.original_start == datetime(2026, 10, 20, 18, 0, tzinfo=ROME)
    assert moved.end == datetime(2026, 10, 28, 19, 0, tzinfo=ROME)


def test_window_keeps_overlapping_occurrences_only():
    occurrences = expand_tuesdays(
        weekly_tuesdays(count=5),
        window_start=datetime(2026, 10, 13, 19, 0, tzinfo=ROME),
        window_end=datetime(2026, 10, 27, 18, 0, tzinfo=ROME),
    )

    assert [o.start.date() for o in occurrences] == [date(2026, 10, 13), date(2026, 10, 20)]


def test_a_moved_occurrence_counts_where_it_was_moved_to():
    occurrences = expand_tuesdays(
        weekly_tuesdays(count=2),
        overrides=(
            OccurrenceOverride(
                TUESDAY_18, datetime(2026, 12, 1, 18, 0, tzinfo=ROME), None, cancelled=False
            ),
        ),
        window_start=datetime(2026, 11, 30, tzinfo=ROME),
        window_end=datetime(2026, 12, 2, tzinfo=ROME),
    )

    assert [o.original_start for o in occurrences] == [TUESDAY_18]


def test_all_day_series_uses_dates_with_an_inclusive_end():
    occurrences = expand(
        start=date(2026, 12, 5),
        end=date(2026, 12, 7),
        all_day=True,
        recurrence=Recurrence("monthly", count=3),
        exdates=(date(2027, 1, 5),),
        window_start=datetime(2026, 12, 7, 23, 0, tzinfo=ROME),
        window_end=datetime(2027, 3, 1, tzinfo=ROME),
    )

    assert [(o.start, o.end) for o in occurrences] == [
        (date(2026, 12, 5), date(2026, 12, 7)),
        (date(2027, 2, 5), date(2027, 2, 7)),
    ]


def test_an_event_without_recurrence_is_a_single_occurrence():
    occurrences = expand_tuesdays(None)

    assert [(o.start, o.end) for o in occurrences] == [
        (TUESDAY_18, TUESDAY_18 + timedelta(hours=2))
    ]


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        expand(
            start=datetime(2026, 10, 6, 18, 0),
            end=datetime(2026, 10, 6, 20, 0),
            all_day=False,
            recurrence=None,
            **EVERYTHING,
        )


rules = st.builds(
    Recurrence,
    frequency=st.sampled_from(["daily", "weekly", "monthly"]),
    interval=st.integers(1, 10),
    until=st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2029, 12, 31))),
    count=st.one_of(st.none(), st.integers(1, 600)),
)
starts = st.builds(
    lambda day, minutes: datetime.combine(day, time(), tzinfo=ROME) + timedelta(minutes=minutes),
    st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    st.integers(0, 24 * 60 - 1),
)


def valid_or_none(recurrence, start):
    try:
        validate(recurrence, start=start)
    except RecurrenceError:
        return None
    return recurrence


@given(rules, starts, st.integers(0, 300))
def test_expanded_series_respect_the_rule(recurrence, start, minutes):
    if valid_or_none(recurrence, start) is None:
        return
    occurrences = expand_everything(start, start + timedelta(minutes=minutes), recurrence)

    instants = [o.start.astimezone(UTC) for o in occurrences]
    assert instants == sorted(instants)
    assert 1 <= len(occurrences) <= 500
    if recurrence.count is not None:
        assert len(occurrences) == recurrence.count
    last_day = recurrence.until or start.date() + timedelta(days=731)
    assert all(start.date() <= o.start.date() <= last_day for o in occurrences)
    assert occurrences[0].start == start


@given(
    st.sampled_from(["daily", "weekly"]),
    st.integers(1, 5),
    st.integers(1, 120),
    starts.filter(lambda moment: not time(0, 59) <= moment.time() <= time(3, 1)),
)
def test_timed_series_keep_their_time_of_day(frequency, interval, count, start):
    recurrence = valid_or_none(Recurrence(frequency, interval=interval, count=count), start)
    if recurrence is None:
        return
    occurrences = expand_everything(start, start + timedelta(hours=1), recurrence)

    assert {o.start.time() for o in occurrences} == {start.time()}
    assert {o.end - o.start for o in occurrences} == {timedelta(hours=1)}


def test_refusing_an_invalid_rule_is_a_value_error():
    with pytest.raises(ValueError):
        expand_tuesdays(Recurrence("weekly"))


def expand_everything(start, end, recurrence):
    return expand(start=start, end=end, all_day=False, recurrence=recurrence, **EVERYTHING)
