"""Reads of the Piano Family: plans a person may see, and a plan's report.

A plan's report (tables.plan_report) is built from five queries whatever the number of
objectives, actions and updates: the objectives with their macro-area, area and
responsible association; their municipalities; their actions' statuses and weights; their
updates; and the taxonomy's macro-areas (plus the plan's municipalities).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, InitiativePage
from hub.models import Area, MacroArea, Municipality, Network
from hub.page_urls import PageUrls
from tables import links, plan_rules, rules
from tables.models import Objective, ObjectiveAction, PianoFamily, ProgressUpdate, Status
from tables.plan_report import (
    ObjectiveInput,
    ObjectiveRow,
    PlanReport,
    UpdateInput,
    build_report,
    objective_row,
)
from tables.progress import Action, ObjectiveState


def today() -> date:
    return timezone.localdate()


def _plans():
    return PianoFamily.objects.select_related("network", "municipality")


def visible_plans(user) -> list[PianoFamily]:
    """Published plans, and drafts too for those who may edit them; newest period first."""
    plans = _plans()
    if not plan_rules.can_edit_plans(user):
        plans = plans.filter(status=PianoFamily.PlanStatus.PUBLISHED)
    return list(plans)


def plan_for(user, slug: str) -> PianoFamily | None:
    """The plan `slug` if `user` may see it (a draft is as good as absent otherwise)."""
    plan = _plans().filter(slug=slug).first()
    if plan is None or not plan_rules.can_view_plan(user, plan):
        return None
    return plan


def objective_for(plan: PianoFamily, objective_id: int) -> Objective | None:
    return (
        Objective.objects.select_related("macro_area", "area", "responsible_association")
        .filter(plan=plan, pk=objective_id)
        .first()
    )


def action_for(objective: Objective, action_id: int) -> ObjectiveAction | None:
    return ObjectiveAction.objects.filter(objective=objective, pk=action_id).first()


def plan_municipalities(plan: PianoFamily) -> list[Municipality]:
    if plan.network_id:
        return list(plan.network.municipalities.order_by("name"))
    return [plan.municipality]


def status_labels() -> dict[str, str]:
    return dict(Status.choices)


# --- Rows -------------------------------------------------------------------------------------

_OBJECTIVE_FIELDS = (
    "id",
    "title",
    "description",
    "expected_results",
    "macro_area__code",
    "macro_area__name",
    "area_id",
    "area__name",
    "area__sort_order",
    "indicator_name",
    "indicator_unit",
    "indicator_kind",
    "baseline",
    "target",
    "progress_method",
    "weight",
    "order",
    "due_date",
    "responsible",
    "responsible_association__name",
)


def _responsible(text: str, association: str | None) -> str:
    return " · ".join(part for part in (text, association or "") if part)


def _objective_inputs(objectives, municipality_ids: dict[int, list[int]]) -> list[ObjectiveInput]:
    return [
        ObjectiveInput(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            expected_results=row["expected_results"],
            macro_area_code=row["macro_area__code"],
            macro_area_name=row["macro_area__name"],
            area_id=row["area_id"],
            area_name=row["area__name"] or "",
            area_order=row["area__sort_order"] or 0,
            indicator_name=row["indicator_name"],
            indicator_unit=row["indicator_unit"],
            indicator_kind=row["indicator_kind"],
            baseline=row["baseline"],
            target=row["target"],
            method=row["progress_method"],
            weight=row["weight"],
            order=row["order"],
            due_date=row["due_date"],
            responsible=_responsible(row["responsible"], row["responsible_association__name"]),
            municipality_ids=tuple(municipality_ids.get(row["id"], ())),
        )
        for row in objectives.values(*_OBJECTIVE_FIELDS)
    ]


def _municipality_ids(objectives) -> dict[int, list[int]]:
    links = Objective.municipalities.through.objects.filter(objective__in=objectives)
    found: dict[int, list[int]] = defaultdict(list)
    for objective_id, municipality_id in links.values_list("objective_id", "municipality_id"):
        found[objective_id].append(municipality_id)
    return found


def _actions(objectives) -> dict[int, list[Action]]:
    found: dict[int, list[Action]] = defaultdict(list)
    rows = ObjectiveAction.objects.filter(objective__in=objectives).order_by("order", "pk")
    for objective_id, status, weight in rows.values_list("objective_id", "status", "weight"):
        found[objective_id].append(Action(status=status, weight=weight))
    return found


def _updates(objectives) -> list[UpdateInput]:
    rows = ProgressUpdate.objects.filter(objective__in=objectives).values_list(
        "objective_id", "id", "date", "status", "indicator_value", "progress"
    )
    return [UpdateInput(*row) for row in rows]


def plan_report(
    plan: PianoFamily, *, as_of: date | None = None, on: date | None = None
) -> PlanReport:
    """The plan's objectives, progress and dashboard figures, today (`on`, by default the
    current date in Rome) or at the past date `as_of`."""
    objectives = Objective.objects.filter(plan=plan)
    municipalities = plan_municipalities(plan)
    return build_report(
        objectives=_objective_inputs(objectives, _municipality_ids(objectives)),
        actions=_actions(objectives),
        updates=_updates(objectives),
        macro_areas=list(MacroArea.objects.values_list("code", "name")),
        municipalities=[(m.pk, m.name) for m in municipalities],
        start_year=plan.start_year,
        end_year=plan.end_year,
        today=on or today(),
        as_of=as_of,
        status_labels=status_labels(),
    )


# --- One objective ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionView:
    action: ObjectiveAction
    initiative_url: str | None  # None: no initiative, or not published
    # The linked proposal only when the person may see it (a private table's proposal is
    # shown to non-members as a proposal of a private table, without title or link).
    proposal: object | None = None
    hidden_proposal: bool = False

    @property
    def proposal_url(self) -> str | None:
        return links.proposal_path(self.proposal) if self.proposal is not None else None

    @property
    def title(self) -> str:
        return _("Proposta di un tavolo riservato") if self.hidden_proposal else self.action.title


def _proposal_shown(action: ObjectiveAction, user) -> tuple[object | None, bool]:
    """(the proposal to show, whether a linked proposal is hidden from this person)."""
    if action.proposal_id is None:
        return None, False
    proposal = action.proposal
    if proposal is None:
        return None, False
    if rules.can_view_proposal(user, proposal):
        return proposal, False
    return None, True


def visible_actions(objective: Objective, user) -> list[dict]:
    """An objective's actions as the API shows them to `user`."""
    actions = objective.actions.prefetch_related("proposal__table", "proposal__authorships")
    rows = []
    for action in actions.order_by("order", "pk"):
        proposal, hidden = _proposal_shown(action, user)
        rows.append(
            {
                "title": _("Proposta di un tavolo riservato") if hidden else action.title,
                "status": action.status,
                "weight": action.weight,
                "proposal": proposal.pk if proposal is not None else None,
            }
        )
    return rows


