"""tables.plan_report and hub.charts on plain values: grouping, the figures of the
dashboard, a plan at a past date, and the charts' geometry."""

from datetime import date
from decimal import Decimal

import pytest

from hub.charts import bar_chart, column_chart, percent_text
from tables.plan_report import Bar, ObjectiveInput, UpdateInput, build_report, quarter_ends
from tables.progress import Action

D = Decimal
LABELS = {
    "not_started": "non avviato",
    "in_progress": "in corso",
    "achieved": "raggiunto",
    "dropped": "abbandonato",
}
MACRO_AREAS = [("A", "Governance"), ("B", "Misure economiche"), ("C", "Comunicazione")]


def objective(id, macro="A", *, method="indicator", weight=1, municipalities=(), area=None):
    return ObjectiveInput(
        id=id,
        title=f"Obiettivo {id}",
        macro_area_code=macro,
        macro_area_name=dict(MACRO_AREAS)[macro],
        area_id=area[0] if area else None,
        area_name=area[1] if area else "",
        area_order=area[0] if area else 0,
        indicator_name="Incontri",
        indicator_unit="incontri",
        indicator_kind="number",
        baseline=D(0),
        target=D(10),
        method=method,
        weight=weight,
        municipality_ids=tuple(municipalities),
    )


def update(objective_id, on, status, value=None, progress=None, id=0):
    return UpdateInput(objective_id, id or on.toordinal(), on, status, value, progress)


def report(objectives, updates=(), actions=None, **kwargs):
    values = dict(
        objectives=objectives,
        actions=actions or {},
        updates=updates,
        macro_areas=MACRO_AREAS,
        municipalities=[(1, "Bruino"), (2, "Volvera")],
        start_year=2022,
        end_year=2023,
        today=date(2024, 2, 1),
        status_labels=LABELS,
    )
    values.update(kwargs)
    return build_report(**values)


def test_objectives_are_coded_and_grouped_by_macro_area_then_area():
    result = report(
        [
            objective(1, "A", area=(40, "Governance")),
            objective(2, "A"),
            objective(3, "C", area=(20, "Comunicazione")),
        ]
    )
    assert [row.code for row in result.objectives] == ["A.1", "A.2", "C.1"]
    assert [group.code for group in result.groups] == ["A", "C"]
    # Objectives without an area come first in their macro-area.
    assert [area.name for area in result.groups[0].areas] == ["", "Governance"]
    # Every macro-area has its bar, with or without objectives.
    assert [bar.value for bar in result.by_macro_area] == [D(0), None, D(0)]
    assert result.by_macro_area[1].note == "nessun obiettivo"


def test_today_progress_comes_from_the_latest_value_or_the_actions():
    objectives = [objective(1, weight=3), objective(2, method="actions_average")]
    updates = [
        update(1, date(2022, 5, 1), "in_progress", D(2), D(20)),
        update(1, date(2023, 5, 1), "in_progress", D(8), D(80)),
        update(1, date(2023, 9, 1), "in_progress", None, D(80)),
    ]
    actions = {2: [Action("achieved"), Action("not_started")]}
    result = report(objectives, updates, actions)
    first, second = result.objectives
    assert (first.value, first.progress, first.updates_count) == (D(8), D(80), 3)
    assert (second.progress, second.actions_count, second.status) == (D(50), 2, "not_started")
    assert result.progress == D("72.50")  # (80·3 + 50·1) / 4
    assert result.timeline[-1].label == "oggi" and result.timeline[-1].value == result.progress


def test_at_a_past_date_an_objective_stands_where_its_updates_left_it():
    objectives = [objective(1), objective(2)]
    updates = [
        update(1, date(2022, 5, 1), "in_progress", D(2), D(20)),
        update(1, date(2023, 5, 1), "achieved", D(10), D(100)),
        update(2, date(2022, 11, 1), "dropped", None, D(0)),
    ]
    result = report(objectives, updates, as_of=date(2022, 12, 31))
    first, second = result.objectives
    assert (first.status, first.value, first.progress) == ("in_progress", D(2), D(20))
    assert second.status == "dropped"
    assert result.progress == D(20)  # the dropped objective does not count
    assert result.timeline[-1].label == "T4 2022" and result.timeline[-1].value == D(20)
    # A date that is not past is today.
    assert report(objectives, updates, as_of=date(2024, 2, 1)).as_of is None


def test_the_timeline_reads_the_progress_recorded_by_each_quarter():
    updates = [
        update(1, date(2022, 2, 1), "in_progress", D(3), D(30)),
        update(1, date(2022, 8, 1), "in_progress", D(6), D(60)),
    ]
    result = report([objective(1), objective(2)], updates)
    values = {bar.label: bar.value for bar in result.timeline}
    assert values["T1 2022"] == D(15)  # 30 and a 0 for the objective not yet reported
    assert values["T2 2022"] == D(15)
    assert values["T3 2022"] == D(30)
    assert len(result.timeline) == 9  # eight quarters and today


def test_an_objective_without_municipalities_concerns_them_all():
    objectives = [objective(1, municipalities=[2]), objective(2)]
    updates = [update(1, date(2022, 5, 1), "in_progress", D(10), D(100))]
    result = report(objectives, updates)
    bruino, volvera = result.by_municipality
    assert (bruino.label, bruino.value, bruino.note) == ("Bruino", D(0), "1 obiettivo")
    assert (volvera.value, volvera.note) == (D(50), "2 obiettivi")
    assert result.objectives[0].municipality_names == ("Volvera",)


def test_quarters_end_by_today():
    assert quarter_ends(2022, 2023, date(2022, 7, 1)) == [
        (2022, 1, date(2022, 3, 31)),
        (2022, 2, date(2022, 6, 30)),
    ]
    assert quarter_ends(2022, 2023, date(2022, 3, 30)) == []


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "–"), (D("66.666"), "66,7\u00a0%"), (D(100), "100\u00a0%"), (D(0), "0\u00a0%")],
    ids=["none", "rounded", "hundred", "zero"],
)
def test_percent_text(value, text):
    assert percent_text(value) == text


def test_chart_geometry_is_integers_within_the_drawing():
    bars = [Bar("Uno", D("50")), Bar("Due", None, "nessun obiettivo"), Bar("Tre", D("120"))]
    chart = bar_chart(bars)
    assert [row.bar_width for row in chart.rows] == [130, 0, chart.track_width]
    for row in chart.rows:
        for y in (row.label_y, row.bar_y, row.text_y):
            assert isinstance(y, int) and 0 <= y <= chart.height
        for x in (row.bar_width, row.text_x):
            assert isinstance(x, int) and 0 <= x <= chart.width
    assert chart.rows[1].value_text == "–"
    columns = column_chart([Bar("T1 2022", D(25)), Bar("oggi", D(100))])
    first, last = columns.columns
    assert first.label_lines == ("T1", "2022") and last.label_lines == ("oggi",)
    assert last.y == columns.plot_top and first.height * 4 == last.height
    assert all(c.x >= 0 and c.x + c.width <= columns.width for c in columns.columns)
