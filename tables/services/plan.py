"""Writes of the Piano Family: plans, objectives, their actions and progress updates.

The public site's staff forms (and any later API or admin screen) call these. Each checks
who acts (tables.plan_rules), validates everything before writing and raises
ValidationError field by field, with Italian messages; each runs in one transaction, so a
refusal leaves nothing half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hub.models import Area, MacroArea, Municipality, Network
from hub.validation import check_decimal_digits
from tables import plan_rules, plan_selectors, progress, workflow
from tables import rules as table_rules
from tables.models import (
    Objective,
    ObjectiveAction,
    PianoFamily,
    ProgressUpdate,
    ProposalStatus,
    Status,
)
from tables.models.plan import INDICATOR_DIGITS, MAX_PERIOD_YEARS, YEAR_MAX, YEAR_MIN
from tables.services._common import NOT_LINKABLE, Conflict

# The models an objective's action may link as its proposal, by "app_label.model".
# The proposals that may become an objective's action: a table's, once approved.
LINKABLE_PROPOSALS: frozenset[str] = frozenset({"tables.proposal"})
LINKABLE_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.IN_PROGRESS, ProposalStatus.COMPLETED)


def _value_problems() -> dict[str, str]:
    return {
        "not_a_number": _("Il valore non è un numero."),
        "percentage_range": _(
            "L'indicatore è una percentuale: scrivi un valore tra 0 e 100 (per esempio 35,5)."
        ),
        "yes_no": _("L'indicatore è sì/no: scrivi 1 per «sì» o 0 per «no»."),
        "negative": _("L'indicatore è un numero: il valore non può essere negativo."),
    }


def indicator_value_error(kind: str, value: Decimal) -> str | None:
    """Why `value` cannot be recorded for an indicator of `kind`, in words; None if it can."""
    problem = progress.indicator_value_problem(kind, value)
    if problem is not None:
        return _value_problems()[problem]
    try:
        check_decimal_digits(value, **INDICATOR_DIGITS)
    except ValidationError as error:
        return error.messages[0]
    return None


def _require_editor(by, plan: PianoFamily | None = None) -> None:
    allowed = plan_rules.can_edit_plans(by) if plan is None else plan_rules.can_edit_plan(by, plan)
    if not allowed:
        raise PermissionDenied(_("Solo lo staff della rete può modificare i Piani Family."))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _full_clean(instance, exclude=()) -> None:
    """The model's own field checks (lengths, year bounds), after the service's."""
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


# --- Plans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanData:
    title: str
    start_year: int
    end_year: int
    network: Network | None = None
    municipality: Municipality | None = None
    first_review_on: date | None = None
    second_review_on: date | None = None
    description: str = ""


def _plan_errors(data: PlanData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (data.network is None) == (data.municipality is None):
        errors.setdefault("network", []).append(
            _("Un Piano Family è di una rete o di un Comune: scegli l'una o l'altro.")
        )
    if not data.title.strip():
        errors.setdefault("title", []).append(_("Scrivi il titolo del piano."))
    years_ok = all(YEAR_MIN <= year <= YEAR_MAX for year in (data.start_year, data.end_year))
    if not years_ok:
        errors.setdefault("start_year", []).append(
            _("Gli anni del piano sono tra il %(min)s e il %(max)s.")
            % {"min": YEAR_MIN, "max": YEAR_MAX}
        )
    elif not data.start_year <= data.end_year < data.start_year + MAX_PERIOD_YEARS:
        errors.setdefault("end_year", []).append(
            _(
                "Il piano è biennale: l'ultimo anno è il primo o quello dopo "
                "(per esempio 2022–2023)."
            )
        )
    if years_ok:
        first_day, last_day = date(data.start_year, 1, 1), date(data.end_year + 1, 12, 31)
        for name, review in (
            ("first_review_on", data.first_review_on),
            ("second_review_on", data.second_review_on),
        ):
            if review is not None and not first_day <= review <= last_day:
                errors.setdefault(name, []).append(
                    _("La verifica annuale cade tra il %(first)s e il %(last)s.")
                    % {"first": f"{first_day:%d/%m/%Y}", "last": f"{last_day:%d/%m/%Y}"}
                )
    if (
        data.first_review_on
        and data.second_review_on
        and data.second_review_on <= data.first_review_on
    ):
        errors.setdefault("second_review_on", []).append(
            _("La seconda verifica viene dopo la prima.")
        )
    return errors


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(base)[:100] or "piano-family"
    taken = set(
        PianoFamily.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _apply_plan(plan: PianoFamily, data: PlanData) -> None:
    plan.title = data.title.strip()
    plan.network = data.network
    plan.municipality = data.municipality
    plan.start_year = data.start_year
    plan.end_year = data.end_year
    plan.first_review_on = data.first_review_on
    plan.second_review_on = data.second_review_on
    plan.description = data.description.strip()


@transaction.atomic
def plan_create(*, by, data: PlanData) -> PianoFamily:
    _require_editor(by)
    _raise(_plan_errors(data))
    plan = PianoFamily()
    _apply_plan(plan, data)
    owner = data.network or data.municipality
    plan.slug = _unique_slug(f"{owner.slug}-{plan.period_label.replace('–', '-')}")
    _full_clean(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: PianoFamily, by, data: PlanData) -> PianoFamily:
    _require_editor(by, plan)
    errors = _plan_errors(data)
    owner_changed = (data.network, data.municipality) != (plan.network, plan.municipality)
    if owner_changed and plan.objectives.filter(municipalities__isnull=False).exists():
        errors.setdefault("network", []).append(
            _(
                "Alcuni obiettivi riguardano Comuni precisi: non si può cambiare la rete o "
                "il Comune del piano."
            )
        )
    _raise(errors)
    _apply_plan(plan, data)
    _full_clean(plan)
    plan.save()
    return plan


@transaction.atomic
def plan_publish(*, plan: PianoFamily, by) -> PianoFamily:
    _require_editor(by, plan)
    plan = PianoFamily.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        return plan
    if not plan.objectives.exists():
        raise ValidationError(_("Un piano senza obiettivi non si pubblica: aggiungine almeno uno."))
    plan.status = PianoFamily.PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    return plan


@transaction.atomic
def plan_unpublish(*, plan: PianoFamily, by) -> PianoFamily:
    _require_editor(by, plan)
    plan.status = PianoFamily.PlanStatus.DRAFT
    plan.published_at = None
    plan.save(update_fields=["status", "published_at", "updated_at"])
    return plan


# --- Objectives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveData:
    macro_area: MacroArea
    title: str
    indicator_name: str
    baseline: Decimal
    target: Decimal
    area: Area | None = None
    description: str = ""
    expected_results: str = ""
    indicator_unit: str = ""
    indicator_kind: str = Objective.IndicatorKind.NUMBER
    progress_method: str = Objective.ProgressMethod.INDICATOR
    responsible: str = ""
    responsible_association: object | None = None
    due_date: date | None = None
    weight: int = 1
    order: int | None = None  # None: after the macro-area's last objective
    municipalities: list[Municipality] = field(default_factory=list)


def _objective_errors(
    plan: PianoFamily, data: ObjectiveData, objective: Objective | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.area is not None and data.area.macro_area_id != data.macro_area.pk:
        errors.setdefault("area", []).append(
            _("L'area «%(area)s» è della macro-area %(its)s, non della %(chosen)s.")
            % {
                "area": data.area.name,
                "its": data.area.macro_area.code,
                "chosen": data.macro_area.code,
            }
        )
    if data.indicator_kind not in Objective.IndicatorKind.values:
        errors.setdefault("indicator_kind", []).append(_("Tipo di indicatore sconosciuto."))
    else:
        for name, value in (("baseline", data.baseline), ("target", data.target)):
            problem = indicator_value_error(data.indicator_kind, value)
            if problem:
                errors.setdefault(name, []).append(problem)
    if data.progress_method not in Objective.ProgressMethod.values:
        errors.setdefault("progress_method", []).append(_("Metodo di avanzamento sconosciuto."))
    if not 1 <= data.weight <= 100:
        errors.setdefault("weight", []).append(_("Il peso è un numero intero tra 1 e 100."))
    allowed = {m.pk for m in plan_selectors.plan_municipalities(plan)}
    outside = sorted(m.name for m in data.municipalities if m.pk not in allowed)
    if outside:
        errors.setdefault("municipalities", []).append(
            _("Questi Comuni non sono del piano: %(names)s.") % {"names": ", ".join(outside)}
        )
    if objective is not None and data.indicator_kind != objective.indicator_kind:
        wrong = [
            value
            for value in objective.updates.exclude(indicator_value__isnull=True).values_list(
                "indicator_value", flat=True
            )
            if progress.indicator_value_problem(data.indicator_kind, value)
        ]
        if wrong:
            errors.setdefault("indicator_kind", []).append(
                _(
                    "Gli aggiornamenti già registrati hanno valori che questo tipo di "
                    "indicatore non ammette (per esempio %(value)s)."
                )
                % {"value": wrong[0]}
            )
    return errors


_OBJECTIVE_FIELDS = [
    "macro_area",
    "area",
    "title",
    "description",
    "expected_results",
    "indicator_name",
    "indicator_unit",
    "indicator_kind",
    "baseline",
    "target",
    "progress_method",
    "responsible",
    "responsible_association",
    "due_date",
    "weight",
]


def _apply_objective(objective: Objective, data: ObjectiveData) -> None:
    for name in _OBJECTIVE_FIELDS:
        value = getattr(data, name)
        setattr(objective, name, value.strip() if isinstance(value, str) else value)


def _next_order(plan: PianoFamily, macro_area: MacroArea) -> int:
    last = Objective.objects.filter(plan=plan, macro_area=macro_area).aggregate(Max("order"))
    return (last["order__max"] or 0) + 1


@transaction.atomic
def objective_create(*, plan: PianoFamily, by, data: ObjectiveData) -> Objective:
    _require_editor(by, plan)
    _raise(_objective_errors(plan, data, None))
    objective = Objective(plan=plan)
    _apply_objective(objective, data)
    objective.order = data.order if data.order is not None else _next_order(plan, data.macro_area)
    _full_clean(objective)
    objective.save()
    objective.municipalities.set(data.municipalities)
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, by, data: ObjectiveData) -> Objective:
    plan = objective.plan
    _require_editor(by, plan)
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    _raise(_objective_errors(plan, data, objective))
    moved = data.macro_area.pk != objective.macro_area_id
    _apply_objective(objective, data)
    if data.order is not None:
        objective.order = data.order
    elif moved:
        objective.order = _next_order(plan, data.macro_area)
    _full_clean(objective, exclude=["plan"])
    objective.save()
    objective.municipalities.set(data.municipalities)
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective, by) -> None:
    _require_editor(by, objective.plan)
    objective.delete()


# --- Actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionData:
    title: str
    status: str = Status.NOT_STARTED
    weight: int = 1
    initiative: object | None = None  # an associations.InitiativePage
    order: int | None = None


def _action_errors(data: ActionData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip() and data.initiative is None:
        errors.setdefault("title", []).append(
            _("Descrivi l'azione o scegli l'iniziativa che la realizza.")
        )
    if data.status not in Status.values:
        errors.setdefault("status", []).append(_("Stato sconosciuto."))
    if not 1 <= data.weight <= 100:
        errors.setdefault("weight", []).append(_("Il peso è un numero intero tra 1 e 100."))
    if data.initiative is not None and not data.initiative.live:
        errors.setdefault("initiative", []).append(
            _("L'iniziativa non è pubblicata: si collegano solo iniziative pubbliche.")
        )
    return errors


def _apply_action(action: ObjectiveAction, data: ActionData) -> None:
    action.title = data.title.strip() or data.initiative.title
    action.status = data.status
    action.weight = data.weight
    action.initiative = data.initiative


def _next_action_order(objective: Objective) -> int:
    last = objective.actions.aggregate(Max("order"))["order__max"]
    return (last or 0) + 1


@transaction.atomic
def action_add(*, objective: Objective, by, data: ActionData) -> ObjectiveAction:
    _require_editor(by, objective.plan)
    _raise(_action_errors(data))
    action = ObjectiveAction(objective=objective)
    _apply_action(action, data)
    action.order = data.order if data.order is not None else _next_action_order(objective)
    _full_clean(action)
    action.save()
    return action


@transaction.atomic
def action_update(*, action: ObjectiveAction, by, data: ActionData) -> ObjectiveAction:
    _require_editor(by, action.objective.plan)
    _raise(_action_errors(data))
    _apply_action(action, data)
    if data.order is not None:
        action.order = data.order
    _full_clean(action, exclude=["objective"])
    action.save()
    return action


@transaction.atomic
def action_remove(*, action: ObjectiveAction, by) -> None:
    _require_editor(by, action.objective.plan)
    action.delete()


@transaction.atomic
def objective_link_proposal(
    *,
    objective: Objective,
    proposal,
    by,
    title: str = "",
    status: str | None = None,
    weight: int = 1,
) -> ObjectiveAction:
    """Link a table's approved proposal to the objective, as one of its actions.

    Only an approved proposal (or one in progress or completed) is linked; whoever links it
    edits the plan and sees the proposal. A private table's proposal is not named on the
    public plan: its action takes a neutral title unless one is given. The action's status
    is the proposal's (workflow.action_status) unless one is given, and from then on
    follows the proposal's (actions_follow_proposal).
    """
    _require_editor(by, objective.plan)
    if proposal._meta.label_lower not in LINKABLE_PROPOSALS:
        raise ValidationError(
            {"proposal": [_("Si collegano a un obiettivo solo le proposte dei tavoli.")]}
        )
    # Its row locked and read again: a status change that runs meanwhile waits, then moves
    # this action too (actions_follow_proposal); the checks see the status of now.
    proposal = (
        type(proposal).objects.select_for_update().select_related("table").get(pk=proposal.pk)
    )
    if not table_rules.can_view_proposal(by, proposal):
        raise PermissionDenied(_("Non puoi collegare questa proposta."))
    if proposal.status not in LINKABLE_STATUSES:
        raise Conflict(
            _(
                "Si collega a un obiettivo solo una proposta approvata, in corso o conclusa: "
                "questa è «%(status)s»."
            )
            % {"status": proposal.get_status_display()},
            code=NOT_LINKABLE,
        )
    if not title and not proposal.table.is_public:
        title = _("Proposta approvata dal tavolo")
    proposal_type = ContentType.objects.get_for_model(proposal)
    if objective.actions.filter(proposal_type=proposal_type, proposal_id=proposal.pk).exists():
        raise ValidationError({"proposal": [_("Questa proposta è già collegata all'obiettivo.")]})
    if status is None:
        status = workflow.action_status(proposal.status) or Status.NOT_STARTED
    data = ActionData(title=title or str(proposal), status=status, weight=weight)
    _raise(_action_errors(data))
    action = ObjectiveAction(
        objective=objective, proposal_type=proposal_type, proposal_id=proposal.pk
    )
    _apply_action(action, data)
    action.order = _next_action_order(objective)
    action.save()
    return action


@transaction.atomic(savepoint=False)
def actions_follow_proposal(*, proposal) -> int:
    """Give every action linked to `proposal` the status that follows from the proposal's
    (approved: not started; in progress; completed: achieved; withdrawn or rejected:
    dropped); returns how many changed. Called by the tables' services whenever a proposal
    changes status, in their transaction (one query)."""
    status = workflow.action_status(proposal.status)
    if status is None:
        return 0
    return (
        ObjectiveAction.objects.filter(
            proposal_type=ContentType.objects.get_for_model(proposal), proposal_id=proposal.pk
        )
        .exclude(status=status)
        .update(status=status)
    )


# --- Progress updates -------------------------------------------------------------------------


@transaction.atomic
def progress_update_record(
    *,
    objective: Objective,
    by,
    on: date,
    status: str,
    indicator_value: Decimal | None = None,
    note: str = "",
) -> ProgressUpdate:
    """Record where the objective stands on `on`, with the progress that follows from it.

    The objective is locked, so two updates recorded at once compute their progress one
    after the other. An update dated before others changes their recorded progress when
    the objective is measured by its indicator (their latest value may now be this one).
    """
    _require_editor(by, objective.plan)
    objective = Objective.objects.select_for_update().select_related("plan").get(pk=objective.pk)
    plan = objective.plan
    errors: dict[str, list[str]] = {}
    today = plan_selectors.today()
    first_day = date(plan.start_year, 1, 1)
    if on > today:
        errors.setdefault("date", []).append(
            _("La data dell'aggiornamento non può essere nel futuro.")
        )
    elif on < first_day:
        errors.setdefault("date", []).append(
            _("Il piano inizia il %(date)s: l'aggiornamento non può essere precedente.")
            % {"date": f"{first_day:%d/%m/%Y}"}
        )
    if status not in Status.values:
        errors.setdefault("status", []).append(_("Stato sconosciuto."))
    if indicator_value is not None:
        problem = indicator_value_error(objective.indicator_kind, indicator_value)
        if problem:
            errors.setdefault("indicator_value", []).append(problem)
    elif (
        objective.progress_method == Objective.ProgressMethod.INDICATOR
        and status == Status.ACHIEVED
    ) and not objective.updates.filter(indicator_value__isnull=False).exists():
        errors.setdefault("indicator_value", []).append(
            _("L'obiettivo si misura con l'indicatore «%(name)s»: scrivi il valore raggiunto.")
            % {"name": objective.indicator_name}
        )
    _raise(errors)
    update = ProgressUpdate(
        objective=objective,
        date=on,
        status=status,
        indicator_value=indicator_value,
        note=note.strip(),
        author=by,
    )
    _full_clean(update, exclude=["objective", "author", "progress"])
    update.save()
    update.progress = progress.objective_progress(plan_selectors.objective_state_on(objective, on))
    update.save(update_fields=["progress"])
    if objective.progress_method == Objective.ProgressMethod.INDICATOR:
        later = list(objective.updates.filter(date__gt=on))
        for other in later:
            other.progress = progress.objective_progress(
                plan_selectors.objective_state_on(objective, other.date)
            )
        ProgressUpdate.objects.bulk_update(later, ["progress"])
    return update


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate, by) -> None:
    objective = update.objective
    _require_editor(by, objective.plan)
    Objective.objects.select_for_update().filter(pk=objective.pk).first()
    update.delete()
    if objective.progress_method == Objective.ProgressMethod.INDICATOR:
        later = list(objective.updates.filter(date__gte=update.date))
        for other in later:
            other.progress = progress.objective_progress(
                plan_selectors.objective_state_on(objective, other.date)
            )
        ProgressUpdate.objects.bulk_update(later, ["progress"])