@dataclass(frozen=True)
class ObjectiveDetail:
    row: ObjectiveRow
    objective: Objective
    municipalities: list[Municipality]
    actions: list[ActionView]
    updates: list[ProgressUpdate]  # newest first


def objective_detail(
    objective: Objective, *, urls: PageUrls, on: date | None = None, user=None
) -> ObjectiveDetail:
    """An objective with its actions (and their initiatives and proposals) and its updates
    (with their authors), in a fixed number of queries."""
    same = Objective.objects.filter(pk=objective.pk)
    municipalities = list(objective.municipalities.order_by("name"))
    actions = list(
        objective.actions.select_related("initiative")
        .prefetch_related("proposal__table", "proposal__authorships")
        .all()
    )
    updates = list(objective.updates.select_related("author").order_by("-date", "-pk"))
    [inputs] = _objective_inputs(same, {objective.pk: [m.pk for m in municipalities]})
    siblings = Objective.objects.filter(
        plan_id=objective.plan_id, macro_area_id=objective.macro_area_id
    ).values_list("pk", flat=True)
    position = list(siblings).index(objective.pk) + 1
    row = objective_row(
        inputs,
        code=f"{objective.macro_area.code}.{position}",
        updates=[
            UpdateInput(u.objective_id, u.pk, u.date, u.status, u.indicator_value, u.progress)
            for u in reversed(updates)
        ],
        actions=[Action(status=a.status, weight=a.weight) for a in actions],
        as_of=None,
        status_labels=status_labels(),
        municipality_names={m.pk: m.name for m in municipalities},
    )
    return ObjectiveDetail(
        row=row,
        objective=objective,
        municipalities=municipalities,
        actions=[
            ActionView(
                action=action,
                initiative_url=urls.relative(action.initiative.url_path)
                if action.initiative is not None and action.initiative.live
                else None,
                proposal=shown[0],
                hidden_proposal=shown[1],
            )
            for action in actions
            for shown in [_proposal_shown(action, user)]
        ],
        updates=updates,
    )


