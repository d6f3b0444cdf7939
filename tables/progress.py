"""How far a Piano Family has come: progress of objectives and plans, on plain values.

Every progress is a Decimal percentage between 0 and 100 with two places, or None when
there is nothing to measure (an objective measured by its actions that has none, a plan
whose objectives were all dropped).

- By indicator: where the latest value stands on the way from the baseline to the target,
  in either direction (a waiting list that should fall from 40 to 10 families is 50 %
  done at 25), clamped to 0–100. A target equal to the baseline ("keep it where it is") is
  100 % while the value is there and 0 % otherwise.
- By actions: each action's status counts as a share of the work (not started 0 %, in
  progress 50 %, achieved 100 %); dropped actions are left out. The average is plain
  (every action counts once) or weighted by each action's weight.
- A plan (or an area, or a municipality): the objectives' progress weighted by the
  objectives' weights; dropped objectives and those without a measure are left out.

Statuses are the string values of the models' choices (tables.models.plan.Status).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)
PLACES = Decimal("0.01")

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
ACHIEVED = "achieved"
DROPPED = "dropped"

# The share of the work an action in each status stands for; dropped actions count for none.
STATUS_SHARE = {NOT_STARTED: ZERO, IN_PROGRESS: Decimal(50), ACHIEVED: HUNDRED}

# How an objective's progress is measured (tables.models.plan.Objective.ProgressMethod).
BY_INDICATOR = "indicator"
BY_ACTIONS_AVERAGE = "actions_average"
BY_ACTIONS_WEIGHTED = "actions_weighted"

# What an indicator measures (tables.models.plan.Objective.IndicatorKind).
NUMBER = "number"
PERCENTAGE = "percentage"
YES_NO = "yes_no"


def rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def clamp(value: Decimal) -> Decimal:
    return min(HUNDRED, max(ZERO, value))


def indicator_progress(*, baseline: Decimal, target: Decimal, value: Decimal | None) -> Decimal:
    """Percentage of the way from `baseline` to `target` that `value` has come (no value
    yet: the baseline, 0 %)."""
    if value is None:
        value = baseline
    if target == baseline:
        return rounded(HUNDRED if value == target else ZERO)
    return rounded(clamp((value - baseline) * HUNDRED / (target - baseline)))


@dataclass(frozen=True)
class Action:
    status: str
    weight: int = 1


def actions_progress(actions: Iterable[Action], *, weighted: bool) -> Decimal | None:
    """The average share of the actions' statuses; None without any action that counts."""
    return weighted_mean(
        (STATUS_SHARE[action.status], action.weight if weighted else 1)
        for action in actions
        if action.status != DROPPED
    )


def weighted_mean(pairs: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """Σ value·weight / Σ weight over pairs of positive weight; None when there are none."""
    total = ZERO
    weights = 0
    for value, weight in pairs:
        if weight <= 0:
            continue
        total += value * weight
        weights += weight
    if not weights:
        return None
    return rounded(total / weights)


@dataclass(frozen=True)
class ObjectiveState:
    """What an objective's progress depends on."""

    method: str
    baseline: Decimal
    target: Decimal
    value: Decimal | None = None
    actions: tuple[Action, ...] = field(default_factory=tuple)


def objective_progress(state: ObjectiveState) -> Decimal | None:
    if state.method == BY_INDICATOR:
        return indicator_progress(baseline=state.baseline, target=state.target, value=state.value)
    if state.method in (BY_ACTIONS_AVERAGE, BY_ACTIONS_WEIGHTED):
        return actions_progress(state.actions, weighted=state.method == BY_ACTIONS_WEIGHTED)
    raise ValueError(f"unknown progress method {state.method!r}")


@dataclass(frozen=True)
class Weighed:
    """An objective as a plan counts it: its progress, weight and status."""

    progress: Decimal | None
    weight: int = 1
    status: str = NOT_STARTED


def plan_progress(objectives: Iterable[Weighed]) -> Decimal | None:
    """The weighted mean of the objectives' progress, leaving out dropped objectives and
    those without a measure; None when no objective counts."""
    return weighted_mean(
        (item.progress, item.weight)
        for item in objectives
        if item.status != DROPPED and item.progress is not None
    )


# --- Indicator values -------------------------------------------------------------------------

YES_NO_VALUES = (ZERO, Decimal(1))


def indicator_value_problem(kind: str, value: Decimal) -> str | None:
    """Why `value` cannot be a value of an indicator of `kind` (a key of VALUE_PROBLEMS in
    the services, which word it for people), or None when it can."""
    if not value.is_finite():
        return "not_a_number"
    if kind == PERCENTAGE and not ZERO <= value <= HUNDRED:
        return "percentage_range"
    if kind == YES_NO and value not in YES_NO_VALUES:
        return "yes_no"
    if kind == NUMBER and value < ZERO:
        return "negative"
    return None
