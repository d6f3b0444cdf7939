"""The demo's tariffs: Lissone and Bruino compare canteen and nursery; loading is idempotent."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.demo import DEMO_ADMIN_EMAIL, load_demo_data
from hub.models import User
from tariffs import demo
from tariffs.models import Scale, Status, TariffRule

pytestmark = pytest.mark.django_db


def test_demo_tariffs_load_once_and_answer_for_both_networks(client):
    load_demo_data()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert demo.load(admin=admin) == {
        "tariff scales": 2,
        "tariff rules": 4,
        "draft tariff rules": 2,
    }
    assert demo.load(admin=admin) == {
        "tariff scales": 0,
        "tariff rules": 0,
        "draft tariff rules": 0,
    }
    assert Scale.objects.count() == 2
    assert TariffRule.objects.count() == 6
    for slug in ("lissone", "bruino"):
        response = client.post(
            "/api/v1/tariffs/calculate/",
            {
                "adults": 2,
                "children_ages": [2, 7],
                "all_parents_work": True,
                "ise": "24000",
                "municipality": slug,
                "services": ["canteen", "nursery"],
            },
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        services = response.json()["services"]
        assert [row["kind"] for row in services] == ["canteen", "nursery"]
        # The example Fattore Famiglia weighs the two children more: never a higher price.
        assert all(
            Decimal(row["fattore_famiglia"]["monthly"]) <= Decimal(row["isee"]["monthly"])
            for row in services
        )


def test_the_demo_drafts_simulate_with_the_sample_households(client):
    load_demo_data()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    demo.load(admin=admin)
    client.force_login(admin)
    sample = client.get("/tariffe/simulazione/esempio.csv").content
    for slug in ("lissone", "bruino"):
        current = TariffRule.objects.get(
            service__municipality__slug=slug, service__kind="canteen", status=Status.ACTIVE
        )
        draft = TariffRule.objects.get(service=current.service, status=Status.DRAFT)
        response = client.post(
            "/tariffe/simulazione/",
            {
                "current_rule": current.pk,
                "draft_rule": draft.pk,
                "scale_kind": "isee",
                "households": SimpleUploadedFile("famiglie.csv", sample, "text/csv"),
            },
        )
        assert response.status_code == 200
        total = response.context["summary"].total
        assert total.households > 250
        assert total.more and total.less
