"""The results page's figures as the templates show them: one bar chart per question (the
Piano Family dashboard's SVG geometry), counts and percentages as text, and the answers
over time (hub.charts.timeline_chart)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.charts import Bar, BarChart, Day, TimelineChart, bar_chart, percent_text, timeline_chart
from hub.formatting import quantity
from surveys.results import QuestionResult, TimelineDay


@dataclass(frozen=True)
class QuestionView:
    result: QuestionResult
    chart: BarChart | None
    rows: tuple[tuple[str, str, str], ...]  # (option, count text, percent text)
    mean_text: str


def _count_text(count: int | None) -> str:
    if count is None:
        return _("meno di 5")
    if count == 0:
        return _("nessuna risposta")
    return ngettext("%(n)s risposta", "%(n)s risposte", count) % {"n": count}


def question_views(results: Sequence[QuestionResult]) -> list[QuestionView]:
    views = []
    for result in results:
        chart, rows = None, ()
        if result.options:
            chart = bar_chart(
                [
                    Bar(label=row.label, value=row.percent, note=_count_text(row.count))
                    for row in result.options
                ]
            )
            rows = tuple(
                (
                    row.label,
                    _count_text(row.count),
                    percent_text(row.percent) if row.count is not None else _("nascosto"),
                )
                for row in result.options
            )
        views.append(
            QuestionView(
                result=result,
                chart=chart,
                rows=rows,
                mean_text=quantity(result.mean) if result.mean is not None else "",
            )
        )
    return views


@dataclass(frozen=True)
class TimelineView:
    chart: TimelineChart
    days: tuple[Day, ...]
    with_rate: bool


def timeline_view(days: Sequence[TimelineDay], *, with_rate: bool) -> TimelineView | None:
    """None when there is nothing to draw: every day hidden (fewer than 5 answers each)."""
    if not any(item.count or item.rate is not None for item in days):
        return None
    rows = tuple(
        Day(
            label=date_format(item.day, "j F Y"),
            count=item.count,
            count_text=_count_text(item.count),
            rate=item.rate,
            short_label=date_format(item.day, "j M"),
        )
        for item in days
    )
    return TimelineView(chart=timeline_chart(rows), days=rows, with_rate=with_rate)