def objective_state_on(objective: Objective, when: date):
    """What the objective's progress depends on at `when`: the latest indicator value
    recorded on or before it, and the actions as they are now."""
    value = (
        objective.updates.filter(date__lte=when, indicator_value__isnull=False)
        .order_by("-date", "-pk")
        .values_list("indicator_value", flat=True)
        .first()
    )
    actions = tuple(
        Action(status=status, weight=weight)
        for status, weight in objective.actions.values_list("status", "weight")
    )
    return ObjectiveState(
        method=objective.progress_method,
        baseline=objective.baseline,
        target=objective.target,
        value=value,
        actions=actions,
    )


def latest_status(objective: Objective) -> str:
    status = objective.updates.order_by("-date", "-pk").values_list("status", flat=True).first()
    return status or Status.NOT_STARTED


def update_for(objective: Objective, update_id: int) -> ProgressUpdate | None:
    return ProgressUpdate.objects.filter(objective=objective, pk=update_id).first()


# --- Choices of the staff's forms -------------------------------------------------------------


@dataclass(frozen=True)
class PlanFormOptions:
    networks: list[Network]
    municipalities: list[Municipality]


def plan_form_options() -> PlanFormOptions:
    return PlanFormOptions(
        networks=list(Network.objects.order_by("name")),
        municipalities=list(Municipality.objects.order_by("name")),
    )


@dataclass(frozen=True)
class ObjectiveFormOptions:
    macro_areas: list[MacroArea]
    areas: list[Area]
    associations: list[Association]
    municipalities: list[Municipality]

    @staticmethod
    def selected_municipalities(objective: Objective) -> list[int]:
        return list(objective.municipalities.values_list("pk", flat=True))


def objective_form_options(plan: PianoFamily) -> ObjectiveFormOptions:
    municipalities = plan_municipalities(plan)
    associations = Association.objects.order_by("name")
    if plan.network_id:
        associations = associations.filter(network_id=plan.network_id)
    else:
        associations = associations.filter(municipalities=plan.municipality_id)
    return ObjectiveFormOptions(
        macro_areas=list(MacroArea.objects.all()),
        areas=list(Area.objects.select_related("macro_area")),
        associations=list(associations.distinct()),
        municipalities=municipalities,
    )


def initiative_options(plan: PianoFamily) -> list[InitiativePage]:
    """Published initiatives active in the plan's municipalities, by title."""
    ids = [m.pk for m in plan_municipalities(plan)]
    return list(
        InitiativePage.objects.live()
        .filter(municipalities__in=ids)
        .distinct()
        .order_by("title")
        .only("id", "title", "live")
    )


def linkable_objectives(user, proposal) -> list[Objective]:
    """The objectives this person may link the proposal to: those of the plans of the
    proposal's network (or its table's municipality) that they edit (two queries)."""
    table = proposal.table
    plans = PianoFamily.objects.filter(network_id=table.network_id)
    if table.municipality_id:
        plans = plans | PianoFamily.objects.filter(municipality_id=table.municipality_id)
    editable = [p.pk for p in plans if plan_rules.can_edit_plan(user, p)]
    if not editable:
        return []
    return list(
        Objective.objects.filter(plan_id__in=editable)
        .select_related("plan", "macro_area")
        .order_by("plan__title", "macro_area__code", "order", "pk")
    )
