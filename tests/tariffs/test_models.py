"""Scales and tariff rules as data: clean() refuses what the calculator could not apply,
and the Wagtail admin (snippets) refuses it with the message, saving nothing."""

import json
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from tariffs.indicators import ISEE_SCALE
from tariffs.models import Scale, ScaleKind, TariffRule
from tests.hub.factories import MunicipalityFactory, NetworkFactory, UserFactory
from tests.tariffs.factories import canteen

pytestmark = pytest.mark.django_db


def test_a_scale_with_decreasing_base_is_refused():
    scale = Scale(
        name="Sbagliata",
        kind=ScaleKind.FATTORE_FAMIGLIA,
        valid_from=date(2026, 1, 1),
        coefficients={"base": ["1", "0.8"], "extra_member": "0.35"},
    )
    with pytest.raises(ValidationError) as error:
        scale.full_clean()
    assert error.value.message_dict == {
        "coefficients": ["«base»: ogni valore deve superare il precedente."]
    }


def test_a_scale_is_for_a_municipality_or_a_network_not_both():
    scale = Scale(
        name="Doppia",
        kind=ScaleKind.ISEE,
        valid_from=date(2026, 1, 1),
        municipality=MunicipalityFactory(),
        network=NetworkFactory(),
        coefficients=ISEE_SCALE.as_data(),
    )
    with pytest.raises(ValidationError) as error:
        scale.full_clean()
    assert list(error.value.message_dict) == ["network"]


def test_overlapping_bands_are_refused_by_the_rule():
    service = canteen(MunicipalityFactory())
    rule = TariffRule(
        service=service,
        valid_from=date(2026, 1, 1),
        method=TariffRule.Method.BANDS,
        bands=[{"from": "0", "to": "10", "price": "1"}, {"from": "5", "to": None, "price": "2"}],
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict == {"bands": ["Le fasce 1 e 2 si sovrappongono (da 5 a 10)."]}


def test_admin_refuses_a_rule_with_a_gap_and_saves_nothing(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    client.force_login(staff)
    service = canteen(MunicipalityFactory())
    assert client.get("/admin/snippets/tariffs/tariffrule/").status_code == 200
    assert client.get("/admin/snippets/tariffs/scale/add/").status_code == 200
    before = TariffRule.objects.count()
    response = client.post(
        "/admin/snippets/tariffs/tariffrule/add/",
        {
            "service": service.pk,
            "valid_from": "2026-09-01",
            "method": "bands",
            "bands": '[{"from": "0", "to": "5000", "price": "10"},'
            ' {"from": "6000", "to": null, "price": "20"}]',
        },
    )
    assert response.status_code == 400  # the hub answers invalid forms with 400
    assert "manca l&#x27;intervallo da 5000 a 6000" in response.content.decode()
    assert TariffRule.objects.count() == before


def _staff(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    client.force_login(staff)


def test_staff_preview_a_scale_before_saving_it(client):
    _staff(client)
    coefficients = ISEE_SCALE.as_data() | {"per_child": "0.25"}
    data = {
        "name": "Fattore Famiglia di prova",
        "kind": "ff",
        "valid_from": "2026-09-01",
        "coefficients": json.dumps(coefficients),
    }
    url = "/admin/snippets/tariffs/scale/preview/"
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()
    # 2 adults and a child of 8: ISEE 2,04; this scale 2,04 + 0,25 = 2,29
    assert "2,29" in html
    assert Scale.objects.count() == 0


def test_staff_preview_a_tariff_rule(client):
    _staff(client)
    service = canteen(MunicipalityFactory())
    url = "/admin/snippets/tariffs/tariffrule/preview/"
    data = {
        "service": service.pk,
        "valid_from": "2026-09-01",
        "method": "linear",
        "bands": "[]",
        "min_price": "100",
        "max_price": "500",
        "lower_threshold": "5000",
        "upper_threshold": "25000",
    }
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()
    assert "300,00" in html  # at 15.000 €
