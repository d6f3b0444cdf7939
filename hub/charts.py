"""Charts as geometry for server-rendered SVG (no JavaScript): the Piano Family's dashboard,
the surveys' results.

Each chart is drawn in a 320-unit-wide viewBox scaled to its container, so on a 360 px
phone one unit is about one pixel and the 12–13 unit text stays readable. Labels sit
above the bars, never beside them, so long names of areas and municipalities do not
squeeze the bars. Coordinates are integers: templates write them as they are (a Decimal
or a float would be localised to "12,5" in Italian and break the SVG).

The template gives each chart a title and a description for screen readers and a data
table with the same figures (tables/templates/tables/plan/includes/chart_*.html, and the
surveys' results page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hub.formatting import quantity


@dataclass(frozen=True)
class Bar:
    """One bar of a chart and one row of its data table."""

    label: str
    value: Decimal | None  # a percentage; None: nothing to measure
    note: str = ""


WIDTH = 320
HUNDRED = Decimal(100)


def percent_text(value: Decimal | None) -> str:
    """ "45,5 %" in Italian ("45.5 %" in English); "–" without a value."""
    if value is None:
        return "–"
    return f"{quantity(value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}\u00a0%"


def _scaled(value: Decimal | None, length: int) -> int:
    if value is None:
        return 0
    return int((min(HUNDRED, max(Decimal(0), value)) * length / HUNDRED).to_integral_value())


@dataclass(frozen=True)
class BarRow:
    label: str
    note: str
    value: Decimal | None
    value_text: str
    label_y: int
    bar_y: int
    bar_width: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row each: the label above, the bar on a 0–100 % track."""

    width: int
    height: int
    track_width: int
    bar_height: int
    rows: tuple[BarRow, ...]


def bar_chart(bars: Sequence[Bar]) -> BarChart:
    # The label's line box reaches above its baseline by the font's ascent (about 1.2 em
    # with Titillium): 17 units leave it inside the drawing.
    row_height, bar_height, track_width = 46, 16, WIDTH - 60
    rows = []
    for index, bar in enumerate(bars):
        top = index * row_height
        rows.append(
            BarRow(
                label=bar.label,
                note=bar.note,
                value=bar.value,
                value_text=percent_text(bar.value),
                label_y=top + 17,
                bar_y=top + 23,
                bar_width=_scaled(bar.value, track_width),
                text_x=track_width + 6,
                text_y=top + 23 + bar_height - 3,
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(row_height * len(rows), row_height) + 2,
        track_width=track_width,
        bar_height=bar_height,
        rows=tuple(rows),
    )


@dataclass(frozen=True)
class Column:
    label: str  # the whole label, for the data table
    label_lines: tuple[str, ...]  # at most two lines under the column
    note: str
    value: Decimal | None
    value_text: str
    x: int
    y: int
    width: int
    height: int
    center: int
    text_y: int


@dataclass(frozen=True)
class Gridline:
    y: int
    label: str


@dataclass(frozen=True)
class ColumnChart:
    """Columns over time on a 0–100 % axis: value above each column, label below."""

    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    columns: tuple[Column, ...]
    gridlines: tuple[Gridline, ...]


def column_chart(bars: Sequence[Bar]) -> ColumnChart:
    plot_left, plot_top, plot_height = 34, 18, 140
    plot_bottom = plot_top + plot_height
    slot = (WIDTH - plot_left) // max(len(bars), 1)
    column_width = max(6, min(36, slot * 2 // 3))
    columns = []
    for index, bar in enumerate(bars):
        height = _scaled(bar.value, plot_height)
        center = plot_left + slot * index + slot // 2
        head, _sep, tail = bar.label.rpartition(" ")
        columns.append(
            Column(
                label=bar.label,
                label_lines=(head, tail) if head else (tail,),
                note=bar.note,
                value=bar.value,
                value_text=percent_text(bar.value).replace("\u00a0", ""),
                x=center - column_width // 2,
                y=plot_bottom - height,
                width=column_width,
                height=height,
                center=center,
                text_y=plot_bottom - height - 4,
            )
        )
    gridlines = tuple(
        Gridline(y=plot_bottom - _scaled(Decimal(level), plot_height), label=f"{level}%")
        for level in (0, 50, 100)
    )
    return ColumnChart(
        width=WIDTH,
        height=plot_bottom + 34,
        plot_left=plot_left,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        columns=tuple(columns),
        gridlines=gridlines,
    )


# --- Over time: a count per day, and a cumulative percentage ----------------------------------


@dataclass(frozen=True)
class Day:
    """One day of a timeline and one row of its data table."""

    label: str  # the whole date, for the table and the description
    count: int | None  # None: not shown (a small cell)
    count_text: str
    rate: Decimal | None = None  # the cumulative percentage at the end of the day; None: none
    short_label: str = ""  # under the axis, for the first and the last day


@dataclass(frozen=True)
class TimelineColumn:
    day: Day
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class TimelinePoint:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class TimelineChart:
    """Columns of a count per day on the left axis (0 to the largest count), and, when the
    days have rates, the cumulative percentage as a line on the right axis (0–100 %)."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    count_max: int
    columns: tuple[TimelineColumn, ...]
    points: tuple[TimelinePoint, ...]
    first_label: str
    last_label: str

    @property
    def line(self) -> str:
        """The points as an SVG polyline's `points` attribute."""
        return " ".join(f"{point.x},{point.y}" for point in self.points)


def timeline_chart(days: Sequence[Day]) -> TimelineChart:
    plot_left, plot_right, plot_top, plot_height = 30, WIDTH - 36, 14, 140
    plot_bottom = plot_top + plot_height
    slot = Decimal(plot_right - plot_left) / max(len(days), 1)
    column_width = max(1, min(24, int(slot * 2 / 3)))
    count_max = max((day.count or 0 for day in days), default=0)
    columns, points = [], []
    for index, day in enumerate(days):
        center = plot_left + int(slot * index + slot / 2)
        if day.count:
            height = int((Decimal(day.count) * plot_height / count_max).to_integral_value())
            columns.append(
                TimelineColumn(
                    day=day,
                    x=center - column_width // 2,
                    y=plot_bottom - height,
                    width=column_width,
                    height=height,
                )
            )
        if day.rate is not None:
            points.append(
                TimelinePoint(
                    x=center,
                    y=plot_bottom - _scaled(day.rate, plot_height),
                    text=percent_text(day.rate),
                )
            )
    return TimelineChart(
        width=WIDTH,
        height=plot_bottom + 22,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        count_max=count_max,
        columns=tuple(columns),
        points=tuple(points),
        first_label=(days[0].short_label or days[0].label) if days else "",
        last_label=(days[-1].short_label or days[-1].label) if len(days) > 1 else "",
    )
