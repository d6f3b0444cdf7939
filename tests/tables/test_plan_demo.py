"""The demo's Piano Family: the CIdiS plan 2022/23, published, with objectives in all five
macro-areas, actions linked to the mappatura's initiatives and dated progress updates."""

import pytest
from django.core.management import call_command

from hub.models import MacroArea
from tables.demo_plan import PLAN_SLUG
from tables.models import ObjectiveAction, PianoFamily, ProgressUpdate
from tables.plan_selectors import plan_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return PianoFamily.objects.select_related("network").get(slug=PLAN_SLUG)


def test_the_demo_plan_covers_the_five_macro_areas(seeded, client):
    assert seeded.is_published and seeded.network.slug == "cidis"
    assert (seeded.start_year, seeded.end_year) == (2022, 2023)
    codes = set(seeded.objectives.values_list("macro_area__code", flat=True))
    assert codes == set(MacroArea.objects.values_list("code", flat=True)) == set("ABCDE")
    assert ProgressUpdate.objects.filter(objective__plan=seeded).count() >= 15
    linked = ObjectiveAction.objects.filter(objective__plan=seeded, initiative__isnull=False)
    assert linked.count() >= 4
    report = plan_report(seeded)
    assert 0 < report.progress < 100
    assert all(bar.value is not None for bar in report.by_municipality)
    for route in ("", "cruscotto/", "relazione.csv", "relazione.pdf?anno=2022"):
        assert client.get(f"/piano-family/{seeded.slug}/{route}").status_code == 200


def test_seeding_twice_changes_nothing(seeded):
    counts = (ProgressUpdate.objects.count(), ObjectiveAction.objects.count())
    call_command("seed_demo", verbosity=0)
    assert PianoFamily.objects.count() == 1
    assert (ProgressUpdate.objects.count(), ObjectiveAction.objects.count()) == counts
