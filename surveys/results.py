"""The results of a questionnaire as plain values: counts and percentages per question,
with small cells suppressed so that nobody can be recognised in a breakdown.

A cell (one option of one question) with fewer than MIN_CELL answers is not shown; when a
question of single choice would then hide exactly one cell, the next smallest is hidden too,
since the total minus the shown cells would give the hidden one away. A question answered by
fewer than MIN_CELL people is not shown at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from surveys.answering import QuestionSpec

MIN_CELL = 5
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class OptionRow:
    label: str
    count: int | None  # None: suppressed
    percent: Decimal | None


@dataclass(frozen=True)
class QuestionResult:
    question: QuestionSpec
    respondents: int
    suppressed: bool  # fewer than MIN_CELL people answered: nothing is shown
    options: tuple[OptionRow, ...] = ()
    mean: Decimal | None = None
    texts: tuple[str, ...] = field(default=())


def _percent(count: int, total: int) -> Decimal:
    return (Decimal(count) * HUNDRED / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _options(question: QuestionSpec) -> tuple[str, ...]:
    if question.kind == "scale":
        return ("1", "2", "3", "4", "5")
    return question.choices


def question_results(
    questions: Sequence[QuestionSpec],
    *,
    choice_counts: Mapping[tuple[int, str], int],
    respondents: Mapping[int, int],
    number_sums: Mapping[int, Decimal],
    texts: Mapping[int, Sequence[str]],
) -> list[QuestionResult]:
    results = []
    for question in questions:
        answered = respondents.get(question.id, 0)
        if answered < MIN_CELL:
            results.append(QuestionResult(question, answered, suppressed=True))
            continue
        if question.kind in ("single", "multiple", "scale"):
            counts = {
                label: choice_counts.get((question.id, label), 0) for label in _options(question)
            }
            hidden = {label for label, count in counts.items() if count < MIN_CELL}
            if question.kind != "multiple" and len(hidden) == 1:
                shown = sorted((c, label) for label, c in counts.items() if label not in hidden)
                if shown:
                    hidden.add(shown[0][1])
            rows = tuple(
                OptionRow(label, None, None)
                if label in hidden
                else OptionRow(label, count, _percent(count, answered))
                for label, count in counts.items()
            )
            results.append(QuestionResult(question, answered, False, options=rows))
        elif question.kind == "number":
            total = number_sums.get(question.id, Decimal(0))
            mean = (total / answered).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            results.append(QuestionResult(question, answered, False, mean=mean))
        else:
            results.append(
                QuestionResult(question, answered, False, texts=tuple(texts.get(question.id, ())))
            )
    return results


# --- The response rate over time ----------------------------------------------------------

MAX_DAYS = 366  # the timeline's last days, for a questionnaire open longer than a year


@dataclass(frozen=True)
class TimelineDay:
    day: date
    count: int | None  # None: from 1 to MIN_CELL - 1 answers, not shown
    rate: Decimal | None  # cumulative answered invitations / invitations, in %; None: none


def response_timeline(
    per_day: Sequence[tuple[date, int]], *, invited: int | None
) -> list[TimelineDay]:
    """Every day from the first answer to the last (days without answers included), with
    its answers, small cells hidden as on the rest of the page; for an invited
    questionnaire (`invited` invitations) also the cumulative response rate.

    The rate is given only on days at least MIN_CELL answers after the previous rate shown:
    two consecutive rates never tell a small number of answers apart."""
    if not per_day:
        return []
    counts = dict(per_day)
    first, last = min(counts), max(counts)
    days: list[TimelineDay] = []
    cumulative = at_last_point = 0
    day = first
    while day <= last:
        count = counts.get(day, 0)
        cumulative += count
        rate = None
        if invited and cumulative - at_last_point >= MIN_CELL:
            rate = _percent(cumulative, invited)
            at_last_point = cumulative
        days.append(TimelineDay(day, None if 0 < count < MIN_CELL else count, rate))
        day += timedelta(days=1)
    return days[-MAX_DAYS:]
