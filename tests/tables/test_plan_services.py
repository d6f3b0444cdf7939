"""tables.services.plan: plans, objectives, actions and progress updates are validated
before anything is written, with Italian messages on the fields, and a refusal leaves
nothing half-saved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import Area, MacroArea
from tables.models import Objective, ObjectiveAction, PianoFamily, ProgressUpdate, Status
from tables.services import plan as services
from tests.associations.factories import make_association, make_initiative
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory
from tests.tables.plan_factories import (
    make_network,
    make_objective,
    make_plan,
    record,
    staff_user,
)

pytestmark = pytest.mark.django_db

D = Decimal
PERCENTAGE = Objective.IndicatorKind.PERCENTAGE
YES_NO = Objective.IndicatorKind.YES_NO


def messages_of(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- Plans ------------------------------------------------------------------------------------


def plan_data(**overrides) -> services.PlanData:
    values = {"title": "Piano Family 2022/23", "start_year": 2022, "end_year": 2023}
    values.update(overrides)
    return services.PlanData(**values)


def test_a_plan_belongs_to_a_network_or_a_municipality_not_both():
    staff = staff_user()
    network = make_network()
    for data in (
        plan_data(),
        plan_data(network=network, municipality=network.municipalities.first()),
    ):
        with pytest.raises(ValidationError) as refused:
            services.plan_create(by=staff, data=data)
        assert "rete o di un Comune" in messages_of(refused.value, "network")
    assert not PianoFamily.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(2022, 2024, "end_year"), (2023, 2022, "end_year"), (1999, 2000, "start_year")],
    ids=["three-years", "backwards", "too-early"],
)
def test_a_plan_is_biennial(start, end, field):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            by=staff_user(), data=plan_data(network=make_network(), start_year=start, end_year=end)
        )
    assert field in refused.value.message_dict
    assert not PianoFamily.objects.exists()


def test_review_dates_fall_in_the_period_and_in_order():
    network = make_network()
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            by=staff_user(),
            data=plan_data(
                network=network,
                first_review_on=date(2021, 12, 1),
                second_review_on=date(2021, 11, 1),
            ),
        )
    assert "verifica annuale cade" in messages_of(refused.value, "first_review_on")
    assert "dopo la prima" in messages_of(refused.value, "second_review_on")


def test_plan_slugs_are_unique_and_readable():
    network = NetworkFactory(slug="cidis")
    first = make_plan(network=network)
    second = make_plan(network=network)
    assert first.slug == "cidis-2022-2023"
    assert second.slug == "cidis-2022-2023-2"
    single = make_plan(municipality=MunicipalityFactory(slug="bruino"), start_year=2024)
    assert single.slug == "bruino-2024-2025"
    assert single.owner.slug == "bruino"


def test_only_staff_write_plans():
    with pytest.raises(PermissionDenied):
        services.plan_create(by=UserFactory(), data=plan_data(network=make_network()))
    plan = make_plan()
    with pytest.raises(PermissionDenied):
        make_objective(plan, by=UserFactory())
    assert not plan.objectives.exists()


def test_a_plan_without_objectives_is_not_published():
    staff = staff_user()
    plan = make_plan(by=staff)
    with pytest.raises(ValidationError, match="senza obiettivi"):
        services.plan_publish(plan=plan, by=staff)
    make_objective(plan, by=staff)
    plan = services.plan_publish(plan=plan, by=staff)
    assert plan.is_published and plan.published_at is not None
    plan = services.plan_unpublish(plan=plan, by=staff)
    plan.refresh_from_db()
    assert not plan.is_published and plan.published_at is None


# --- Objectives -------------------------------------------------------------------------------


def test_an_objective_area_belongs_to_its_macro_area():
    plan = make_plan()
    with pytest.raises(ValidationError) as refused:
        # Comunicazione is an area of macro-area C, not of A.
        make_objective(plan, macro_area="A", area="comunicazione")
    assert "macro-area C, non della A" in messages_of(refused.value, "area")
    assert not plan.objectives.exists()
    objective = make_objective(plan, macro_area="C", area="comunicazione")
    assert objective.area == Area.objects.get(slug="comunicazione")


@pytest.mark.parametrize(
    ("kind", "baseline", "target", "field", "words"),
    [
        (PERCENTAGE, "0", "120", "target", "tra 0 e 100"),
        (PERCENTAGE, "-5", "50", "baseline", "tra 0 e 100"),
        (YES_NO, "0", "2", "target", "1 per «sì» o 0 per «no»"),
        (YES_NO, "0.5", "1", "baseline", "1 per «sì» o 0 per «no»"),
        ("number", "-1", "10", "baseline", "non può essere negativo"),
        ("number", "0", "12345678901", "target", "troppo grande"),
        ("number", "0", "1.234", "target", "cifre dopo la virgola"),
    ],
    ids=[
        "percentage-over-100",
        "percentage-negative",
        "yes-no-2",
        "yes-no-half",
        "number-negative",
        "number-too-big",
        "number-too-precise",
    ],
)
def test_baseline_and_target_fit_the_indicator_kind(kind, baseline, target, field, words):
    plan = make_plan()
    with pytest.raises(ValidationError) as refused:
        make_objective(plan, kind=kind, baseline=baseline, target=target)
    assert words in messages_of(refused.value, field)
    assert not plan.objectives.exists()


def test_objective_municipalities_are_the_plan_ones():
    plan = make_plan()
    inside = plan.network.municipalities.first()
    outside = MunicipalityFactory(name="Altrove")
    with pytest.raises(ValidationError) as refused:
        make_objective(plan, municipalities=[inside, outside])
    assert "Altrove" in messages_of(refused.value, "municipalities")
    assert not plan.objectives.exists()
    objective = make_objective(plan, municipalities=[inside])
    assert list(objective.municipalities.all()) == [inside]


def test_objectives_are_numbered_in_their_macro_area():
    plan = make_plan()
    first = make_objective(plan, macro_area="B")
    second = make_objective(plan, macro_area="B")
    other = make_objective(plan, macro_area="D")
    assert (first.order, second.order, other.order) == (1, 2, 1)


def test_changing_the_kind_keeps_recorded_values_valid():
    staff = staff_user()
    plan = make_plan(by=staff)
    objective = make_objective(plan, by=staff, baseline="0", target="200")
    record(objective, on=date(2022, 6, 1), status=Status.IN_PROGRESS, value="150", by=staff)
    data = services.ObjectiveData(
        macro_area=objective.macro_area,
        title=objective.title,
        indicator_name=objective.indicator_name,
        indicator_kind=PERCENTAGE,
        baseline=D(0),
        target=D(100),
    )
    with pytest.raises(ValidationError) as refused:
        services.objective_update(objective=objective, by=staff, data=data)
    assert "150" in messages_of(refused.value, "indicator_kind")
    objective.refresh_from_db()
    assert objective.indicator_kind == "number" and objective.target == D(200)


# --- Progress updates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        (PERCENTAGE, "150", "tra 0 e 100"),
        (PERCENTAGE, "-1", "tra 0 e 100"),
        (YES_NO, "2", "1 per «sì» o 0 per «no»"),
        (YES_NO, "0.5", "1 per «sì» o 0 per «no»"),
        ("number", "-3", "non può essere negativo"),
        ("number", "1.001", "cifre dopo la virgola"),
    ],
    ids=["pct-150", "pct-negative", "yes-no-2", "yes-no-half", "negative", "too-precise"],
)
def test_an_indicator_value_of_the_wrong_kind_is_refused(kind, value, words):
    plan = make_plan()
    target = "1" if kind == YES_NO else "100"
    objective = make_objective(plan, kind=kind, target=target)
    with pytest.raises(ValidationError) as refused:
        record(objective, on=date(2022, 5, 1), status=Status.IN_PROGRESS, value=value)
    assert words in messages_of(refused.value, "indicator_value")
    assert not ProgressUpdate.objects.exists()


def test_update_dates_lie_between_the_plan_start_and_today():
    plan = make_plan(start_year=2022)
    objective = make_objective(plan)
    for on, words in (
        (date.today() + timedelta(days=2), "nel futuro"),
        (date(2021, 12, 31), "non può essere precedente"),
    ):
        with pytest.raises(ValidationError) as refused:
            record(objective, on=on, status=Status.IN_PROGRESS, value="1")
        assert words in messages_of(refused.value, "date")
    assert not ProgressUpdate.objects.exists()


def test_achieved_needs_a_value_when_the_indicator_measures_it():
    objective = make_objective(make_plan())
    with pytest.raises(ValidationError) as refused:
        record(objective, on=date(2022, 5, 1), status=Status.ACHIEVED)
    assert "scrivi il valore" in messages_of(refused.value, "indicator_value")
    update = record(objective, on=date(2022, 5, 1), status=Status.IN_PROGRESS)
    assert update.indicator_value is None and update.progress == D(0)


def test_an_update_records_the_progress_at_its_date():
    objective = make_objective(make_plan(), baseline="0", target="8")
    first = record(objective, on=date(2022, 6, 30), status=Status.IN_PROGRESS, value="2")
    second = record(objective, on=date(2022, 12, 31), status=Status.IN_PROGRESS, value="6")
    status_only = record(objective, on=date(2023, 3, 1), status=Status.IN_PROGRESS)
    assert (first.progress, second.progress, status_only.progress) == (D(25), D(75), D(75))
    assert first.author is not None


def test_a_backdated_value_changes_the_progress_of_later_updates_without_a_value():
    objective = make_objective(make_plan(), baseline="0", target="10")
    record(objective, on=date(2022, 3, 1), status=Status.IN_PROGRESS, value="2")
    later = record(objective, on=date(2022, 9, 1), status=Status.IN_PROGRESS)
    assert later.progress == D(20)
    record(objective, on=date(2022, 6, 1), status=Status.IN_PROGRESS, value="5")
    later.refresh_from_db()
    assert later.progress == D(50)


def test_deleting_an_update_recomputes_the_later_ones():
    staff = staff_user()
    objective = make_objective(make_plan(by=staff), by=staff, baseline="0", target="10")
    record(objective, on=date(2022, 3, 1), status=Status.IN_PROGRESS, value="2", by=staff)
    middle = record(objective, on=date(2022, 6, 1), status=Status.IN_PROGRESS, value="5", by=staff)
    later = record(objective, on=date(2022, 9, 1), status=Status.IN_PROGRESS, by=staff)
    services.progress_update_delete(update=middle, by=staff)
    later.refresh_from_db()
    assert later.progress == D(20)


def test_actions_measure_an_objective_by_their_status_and_weight():
    staff = staff_user()
    objective = make_objective(
        make_plan(by=staff), by=staff, method=Objective.ProgressMethod.ACTIONS_WEIGHTED
    )
    for status, weight in ((Status.ACHIEVED, 3), (Status.NOT_STARTED, 1), (Status.DROPPED, 5)):
        services.action_add(
            objective=objective,
            by=staff,
            data=services.ActionData(title=f"Azione {status}", status=status, weight=weight),
        )
    update = record(objective, on=date(2022, 5, 1), status=Status.IN_PROGRESS, by=staff)
    assert update.progress == D(75)
    assert list(objective.actions.values_list("order", flat=True)) == [1, 2, 3]


def test_an_action_needs_words_or_an_initiative_and_links_only_published_ones():
    staff = staff_user()
    plan = make_plan(by=staff)
    objective = make_objective(plan, by=staff)
    municipality = plan.network.municipalities.first()
    association = make_association(network=plan.network, municipalities=[municipality])
    draft = make_initiative(
        association,
        title="In preparazione",
        area="governance",
        municipalities=[municipality],
        live=False,
    )
    live = make_initiative(
        association, title="Sport in piazza", area="ambiente-e-sport", municipalities=[municipality]
    )
    with pytest.raises(ValidationError) as refused:
        services.action_add(objective=objective, by=staff, data=services.ActionData(title=" "))
    assert "Descrivi l'azione" in messages_of(refused.value, "title")
    with pytest.raises(ValidationError) as refused:
        services.action_add(
            objective=objective, by=staff, data=services.ActionData(title="", initiative=draft)
        )
    assert "non è pubblicata" in messages_of(refused.value, "initiative")
    action = services.action_add(
        objective=objective, by=staff, data=services.ActionData(title="", initiative=live)
    )
    assert action.title == "Sport in piazza" and action.initiative_id == live.pk
    assert ObjectiveAction.objects.count() == 1


def test_only_table_proposals_link_to_an_objective():
    """Another model is refused; the real linking (approved proposals only) is tested in
    tests/tables/test_api.py."""
    staff = staff_user()
    objective = make_objective(make_plan(by=staff), by=staff)
    stand_in = MacroArea.objects.get(code="D")
    with pytest.raises(ValidationError, match="solo le proposte dei tavoli"):
        services.objective_link_proposal(objective=objective, proposal=stand_in, by=staff)
    assert objective.actions.count() == 0
