"""A Piano Family's state as plain values: objectives with their progress, grouped by
macro-area and area, and the figures of the dashboard (by macro-area, area and
municipality, and over time).

tables.plan_selectors loads the rows (a fixed number of queries) and calls `build_report`;
the pages, the charts and the exports (CSV and PDF) read the report and never the
database.

At a past date (`as_of`, the annual report at a review date) an objective stands where its
latest update on or before that date left it: that update's status, indicator value and
the progress recorded with it. Today (`as_of` None) its progress is computed afresh from
the latest indicator value or from its actions (tables.progress).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.charts import Bar
from hub.dates import short_date
from tables import progress
from tables.progress import Action, ObjectiveState, Weighed


@dataclass(frozen=True)
class ObjectiveInput:
    """An objective as loaded from the database."""

    id: int
    title: str
    macro_area_code: str
    macro_area_name: str
    area_id: int | None
    area_name: str
    area_order: int
    indicator_name: str
    indicator_unit: str
    indicator_kind: str
    baseline: Decimal
    target: Decimal
    method: str
    weight: int = 1
    order: int = 0
    due_date: date | None = None
    responsible: str = ""
    municipality_ids: tuple[int, ...] = ()
    description: str = ""
    expected_results: str = ""


@dataclass(frozen=True)
class UpdateInput:
    objective_id: int
    id: int
    date: date
    status: str
    indicator_value: Decimal | None
    progress: Decimal | None


@dataclass(frozen=True)
class ObjectiveRow:
    objective: ObjectiveInput
    code: str  # "A.2": the macro-area's letter and the objective's place in it
    status: str
    status_label: str
    value: Decimal | None  # the latest indicator value (None: none recorded yet)
    progress: Decimal | None
    last_update_on: date | None
    updates_count: int
    actions_count: int
    municipality_names: tuple[str, ...] = ()  # none: every municipality of the plan

    @property
    def id(self) -> int:
        return self.objective.id

    @property
    def title(self) -> str:
        return self.objective.title


@dataclass(frozen=True)
class AreaGroup:
    name: str  # "" for objectives of the macro-area without an area
    progress: Decimal | None
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True)
class MacroAreaGroup:
    code: str
    name: str
    progress: Decimal | None
    areas: tuple[AreaGroup, ...]

    @property
    def objectives_count(self) -> int:
        return sum(len(area.objectives) for area in self.areas)


@dataclass(frozen=True)
class PlanReport:
    as_of: date | None
    progress: Decimal | None
    objectives: tuple[ObjectiveRow, ...]
    groups: tuple[MacroAreaGroup, ...]
    by_macro_area: tuple[Bar, ...]
    by_area: tuple[Bar, ...]
    by_municipality: tuple[Bar, ...]
    timeline: tuple[Bar, ...]
    status_counts: tuple[tuple[str, str, int], ...] = field(default=())  # value, label, count


def _latest(updates: Sequence[UpdateInput], as_of: date | None) -> list[UpdateInput]:
    """The updates on or before `as_of` (all without it), oldest first."""
    return [u for u in updates if as_of is None or u.date <= as_of]


def _weighed(rows: Iterable[ObjectiveRow]) -> Decimal | None:
    return progress.plan_progress(
        Weighed(row.progress, row.objective.weight, row.status) for row in rows
    )


def objective_row(
    objective: ObjectiveInput,
    *,
    code: str,
    updates: Sequence[UpdateInput],
    actions: Sequence[Action],
    as_of: date | None,
    status_labels: Mapping[str, str],
    municipality_names: Mapping[int, str] | None = None,
) -> ObjectiveRow:
    """Where `objective` stands at `as_of` (today when None); `updates` oldest first."""
    known = _latest(updates, as_of)
    latest = known[-1] if known else None
    values = [u.indicator_value for u in known if u.indicator_value is not None]
    value = values[-1] if values else None
    status = latest.status if latest else progress.NOT_STARTED
    if as_of is None:
        measured = progress.objective_progress(
            ObjectiveState(
                method=objective.method,
                baseline=objective.baseline,
                target=objective.target,
                value=value,
                actions=tuple(actions),
            )
        )
    else:
        recorded = latest.progress if latest else None
        measured = progress.rounded(recorded if recorded is not None else progress.ZERO)
    return ObjectiveRow(
        objective=objective,
        code=code,
        status=status,
        status_label=str(status_labels.get(status, status)),
        value=value,
        progress=measured,
        last_update_on=latest.date if latest else None,
        updates_count=len(known),
        actions_count=len(actions),
        municipality_names=tuple(
            sorted((municipality_names or {}).get(pk, "") for pk in objective.municipality_ids)
        ),
    )


def quarter_ends(start_year: int, end_year: int, today: date) -> list[tuple[int, int, date]]:
    """(year, quarter, last day) of every quarter of the period that has ended by `today`."""
    ends = []
    for year in range(start_year, end_year + 1):
        for quarter, (month, day) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), start=1):
            end = date(year, month, day)
            if end <= today:
                ends.append((year, quarter, end))
    return ends


def historic_progress(
    objectives: Sequence[ObjectiveInput],
    updates_by_objective: Mapping[int, Sequence[UpdateInput]],
    when: date,
) -> Decimal | None:
    """The plan's progress at `when`, from the progress recorded by each objective's latest
    update by then (an objective without one had not moved: 0 %)."""
    items = []
    for objective in objectives:
        known = _latest(updates_by_objective.get(objective.id, ()), when)
        latest = known[-1] if known else None
        items.append(
            Weighed(
                progress=latest.progress
                if latest and latest.progress is not None
                else progress.ZERO,
                weight=objective.weight,
                status=latest.status if latest else progress.NOT_STARTED,
            )
        )
    return progress.plan_progress(items)


def build_report(
    *,
    objectives: Sequence[ObjectiveInput],
    actions: Mapping[int, Sequence[Action]],
    updates: Iterable[UpdateInput],
    macro_areas: Sequence[tuple[str, str]],
    municipalities: Sequence[tuple[int, str]],
    start_year: int,
    end_year: int,
    today: date,
    as_of: date | None = None,
    status_labels: Mapping[str, str],
) -> PlanReport:
    """The report of a plan. `objectives` in the plan's order (macro-area, then order);
    `macro_areas` all of the taxonomy's (code, name); `municipalities` the plan's."""
    if as_of is not None and as_of >= today:
        as_of = None
    updates_by_objective: dict[int, list[UpdateInput]] = defaultdict(list)
    for update in sorted(updates, key=lambda u: (u.date, u.id)):
        updates_by_objective[update.objective_id].append(update)

    rows: list[ObjectiveRow] = []
    position: dict[str, int] = defaultdict(int)
    for objective in objectives:
        position[objective.macro_area_code] += 1
        rows.append(
            objective_row(
                objective,
                code=f"{objective.macro_area_code}.{position[objective.macro_area_code]}",
                updates=updates_by_objective.get(objective.id, ()),
                actions=actions.get(objective.id, ()),
                as_of=as_of,
                status_labels=status_labels,
                municipality_names=dict(municipalities),
            )
        )

    groups = _groups(rows, macro_areas)
    macro_names = dict(macro_areas)
    by_macro_area = tuple(
        Bar(
            label=f"{code}. {macro_names[code]}",
            value=next((g.progress for g in groups if g.code == code), None),
            note=_objectives_note(next((g.objectives_count for g in groups if g.code == code), 0)),
        )
        for code, _name in macro_areas
    )
    by_area = tuple(
        Bar(label=area.name, value=area.progress, note=_objectives_note(len(area.objectives)))
        for area in _areas_in_order(rows)
    )
    by_municipality = tuple(
        _municipality_bar(municipality_id, name, rows) for municipality_id, name in municipalities
    )

    timeline = tuple(
        Bar(
            label=_("T%(quarter)s %(year)s") % {"quarter": quarter, "year": year},
            value=historic_progress(objectives, updates_by_objective, end),
            note=_("al %(date)s") % {"date": short_date(end)},
        )
        for year, quarter, end in quarter_ends(start_year, end_year, as_of or today)
    )
    overall = _weighed(rows)
    if as_of is None:
        timeline += (Bar(label=_("oggi"), value=overall, note=short_date(today)),)

    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return PlanReport(
        as_of=as_of,
        progress=overall,
        objectives=tuple(rows),
        groups=groups,
        by_macro_area=by_macro_area,
        by_area=by_area,
        by_municipality=by_municipality,
        timeline=timeline,
        status_counts=tuple(
            (value, str(label), counts.get(value, 0)) for value, label in status_labels.items()
        ),
    )


def _objectives_note(count: int) -> str:
    if not count:
        return _("nessun obiettivo")
    return ngettext("%(count)s obiettivo", "%(count)s obiettivi", count) % {"count": count}


def _groups(
    rows: Sequence[ObjectiveRow], macro_areas: Sequence[tuple[str, str]]
) -> tuple[MacroAreaGroup, ...]:
    groups = []
    for code, name in macro_areas:
        in_macro = [row for row in rows if row.objective.macro_area_code == code]
        if not in_macro:
            continue
        by_area: dict[tuple, list[ObjectiveRow]] = defaultdict(list)
        for row in in_macro:
            # Objectives without an area come first, then the areas in the taxonomy's order.
            key = (
                (0, 0, "")
                if row.objective.area_id is None
                else (1, row.objective.area_order, row.objective.area_name)
            )
            by_area[key].append(row)
        areas = tuple(
            AreaGroup(name=key[2], progress=_weighed(items), objectives=tuple(items))
            for key, items in sorted(by_area.items())
        )
        groups.append(
            MacroAreaGroup(code=code, name=name, progress=_weighed(in_macro), areas=areas)
        )
    return tuple(groups)


def _areas_in_order(rows: Sequence[ObjectiveRow]) -> list[AreaGroup]:
    by_area: dict[tuple[int, str], list[ObjectiveRow]] = defaultdict(list)
    for row in rows:
        if row.objective.area_id is not None:
            by_area[(row.objective.area_order, row.objective.area_name)].append(row)
    return [
        AreaGroup(name=name, progress=_weighed(items), objectives=tuple(items))
        for (_order, name), items in sorted(by_area.items())
    ]


def _municipality_bar(municipality_id: int, name: str, rows: Sequence[ObjectiveRow]) -> Bar:
    """An objective without municipalities concerns every municipality of the plan."""
    concerned = [
        row
        for row in rows
        if not row.objective.municipality_ids or municipality_id in row.objective.municipality_ids
    ]
    return Bar(label=name, value=_weighed(concerned), note=_objectives_note(len(concerned)))
