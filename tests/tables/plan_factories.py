"""Factories for the Piano Family: plans, objectives, actions and updates, made through
the services (as staff would), with plain defaults a test overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from hub.models import Area, MacroArea, Municipality, Network, User
from tables.models import Objective, PianoFamily
from tables.services import plan as services
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory

_counter = count(1)


def staff_user(**kwargs) -> User:
    return UserFactory(is_staff=True, **kwargs)


def make_network(municipalities: int = 3) -> Network:
    network = NetworkFactory()
    network.municipalities.add(*MunicipalityFactory.create_batch(municipalities))
    return network


def make_plan(
    *,
    network: Network | None = None,
    municipality: Municipality | None = None,
    by: User | None = None,
    start_year: int = 2022,
    published: bool = False,
    title: str | None = None,
) -> PianoFamily:
    by = by or staff_user()
    if network is None and municipality is None:
        network = make_network()
    plan = services.plan_create(
        by=by,
        data=services.PlanData(
            title=title or f"Piano Family {next(_counter)}",
            network=network,
            municipality=municipality,
            start_year=start_year,
            end_year=start_year + 1,
        ),
    )
    if published:
        if not plan.objectives.exists():
            make_objective(plan, by=by)
        plan = services.plan_publish(plan=plan, by=by)
    return plan


def make_objective(
    plan: PianoFamily,
    *,
    by: User | None = None,
    macro_area: str = "A",
    area: str | None = None,
    kind: str = Objective.IndicatorKind.NUMBER,
    baseline: str = "0",
    target: str = "10",
    method: str = Objective.ProgressMethod.INDICATOR,
    weight: int = 1,
    municipalities=(),
    title: str | None = None,
    **extra,
) -> Objective:
    return services.objective_create(
        plan=plan,
        by=by or staff_user(),
        data=services.ObjectiveData(
            macro_area=MacroArea.objects.get(code=macro_area),
            area=Area.objects.get(slug=area) if area else None,
            title=title or f"Obiettivo {next(_counter)}",
            indicator_name="Famiglie raggiunte",
            indicator_unit="famiglie",
            indicator_kind=kind,
            baseline=Decimal(baseline),
            target=Decimal(target),
            progress_method=method,
            weight=weight,
            municipalities=list(municipalities),
            **extra,
        ),
    )


def record(objective: Objective, *, on: date, status: str, value=None, by=None, note=""):
    return services.progress_update_record(
        objective=objective,
        by=by or staff_user(),
        on=on,
        status=status,
        indicator_value=None if value is None else Decimal(value),
        note=note,
    )
