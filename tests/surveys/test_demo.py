"""The demo's questionnaire: «Genitorialità sostenibile» for CIdiS families with children 0–2,
with a few dozen anonymous answers whose results page shows charts and suppressed cells."""

import pytest
from django.core.management import call_command

from surveys.demo import GENERATED, SLUG
from surveys.models import Invitation, Response, Survey
from tests.hub.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Survey.objects.select_related("network").get(slug=SLUG)


def test_the_demo_questionnaire_is_sent_to_cidis_0_2_families_and_answered(seeded, client):
    assert seeded.network.slug == "cidis" and seeded.is_open()
    assert Response.objects.filter(survey=seeded).count() == GENERATED
    # Famiglia Ferrero (Orbassano, a child born in 2024) is the demo's 0–2 family while the
    # child is under 3; no family outside CIdiS is ever invited.
    invited = set(Invitation.objects.values_list("email", flat=True))
    assert invited <= {"famiglia.ferrero@example.org"}
    client.force_login(UserFactory(email="staff.demo@example.org", is_staff=True))
    body = client.get(f"/questionari/gestione/{SLUG}/risultati/").content.decode()
    assert 'class="hub-chart"' in body and "meno di 5" in body
    call_command("seed_demo", verbosity=0)
    assert Survey.objects.filter(slug=SLUG).count() == 1
    assert Response.objects.count() == GENERATED
