"""The public calculator at /tariffe/: anonymous, side by side, nothing stored or logged."""

import logging
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.hub.factories import MunicipalityFactory
from tests.tariffs.factories import canteen, nursery

pytestmark = pytest.mark.django_db
URL = "/tariffe/"


@pytest.fixture
def lissone():
    municipality = MunicipalityFactory(name="Lissone", slug="lissone", province="MB")
    canteen(municipality)
    nursery(municipality)
    return municipality


def household(**overrides):
    data = {
        "adults": "2",
        "children_ages": "1, 6, 10",
        "disabled_members": "0",
        "all_parents_work": "on",
        "ise": "31415.92",
        "municipality": "lissone",
        "services": ["canteen", "nursery"],
    }
    data.update(overrides)
    return data


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_the_form_works_without_signing_in(client, lissone):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="lissone">Lissone</option>' in html
    assert 'for="id_children_ages"' in html


def test_a_family_sees_both_tariffs_the_differences_and_the_steps(client, lissone):
    response = client.post(URL, household())
    assert response.status_code == 200
    result = response.context["result"]
    # ISEE: 2,85 + 0,20 (three children) + 0,30 (under 3, working) = 3,35
    assert result.isee.value == Decimal("9377.89")
    # example Fattore Famiglia: 2,85 + 0,30 + 0,40 + 3 x 0,10 = 3,85
    assert result.fattore_famiglia.value == Decimal("8159.98")
    canteen_row, nursery_row = result.services
    assert (canteen_row.isee.price, canteen_row.fattore_famiglia.price) == (
        Decimal("45.00"),
        Decimal("45.00"),
    )
    # linear 100..500 between 6000 and 30000: 100 + 400 x (x - 6000) / 24000
    assert nursery_row.isee.price == Decimal("156.30")
    assert nursery_row.fattore_famiglia.price == Decimal("136.00")
    assert nursery_row.yearly_difference == Decimal("-223.30")  # 11 months
    html = response.content.decode()
    assert "Tariffa lineare" in html
    assert "Parametro di base per 5 componenti" in html
    assert "Scala ISEE (DPCM 159/2013)" in html
    assert "223,30" in html


@pytest.mark.parametrize(("ise", "status"), [("31415.92", 200), ("-31415.92", 400)])
def test_nothing_is_written_nor_logged(client, lissone, caplog, ise, status):
    client.get(URL)  # the CSRF cookie, as a browser would have it
    before = row_counts()
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, household(ise=ise))
    assert response.status_code == status
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert row_counts() == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "31415" not in logged
    assert "1, 6, 10" not in logged


def test_constant_queries(client, lissone, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.post(URL, household())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ise": "-10"}, "L&#x27;ISE o il reddito dichiarato non può essere negativo."),
        ({"adults": "0"}, "Il nucleo deve avere almeno un adulto."),
        ({"children_ages": "uno"}, "Scrivi le età in anni, separate da virgole"),
        ({"services": ["transport"]}, "Lissone non ha una tariffa in vigore per: trasporto"),
    ],
)
def test_bad_input_answers_400_with_the_message(client, lissone, overrides, message):
    response = client.post(URL, household(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["result"] is None


def test_unknown_municipality_is_refused(client, lissone):
    response = client.post(URL, household(municipality="atlantide"))
    assert response.status_code == 400
    assert response.context["form"].errors["municipality"]


def test_the_calculator_speaks_english(client, lissone):
    response = client.post(URL, household(ise="-5"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Work out your tariff" in html
    assert "The ISE or declared income cannot be negative." in html
    response = client.post(URL, household(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Base parameter for 5 members" in response.content.decode()
    assert "less a year in all" in response.content.decode()
